import type {RgbaImage, RgbImage} from '../image/raster.js';
import type {Ldi} from '../ldi/ldi.js';
import type {LayerTriangles} from './triangulate.js';

/**
 * Per-layer textures.
 *
 * Layer 0 is the photo itself at working resolution with UV = pixel centre / size, so the original view
 * is reproduced texel for texel. Every other layer gets an atlas of its own pixels only: charts are the
 * connected components of the layer's triangles (stitch corners borrowed from lower layers included,
 * so the seam samples the right colour), each cropped to its bounding box, surrounded by an apron and
 * packed by a shelf packer (charts sorted by height, shelves filled left to right). The apron is filled
 * by dilating chart colours outwards, so bilinear filtering and the first mip levels never fetch a
 * neighbour's colour. When the atlas would exceed `maxTextureSize`, charts are scaled down together
 * (nearest-pixel resampling) until it fits.
 *
 * Measured (bench/mesh.ts, moon.jpg at 1024 px through buildLdi, 3 inpainted layers): with whole
 * connected components as charts the atlases were 890×959 (165 charts), 1005×1069 (241) and 1243×1160
 * (3: the frame extension, a ring whose bounding box is the whole frame) with only 30%, 30% and 20% of
 * their texels holding a pixel; ldiToScene therefore first splits inpainted layers into 256-px tiles
 * (split-charts.ts): 880×923, 983×983 and 686×749, 35%, 34% and 55% in use. All textures of that scene
 * take 0.35–0.95 s wall on the loaded 2-core machine, most of it in the whole-atlas dilation. The
 * dilation's loops each in a function of their own (dilate itself compiled three times per build before):
 * moon's two inpainted layers baked in a fresh process, CPU median of 10 alternating, 54 → 45 ms.
 */

/** Options for {@link layerZeroTexture} and {@link bakeLayerTexture}. */
export interface TextureOptions {
	/** Largest width or height of any texture, texels; charts are scaled down to fit. */
	maxTextureSize: number;
	/** Round texture sizes up to powers of two (for engines that want them). */
	powerOfTwo: boolean;
	/**
	 * Round texture sizes up to a multiple of this many texels: 4 for KTX2 (Basis Universal codes 4 × 4
	 * blocks and KHR_texture_basisu requires it); 1 = any size.
	 */
	sizeMultiple: number;
	/** Texels of padding around every chart, filled by dilation (≥ 2 so bilinear + 1 mip level are safe). */
	apronPixels: number;
}

export const TEXTURE_DEFAULTS: TextureOptions = {
	maxTextureSize: 4096,
	powerOfTwo: false,
	sizeMultiple: 1,
	apronPixels: 4,
};

/** A texture and the UV (glTF convention, v = 0 at the top) of every vertex of the layer it was baked for. */
export interface BakedTexture {
	texture: RgbaImage;
	/** u, v per vertex of the triangulated layer. */
	uvs: Float32Array;
	/** Number of charts (1 for layer 0). */
	chartCount: number;
	/** Factor charts were scaled by to fit `maxTextureSize` (1 = full resolution). */
	scale: number;
}

/** `contentSize` texels rounded up as `powerOfTwo` and `sizeMultiple` ask. */
function textureSize(contentSize: number, powerOfTwo: boolean, sizeMultiple: number): number {
	let size = contentSize;
	if (powerOfTwo) {
		size = 1;
		while (size < contentSize) size *= 2;
	}
	return Math.ceil(size / sizeMultiple) * sizeMultiple;
}

/** Layer 0's texture before any mesh exists: it depends on the photo and the texture options only. */
export interface PhotoTexture {
	texture: RgbaImage;
	/** Factor the photo was scaled by to fit `maxTextureSize` (1 = full resolution). */
	scale: number;
	/**
	 * Texels the photo covers (the rest is padding): layer 0's UVs map the LDI's frame onto them, whatever
	 * the LDI's own size (a photo larger than `ldiMaxSizePixels` keeps its resolution here).
	 */
	contentWidth: number;
	contentHeight: number;
}

