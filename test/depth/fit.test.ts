import assert from 'node:assert/strict';

import {cropToAspect, fitDepthMap, sameShapeUpToRounding} from '../../src/depth/fit.js';
import {UserError} from '../../src/errors.js';

describe('depth/fit (--depth-fit)', () => {
	it('takes the sides a depth network rounds to multiples of 14 or 32 for the photo\'s shape', () => {
		// Depth Anything V2 (short side 518, multiples of 14) and DPT-style multiples of 32.
		assert.ok(sameShapeUpToRounding({width: 686, height: 518}, {width: 1024, height: 768}));
		assert.ok(sameShapeUpToRounding({width: 700, height: 518}, {width: 1024, height: 768}));
		assert.ok(sameShapeUpToRounding({width: 644, height: 518}, {width: 724, height: 580}));
		assert.ok(sameShapeUpToRounding({width: 518, height: 924}, {width: 580, height: 1024}));
		assert.ok(sameShapeUpToRounding({width: 384, height: 288}, {width: 1024, height: 768}));
		assert.ok(sameShapeUpToRounding({width: 640, height: 640}, {width: 2100, height: 2100}));
		assert.ok(sameShapeUpToRounding({width: 724, height: 580}, {width: 724, height: 580}));
	});

	it('does not take another aspect ratio: wider, taller, turned', () => {
		assert.ok(!sameShapeUpToRounding({width: 1280, height: 640}, {width: 1024, height: 1024}));
		assert.ok(!sameShapeUpToRounding({width: 580, height: 1024}, {width: 724, height: 580}));
		assert.ok(!sameShapeUpToRounding({width: 1920, height: 1080}, {width: 1024, height: 768}));
		// A fixed-size network's square output for a 4:3 photo is stretched on purpose only.
		assert.ok(!sameShapeUpToRounding({width: 256, height: 256}, {width: 1024, height: 768}));
		// Small maps get an eighth of their shorter side: 80×40 is no rounding of a square, 8×6 is 4:3's.
		assert.ok(!sameShapeUpToRounding({width: 80, height: 40}, {width: 64, height: 64}));
		assert.ok(sameShapeUpToRounding({width: 8, height: 6}, {width: 1024, height: 768}));
		assert.ok(sameShapeUpToRounding({width: 9, height: 6}, {width: 1024, height: 768}));
	});

	it('crops the longer side evenly to the aspect ratio', () => {
		const map = {width: 6, height: 2, data: Float32Array.from({length: 12}, (_, i) => i % 6)};
		const square = cropToAspect(map, 1);
		assert.deepEqual([square.width, square.height], [2, 2]);
		assert.deepEqual([...square.data], [2, 3, 2, 3]);
		const tall = {width: 2, height: 6, data: Float32Array.from({length: 12}, (_, i) => Math.floor(i / 2))};
		const cropped = cropToAspect(tall, 2);
		assert.deepEqual([cropped.width, cropped.height], [2, 1]);
		assert.deepEqual([...cropped.data], [2, 2]);
		assert.equal(cropToAspect(map, 3), map, 'already at the aspect ratio: the same image');
	});

	it('error names the map and both sizes; stretch keeps the map; a rounding difference passes every fit', () => {
		const map = {width: 1280, height: 640, data: new Float32Array(1280 * 640)};
		assert.throws(() => fitDepthMap(map, {width: 1024, height: 1024}, 'error', 'wide.png'), (error: unknown) => {
			assert.ok(error instanceof UserError);
			assert.equal(error.subject, 'wide.png');
			assert.match(error.problem, /^depth map is 1280×640, the photo 1024×1024: another aspect ratio \(2\.00 vs 1\.00\)/);
			return true;
		});
		assert.equal(fitDepthMap(map, {width: 1024, height: 1024}, 'stretch', 'wide.png'), map);
		const cropped = fitDepthMap(map, {width: 1024, height: 1024}, 'crop', 'wide.png');
		assert.deepEqual([cropped.width, cropped.height], [640, 640]);
		const rounded = {width: 686, height: 518, data: new Float32Array(686 * 518)};
		for (const fit of ['error', 'stretch', 'crop'] as const) assert.equal(fitDepthMap(rounded, {width: 1024, height: 768}, fit, 'd.png'), rounded);
	});
});
