import assert from 'node:assert/strict';
import {join} from 'node:path';

import {psnr} from '../../src/image/metrics.js';
import {addPixel, createLdi, LINK_RIGHT, linkPixels} from '../../src/ldi/ldi.js';
import {buildSceneLdi, meshSceneLdi} from '../../src/pipeline/build-scene.js';
import {renderSceneLdiPair, sceneLdiFrame} from '../../src/pipeline/scene-ldi-views.js';
import {lookAtRotation, photoCamera} from '../../src/render/camera.js';
import {rgbFromRgba} from '../../src/render/layouts.js';
import {renderScene} from '../../src/render/rasterize.js';
import {stereoCameras, stereoSceneOptions} from '../../src/render/stereo.js';
import {sidewaysViewShift, warpLdiSideways} from '../../src/render/warp-ldi.js';
import {repoRoot} from '../helpers/shared.js';

const photoPath = join(repoRoot, 'assets', 'sample.jpg');
const depthPath = join(repoRoot, 'assets', 'sample-depth.png');

describe('warpLdiSideways (stereo eyes drawn from the LDI)', () => {
	it('draws what the unsimplified meshes rasterize, for both eyes of a built photo', async function () {
		this.timeout(120_000);
		const options = {photo: {maxSize: 320}, depth: {depthPath}, ...stereoSceneOptions({divergencePercent: 4}), mesh: {simplifyErrorPixels: 0}};
		const built = await buildSceneLdi(photoPath, options);
		const {scene} = await meshSceneLdi(built, options);
		const cameras = stereoCameras(sceneLdiFrame(built), {divergencePercent: 4});
		for (const eye of ['left', 'right'] as const) {
			const shift = sidewaysViewShift(built.ldi, built.fovYRadians, built.depthRange, cameras[eye]);
			assert.ok(shift, `${eye}: a stereo eye is a sideways view`);
			const warped = rgbFromRgba(warpLdiSideways(built.ldi, shift)).data;
			const meshed = rgbFromRgba(renderScene(scene, cameras[eye], {fillEmptyPixels: Number.POSITIVE_INFINITY}).image).data;
			const photo = rgbFromRgba(renderScene(scene, photoCamera(scene), {fillEmptyPixels: Number.POSITIVE_INFINITY}).image).data;
			const db = psnr(warped, meshed, {channels: 3});
			const unmoved = psnr(photo, meshed, {channels: 3});
			assert.ok(db > 38 && db > unmoved + 10, `${eye} eye: warp vs mesh render ${db.toFixed(2)} dB (the unmoved photo: ${unmoved.toFixed(2)} dB)`);
		}
		const pair = await renderSceneLdiPair(built, cameras, {build: options});
		assert.equal(pair.viewsFrom, 'ldi');
		const supersampled = await renderSceneLdiPair(built, cameras, {ssaa: 2, build: options});
		assert.equal(supersampled.viewsFrom, 'meshes');
		assert.ok(supersampled.meshMs > 0);
	});

	it('shows the hidden layer where the foreground moved away, and the foreground over it', () => {
		// Row 0: a far blue wall (disparity 0) with a near red post (disparity 1) at x 3–4 in front of it;
		// the wall behind the post is a hidden layer. Row 1 has no pixel at all.
		const ldi = createLdi(8, 2);
		const wall: number[] = [];
		for (let x = 0; x < 8; x++) {
			const post = x === 3 || x === 4;
			const front = post ? addPixel(ldi, x, 0, 255, 0, 0, 1, 0) : addPixel(ldi, x, 0, 0, 0, 255, 0, 0);
			wall.push(post ? addPixel(ldi, x, 0, 0, 0, 255, 0, 1) : front);
			if (x === 4) linkPixels(ldi, front - 2, front, LINK_RIGHT);
		}
		for (let x = 0; x < 7; x++) linkPixels(ldi, wall[x], wall[x + 1], LINK_RIGHT);
		// The eye moved left: near things shift right by 2 px, the wall stays.
		const view = warpLdiSideways(ldi, {offsetPixels: 0, pixelsPerDisparity: 2});
		const reds = Array.from({length: 8}, (_, x) => view.data[4 * x]);
		const blues = Array.from({length: 8}, (_, x) => view.data[4 * x + 2]);
		assert.deepEqual(reds, [0, 0, 0, 0, 0, 255, 255, 0], 'the post moved right by 2 px');
		assert.deepEqual(blues, [255, 255, 255, 255, 255, 0, 0, 255], 'the hidden wall shows where the post was');
		assert.ok(Array.from({length: 8}, (_, x) => view.data[4 * x + 3]).every((alpha) => alpha === 255));
		assert.deepEqual(view.data.subarray(32, 64), view.data.subarray(0, 32), 'an empty row is filled along the columns');
		assert.ok(warpLdiSideways(ldi, {offsetPixels: 0, pixelsPerDisparity: 2}, {fillEmptyPixels: 0}).data.subarray(32, 64).every((value) => value === 0));
	});

	it('leaves views that are not sideways moves of the LDI\'s own camera to the meshes', async function () {
		this.timeout(60_000);
		const built = await buildSceneLdi(photoPath, {photo: {maxSize: 160}, depth: {depthPath}});
		const frame = sceneLdiFrame(built);
		const base = photoCamera(frame);
		const {ldi, fovYRadians, depthRange} = built;
		const unmoved = sidewaysViewShift(ldi, fovYRadians, depthRange, base);
		assert.ok(unmoved && unmoved.offsetPixels === 0 && unmoved.pixelsPerDisparity === 0, 'the photo\'s own camera shifts nothing');
		for (const camera of [
			{...base, positionMeters: [0, 0.01, 0] as [number, number, number]},
			{...base, positionMeters: [0, 0, -0.1] as [number, number, number]},
			{...base, rotation: lookAtRotation([0, 0, 0], [0.1, 0, -1])},
			{...base, width: base.width * 2, height: base.height * 2},
			{...base, principalPointShiftPixels: [0, 3] as [number, number]},
		]) {
			assert.equal(sidewaysViewShift(ldi, fovYRadians, depthRange, camera), undefined, JSON.stringify(camera.positionMeters));
		}
		const shrunk = await buildSceneLdi(photoPath, {photo: {maxSize: 160}, ldiMaxSizePixels: 80, depth: {depthPath}});
		const pair = await renderSceneLdiPair(shrunk, stereoCameras(sceneLdiFrame(shrunk)));
		assert.equal(pair.viewsFrom, 'meshes', 'an LDI smaller than the photo is meshed');
		assert.equal(pair.left.width, 160);
	});
});
