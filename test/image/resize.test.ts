import assert from 'node:assert/strict';

import {resizeFloatImage} from '../../src/image/resize.js';

describe('image/resize (float images)', function () {
	it('keeps a same-size image as a copy', function () {
		const image = {width: 2, height: 1, data: new Float32Array([1, 2])};
		const same = resizeFloatImage(image, 2, 1);
		assert.deepEqual(Array.from(same.data), [1, 2]);
		assert.notEqual(same.data, image.data);
	});

	it('upscales 2× by linear interpolation between pixel centres', function () {
		const upscaled = resizeFloatImage({width: 2, height: 1, data: new Float32Array([0, 4])}, 4, 1);
		// Output centres at input coordinates -0.25, 0.25, 0.75, 1.25 (clamped at the borders).
		assert.deepEqual(Array.from(upscaled.data), [0, 1, 3, 4]);
	});

	it('downscales with a widened triangle filter: constants stay, ramps stay linear inside', function () {
		const ramp = new Float32Array(8 * 2);
		for (let i = 0; i < ramp.length; i++) ramp[i] = i % 8;
		const downscaled = resizeFloatImage({width: 8, height: 2, data: ramp}, 4, 1);
		assert.deepEqual([downscaled.width, downscaled.height], [4, 1]);
		// Output x=1 covers input centre 2.5 with weights ¼ ¾ ¾ ¼ over x=1..4.
		assert.ok(Math.abs(downscaled.data[1]! - 2.5) < 1e-6, `${downscaled.data[1]}`);
		assert.ok(Math.abs(downscaled.data[2]! - 4.5) < 1e-6, `${downscaled.data[2]}`);
		const constant = resizeFloatImage({width: 9, height: 7, data: new Float32Array(63).fill(0.3)}, 4, 2);
		for (const value of constant.data) assert.ok(Math.abs(value - 0.3) < 1e-6);
	});

	it('never leaves the input range at a step (no ringing)', function () {
		const width = 37;
		const data = new Float32Array(width * 5);
		for (let i = 0; i < data.length; i++) data[i] = i % width < 18 ? 0.1 : 0.9;
		for (const [outWidth, outHeight] of [[100, 13], [11, 3], [37, 9]] as const) {
			const resized = resizeFloatImage({width, height: 5, data}, outWidth, outHeight);
			for (const value of resized.data) assert.ok(value >= 0.1 - 1e-6 && value <= 0.9 + 1e-6, `${value} at ${outWidth}×${outHeight}`);
			assert.ok(Math.abs(resized.data[0]! - 0.1) < 1e-6);
			assert.ok(Math.abs(resized.data[outWidth - 1]! - 0.9) < 1e-6);
		}
	});
});
