import assert from 'node:assert/strict';

import {UserError} from '../../src/errors.js';
import {buildLdi} from '../../src/ldi/build-ldi.js';
import {detectDepthEdges} from '../../src/ldi/depth-edges.js';
import {linkProblems, makeScene} from './scenes.js';

function image(width: number, height: number): {width: number; height: number; data: Uint8Array} {
	const data = new Uint8Array(width * height * 3);
	for (let i = 0; i < data.length; i++) data[i] = (i * 37) & 255;
	return {width, height, data};
}

function disparity(width: number, height: number, at: (x: number, y: number) => number): {width: number; height: number; data: Float32Array} {
	const data = new Float32Array(width * height);
	for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = at(x, y);
	return {width, height, data};
}

describe('buildLdi on bad input', () => {
	it('constant disparity: no edges, one layer, no error', async () => {
		const {ldi, stats} = await buildLdi(image(120, 80), disparity(120, 80, () => 3), {inpainter: 'diffusion', extendBorder: false});
		assert.equal(stats.edgesKept, 0);
		assert.deepEqual(stats.pixelsPerLayer, [120 * 80]);
		assert.equal(ldi.count, 120 * 80);
	});

	it('constant disparity with the border: the photo and the border layer only', async () => {
		const {stats} = await buildLdi(image(120, 80), disparity(120, 80, () => 3), {inpainter: 'diffusion'});
		assert.equal(stats.pixelsPerLayer[1] ?? 0, 0);
		assert.equal(stats.pixelsPerLayer[2] ?? 0, 0);
		assert.ok(stats.pixelsPerLayer[3] > 0);
	});

	it('all-NaN disparity: a UserError naming the input', async () => {
		await assert.rejects(
			buildLdi(image(10, 10), disparity(10, 10, () => Number.NaN), {disparityName: 'depth.png'}),
			(error: unknown) => error instanceof UserError && /^depth\.png: .*NaN/.test(error.message),
		);
	});

	it('a disparity map of another size: a UserError', async () => {
		await assert.rejects(buildLdi(image(10, 10), disparity(12, 10, () => 0)), UserError);
	});

	it('partly NaN or infinite disparity is treated as far, not trusted', async () => {
		const {stats} = await buildLdi(image(64, 64), disparity(64, 64, (x) => (x < 8 ? Number.NaN : x > 56 ? Infinity : 1)), {inpainter: 'diffusion'});
		assert.ok(stats.pixelsPerLayer[0] === 64 * 64);
	});

	for (const size of [[1, 1], [2, 2], [3, 1], [1, 5]]) {
		it(`a ${size[0]}×${size[1]} image`, async () => {
			const [w, h] = size;
			const {ldi, stats} = await buildLdi(image(w, h), disparity(w, h, (x, y) => x + y), {inpainter: 'patch'});
			assert.equal(stats.pixelsPerLayer[0], w * h);
			assert.deepEqual(linkProblems(ldi), []);
		});
	}

	it('an image that is one huge edge', async () => {
		const scene = makeScene(200, 150, 'checker', [{kind: 'bar', centerX: 50, centerY: 75, radiusX: 50, radiusY: 80, disparity: 1, color: [250, 0, 0]}], () => 0);
		const {ldi, stats} = await buildLdi(scene.image, scene.disparity, {inpainter: 'diffusion'});
		assert.equal(stats.edgesKept, 1);
		assert.ok(stats.pixelsPerLayer[1] > 0);
		assert.deepEqual(linkProblems(ldi), []);
	});

	it('extreme thresholds finish with bounded output', async () => {
		const noise = disparity(64, 48, (x, y) => (Math.imul(x * 7919 ^ y * 104729, 0x9e3779b1) >>> 16) / 65536);
		for (const thresholdDisparity of [0, 1e-9, 0.5, 1, 1e9]) {
			const {ldi, stats} = await buildLdi(image(64, 48), noise, {inpainter: 'diffusion', thresholdDisparity, minEdgeLengthPixels: 0});
			// No position holds more than maxPixelsPerPosition (8) pixels.
			assert.ok(ldi.count <= (64 + 2 * 3) * (48 + 2 * 3) * 8, `threshold ${thresholdDisparity}: ${ldi.count} pixels`);
			assert.deepEqual(linkProblems(ldi), []);
			if (thresholdDisparity >= 1) assert.equal(stats.edgesKept, 0);
		}
	});

	it('zero passes and huge thicknesses', async () => {
		const scene = makeScene(96, 64, 'noise', [{kind: 'disc', centerX: 48, centerY: 32, radiusX: 15, radiusY: 15, disparity: 1, color: [250, 0, 0]}]);
		const none = await buildLdi(scene.image, scene.disparity, {inpainter: 'diffusion', passes: 0, extendBorder: false});
		assert.deepEqual(none.stats.pixelsPerLayer, [96 * 64]);
		const huge = await buildLdi(scene.image, scene.disparity, {inpainter: 'diffusion', synthesisThicknessPixels: 1e6, contextThicknessPixels: 1e6, extendBorder: false});
		assert.ok(huge.ldi.count <= 96 * 64 * 3);
	});
});

describe('detectDepthEdges', () => {
	it('finds one edge around a disc, on its background side, and drops speckles', () => {
		const scene = makeScene(100, 80, 'noise', [{kind: 'disc', centerX: 50, centerY: 40, radiusX: 20, radiusY: 20, disparity: 1, color: [250, 0, 0]}], () => 0);
		scene.disparity.data[5 * 100 + 5] = 1;
		const edges = detectDepthEdges(scene.disparity, {referenceSizePixels: 100});
		assert.equal(edges.edgeLengths.length, 1);
		assert.equal(edges.edgesFound, 2);
		for (let i = 0; i < edges.edgeOfPixel.length; i++) if (edges.edgeOfPixel[i] >= 0) assert.equal(scene.occluderAt[i], 0);
	});

	it('splits edges where the occluder changes depth (a junction)', () => {
		const scene = makeScene(100, 80, 'noise', [
			{kind: 'bar', centerX: 30, centerY: 40, radiusX: 20, radiusY: 20, disparity: 0.5, color: [250, 0, 0]},
			{kind: 'bar', centerX: 70, centerY: 40, radiusX: 20, radiusY: 20, disparity: 1, color: [250, 0, 0]},
		], () => 0);
		const edges = detectDepthEdges(scene.disparity, {referenceSizePixels: 100});
		// Background around the near bar, background around the middle bar, middle bar beside the near bar.
		assert.equal(edges.edgeLengths.length, 3);
	});
});
