import assert from 'node:assert/strict';
import {join} from 'node:path';

import {psnr} from '../../src/image/metrics.js';
import type {RgbaImage} from '../../src/image/raster.js';
import {buildLdi} from '../../src/ldi/build-ldi.js';
import {buildScene} from '../../src/pipeline/build-scene.js';
import {ldiToScene} from '../../src/mesh/build-scene-mesh.js';
import {cameraFocalLengthPixels, photoCamera, type RenderCamera} from '../../src/render/camera.js';
import {gridScene} from '../../src/render/grid-scene.js';
import {renderScene} from '../../src/render/rasterize.js';
import {depthRangeForPixelDisparity, exactDisparityRightCamera, renderStereo, stereoCameras, stereoSceneOptions, type StereoSceneOptions} from '../../src/render/stereo.js';
import {depthFromDisparity, focalLengthPixels} from '../../src/scene/scene.js';
import {repoRoot} from '../helpers/shared.js';
import {FOV_Y, generatedPhoto, sceneOf, screenLayer} from './scene-fixtures.js';

/** Screen x of scene point (x, 0, -z) seen by an unrotated camera. */
function screenX(camera: RenderCamera, x: number, z: number): number {
	return camera.width / 2 + camera.principalPointShiftPixels[0] + (cameraFocalLengthPixels(camera) * (x - camera.positionMeters[0])) / z;
}

/** A 120×60 stripe photo whose rectangle x 50–79, y 20–39 has disparity 9 px, the rest 3 px. */
function stripeScene(): {width: number; height: number; disparityPx: Float32Array; data: Uint8Array} {
	const width = 120;
	const height = 60;
	const disparityPx = new Float32Array(width * height).fill(3);
	for (let y = 20; y < 40; y++) for (let x = 50; x < 80; x++) disparityPx[y * width + x] = 9;
	const data = new Uint8Array(width * height * 3);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) data.set([(x * 2) & 255, (x * 37) & 255, y * 4], (y * width + x) * 3);
	}
	return {width, height, disparityPx, data};
}

/**
 * PSNR between where the left photo's pixels must land in the right view and what is there: the
 * rectangle x 50–79, y 20–39 has disparity 9 px, the rest 3 px; rows within `margin` of the rectangle
 * are left out of the background comparison.
 */
function landedStripesPsnr(right: RgbaImage, data: Uint8Array, width: number, height: number, margin: number): number {
	const landed: number[] = [];
	const expected: number[] = [];
	const compare = (x: number, y: number, d: number) => {
		landed.push(...right.data.subarray(((y * width) + x - d) * 4, ((y * width) + x - d) * 4 + 3));
		expected.push(...data.subarray((y * width + x) * 3, (y * width + x) * 3 + 3));
	};
	for (let y = 20; y < 40; y++) for (let x = 50; x < 80; x++) compare(x, y, 9);
	for (let y = 0; y < height; y++) {
		if (y >= 20 - margin && y < 40 + margin) continue;
		for (let x = 3; x < width; x++) compare(x, y, 3);
	}
	return psnr(Uint8Array.from(landed), Uint8Array.from(expected));
}

