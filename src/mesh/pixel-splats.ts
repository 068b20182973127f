import {LINK_DOWN, LINK_LEFT, LINK_RIGHT, LINK_UP, NO_LINK, type Ldi} from '../ldi/ldi.js';
import {focalLengthPixels, type DepthRange, type LayerMesh} from '../scene/scene.js';

/**
 * Pixel-sized quads ("splats") for the photo pixels on the boundary of the whole triangulated surface.
 *
 * Vertices sit at pixel centres, so a photo pixel on a silhouette or at the frame is only a corner or an
 * edge point of its triangles, and a GPU's fill rule draws such a pixel centre in roughly half the cases.
 * Where no other surface lies behind it, the pixel stays empty: on moon.jpg at 1024 px, three.js showed
 * 141 empty pixels from the photo's own camera and 97–146 after a 2.5 %-parallax sideways move. A quad
 * covering the pixel's own square at its own depth, textured with its own colour, closes them without
 * changing any pixel centre of the original view (it reaches only to the pixel's border).
 *
 * A sideways move keeps every image row (a vertex at a pixel centre stays on its row at any depth), so a
 * horizontal boundary edge still runs exactly through a row of pixel centres once the move has stretched
 * it, and the fill rule (with 16-bit positions, also their rounding) drops them on one side of the
 * surface. Three.js (SwiftShader), moon.jpg at 1024 px, 2.5 %-parallax move left / right, empty pixels
 * of 1,048,576, mapped back to the LDI:
 *   before: 23 / 67 — stretched edges between two photo pixels 12 / 5, between a photo pixel and an
 *           inpainted one 10 / 12, between inpainted pixels that continue a photo pixel above or below
 *           0 / 5, cuts of the right border strip 0 / 42 (see border.ts), real gaps 1 / 3;
 *   after:  1 / 3, the real gaps, which the software renderer shows too (see reattach-strips.ts and
 *           merge.ts for those). The bundled sample: 6 / 6 (a hidden layer's edge on the top photo
 *           row) → 0 / 0.
 * Hence splats that reach along such edges (to the midpoint with the neighbour's splat, or to an
 * inpainted neighbour's vertex), and splats for the inpainted pixels that a move shows: beside a photo
 * pixel of their surface, or on the top or bottom photo row. Cost on moon: 111.5 k → 117.5 k triangles,
 * 1.60 → 1.65 MB (2,980 more splats); own-view PSNR unchanged (35.88 dB).
 */

/** Options for {@link unionBoundaryPixels}. */
export interface UnionBoundaryOptions {
	/**
	 * An inpainted pixel on the boundary gets a splat too when the photo pixel above or below it, not
	 * linked to it, is within this disparity of it (normalized): it continues that visible surface, so
	 * its boundary edge opens in the view as soon as the camera moves. 0: photo pixels only.
	 */
	seamDisparity: number;
	/**
	 * An inpainted pixel on the top or bottom photo row with nothing beyond it (the border strip
	 * continues the photo only) gets a splat too, coloured like the nearest photo pixel of that row
	 * within `seamDisparity` of it, searched this far each way (else like the photo pixel in front).
	 */
	frameSearchPixels: number;
}

export const UNION_BOUNDARY_DEFAULTS: UnionBoundaryOptions = {seamDisparity: 0.04, frameSearchPixels: 64};

/**
 * Pixels whose triangles, over all layers, do not close a full turn around them (the boundary of the
 * union of all layer meshes: silhouettes with nothing linked behind, the frame): every such photo pixel,
 * and the inpainted ones that a sideways move shows (see {@link UnionBoundaryOptions}). `eighthTurns`
 * is each pixel's sum over all layers, as triangulateLdi's `eighthTurnsByPixel` receives it.
 *
 * ```ts
 * const eighthTurnsByPixel = new Uint8Array(ldi.count);
 * const layers = triangulateLdi(ldi, {eighthTurnsByPixel});
 * const splatPixels = unionBoundaryPixels(ldi, eighthTurnsByPixel);
 * ```
 */
