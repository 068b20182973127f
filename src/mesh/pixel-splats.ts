import type {Ldi} from '../ldi/ldi.js';
import {focalLengthPixels, type DepthRange, type LayerMesh} from '../scene/scene.js';
import {addCornerEighthTurns, type LayerTriangles} from './triangulate.js';

/**
 * Pixel-sized quads ("splats") for the photo pixels on the boundary of the whole triangulated surface.
 *
 * Vertices sit at pixel centres, so a photo pixel on a silhouette or at the frame is only a corner or an
 * edge point of its triangles, and a GPU's fill rule draws such a pixel centre in roughly half the cases.
 * Where no other surface lies behind it, the pixel stays empty: on moon.jpg at 1024 px, three.js showed
 * 141 empty pixels from the photo's own camera and 97–146 after a 2.5 %-parallax sideways move. A quad
 * covering the pixel's own square at its own depth, textured with its own colour, closes them without
 * changing any pixel centre of the original view (it reaches only to the pixel's border).
 */

/**
 * Layer-0 photo pixels whose triangles, over all layers, do not close a full turn around them: the
 * boundary of the union of all layer meshes (silhouettes with nothing linked behind, the frame).
 */
export function unionBoundaryPixels(ldi: Ldi, layers: readonly LayerTriangles[]): Int32Array {
	const eighthTurns = new Uint8Array(ldi.count);
	for (const layer of layers) addCornerEighthTurns(layer, eighthTurns, true);
	const boundary: number[] = [];
	const photoPixels = ldi.width * ldi.height;
	for (let p = 0; p < photoPixels; p++) if (eighthTurns[p] < 8) boundary.push(p);
	return Int32Array.from(boundary);
}

/**
 * `layer` (layer 0, already simplified and unprojected) with one splat quad per pixel of `pixels`
 * appended: corners at the pixel's corners and depth, UVs all at the pixel's centre (`uvScale` maps pixel
 * coordinates to the layer's texture), two counter-clockwise triangles.
 */
export function appendPixelSplats(
	layer: LayerMesh, ldi: Ldi, pixels: Int32Array, camera: {width: number; height: number; fovYRadians: number},
	depthRange: DepthRange, uvScale: readonly [number, number],
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
	for (let i = 0; i < count; i++) {
		const p = pixels[i];
		const x = ldi.x[p];
		const y = ldi.y[p];
		const d = ldi.disparity[p];
		const z = 1 / (d * inverseNear + (1 - d) * inverseFar);
		const u = (x + 0.5) * uvScale[0];
		const v = (y + 0.5) * uvScale[1];
		const vertex = base + i * 4;
		// Corners top-left, top-right, bottom-right, bottom-left in the image (y down).
		for (let corner = 0; corner < 4; corner++) {
			const px = x + (corner === 1 || corner === 2 ? 1 : 0);
			const py = y + (corner >= 2 ? 1 : 0);
			const o = (vertex + corner) * 3;
			positions[o] = (px - cx) / f * z;
			positions[o + 1] = -(py - cy) / f * z;
			positions[o + 2] = -z;
			uvs[(vertex + corner) * 2] = u;
			uvs[(vertex + corner) * 2 + 1] = v;
		}
		// Image y runs down and camera Y up: top-left → bottom-left → bottom-right is counter-clockwise seen from the camera.
		indices.set([vertex, vertex + 3, vertex + 2, vertex, vertex + 2, vertex + 1], layer.indices.length + i * 6);
	}
	return {...layer, positions, uvs, indices};
}
