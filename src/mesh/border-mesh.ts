import type {RgbaImage} from '../image/raster.js';
import {type Ldi, NO_LINK, latticeWidth, pixelAt, pixelsPerLayer} from '../ldi/ldi.js';
import type {DepthRange, LayerMesh} from '../scene/scene.js';
import {type UnprojectCamera, unprojectPixels} from './simplify.js';
import {packCharts, TEXTURE_DEFAULTS, type TextureOptions} from './texture.js';

/**
 * The frame-border layer (ldi/border.ts) meshed straight from its layout instead of through the
 * lattice triangulation, tiling, planar pre-merge and meshoptimizer the inpainted layers go through.
 *
 * Every lattice position outside the photo holds exactly one border pixel, whose disparity is that of
 * the nearest photo pixel: along each frame row (left and right strips) or column (top and bottom) the
 * disparity is constant from the photo's outermost pixel out to the lattice's edge, and each corner
 * block is flat at its corner pixel's disparity. A row at one disparity unprojects to a straight segment
 * at one depth, and two such segments are parallel, so the strip between two neighbouring rows is one
 * planar quad: two triangles per frame pixel give the lattice geometry exactly (no simplification
 * error), and a corner block is one quad. The quads start at the photo's outermost pixels, which layer 0
 * keeps as locked boundary vertices, so the seam has no T-junction. Where a depth edge reaches the
 * frame, the lattice mesh left half a cell open at the seam (layer 0's link along the frame is cut
 * there); the quad closes it with the strip's own stretch.
 *
 * Texture: each strip is cut into pieces of at most `pieceLengthPixels` rows (or columns), each piece a
 * chart of its pixels plus the photo's outermost pixel on each row; pieces share their end row, whose
 * vertices are duplicated with each piece's UVs. Charts are packed like the other layers' (texture.ts).
 *
 * Measured (1024-px photos with their depth maps, 64-px border; whole `ldi-gltf build` processes,
 * fresh, alternating with the lattice path, median of 7 for moon, 5 for the others):
 *   moon.jpg (278,528 border pixels): lattice path 556,542 triangles, pre-merged to 29,660, simplified
 *     to 11,043, a 620×749 atlas of 16 charts; this path 8,192 exact triangles, a 601×630 atlas of 20
 *     charts. Stages: triangulate 199 → 169 ms, simplify 411 → 388, textures 145 → 133; wall 2403 → 2363.
 *   depthy_hut: border 9,689 → 6,416 triangles; wall 2605 → 2578 ms. depthy_shelf: 1817 → 1755 ms.
 * The triangle budget (simplify.ts) starts from the pre-merged total, which no longer counts the
 * border's ~80 k pre-merged triangles, so layer 0 keeps more of its detail where the budget binds:
 * depthy_hut 120,031 → 127,019 triangles in all, depthy_shelf 145,530 → 149,468; moon 117,610 → 114,759.
 * The checks of isFrameBorderLayer and the texture cost ~20 ms on moon; the rectangles' aprons are
 * written with the charts (clamped), not dilated: the atlas dilation took ~30 ms of it.
 * The border's lattice triangles are still found by triangulateLdi (they count in the splats' eighth
 * turns, so the splats see the frame exactly as before) but not scattered, tiled or simplified.
 */

/** Options for {@link meshBorderLayer}. */
export interface BorderMeshOptions extends TextureOptions {
	/** Longest run of frame rows (or columns) one texture chart covers, so the atlas packs tightly. */
	pieceLengthPixels: number;
}

export const BORDER_MESH_DEFAULTS: BorderMeshOptions = {...TEXTURE_DEFAULTS, pieceLengthPixels: 256};

/** The border layer's mesh and how its texture was made. */
export interface BorderMesh {
	mesh: LayerMesh;
	/** Texture charts (strip pieces and corners). */
	chartCount: number;
	/** Factor the charts were scaled by to fit `maxTextureSize` (1 = full resolution). */
	scale: number;
}

/**
 * A piece of the border: the inclusive lattice rectangle its chart holds, and the lines across the
 * strip at which its vertices sit (rows `first`, `first + step`, … `last` when `alongY`, else columns),
 * each line with a vertex at both ends.
 */
interface Piece {
	x0: number;
	y0: number;
	x1: number;
	y1: number;
	alongY: boolean;
	first: number;
	last: number;
	step: number;
}

/**
 * Layer `layerIndex` of `ldi` as the frame border it must be (see the header), meshed and textured; or
 * undefined when the layer is not laid out that way (then it goes through the lattice path).
 *
 * ```ts
 * const border = meshBorderLayer(ldi, stats.borderLayerIndex, {width: ldi.width, height: ldi.height, fovYRadians}, range);
 * if (border) console.log(border.mesh.indices.length / 3, 'triangles in', border.chartCount, 'charts');
 * ```
 */
