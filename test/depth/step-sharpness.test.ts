import assert from 'node:assert/strict';

import {normalizeDisparity} from '../../src/depth/normalize.js';
import {decodeDepthMap} from '../../src/depth/supplied.js';
import {encodePfm} from '../../src/image/encode.js';
import {resizeFloatImage} from '../../src/image/resize.js';
import type {FloatImage} from '../../src/image/raster.js';
import {buildLdi} from '../../src/ldi/build-ldi.js';
import type {Ldi} from '../../src/ldi/ldi.js';
import {EXACT_STEP_SHARE, measureStepSharpness} from '../../src/depth/step-sharpness.js';
import {makeScene, networkLikeDisparity, type Occluder, type Scene} from '../ldi/scenes.js';

const WIDTH = 240;
const HEIGHT = 180;
const DISC: Occluder = {kind: 'disc', centerX: 120, centerY: 90, radiusX: 50, radiusY: 50, disparity: 0.8, color: [220, 30, 30]};

/** The disc painted in vertical bands of the stripes background's own two colours, 5 px wide, offset from them. */
function bandedDisc(scene: Scene): Scene {
	const data = scene.image.data.slice();
	for (let i = 0; i < scene.occluderAt.length; i++) {
		if (!scene.occluderAt[i]) continue;
		const x = i % scene.width;
		data.set(Math.floor((x + 2) / 5) % 2 === 0 ? [40, 60, 200] : [200, 200, 210], i * 3);
	}
	return {...scene, image: {...scene.image, data}};
}

/** Layer-0 pixels whose disparity is off the true map's (normalized 0.1 → 0, 0.8 → 1) by more than 0.1. */
function pixelsOffTheMap(ldi: Ldi, truth: Float32Array): number {
	let off = 0;
	for (let p = 0; p < ldi.count; p++) {
		if (ldi.layerIndex[p] !== 0) continue;
		const expected = (truth[ldi.y[p] * ldi.width + ldi.x[p]]! - 0.1) / 0.7;
		if (Math.abs(ldi.disparity[p] - expected) > 0.1) off++;
	}
	return off;
}

describe('depth step sharpness (exact or estimated maps)', () => {
	const scene = makeScene(WIDTH, HEIGHT, 'stripes', [DISC]);

	it('tells one-pixel steps from steps spread over pixels', () => {
		const exact = measureStepSharpness(scene.disparity);
		assert.ok(exact.steps > 300, `the disc's outline steps: ${exact.steps}`);
		assert.ok(exact.medianShare >= 0.95, `exact: ${exact.medianShare}`);
		const estimated = measureStepSharpness(networkLikeDisparity(scene.disparity, 1, 3));
		assert.ok(estimated.medianShare <= 0.5, `network-like: ${estimated.medianShare}`);
		assert.deepEqual(measureStepSharpness({width: 8, height: 8, data: new Float32Array(64).fill(0.5)}), {steps: 0, medianShare: 0});
	});

	it('weighs steps by their size: a long steep slope does not outvote a sharp outline', () => {
		// The background rising 0.02 per pixel over 12 px (a surface seen at a grazing angle, just over the
		// threshold per pixel once normalized): ~2,000 ramp pairs against the disc's ~400 outline pairs.
		const sloped = makeScene(WIDTH, HEIGHT, 'stripes', [DISC], (x) => 0.1 + 0.02 * Math.min(12, Math.max(0, x - 10)));
		const normalized = normalizeDisparity(sloped.disparity).disparity;
		const {steps, medianShare} = measureStepSharpness(normalized);
		assert.ok(steps > 2000, `ramp and outline pairs: ${steps}`);
		assert.ok(medianShare >= EXACT_STEP_SHARE, `sharp outline with a slope beside it: ${medianShare}`);
	});

	it('a larger exact map is shrunk by picking samples, so it stays exact; any other map is averaged', async () => {
		const half = {width: WIDTH / 2, height: HEIGHT / 2};
		const exact = await decodeDepthMap(encodePfm(scene.disparity), 'exact.pfm', half);
		assert.ok(measureStepSharpness(exact.disparity).medianShare >= EXACT_STEP_SHARE, 'one-pixel steps after shrinking');
		const values = new Set(exact.disparity.data);
		assert.equal(values.size, 2, `only the disc's and the background's disparity: ${[...values].join(', ')}`);
		const blurred = networkLikeDisparity(scene.disparity, 1, 3);
		const estimated = await decodeDepthMap(encodePfm(blurred), 'estimated.pfm', half);
		assert.deepEqual(estimated.disparity.data, normalizeDisparity(resizeFloatImage(blurred, half.width, half.height)).disparity.data);
	});

	it('buildLdi cuts an exact map where it steps, and snaps an estimated one', async () => {
		const banded = bandedDisc(scene);
		const auto = await buildLdi(banded.image, banded.disparity, {passes: 1, mixedPixelsToForeground: false});
		assert.equal(auto.stats.depthEdges, 'exact');
		assert.ok(auto.stats.stepShare! >= EXACT_STEP_SHARE);
		const forced = await buildLdi(banded.image, banded.disparity, {passes: 1, mixedPixelsToForeground: false, depthEdges: 'estimated'});
		assert.equal(forced.stats.depthEdges, 'estimated');
		assert.equal(forced.stats.stepShare, undefined);
		// The disc's bands are as strong a colour edge as its outline: snapping moves the outline onto them
		// (mixed pixels off in both: their own rule moves background pixels that look like the bands).
		const offExact = pixelsOffTheMap(auto.ldi, banded.disparity.data);
		const offSnapped = pixelsOffTheMap(forced.ldi, banded.disparity.data);
		assert.equal(offExact, 0, `layer-0 pixels off the true map, exact handling: ${offExact}`);
		assert.ok(offSnapped >= 5, `layer-0 pixels off the true map, snapped: ${offSnapped}`);
		console.log(`      layer-0 pixels off the true map: exact ${offExact}, snapped ${offSnapped}`);

		const blurred: FloatImage = networkLikeDisparity(scene.disparity, 1, 3);
		assert.equal((await buildLdi(scene.image, blurred, {passes: 1})).stats.depthEdges, 'estimated');
		// An upscaled map's steps are off the outline however sharp they look.
		assert.equal((await buildLdi(scene.image, scene.disparity, {passes: 1, depthSampleSpacingPixels: 2})).stats.depthEdges, 'estimated');
	});
});