/**
 * The photo as layer 0's texture (alpha 255 on the photo, 0 in the padding), scaled down to fit
 * `maxTextureSize` and padded with replicated edges to a power of two when asked. It needs no LDI, so
 * the pipeline starts encoding it right after decoding, on sharp's threads, while this thread builds the
 * LDI (moon.jpg: ~210 ms of WebP encoding moved off the crowded mesh stage; whole build 2589 → 2539 ms,
 * median of 7, against starting it after triangulation: the LDI stages lose ~55 ms to it, the mesh
 * stages gain ~110).
 *
 * ```ts
 * const {texture} = photoTexture(photo.image, {powerOfTwo: true});
 * ```
 */
export function photoTexture(image: RgbImage, options: Partial<TextureOptions> = {}): PhotoTexture {
	const {maxTextureSize, powerOfTwo, sizeMultiple} = {...TEXTURE_DEFAULTS, ...options};
	const {width, height} = image;
	const scale = Math.min(1, maxTextureSize / Math.max(width, height));
	const contentWidth = Math.max(1, Math.round(width * scale));
	const contentHeight = Math.max(1, Math.round(height * scale));
	const textureWidth = textureSize(contentWidth, powerOfTwo, sizeMultiple);
	const textureHeight = textureSize(contentHeight, powerOfTwo, sizeMultiple);
	const rgb = image.data;
	const data = new Uint8Array(textureWidth * textureHeight * 4);
	for (let ty = 0; ty < textureHeight; ty++) {
		const y = Math.min(height - 1, Math.floor((Math.min(ty, contentHeight - 1) + 0.5) / scale));
		const alpha = ty < contentHeight ? 255 : 0;
		for (let tx = 0; tx < textureWidth; tx++) {
			const x = Math.min(width - 1, Math.floor((Math.min(tx, contentWidth - 1) + 0.5) / scale));
			const i = (y * width + x) * 3;
			const o = (ty * textureWidth + tx) * 4;
			data[o] = rgb[i];
			data[o + 1] = rgb[i + 1];
			data[o + 2] = rgb[i + 2];
			data[o + 3] = tx < contentWidth ? alpha : 0;
		}
	}
	return {texture: {width: textureWidth, height: textureHeight, data}, scale, contentWidth, contentHeight};
}

/**
 * Layer 0's texture (the photo: layer 0 of an LDI is its first width × height pixels, laid out as
 * ldiFromImage made them) and UVs for `layer`'s vertices. `photo` is the texture
 * {@link photoTexture} already made of the same photo with the same options, when there is one.
 *
 * ```ts
 * const {texture, uvs} = layerZeroTexture(ldi, triangles[0]);
 * ```
 */
export function layerZeroTexture(
	ldi: Ldi,
	layer: LayerTriangles,
	options: Partial<TextureOptions> = {},
	photo: PhotoTexture = layerZeroPhotoTexture(ldi, options),
): BakedTexture {
	return {texture: photo.texture, uvs: layerZeroUvs(ldi, layer.vertexPixels, photo), chartCount: 1, scale: photo.scale};
}

/** {@link photoTexture} of an LDI's layer 0 (its first width × height pixels, as ldiFromImage made them). */
export function layerZeroPhotoTexture(ldi: Ldi, options: Partial<TextureOptions> = {}): PhotoTexture {
	return photoTexture({width: ldi.width, height: ldi.height, data: ldi.color.subarray(0, ldi.width * ldi.height * 3)}, options);
}

/**
 * Layer 0's UVs (u, v per vertex) of the LDI pixels `vertexPixels` in `photo`'s texture. ldiToScene asks
 * only for the vertices simplification kept (moon.jpg: tens of thousands instead of the 1.05 M lattice
 * vertices).
 */