export function meshBorderLayer(
	ldi: Ldi, layerIndex: number, camera: UnprojectCamera, depthRange: DepthRange, options: Partial<BorderMeshOptions> = {},
): BorderMesh | undefined {
	if (!isFrameBorderLayer(ldi, layerIndex)) return undefined;
	const settings = {...BORDER_MESH_DEFAULTS, ...options};
	const pieces = borderPieces(ldi.width, ldi.height, ldi.border, Math.max(1, Math.floor(settings.pieceLengthPixels)));
	const boxWidths = Int32Array.from(pieces, (piece) => piece.x1 - piece.x0 + 1);
	const boxHeights = Int32Array.from(pieces, (piece) => piece.y1 - piece.y0 + 1);
	const packing = packCharts(boxWidths, boxHeights, settings);
	const texture: RgbaImage = {width: packing.atlasWidth, height: packing.atlasHeight, data: new Uint8Array(packing.atlasWidth * packing.atlasHeight * 4)};

	let vertexCount = 0;
	let triangleCount = 0;
	for (const piece of pieces) {
		const lines = Math.floor((piece.last - piece.first) / piece.step) + 1;
		vertexCount += 2 * lines;
		triangleCount += 2 * (lines - 1);
	}
	const vertexPixels = new Int32Array(vertexCount);
	const uvs = new Float32Array(vertexCount * 2);
	const indices = new Uint32Array(triangleCount * 3);
	let vertex = 0;
	let index = 0;
	for (let c = 0; c < pieces.length; c++) {
		const piece = pieces[c];
		const left = packing.x[c] + settings.apronPixels;
		const top = packing.y[c] + settings.apronPixels;
		copyChartTexels(ldi, piece, left, top, settings.apronPixels, packing.scale, texture);
		const chart = {left, top, scale: packing.scale, atlasWidth: packing.atlasWidth, atlasHeight: packing.atlasHeight};
		for (let line = piece.first; line <= piece.last; line += piece.step) {
			if (line > piece.first) {
				// The quad between the previous line's ends (a, b) and this line's (vertex, vertex + 1), split
				// like a lattice cell: a is its top-left corner; a row piece's b is top-right and vertex
				// bottom-left, a column piece's the other way round.
				const a = vertex - 2;
				const b = vertex - 1;
				const topRight = piece.alongY ? b : vertex;
				const bottomLeft = piece.alongY ? vertex : b;
				indices[index++] = a;
				indices[index++] = bottomLeft;
				indices[index++] = topRight;
				indices[index++] = vertex + 1;
				indices[index++] = topRight;
				indices[index++] = bottomLeft;
			}
			// The line's two ends, top-left one first (a row's left end, a column's top end).
			if (piece.alongY) {
				addVertex(ldi, piece, chart, piece.x0, line, vertex++, vertexPixels, uvs);
				addVertex(ldi, piece, chart, piece.x1, line, vertex++, vertexPixels, uvs);
			} else {
				addVertex(ldi, piece, chart, line, piece.y0, vertex++, vertexPixels, uvs);
				addVertex(ldi, piece, chart, line, piece.y1, vertex++, vertexPixels, uvs);
			}
		}
	}
	const positions = unprojectPixels(ldi, vertexPixels, camera, depthRange);
	return {mesh: {layerIndex, positions, uvs, indices, texture}, chartCount: pieces.length, scale: packing.scale};
}

/**
 * Whether layer `layerIndex` is exactly the frame border buildLdi makes: one pixel of that layer at every
 * lattice position outside the photo and none elsewhere, each with the disparity of the nearest photo
 * pixel. Expects layer 0 as ldiFromImage lays it out (pixel index = y · width + x).
 */
export function isFrameBorderLayer(ldi: Ldi, layerIndex: number): boolean {
	const {width, height, border} = ldi;
	if (border <= 0 || layerIndex <= 0) return false;
	const outsidePixels = (width + 2 * border) * (height + 2 * border) - width * height;
	if ((pixelsPerLayer(ldi)[layerIndex] ?? 0) !== outsidePixels) return false;
	const rowLength = latticeWidth(ldi);
	for (let y = -border; y < height + border; y++) {
		// Lattice position of (0, y), and the photo pixel (0, y) clamped into the photo.
		const position = (y + border) * rowLength + border;
		const nearest = Math.min(height - 1, Math.max(0, y)) * width;
		const inPhotoRows = y >= 0 && y < height;
		if (!runMatches(ldi, layerIndex, position - border, border, nearest, 0)) return false;
		if (!inPhotoRows && !runMatches(ldi, layerIndex, position, width, nearest, 1)) return false;
		if (!runMatches(ldi, layerIndex, position + width, border, nearest + width - 1, 0)) return false;
	}
	return true;
}

