import assert from 'node:assert/strict';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

import {UserError} from '../../src/errors.js';
import type {Photo, RgbImage} from '../../src/image/raster.js';
import {loadOnnxRuntime, loadOnnxSession, ONNX_RUNTIME_ENV, OnnxDepthEstimator} from '../../src/depth/onnx.js';
import {imageToTensor, MODEL_INPUT_SPEC_DEFAULTS, modelInputSize, rgbToNormalizedPlanes, type ModelInputSpec} from '../../src/depth/preprocess.js';
import {buildModel, channelMeanModel, channelSelectModel, convStackModel, vectorModel} from '../fixtures/onnx-builder.js';

/** Channels-last input [1,H,W,3] → mean over the last axis: a layout the estimator must refuse. */
function nhwcModel(): Uint8Array {
	return buildModel({
		inputs: [{name: 'image', shape: [1, 'height', 'width', 3]}],
		outputs: [{name: 'depth', shape: [1, 'height', 'width']}],
		nodes: [{opType: 'ReduceMean', inputs: ['image'], outputs: ['depth'], attributes: {axes: [3], keepdims: 0}}],
	});
}

const MEAN = MODEL_INPUT_SPEC_DEFAULTS.mean;
const STD = MODEL_INPUT_SPEC_DEFAULTS.std;

function normalized(value: number, channel: number): number {
	return Math.fround((value / 255 - MEAN[channel]!) / STD[channel]!);
}

function photoOf(image: RgbImage): Photo {
	return {image, fovYRadians: 1, fovSource: 'default', sourcePath: '', originalWidth: image.width, originalHeight: image.height};
}

function solidImage(width: number, height: number, rgb: [number, number, number]): RgbImage {
	const data = new Uint8Array(width * height * 3);
	for (let i = 0; i < width * height; i++) data.set(rgb, i * 3);
	return {width, height, data};
}

/** Grey 230 where `bright(x, y)`, else grey 20. */
function patternImage(width: number, height: number, bright: (x: number, y: number) => boolean): RgbImage {
	const data = new Uint8Array(width * height * 3);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) data.fill(bright(x, y) ? 230 : 20, (y * width + x) * 3, (y * width + x) * 3 + 3);
	}
	return {width, height, data};
}

describe('depth/preprocess', () => {
	it('sizes the input by short side and multiples of 14, or fixed, and lets model dims win', () => {
		const rule = {shortSide: 518, multipleOf: 14};
		assert.deepEqual(modelInputSize({width: 1024, height: 768}, rule), {width: 686, height: 518});
		assert.deepEqual(modelInputSize({width: 768, height: 1024}, rule), {width: 518, height: 686});
		assert.deepEqual(modelInputSize({width: 4000, height: 1000}, rule), {width: 2072, height: 518});
		assert.deepEqual(modelInputSize({width: 10, height: 10}, rule), {width: 518, height: 518});
		assert.deepEqual(modelInputSize({width: 1024, height: 768}, {fixed: [256, 256]}), {width: 256, height: 256});
		assert.deepEqual(modelInputSize({width: 1024, height: 768}, rule, {width: 384, height: 320}), {width: 384, height: 320});
	});

	it('writes (v/255 − mean)/std per channel, planar NCHW, exactly', () => {
		const rgb = Uint8Array.from([0, 128, 255, 10, 20, 30]);
		const planes = rgbToNormalizedPlanes(rgb, 2, MEAN, STD);
		assert.deepEqual(Array.from(planes), [
			normalized(0, 0), normalized(10, 0),
			normalized(128, 1), normalized(20, 1),
			normalized(255, 2), normalized(30, 2),
		]);
	});

	it('resizes with sharp before normalizing (a solid colour stays exact)', async () => {
		const tensor = await imageToTensor(solidImage(50, 40, [200, 100, 50]), {width: 28, height: 14}, MODEL_INPUT_SPEC_DEFAULTS);
		assert.equal(tensor.length, 3 * 28 * 14);
		for (const [channel, value] of [[0, 200], [1, 100], [2, 50]] as const) {
			const plane = tensor.subarray(channel * 392, (channel + 1) * 392);
			assert.ok(plane.every((v) => v === normalized(value, channel)), `channel ${channel}`);
		}
	});
});