export function layerZeroUvs(ldi: Ldi, vertexPixels: Int32Array, photo: PhotoTexture): Float32Array {
	const [uScale, vScale] = layerZeroUvScale(ldi.width, ldi.height, photo);
	const uvs = new Float32Array(vertexPixels.length * 2);
	for (let v = 0; v < vertexPixels.length; v++) {
		const p = vertexPixels[v];
		uvs[v * 2] = (ldi.x[p] + 0.5) * uScale;
		uvs[v * 2 + 1] = (ldi.y[p] + 0.5) * vScale;
	}
	return uvs;
}

/**
 * Factors from the pixel coordinates of a `width` × `height` LDI to layer 0's UVs: the centre of pixel
 * (x, y) is at ((x + 0.5) · u, (y + 0.5) · v) in `photo`'s texture.
 */
export function layerZeroUvScale(width: number, height: number, photo: PhotoTexture): [number, number] {
	return [photo.contentWidth / photo.texture.width / width, photo.contentHeight / photo.texture.height / height];
}

/** The root of `v` in the union-find forest `parent`, halving paths on the way. */
function findRoot(parent: Int32Array, v: number): number {
	let root = v;
	while (parent[root] !== root) {
		parent[root] = parent[parent[root]];
		root = parent[root];
	}
	return root;
}

/** Joins the three corners of every triangle in the union-find forest `parent`. */
function uniteTriangleCorners(parent: Int32Array, indices: Uint32Array): void {
	for (let i = 0; i < indices.length; i += 3) {
		const a = findRoot(parent, indices[i]);
		parent[findRoot(parent, indices[i + 1])] = a;
		parent[findRoot(parent, indices[i + 2])] = a;
	}
}

/**
 * Connected components of a triangle list over its vertices (union-find), as a chart id per vertex.
 * One function per loop (see planar-quadtree.ts).
 */
function chartOfVertex(vertexCount: number, indices: Uint32Array): {chart: Int32Array; chartCount: number} {
	const parent = new Int32Array(vertexCount);
	for (let v = 0; v < vertexCount; v++) parent[v] = v;
	uniteTriangleCorners(parent, indices);
	return labelRoots(parent);
}

/** A chart id per vertex of the union-find forest `parent`, numbered in order of first vertex. */
function labelRoots(parent: Int32Array): {chart: Int32Array; chartCount: number} {
	const vertexCount = parent.length;
	const chart = new Int32Array(vertexCount).fill(-1);
	let chartCount = 0;
	const idOfRoot = new Int32Array(vertexCount).fill(-1);
	for (let v = 0; v < vertexCount; v++) {
		const root = findRoot(parent, v);
		if (idOfRoot[root] < 0) idOfRoot[root] = chartCount++;
		chart[v] = idOfRoot[root];
	}
	return {chart, chartCount};
}

/** Shelf packing of rectangles; returns x, y per rectangle and the atlas size. */
function shelfPack(
	rectWidths: Int32Array, rectHeights: Int32Array,
): {x: Int32Array; y: Int32Array; width: number; height: number} {
	const n = rectWidths.length;
	const order = Array.from({length: n}, (_, i) => i).sort((a, b) => rectHeights[b] - rectHeights[a] || rectWidths[b] - rectWidths[a]);
	let area = 0;
	let widest = 0;
	for (let i = 0; i < n; i++) {
		area += rectWidths[i] * rectHeights[i];
		widest = Math.max(widest, rectWidths[i]);
	}
	const shelfWidth = Math.max(widest, Math.ceil(Math.sqrt(area) * 1.1));
	const x = new Int32Array(n);
	const y = new Int32Array(n);
	let cursorX = 0;
	let shelfY = 0;
	let shelfHeight = 0;
	let usedWidth = 0;
	for (const i of order) {
		if (cursorX + rectWidths[i] > shelfWidth) {
			shelfY += shelfHeight;
			cursorX = 0;
			shelfHeight = 0;
		}
		x[i] = cursorX;
		y[i] = shelfY;
		cursorX += rectWidths[i];
		shelfHeight = Math.max(shelfHeight, rectHeights[i]);
		usedWidth = Math.max(usedWidth, cursorX);
	}
	return {x, y, width: Math.max(1, usedWidth), height: Math.max(1, shelfY + shelfHeight)};
}