/**
 * Whether the `length` lattice positions from `position` on each hold exactly one pixel, of layer
 * `layerIndex`, with the disparity of photo pixel `nearest + i · nearestStep`.
 */
function runMatches(ldi: Ldi, layerIndex: number, position: number, length: number, nearest: number, nearestStep: number): boolean {
	for (let i = 0; i < length; i++) {
		const p = ldi.firstAtPosition[position + i];
		if (p === NO_LINK || ldi.layerIndex[p] !== layerIndex || ldi.nextAtPosition[p] !== NO_LINK) return false;
		if (ldi.disparity[p] !== ldi.disparity[nearest + i * nearestStep]) return false;
	}
	return true;
}

/** Where a chart lies in the atlas: its box's top-left texel (apron excluded) and the atlas scale and size. */
interface ChartPlace {
	left: number;
	top: number;
	scale: number;
	atlasWidth: number;
	atlasHeight: number;
}

/** Writes vertex `vertex` at lattice (x, y) of `piece`: its LDI pixel and its UV in the chart at `place`. */
function addVertex(ldi: Ldi, piece: Piece, place: ChartPlace, x: number, y: number, vertex: number, vertexPixels: Int32Array, uvs: Float32Array): void {
	vertexPixels[vertex] = pixelAt(ldi, x, y);
	uvs[vertex * 2] = (place.left + (x - piece.x0 + 0.5) * place.scale) / place.atlasWidth;
	uvs[vertex * 2 + 1] = (place.top + (y - piece.y0 + 0.5) * place.scale) / place.atlasHeight;
}

/**
 * The four strips, cut into pieces of at most `pieceLength` lines, and the four corner blocks. A strip
 * runs along the photo's outermost row or column and reaches `border` pixels out.
 */
function borderPieces(width: number, height: number, border: number, pieceLength: number): Piece[] {
	const pieces: Piece[] = [];
	const right = width - 1;
	const bottom = height - 1;
	for (let first = 0; first < bottom; first += pieceLength) {
		const last = Math.min(first + pieceLength, bottom);
		pieces.push({x0: -border, y0: first, x1: 0, y1: last, alongY: true, first, last, step: 1});
		pieces.push({x0: right, y0: first, x1: right + border, y1: last, alongY: true, first, last, step: 1});
	}
	for (let first = 0; first < right; first += pieceLength) {
		const last = Math.min(first + pieceLength, right);
		pieces.push({x0: first, y0: -border, x1: last, y1: 0, alongY: false, first, last, step: 1});
		pieces.push({x0: first, y0: bottom, x1: last, y1: bottom + border, alongY: false, first, last, step: 1});
	}
	for (const [x0, y0] of [[-border, -border], [right, -border], [-border, bottom], [right, bottom]]) {
		pieces.push({x0, y0, x1: x0 + border, y1: y0 + border, alongY: true, first: y0, last: y0 + border, step: border});
	}
	return pieces;
}

/**
 * Writes the colours of `piece`'s lattice rectangle, scaled by `scale`, with alpha 255 at texel
 * (left, top) on, and its apron around it: each apron texel the colour of the nearest chart texel, alpha 0
 * (what texture.ts's dilation gives a rectangle, without its passes over the atlas).
 */
function copyChartTexels(ldi: Ldi, piece: Piece, left: number, top: number, apronPixels: number, scale: number, texture: RgbaImage): void {
	const boxWidth = piece.x1 - piece.x0 + 1;
	const boxHeight = piece.y1 - piece.y0 + 1;
	const texelsWide = Math.ceil(boxWidth * scale);
	const texelsHigh = Math.ceil(boxHeight * scale);
	const {width: atlasWidth, data} = texture;
	for (let ty = -apronPixels; ty < texelsHigh + apronPixels; ty++) {
		const chartY = Math.min(texelsHigh - 1, Math.max(0, ty));
		const y = piece.y0 + Math.min(boxHeight - 1, Math.floor((chartY + 0.5) / scale));
		for (let tx = -apronPixels; tx < texelsWide + apronPixels; tx++) {
			const chartX = Math.min(texelsWide - 1, Math.max(0, tx));
			const p = pixelAt(ldi, piece.x0 + Math.min(boxWidth - 1, Math.floor((chartX + 0.5) / scale)), y);
			const o = ((top + ty) * atlasWidth + left + tx) * 4;
			data[o] = ldi.color[p * 3];
			data[o + 1] = ldi.color[p * 3 + 1];
			data[o + 2] = ldi.color[p * 3 + 2];
			data[o + 3] = chartX === tx && chartY === ty ? 255 : 0;
		}
	}
}