describe('depth/onnx OnnxDepthEstimator', function () {
	let directory: string;
	const file = (name: string, bytes: Uint8Array | string) => {
		const path = join(directory, name);
		writeFileSync(path, bytes);
		return path;
	};

	before(() => {
		directory = mkdtempSync(join(tmpdir(), 'ldi-onnx-'));
	});
	after(() => rmSync(directory, {recursive: true, force: true}));

	it('feeds each channel normalized with its own mean/std (reads pixel_values → predicted_depth from the session)', async () => {
		for (const channel of [0, 1, 2]) {
			const estimator = new OnnxDepthEstimator(file(`select-${channel}.onnx`, channelSelectModel(channel)));
			const estimate = await estimator.estimate(photoOf(solidImage(33, 21, [201, 102, 53])));
			const expected = normalized([201, 102, 53][channel]!, channel);
			// Float32 rounding of the output resize's weights only (a few ulps).
			assert.ok(Math.abs(estimate.rawMin - expected) < 1e-6 && Math.abs(estimate.rawMax - expected) < 1e-6, `channel ${channel}: ${estimate.rawMin} vs ${expected}`);
			assert.equal(estimate.kind, 'model');
			assert.deepEqual([estimate.disparity.width, estimate.disparity.height], [33, 21]);
		}
	});

	it('maps the output back exactly when no resize is needed (dynamic input, [1,H,W] output)', async () => {
		const width = 28;
		const height = 14;
		const data = new Uint8Array(width * height * 3);
		for (let i = 0; i < data.length; i++) data[i] = (i * 37 + 11) % 256;
		const spec: ModelInputSpec = {...MODEL_INPUT_SPEC_DEFAULTS, size: {shortSide: 14, multipleOf: 14}};
		const estimator = new OnnxDepthEstimator(file('mean.onnx', channelMeanModel(true)), {input: spec, name: 'mean'});
		const estimate = await estimator.estimate(photoOf({width, height, data}));
		const raw = new Float32Array(width * height);
		for (let i = 0; i < raw.length; i++) {
			raw[i] = Math.fround((normalized(data[3 * i]!, 0) + normalized(data[3 * i + 1]!, 1) + normalized(data[3 * i + 2]!, 2)) / 3);
		}
		const min = Math.min(...raw);
		const max = Math.max(...raw);
		assert.ok(Math.abs(estimate.rawMin - min) < 1e-6 && Math.abs(estimate.rawMax - max) < 1e-6);
		for (let i = 0; i < raw.length; i++) {
			assert.ok(Math.abs(estimate.disparity.data[i]! - (raw[i]! - min) / (max - min)) < 1e-5, `pixel ${i}`);
		}
		assert.equal(estimate.source, 'mean');
		for (const step of ['session', 'preprocess', 'inference', 'postprocess']) assert.ok(estimate.timingsMs[step]! >= 0, step);
	});

	it('keeps orientation and returns the photo size through a fixed 256×256 model ([1,1,H,W] output too)', async () => {
		const models = [
			file('mean256.onnx', channelMeanModel(false)),
			file('mean256-kept.onnx', channelMeanModel([256, 256], {keepChannelAxis: true})),
		];
		for (const path of models) {
			// Bright top-left quadrant only: any flip or transpose moves it.
			const estimate = await new OnnxDepthEstimator(path).estimate(photoOf(patternImage(320, 160, (x, y) => x < 160 && y < 80)));
			const {width, height, data} = estimate.disparity;
			assert.deepEqual([width, height], [320, 160]);
			const at = (x: number, y: number) => data[y * width + x]!;
			assert.ok(at(40, 20) > 0.95, `top-left ${at(40, 20)}`);
			for (const [x, y] of [[280, 20], [40, 140], [280, 140]]) assert.ok(at(x, y) < 0.05, `(${x}, ${y}) ${at(x, y)}`);
		}
	});

	it('left bright / right dark → left disparity > right at the photo size (default spec, dynamic model)', async () => {
		const estimate = await new OnnxDepthEstimator(file('mean-dyn.onnx', channelMeanModel(true))).estimate(photoOf(patternImage(301, 187, (x) => x < 150)));
		const {width, height, data} = estimate.disparity;
		assert.deepEqual([width, height], [301, 187]);
		for (let y = 0; y < height; y += 31) {
			assert.ok(data[y * width + 20]! > 0.9 && data[y * width + 280]! < 0.1, `row ${y}`);
		}
	});

	it('creates the session once per model path and thread count', async () => {
		const path = file('shared.onnx', channelMeanModel(true));
		const first = await loadOnnxSession(path, 1);
		assert.equal(await loadOnnxSession(path, 1), first);
		assert.notEqual(await loadOnnxSession(path, 2), first);
		const estimator = new OnnxDepthEstimator(path, {intraOpNumThreads: 1});
		await estimator.estimate(photoOf(solidImage(20, 20, [1, 2, 3])));
		const again = await new OnnxDepthEstimator(path, {intraOpNumThreads: 1}).estimate(photoOf(solidImage(20, 20, [1, 2, 3])));
		assert.ok(again.timingsMs.session! < 5, `cached session took ${again.timingsMs.session} ms`);
	});

	it('refuses a file that is not ONNX, a model without an image input, and a missing file, naming the file', async () => {
		const cases: [string, RegExp][] = [
			[file('text.onnx', 'this is not a model'), /text\.onnx: not a valid ONNX model \(.+\)$/],
			[file('vector.onnx', vectorModel()), /vector\.onnx: model input is not an image tensor \(has features \[1,16\]/],
			[file('nhwc.onnx', nhwcModel()), /nhwc\.onnx: model input is not an image tensor \(has image \[1,height,width,3\]; expected NCHW/],
			[join(directory, 'missing.onnx'), /missing\.onnx: cannot read the model \(no such file or directory\)$/],
			[directory, /: cannot read the model \(is a directory\)$/],
		];
		for (const [path, message] of cases) {
			await assert.rejects(new OnnxDepthEstimator(path).estimate(photoOf(solidImage(8, 8, [0, 0, 0]))), (error: Error) => {
				assert.ok(error instanceof UserError, String(error));
				assert.match(error.message, message);
				assert.ok(!error.message.includes('\n'), 'one line');
				return true;
			});
		}
	});

	it('runs the same model on onnxruntime-node and onnxruntime-web (the fallback) to the same disparity', async function () {
		this.timeout(20_000);
		const path = file('conv.onnx', convStackModel({size: 64, channels: 8, layers: 2}));
		const photo = photoOf(patternImage(64, 64, (x, y) => x + y < 64));
		const saved = process.env[ONNX_RUNTIME_ENV];
		const estimates = [];
		try {
			for (const pinned of ['node', 'web']) {
				process.env[ONNX_RUNTIME_ENV] = pinned;
				assert.equal((await loadOnnxRuntime()).backend, `onnxruntime-${pinned}`);
				estimates.push(await new OnnxDepthEstimator(path, {intraOpNumThreads: 1}).estimate(photo));
			}
		} finally {
			if (saved === undefined) delete process.env[ONNX_RUNTIME_ENV];
			else process.env[ONNX_RUNTIME_ENV] = saved;
		}
		const [native, wasm] = estimates;
		assert.equal(native!.runtime, 'onnxruntime-node');
		assert.equal(wasm!.runtime, 'onnxruntime-web');
		let worst = 0;
		for (let i = 0; i < native!.disparity.data.length; i++) worst = Math.max(worst, Math.abs(native!.disparity.data[i]! - wasm!.disparity.data[i]!));
		assert.ok(worst < 1e-4, `largest difference ${worst}`);
	});

	it('names the file and the reason in one line when onnxruntime-web refuses a model', async () => {
		const path = file('garbage-web.onnx', 'this is not a model');
		const saved = process.env[ONNX_RUNTIME_ENV];
		process.env[ONNX_RUNTIME_ENV] = 'web';
		try {
			await assert.rejects(new OnnxDepthEstimator(path).estimate(photoOf(solidImage(8, 8, [0, 0, 0]))), (error: Error) => {
				assert.ok(error instanceof UserError, String(error));
				assert.match(error.message, /garbage-web\.onnx: not a valid ONNX model \([^()]*protobuf parsing failed\)$/i);
				assert.ok(!error.message.includes('ERROR_CODE'), error.message);
				return true;
			});
		} finally {
			if (saved === undefined) delete process.env[ONNX_RUNTIME_ENV];
			else process.env[ONNX_RUNTIME_ENV] = saved;
		}
	});

});
