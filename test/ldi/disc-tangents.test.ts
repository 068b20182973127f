import assert from 'node:assert/strict';

import type {DepthSource} from '../../src/depth/source.js';
import type {FloatImage, Photo} from '../../src/image/raster.js';
import {buildScene} from '../../src/pipeline/build-scene.js';
import {photoCamera} from '../../src/render/camera.js';
import {renderScene} from '../../src/render/rasterize.js';
import {type BackgroundTexture, makeScene, networkLikeDisparity, type Occluder} from './scenes.js';

// The scene of snap-edges.test.ts: a disc at disparity 0.8 on a textured background at 0.1.
const WIDTH = 288;
const HEIGHT = 216;
const FACTOR = 3;
const DISC: Occluder = {kind: 'disc', centerX: 150, centerY: 110, radiusX: 55, radiusY: 55, disparity: 0.8, color: [220, 30, 30]};

function sourceOf(disparity: FloatImage, nativeFactor: number): DepthSource {
	return {
		name: 'test',
		estimate: async () => ({
			disparity, rawMin: 0, rawMax: 1, kind: 'model', source: 'test', timingsMs: {},
			nativeSize: {width: WIDTH / nativeFactor, height: HEIGHT / nativeFactor},
		}),
	};
}

/** Positions "(x, y)" of the pixels nothing drew, with no backdrop, from a camera moved sideways by 8 % of the nearest depth. */
async function emptyPixelsAfterMove(image: Photo['image'], disparity: FloatImage, nativeFactor: number, snapEdgesToColor: boolean, directionX: 1 | -1): Promise<string[]> {
	const photo: Photo = {image, fovYRadians: 1, fovSource: 'option', sourcePath: '', originalWidth: WIDTH, originalHeight: HEIGHT};
	const {scene} = await buildScene(photo, {depth: sourceOf(disparity, nativeFactor), ldi: {snapEdgesToColor}, mesh: {backdrop: false}});
	const moveMeters = 0.08 * scene.depthRange.nearMeters * directionX;
	const {image: view} = renderScene(scene, photoCamera(scene, {positionMeters: [moveMeters, 0, 0]}), {fillEmptyPixels: 0});
	const empty: string[] = [];
	for (let i = 0; i < WIDTH * HEIGHT; i++) if (view.data[i * 4 + 3] === 0) empty.push(`(${i % WIDTH}, ${Math.floor(i / WIDTH)})`);
	return empty;
}

describe('hidden layers at a disc\'s horizontal tangents', () => {
	// The disc's top and bottom rows are one pixel each. Joined sideways to the background (as a ramp
	// pixel is), that pixel took the link the inpainted pixel behind it needed, and the corner of the
	// cell beside it was missing from every layer: one empty pixel at each tangent after the move.
	for (const texture of ['stripes', 'noise', 'checker'] as BackgroundTexture[]) {
		it(`no empty pixel after an 8 % sideways move without the backdrop (disc on ${texture})`, async function () {
			this.timeout(120_000);
			const scene = makeScene(WIDTH, HEIGHT, texture, [DISC]);
			const maps: Array<[string, FloatImage, number, boolean]> = [
				['network-like, near side dilated, snapped', networkLikeDisparity(scene.disparity, 1, FACTOR), FACTOR, true],
				['network-like, near side eroded, snapped', networkLikeDisparity(scene.disparity, -1, FACTOR), FACTOR, true],
				['exact', scene.disparity, 1, false],
			];
			for (const [name, disparity, nativeFactor, snap] of maps) {
				for (const directionX of [1, -1] as const) {
					const empty = await emptyPixelsAfterMove(scene.image, disparity, nativeFactor, snap, directionX);
					assert.deepEqual(empty, [], `${name} map, moved ${directionX > 0 ? 'right' : 'left'}: ${empty.length} empty pixels`);
				}
			}
		});
	}
});