/**
 * Fills texels with alpha 0 by averaging their already-filled 4-neighbours, `iterations` times, so
 * charts grow an apron of their own colours. Alpha stays 0 on the apron. Each step visits only the
 * texels next to what the previous one filled (one full scan to start): the same texels as scanning the
 * whole atlas at every step, as this did before (9 steps over three atlases of up to 983×983 texels on
 * moon.jpg; all textures of that scene 103 → 85 ms CPU, best of 7).
 */
function dilate(texture: RgbaImage, iterations: number): void {
	const {width, height, data} = texture;
	const texels = width * height;
	const filled = filledTexels(data, texels);
	// The texels of the current step: unfilled with a filled 4-neighbour, each once (`queued`).
	// One function per loop (see planar-quadtree.ts); the arrays swapped through a variable (a
	// destructuring swap reads the array iterator's properties). With the first loop in here, this was
	// compiled three times per build (moon, ~27 ms of compile time).
	let current = new Int32Array(texels);
	let next = new Int32Array(texels);
	const queued = new Uint8Array(texels);
	let currentLength = firstFrontier(filled, width, height, queued, current);
	for (let iteration = 0; iteration < iterations && currentLength > 0; iteration++) {
		averageFilledNeighbours(data, filled, width, current, currentLength);
		// Filled only now, so every texel of this step averaged the texels filled before it.
		markFilled(filled, current, currentLength);
		const nextLength = nextFrontier(filled, width, queued, current, currentLength, next);
		const done = current;
		current = next;
		next = done;
		currentLength = nextLength;
	}
}

function markFilled(filled: Uint8Array, texels: Int32Array, count: number): void {
	for (let f = 0; f < count; f++) filled[texels[f]] = 1;
}

/** 1 per texel with a colour (alpha not 0). */
function filledTexels(data: Uint8Array, texels: number): Uint8Array {
	const filled = new Uint8Array(texels);
	for (let i = 0; i < texels; i++) filled[i] = data[i * 4 + 3] === 0 ? 0 : 1;
	return filled;
}

/** Writes the unfilled texels with a filled 4-neighbour to `frontier`, marks them `queued`, returns their count. */
function firstFrontier(filled: Uint8Array, width: number, height: number, queued: Uint8Array, frontier: Int32Array): number {
	let length = 0;
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const i = y * width + x;
			if (filled[i]) continue;
			if ((x > 0 && filled[i - 1]) || (x + 1 < width && filled[i + 1]) || (y > 0 && filled[i - width]) || (y + 1 < height && filled[i + width])) {
				queued[i] = 1;
				frontier[length++] = i;
			}
		}
	}
	return length;
}

/** Sets each frontier texel's colour to the mean of its filled 4-neighbours. */
function averageFilledNeighbours(data: Uint8Array, filled: Uint8Array, width: number, frontier: Int32Array, frontierLength: number): void {
	const texels = filled.length;
	for (let f = 0; f < frontierLength; f++) {
		const i = frontier[f];
		const x = i % width;
		let r = 0;
		let g = 0;
		let b = 0;
		let n = 0;
		if (x > 0 && filled[i - 1]) { r += data[i * 4 - 4]; g += data[i * 4 - 3]; b += data[i * 4 - 2]; n++; }
		if (x + 1 < width && filled[i + 1]) { r += data[i * 4 + 4]; g += data[i * 4 + 5]; b += data[i * 4 + 6]; n++; }
		if (i >= width && filled[i - width]) {
			const o = (i - width) * 4;
			r += data[o]; g += data[o + 1]; b += data[o + 2]; n++;
		}
		if (i + width < texels && filled[i + width]) {
			const o = (i + width) * 4;
			r += data[o]; g += data[o + 1]; b += data[o + 2]; n++;
		}
		data[i * 4] = Math.round(r / n);
		data[i * 4 + 1] = Math.round(g / n);
		data[i * 4 + 2] = Math.round(b / n);
	}
}