export function unionBoundaryPixels(ldi: Ldi, eighthTurns: Uint8Array, options: Partial<UnionBoundaryOptions> = {}): Int32Array {
	const settings = {...UNION_BOUNDARY_DEFAULTS, ...options};
	const boundary: number[] = [];
	const photoPixels = ldi.width * ldi.height;
	for (let p = 0; p < photoPixels; p++) if (eighthTurns[p] < 8) boundary.push(p);
	if (settings.seamDisparity > 0) {
		for (let p = photoPixels; p < ldi.count; p++) if (eighthTurns[p] < 8 && splatColourPixel(ldi, p, settings) !== NO_LINK) boundary.push(p);
	}
	return Int32Array.from(boundary);
}

/**
 * The photo pixel whose colour the splat of inpainted pixel `p` takes (layer 0's texture is the photo),
 * or NO_LINK when p needs no splat: the photo pixel above or below p, not linked to it, closest to p's
 * disparity within `seamDisparity` (p continues its surface); else, on the top or bottom photo row with
 * no link out of the frame, the nearest photo pixel of the row within `seamDisparity` (the same hidden
 * surface where it shows), or the one in front of p. Expects layer 0 as ldiFromImage lays it out.
 */
function splatColourPixel(ldi: Ldi, p: number, {seamDisparity, frameSearchPixels}: UnionBoundaryOptions): number {
	const {width, height, disparity, links} = ldi;
	const x = ldi.x[p];
	const y = ldi.y[p];
	if (x < 0 || x >= width || y < 0 || y >= height) return NO_LINK;
	let best = NO_LINK;
	let bestDifference = seamDisparity;
	for (const direction of [LINK_UP, LINK_DOWN]) {
		if (links[p * 4 + direction] !== NO_LINK) continue;
		const qy = y + (direction === LINK_UP ? -1 : 1);
		if (qy < 0 || qy >= height) continue;
		const q = qy * width + x;
		const difference = Math.abs(disparity[q] - disparity[p]);
		if (difference <= bestDifference) {
			bestDifference = difference;
			best = q;
		}
	}
	if (best !== NO_LINK) return best;
	const outOfFrame = (y === 0 && links[p * 4 + LINK_UP] === NO_LINK) || (y === height - 1 && links[p * 4 + LINK_DOWN] === NO_LINK);
	if (!outOfFrame) return NO_LINK;
	for (let step = 1; step <= frameSearchPixels; step++) {
		for (const qx of [x - step, x + step]) {
			if (qx < 0 || qx >= width) continue;
			const q = y * width + qx;
			if (Math.abs(disparity[q] - disparity[p]) <= seamDisparity) return q;
		}
	}
	return y * width + x;
}

/**
 * `layer` (layer 0, already simplified and unprojected) with one splat quad per pixel of `pixels`
 * appended: two counter-clockwise triangles, UVs all at the centre of the photo pixel whose colour it
 * shows (its own; for an inpainted pixel, the one {@link unionBoundaryPixels} chose it for, with the same
 * `boundaryOptions`; `uvScale` maps pixel coordinates to the layer's texture), rows from the pixel's top
 * to its bottom border. Sideways, a splat
 * reaches the pixel's own borders, except towards a horizontally linked neighbour that has a splat too
 * (there, to the midpoint in space of the two pixels' vertices, where the neighbour's splat starts) or
 * that belongs to an inpainted layer (there, to that pixel's vertex): the edge between such pixels is a
 * boundary edge of the surface, stretched when the camera moves sideways, and its row of pixel centres
 * lies exactly on it (a horizontal move keeps every row), so a GPU's fill rule drops them on one side of
 * the surface. Splats that reach along it put those centres half a pixel inside. In the photo's own view
 * a splat still covers no pixel centre but its own (the midpoint projects strictly between the two).
 */