describe('stereo pairs', () => {
	const scene = sceneOf([], 200, 100);

	it('spreads divergence % of the width of parallax over the depth range, zero at the convergence depth', () => {
		for (const [convergence, zeroDepth] of [[0, 1], [1, 10], [0.5, 1 / (0.5 / 1 + 0.5 / 10)]]) {
			const {left, right, convergenceDepthMeters} = stereoCameras(scene, {divergencePercent: 2.5, convergence});
			assert.ok(Math.abs(convergenceDepthMeters - zeroDepth) < 1e-9);
			const parallax = (z: number) => screenX(left, 0.3, z) - screenX(right, 0.3, z);
			assert.ok(Math.abs(parallax(1) - parallax(10) - 5) < 1e-9, 'nearest minus farthest = 2.5 % of 200 px');
			assert.ok(Math.abs(parallax(zeroDepth)) < 1e-9);
			assert.ok(parallax(1) >= -1e-9 && parallax(10) <= 1e-9, 'near points pop out, far ones recede');
		}
	});

	it('places the eyes symmetrically, or keeps the photo as the left or right eye', () => {
		const both = stereoCameras(scene, {eyes: 'both'});
		assert.ok(Math.abs(both.left.positionMeters[0] + both.right.positionMeters[0]) < 1e-12);
		assert.ok(both.right.positionMeters[0] > 0);
		const keepLeft = stereoCameras(scene, {eyes: 'left'});
		assert.deepEqual(keepLeft.left, photoCamera(scene));
		assert.ok(Math.abs(keepLeft.right.positionMeters[0] - keepLeft.baselineMeters) < 1e-12);
		const keepRight = stereoCameras(scene, {eyes: 'right'});
		assert.deepEqual(keepRight.right, photoCamera(scene));
		assert.throws(() => stereoCameras(scene, {convergence: 2}), /convergence/);
	});

	it('renders a plane at the convergence depth identically in both eyes (off-axis, no toe-in)', () => {
		const {convergenceDepthMeters} = stereoCameras(scene);
		const z = convergenceDepthMeters;
		const quad = screenLayer([[40, 20, z, 0, 0], [160, 20, z, 1, 0], [160, 80, z, 1, 1], [40, 80, z, 0, 1]], [0, 3, 2, 0, 2, 1], 200, 100, [200, 50, 10]);
		const {left, right} = renderStereo(sceneOf([quad], 200, 100), {}, {fillEmptyPixels: 0});
		assert.deepEqual(left.data, right.data);
	});

	it('renderStereo leaves no empty pixel: the frame band a moved eye reveals is filled', () => {
		const width = 120, height = 80;
		const depth = new Float32Array(width * height).fill(4);
		for (let y = 20; y < 60; y++) for (let x = 40; x < 80; x++) depth[y * width + x] = 1;
		const grid = gridScene(generatedPhoto(width, height), depth, {fovYRadians: FOV_Y, maxDepthRatio: 1.5});
		const {left, right, cameras} = renderStereo(grid, {divergencePercent: 5, eyes: 'left'});
		assert.deepEqual(left.data, renderScene(grid, cameras.left, {fillEmptyPixels: Number.POSITIVE_INFINITY}).image.data);
		for (const view of [left, right]) for (let i = 3; i < view.data.length; i += 4) assert.equal(view.data[i], 255);
		const unfilled = renderScene(grid, cameras.right, {fillEmptyPixels: 0}).image;
		let empty = 0;
		for (let i = 3; i < unfilled.data.length; i += 4) if (unfilled.data[i] === 0) empty++;
		assert.ok(empty > 0, 'the right eye does reveal pixels the scene has no surface for');
	});

	it('depthRangeForPixelDisparity: near = f·B/max, far = f·B/min, min ≤ 0 guarded', () => {
		assert.deepEqual(depthRangeForPixelDisparity(2, 8, 100, 1), {nearMeters: 12.5, farMeters: 50});
		assert.deepEqual(depthRangeForPixelDisparity(0, 8, 100, 1), {nearMeters: 12.5, farMeters: 12500});
		assert.throws(() => depthRangeForPixelDisparity(0, 0, 100, 1), /largest disparity/);
	});

	it('exact-disparity mode: a stripe pattern shifted by d lands exactly at x − d in the right view', () => {
		const {width, height, disparityPx, data} = stripeScene();
		const focal = focalLengthPixels(height, FOV_Y);
		const baselineMeters = 0.5;
		const range = depthRangeForPixelDisparity(3, 9, focal, baselineMeters);
		// The pipeline's route: pixel disparity → normalized disparity → metric depth through the range.
		const depth = disparityPx.map((d) => depthFromDisparity((d - 3) / 6, range));
		const scene = {...gridScene({width, height, data}, depth, {fovYRadians: FOV_Y, maxDepthRatio: 1.5}), depthRange: range};
		const {image: right} = renderScene(scene, exactDisparityRightCamera(scene, baselineMeters), {fillEmptyPixels: Number.POSITIVE_INFINITY});
		assert.equal(landedStripesPsnr(right, data, width, height, 0), Number.POSITIVE_INFINITY);
		// The disoccluded strip right of the foreground shows background (the gap's farther end), not foreground.
		const hole = ((30 * width) + 72) * 4;
		const foregroundColor = [...right.data.subarray(((30 * width) + 60) * 4, ((30 * width) + 60) * 4 + 3)];
		assert.notDeepEqual([...right.data.subarray(hole, hole + 3)], foregroundColor);
	});

	it('exact-disparity mode through the LDI engine and mesher (buildLdi → ldiToScene) lands the stripes too', async () => {
		const {width, height, disparityPx, data} = stripeScene();
		const image = {width, height, data};
		const baselineMeters = 0.5;
		const {ldi} = await buildLdi(image, {width, height, data: disparityPx}, {filter: {windowSizes: []}, thresholdDisparity: 1.5 / 6, inpainter: 'diffusion'});
		const range = depthRangeForPixelDisparity(3, 9, focalLengthPixels(height, FOV_Y), baselineMeters);
		const {scene} = await ldiToScene(ldi, {fovYRadians: FOV_Y}, range, {parallaxRangePixels: 6, simplifyErrorPixels: 0.1});
		const {image: right} = renderScene(scene, exactDisparityRightCamera(scene, baselineMeters), {fillEmptyPixels: Number.POSITIVE_INFINITY});
		const dB = landedStripesPsnr(right, data, width, height, 2);
		assert.ok(dB >= 40, `landed pixels ${dB.toFixed(1)} dB`);
	});
});

describe('stereoSceneOptions', () => {
	it('sizes hidden layers and the frame extension by what each eye reveals, and the pair still has no empty pixel', async function () {
		this.timeout(60_000);
		const options = stereoSceneOptions({divergencePercent: 2.5});
		assert.deepEqual(options.ldi, {maxParallaxPercent: 2.5, borderPixels: 21, borderSides: ['left', 'right']});
		assert.deepEqual(stereoSceneOptions({divergencePercent: 2.5, eyes: 'left'}).ldi, {maxParallaxPercent: 5, borderPixels: 34, borderSides: ['left', 'right']});
		const build = (scene: Partial<StereoSceneOptions>) => buildScene(join(repoRoot, 'assets', 'sample.jpg'), {depth: {depthPath: join(repoRoot, 'assets', 'sample-depth.png')}, ...scene});
		const [full, sized] = await Promise.all([build({}), build(options)]);
		const hidden = (pixelsPerLayer: number[]): number => pixelsPerLayer.slice(1).reduce((sum, count) => sum + count, 0);
		assert.ok(hidden(sized.ldiStats.pixelsPerLayer) < 0.5 * hidden(full.ldiStats.pixelsPerLayer), 'a much smaller scene than a .glb gets');
		const pair = renderStereo(sized.scene, {divergencePercent: 2.5}, {fillEmptyPixels: 0});
		for (const image of [pair.left, pair.right]) {
			let empty = 0;
			for (let i = 3; i < image.data.length; i += 4) if (image.data[i] === 0) empty++;
			assert.equal(empty, 0, 'every pixel of both views is covered before any gap filling');
		}
	});
});