/** Writes the unfilled, unqueued 4-neighbours of the frontier to `next`, marks them `queued`, returns their count. */
function nextFrontier(filled: Uint8Array, width: number, queued: Uint8Array, frontier: Int32Array, frontierLength: number, next: Int32Array): number {
	const texels = filled.length;
	let nextLength = 0;
	for (let f = 0; f < frontierLength; f++) {
		const i = frontier[f];
		const x = i % width;
		for (let k = 0; k < 4; k++) {
			const j = k === 0 ? (x > 0 ? i - 1 : -1) : k === 1 ? (x + 1 < width ? i + 1 : -1) : k === 2 ? i - width : i + width;
			if (j < 0 || j >= texels || filled[j] || queued[j]) continue;
			queued[j] = 1;
			next[nextLength++] = j;
		}
	}
	return nextLength;
}

/** Bounding box of each chart's pixels (one function per loop: see planar-quadtree.ts). */
function chartBounds(ldi: Ldi, vertexPixels: Int32Array, chart: Int32Array, chartCount: number): {minX: Int32Array; minY: Int32Array; maxX: Int32Array; maxY: Int32Array} {
	const minX = new Int32Array(chartCount).fill(2 ** 30);
	const minY = new Int32Array(chartCount).fill(2 ** 30);
	const maxX = new Int32Array(chartCount).fill(-(2 ** 30));
	const maxY = new Int32Array(chartCount).fill(-(2 ** 30));
	for (let v = 0; v < vertexPixels.length; v++) {
		const c = chart[v];
		const p = vertexPixels[v];
		minX[c] = Math.min(minX[c], ldi.x[p]);
		minY[c] = Math.min(minY[c], ldi.y[p]);
		maxX[c] = Math.max(maxX[c], ldi.x[p]);
		maxY[c] = Math.max(maxY[c], ldi.y[p]);
	}
	return {minX, minY, maxX, maxY};
}

/**
 * UVs of every vertex in the packed atlas (chart c's box placed at packX[c], packY[c] plus the apron),
 * and each vertex's colour written to the texel under it with alpha 255.
 */
function placeVertexTexels(
	ldi: Ldi, vertexPixels: Int32Array, chart: Int32Array, minX: Int32Array, minY: Int32Array, packX: Int32Array, packY: Int32Array,
	apronPixels: number, scale: number, texture: RgbaImage,
): Float32Array {
	const {width: atlasWidth, height: atlasHeight, data} = texture;
	const uvs = new Float32Array(vertexPixels.length * 2);
	for (let v = 0; v < vertexPixels.length; v++) {
		const c = chart[v];
		const p = vertexPixels[v];
		const localX = (ldi.x[p] - minX[c] + 0.5) * scale;
		const localY = (ldi.y[p] - minY[c] + 0.5) * scale;
		const u = packX[c] + apronPixels + localX;
		const w = packY[c] + apronPixels + localY;
		uvs[v * 2] = u / atlasWidth;
		uvs[v * 2 + 1] = w / atlasHeight;
		const o = (Math.floor(w) * atlasWidth + Math.floor(u)) * 4;
		data[o] = ldi.color[p * 3];
		data[o + 1] = ldi.color[p * 3 + 1];
		data[o + 2] = ldi.color[p * 3 + 2];
		data[o + 3] = 255;
	}
	return uvs;
}

/**
 * An atlas holding only `layer`'s pixels (charts cropped, packed, with a dilated apron) and UVs for its
 * vertices. For inpainted layers; layer 0 uses {@link layerZeroTexture}.
 *
 * ```ts
 * const {texture, uvs, chartCount} = bakeLayerTexture(ldi, triangles[1], {powerOfTwo: true});
 * ```
 */