export function appendPixelSplats(
	layer: LayerMesh, ldi: Ldi, pixels: Int32Array, camera: {width: number; height: number; fovYRadians: number},
	depthRange: DepthRange, uvScale: readonly [number, number], boundaryOptions: Partial<UnionBoundaryOptions> = {},
): LayerMesh {
	const base = layer.positions.length / 3;
	const count = pixels.length;
	const positions = new Float32Array(layer.positions.length + count * 12);
	positions.set(layer.positions);
	const uvs = new Float32Array(layer.uvs.length + count * 8);
	uvs.set(layer.uvs);
	const indices = new Uint32Array(layer.indices.length + count * 6);
	indices.set(layer.indices);
	const f = focalLengthPixels(camera.height, camera.fovYRadians);
	const cx = camera.width / 2;
	const cy = camera.height / 2;
	const inverseNear = 1 / depthRange.nearMeters;
	const inverseFar = 1 / depthRange.farMeters;
	const depthOf = (p: number): number => {
		const d = ldi.disparity[p];
		return 1 / (d * inverseNear + (1 - d) * inverseFar);
	};
	const colourOptions = {...UNION_BOUNDARY_DEFAULTS, ...boundaryOptions};
	const splatted = new Uint8Array(ldi.count);
	for (let i = 0; i < count; i++) splatted[pixels[i]] = 1;
	// One side of a splat: X and depth of its column (left to right in the image).
	const side = {x: 0, z: 0};
	const setSide = (p: number, direction: typeof LINK_LEFT | typeof LINK_RIGHT): void => {
		const zp = depthOf(p);
		const q = ldi.links[p * 4 + direction];
		const reaches = q !== NO_LINK && (splatted[q] === 1 || ldi.layerIndex[q] > 0);
		if (!reaches) {
			side.x = (ldi.x[p] + (direction === LINK_RIGHT ? 1 : 0) - cx) / f * zp;
			side.z = zp;
			return;
		}
		const zq = depthOf(q);
		const xq = (ldi.x[q] + 0.5 - cx) / f * zq;
		if (splatted[q] === 0) {
			side.x = xq;
			side.z = zq;
			return;
		}
		// The same expression, left pixel first, in both splats: their shared corners are bit-identical.
		const xp = (ldi.x[p] + 0.5 - cx) / f * zp;
		const [xLeft, zLeft, xRight, zRight] = direction === LINK_RIGHT ? [xp, zp, xq, zq] : [xq, zq, xp, zp];
		side.x = (xLeft + xRight) / 2;
		side.z = (zLeft + zRight) / 2;
	};
	for (let i = 0; i < count; i++) {
		const p = pixels[i];
		const y = ldi.y[p];
		const colour = ldi.layerIndex[p] === 0 ? p : splatColourPixel(ldi, p, colourOptions);
		const source = colour === NO_LINK ? y * ldi.width + ldi.x[p] : colour;
		const u = (ldi.x[source] + 0.5) * uvScale[0];
		const v = (ldi.y[source] + 0.5) * uvScale[1];
		const vertex = base + i * 4;
		// Corners top-left, top-right, bottom-right, bottom-left in the image (y down).
		for (let corner = 0; corner < 4; corner++) {
			setSide(p, corner === 1 || corner === 2 ? LINK_RIGHT : LINK_LEFT);
			const py = y + (corner >= 2 ? 1 : 0);
			const o = (vertex + corner) * 3;
			positions[o] = side.x;
			positions[o + 1] = -(py - cy) / f * side.z;
			positions[o + 2] = -side.z;
			uvs[(vertex + corner) * 2] = u;
			uvs[(vertex + corner) * 2 + 1] = v;
		}
		// Image y runs down and camera Y up: top-left → bottom-left → bottom-right is counter-clockwise seen from the camera.
		indices.set([vertex, vertex + 3, vertex + 2, vertex, vertex + 2, vertex + 1], layer.indices.length + i * 6);
	}
	return {...layer, positions, uvs, indices};
}
