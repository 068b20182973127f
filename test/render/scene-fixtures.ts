import type {RgbImage} from '../../src/image/raster.js';
import {focalLengthPixels, type LayerMesh, type Scene} from '../../src/scene/scene.js';

/** Test scenes built by hand: triangles placed by their screen position and depth in the photo's camera. */

export const FOV_Y = Math.PI / 3;

/** Scene-space point that projects to screen (sx, sy) (pixel units, y down) at depth z in a W×H photo camera. */
export function unproject(sx: number, sy: number, z: number, width: number, height: number, fovYRadians = FOV_Y): [number, number, number] {
	const f = focalLengthPixels(height, fovYRadians);
	return [((sx - width / 2) / f) * z, (-(sy - height / 2) / f) * z, -z];
}

/** A layer of triangles given as screen-space vertices [sx, sy, z, u, v] with a solid-colour 2×2 texture. */
export function screenLayer(
	vertices: readonly (readonly [number, number, number, number, number])[],
	indices: readonly number[],
	width: number,
	height: number,
	color: readonly [number, number, number] = [255, 255, 255],
	layerIndex = 0,
): LayerMesh {
	const positions = new Float32Array(vertices.length * 3);
	const uvs = new Float32Array(vertices.length * 2);
	vertices.forEach(([sx, sy, z, u, v], i) => {
		positions.set(unproject(sx, sy, z, width, height), i * 3);
		uvs[i * 2] = u;
		uvs[i * 2 + 1] = v;
	});
	const texture = {width: 2, height: 2, data: new Uint8Array(16)};
	for (let t = 0; t < 4; t++) texture.data.set([...color, 255], t * 4);
	return {layerIndex, positions, uvs, indices: Uint32Array.from(indices), texture};
}

export function sceneOf(layers: LayerMesh[], width: number, height: number): Scene {
	return {
		camera: {width, height, fovYRadians: FOV_Y, znearMeters: 0.01, zfarMeters: 1000},
		depthRange: {nearMeters: 1, farMeters: 10},
		layers,
	};
}

/** A textured test photo: smooth gradients plus high-frequency detail, deterministic. */
export function generatedPhoto(width: number, height: number): RgbImage {
	const data = new Uint8Array(width * height * 3);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const i = (y * width + x) * 3;
			data[i] = (x * 255) / (width - 1);
			data[i + 1] = (y * 255) / (height - 1);
			data[i + 2] = ((x * 37) ^ (y * 91)) & 255;
		}
	}
	return {width, height, data};
}

/** Number of pixels with non-zero alpha. */
export function coveredCount(rgba: Uint8Array): number {
	let n = 0;
	for (let i = 3; i < rgba.length; i += 4) if (rgba[i] !== 0) n++;
	return n;
}

export function rgbOf(rgba: Uint8Array): Uint8Array {
	const rgb = new Uint8Array((rgba.length / 4) * 3);
	for (let p = 0; p < rgba.length / 4; p++) rgb.set(rgba.subarray(p * 4, p * 4 + 3), p * 3);
	return rgb;
}