export function bakeLayerTexture(ldi: Ldi, layer: LayerTriangles, options: Partial<TextureOptions> = {}): BakedTexture {
	const {apronPixels} = {...TEXTURE_DEFAULTS, ...options};
	const {vertexPixels, indices} = layer;
	const vertexCount = vertexPixels.length;
	const {chart, chartCount} = chartOfVertex(vertexCount, indices);
	const {minX, minY, maxX, maxY} = chartBounds(ldi, vertexPixels, chart, chartCount);
	const boxWidths = new Int32Array(chartCount);
	const boxHeights = new Int32Array(chartCount);
	for (let c = 0; c < chartCount; c++) {
		boxWidths[c] = maxX[c] - minX[c] + 1;
		boxHeights[c] = maxY[c] - minY[c] + 1;
	}
	const packing = packCharts(boxWidths, boxHeights, options);
	const texture = {width: packing.atlasWidth, height: packing.atlasHeight, data: new Uint8Array(packing.atlasWidth * packing.atlasHeight * 4)};
	const uvs = placeVertexTexels(ldi, vertexPixels, chart, minX, minY, packing.x, packing.y, apronPixels, packing.scale, texture);
	fillAprons(texture, apronPixels, packing.scale);
	return {texture, uvs, chartCount, scale: packing.scale};
}

/** Where {@link packCharts} put each chart, the atlas size, and the factor all charts were scaled by. */
export interface ChartPacking {
	/** Top-left texel of each chart's packed rectangle (its apron included). */
	x: Int32Array;
	y: Int32Array;
	atlasWidth: number;
	atlasHeight: number;
	/** 1 at full resolution; less when the atlas had to shrink to fit `maxTextureSize`. */
	scale: number;
}

/**
 * Packs chart boxes of the given sizes (pixels, apron not included) into one atlas: every box scaled
 * by one factor (1 unless the atlas would exceed `maxTextureSize`), surrounded by the apron, packed by
 * the shelf packer, the atlas rounded up to powers of two when asked. A chart pixel (x, y) of box c
 * lies at texel (x[c] + apron + (x + 0.5) · scale, y[c] + apron + (y + 0.5) · scale).
 *
 * ```ts
 * const packing = packCharts(Int32Array.of(300, 40), Int32Array.of(64, 512), {apronPixels: 4});
 * ```
 */
export function packCharts(boxWidths: Int32Array, boxHeights: Int32Array, options: Partial<TextureOptions> = {}): ChartPacking {
	const {maxTextureSize, powerOfTwo, sizeMultiple, apronPixels} = {...TEXTURE_DEFAULTS, ...options};
	const chartCount = boxWidths.length;
	const rectWidths = new Int32Array(chartCount);
	const rectHeights = new Int32Array(chartCount);
	let scale = 1;
	for (;;) {
		for (let c = 0; c < chartCount; c++) {
			rectWidths[c] = Math.ceil(boxWidths[c] * scale) + 2 * apronPixels;
			rectHeights[c] = Math.ceil(boxHeights[c] * scale) + 2 * apronPixels;
		}
		const packing = shelfPack(rectWidths, rectHeights);
		const atlasWidth = textureSize(packing.width, powerOfTwo, sizeMultiple);
		const atlasHeight = textureSize(packing.height, powerOfTwo, sizeMultiple);
		if (Math.max(atlasWidth, atlasHeight) <= maxTextureSize || scale < 1e-3) return {x: packing.x, y: packing.y, atlasWidth, atlasHeight, scale};
		scale *= Math.min(0.95, maxTextureSize / Math.max(atlasWidth, atlasHeight));
	}
}

/**
 * Grows every chart of `texture` (texels with alpha 255; all others alpha 0) into its apron with its own
 * colours, so bilinear filtering and the first mip levels never fetch a neighbour's colour.
 */
function fillAprons(texture: RgbaImage, apronPixels: number, scale: number): void {
	// 4-neighbour growth covers the square apron corners after 2·apron steps.
	dilate(texture, 2 * apronPixels + Math.ceil(1 / scale));
}
