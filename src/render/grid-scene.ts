import type {RgbImage} from '../image/raster.js';
import {focalLengthPixels, type Scene} from '../scene/scene.js';

/**
 * A one-layer scene whose mesh is the full-resolution pixel grid of a depth map: one vertex per pixel
 * centre, two triangles per 2×2 block, the photo as texture. It is the renderer's reference scene for
 * tests and benchmarks and a quick preview without the LDI engine; with a finite `maxDepthRatio` the
 * blocks spanning a depth step are dropped instead of stretched into a rubber sheet.
 */

/** Options for {@link gridScene}. */
export interface GridSceneOptions {
	/** Vertical field of view of the photo, radians. */
	fovYRadians: number;
	/**
	 * Drop the triangles whose farthest and nearest vertices differ in depth by more than this factor;
	 * Infinity keeps every triangle.
	 */
	maxDepthRatio: number;
}

export const GRID_SCENE_DEFAULTS: GridSceneOptions = {fovYRadians: (53 * Math.PI) / 180, maxDepthRatio: Number.POSITIVE_INFINITY};

/**
 * Builds the grid scene of `image` with per-pixel depth `depthMeters` (positive, metres, row-major).
 *
 * ```ts
 * const scene = gridScene(photo, depthMeters, {fovYRadians: photo.fovYRadians});
 * const {image} = renderScene(scene, photoCamera(scene));
 * ```
 */
export function gridScene(image: RgbImage, depthMeters: Float32Array, options: Partial<GridSceneOptions> = {}): Scene {
	const {fovYRadians, maxDepthRatio} = {...GRID_SCENE_DEFAULTS, ...options};
	const {width, height} = image;
	const count = width * height;
	if (depthMeters.length !== count) throw new Error(`gridScene: depth has ${depthMeters.length} values for ${count} pixels`);
	const focal = focalLengthPixels(height, fovYRadians);
	const positions = new Float32Array(count * 3);
	const uvs = new Float32Array(count * 2);
	let nearest = Number.POSITIVE_INFINITY;
	let farthest = 0;
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const i = y * width + x;
			const z = depthMeters[i];
			if (!(z > 0) || !Number.isFinite(z)) throw new Error(`gridScene: depth at (${x}, ${y}) is ${z}, not a positive distance`);
			nearest = Math.min(nearest, z);
			farthest = Math.max(farthest, z);
			positions[i * 3] = ((x + 0.5 - width / 2) / focal) * z;
			positions[i * 3 + 1] = (-(y + 0.5 - height / 2) / focal) * z;
			positions[i * 3 + 2] = -z;
			uvs[i * 2] = (x + 0.5) / width;
			uvs[i * 2 + 1] = (y + 0.5) / height;
		}
	}
	const indices = new Uint32Array(Math.max(0, (width - 1) * (height - 1) * 6));
	let n = 0;
	for (let y = 0; y + 1 < height; y++) {
		for (let x = 0; x + 1 < width; x++) {
			const topLeft = y * width + x;
			const topRight = topLeft + 1;
			const bottomLeft = topLeft + width;
			const bottomRight = bottomLeft + 1;
			// Counter-clockwise seen from the camera (+Y up on screen means top-left → bottom-left → bottom-right).
			if (withinRatio(depthMeters, topLeft, bottomLeft, bottomRight, maxDepthRatio)) {
				indices[n++] = topLeft; indices[n++] = bottomLeft; indices[n++] = bottomRight;
			}
			if (withinRatio(depthMeters, topLeft, bottomRight, topRight, maxDepthRatio)) {
				indices[n++] = topLeft; indices[n++] = bottomRight; indices[n++] = topRight;
			}
		}
	}
	const texture = {width, height, data: new Uint8Array(count * 4)};
	for (let i = 0; i < count; i++) {
		texture.data[i * 4] = image.data[i * 3];
		texture.data[i * 4 + 1] = image.data[i * 3 + 1];
		texture.data[i * 4 + 2] = image.data[i * 3 + 2];
		texture.data[i * 4 + 3] = 255;
	}
	return {
		camera: {width, height, fovYRadians, znearMeters: nearest * 0.5, zfarMeters: farthest * 2},
		depthRange: {nearMeters: nearest, farMeters: farthest},
		layers: [{layerIndex: 0, positions, uvs, indices: indices.slice(0, n), texture}],
	};
}

function withinRatio(depth: Float32Array, a: number, b: number, c: number, maxRatio: number): boolean {
	if (maxRatio === Number.POSITIVE_INFINITY) return true;
	const near = Math.min(depth[a], depth[b], depth[c]);
	const far = Math.max(depth[a], depth[b], depth[c]);
	return far <= near * maxRatio;
}
