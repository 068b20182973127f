import assert from 'node:assert/strict';
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

import sharp from 'sharp';

import {defaultModelName, findModel, listModels, loadModelRegistry} from '../../src/depth/models.js';
import {OnnxDepthEstimator} from '../../src/depth/onnx.js';
import {createDepthSource, depthSourceNames, registerDepthSource} from '../../src/depth/registry.js';
import {isModelFile, parseChannelTriple, parseModelSize, readModelSpecFile, resolveDepthSource} from '../../src/depth/resolve.js';
import {UserError} from '../../src/errors.js';
import type {Photo} from '../../src/image/raster.js';
import {channelMeanModel, channelSelectModel, padModelToBytes} from '../fixtures/onnx-builder.js';

function solidPhoto(width: number, height: number, rgb: [number, number, number]): Photo {
	const data = new Uint8Array(width * height * 3);
	for (let i = 0; i < width * height; i++) data.set(rgb, i * 3);
	return {image: {width, height, data}, fovYRadians: 1, fovSource: 'default', sourcePath: '', originalWidth: width, originalHeight: height};
}

describe('depth/models registry file', () => {
	it('lists Depth Anything V2 Small (default, Apache-2.0) and MiDaS v2.1 small (MIT, fixed 256×256)', () => {
		const registry = loadModelRegistry();
		assert.equal(defaultModelName(), 'depth-anything-v2-small');
		assert.deepEqual(listModels().map((model) => model.name), ['depth-anything-v2-small', 'midas-v2.1-small']);
		const depthAnything = findModel('depth-anything-v2-small');
		assert.equal(depthAnything.licence, 'Apache-2.0');
		assert.deepEqual(depthAnything.input.size, {shortSide: 518, multipleOf: 14});
		assert.match(depthAnything.url, /^https:\/\/huggingface\.co\/onnx-community\/depth-anything-v2-small\//);
		const midas = findModel('midas-v2.1-small');
		assert.equal(midas.licence, 'MIT');
		assert.deepEqual(midas.input.size, {fixed: [256, 256]});
		for (const model of registry.models) {
			assert.deepEqual(model.input.mean, [0.485, 0.456, 0.406]);
			assert.deepEqual(model.input.std, [0.229, 0.224, 0.225]);
			assert.equal(model.input.layout, 'NCHW');
			assert.equal(model.output.kind, 'disparity');
			assert.match(model.sha256 ?? '', /^[0-9a-f]{64}$/, `${model.name}: downloads are verified against a recorded sha256`);
			assert.ok(Number.isSafeInteger(model.exactBytes) && Math.abs(model.exactBytes! - model.bytes!) < 0.02 * model.bytes!, `${model.name}: exact size recorded`);
		}
		assert.match(depthAnything.url, /\/resolve\/[0-9a-f]{40}\//, 'pinned to a revision, so the recorded sha256 stays the file\'s');
		assert.throws(() => findModel('nope'), /^UserError: nope: unknown model \(known: depth-anything-v2-small, midas-v2.1-small/);
	});

	it('a registry file with a malformed sha256 or size is refused, naming the file and the entry', () => {
		const directory = mkdtempSync(join(tmpdir(), 'ldi-registry-'));
		try {
			const packaged = loadModelRegistry();
			for (const [field, value] of [['sha256', 'ABC'], ['exactBytes', -3]] as const) {
				const path = join(directory, `${field}.json`);
				writeFileSync(path, JSON.stringify({...packaged, models: [{...packaged.models[0], [field]: value}]}));
				assert.throws(() => loadModelRegistry(path), (error: Error) => error.message.includes(path) && error.message.includes(`"depth-anything-v2-small": ${field} must be`));
			}
		} finally {
			rmSync(directory, {recursive: true, force: true});
		}
	});
});

describe('depth/resolve and depth/registry', function () {
	let directory: string;
	before(() => {
		directory = mkdtempSync(join(tmpdir(), 'ldi-resolve-'));
	});
	after(() => rmSync(directory, {recursive: true, force: true}));

	it('parses --model-size, --model-mean/--model-std and tells files from registry names', () => {
		assert.deepEqual(parseModelSize('256x192'), {fixed: [256, 192]});
		assert.deepEqual(parseModelSize('392'), {shortSide: 392, multipleOf: 14});
		assert.throws(() => parseModelSize('big'), UserError);
		assert.deepEqual(parseChannelTriple('0.5', '--model-mean'), [0.5, 0.5, 0.5]);
		assert.deepEqual(parseChannelTriple('0.1, 0.2,0.3', '--model-std'), [0.1, 0.2, 0.3]);
		assert.throws(() => parseChannelTriple('1,2', '--model-std'), /--model-std 1,2: expected one or three/);
		assert.equal(isModelFile('midas-v2.1-small'), false);
		assert.equal(isModelFile('net.onnx'), true);
		assert.equal(isModelFile('models/net'), true);
	});

	it('reads a JSON spec over the defaults and rejects unknown fields, naming the file', async () => {
		const good = join(directory, 'spec.json');
		writeFileSync(good, JSON.stringify({size: {fixed: [64, 48]}, mean: [0, 0, 0], std: [1, 1, 1]}));
		const spec = await readModelSpecFile(good);
		assert.deepEqual(spec.size, {fixed: [64, 48]});
		assert.deepEqual(spec.std, [1, 1, 1]);
		assert.equal(spec.resize, 'cubic');
		const bad = join(directory, 'bad-spec.json');
		writeFileSync(bad, JSON.stringify({sise: 3}));
		await assert.rejects(readModelSpecFile(bad), /bad-spec\.json: model spec: bad or unknown field "sise"/);
		const broken = join(directory, 'broken.json');
		writeFileSync(broken, '{');
		await assert.rejects(readModelSpecFile(broken), /broken\.json: cannot read the model spec \(not valid JSON/);
	});

	it('--model FILE.onnx uses the flags over the default preprocessing (mean 0, std 1 → raw /255 values)', async () => {
		const model = join(directory, 'red.onnx');
		writeFileSync(model, channelSelectModel(0));
		const {source, kind, model: name} = await resolveDepthSource({model, modelMean: '0', modelStd: '1', modelSize: '28x14'});
		assert.equal(kind, 'model');
		assert.equal(name, model);
		assert.ok(source instanceof OnnxDepthEstimator);
		assert.deepEqual(source.options.input.size, {fixed: [28, 14]});
		const estimate = await source.estimate(solidPhoto(10, 10, [51, 0, 0]));
		assert.ok(Math.abs(estimate.rawMax - 0.2) < 1e-6, String(estimate.rawMax));
		assert.equal(estimate.source, 'red.onnx');
	});

	it('--model-spec file for a --model FILE.onnx', async () => {
		const model = join(directory, 'mean.onnx');
		writeFileSync(model, channelMeanModel(true));
		const spec = join(directory, 'mean-spec.json');
		writeFileSync(spec, JSON.stringify({size: {shortSide: 28, multipleOf: 7}, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5]}));
		const {source} = await resolveDepthSource({model, modelSpecPath: spec});
		assert.deepEqual((source as OnnxDepthEstimator).options.input.size, {shortSide: 28, multipleOf: 7});
		const estimate = await source.estimate(solidPhoto(40, 40, [255, 255, 255]));
		assert.ok(Math.abs(estimate.rawMax - 1) < 1e-6);
	});

	it('--depth FILE wins over a model and reads the map at the photo size', async () => {
		const map = join(directory, 'map.png');
		const codes = new Uint16Array(8 * 4);
		for (let i = 0; i < codes.length; i++) codes[i] = (i % 8) < 4 ? 60000 : 1000;
		await sharp(codes, {raw: {width: 8, height: 4, channels: 1}}).toColourspace('grey16').png().toFile(map);
		const {source, kind, model} = await resolveDepthSource({depthPath: map, model: 'midas-v2.1-small', offline: true});
		assert.equal(kind, 'file');
		assert.equal(model, map);
		const estimate = await source.estimate(solidPhoto(16, 8, [0, 0, 0]));
		assert.deepEqual([estimate.disparity.width, estimate.disparity.height], [16, 8]);
		assert.ok(estimate.disparity.data[0]! > 0.99 && estimate.disparity.data[15]! < 0.01);
	});

	it('a registry model not installed, offline: the offline error (no download attempted)', async () => {
		const cacheDir = join(directory, 'empty-cache');
		const fetchCalls: string[] = [];
		const fetchSpy = (async (url: string | URL | Request) => {
			fetchCalls.push(String(url));
			throw new Error('no network in tests');
		}) as typeof fetch;
		await assert.rejects(resolveDepthSource({offline: true, cacheDir, fetch: fetchSpy}), /^UserError: depth-anything-v2-small: model weights are not installed and offline mode is on/);
		await assert.rejects(resolveDepthSource({model: 'midas-v2.1-small', offline: true, cacheDir, fetch: fetchSpy}), /midas-v2\.1-small: model weights are not installed/);
		assert.deepEqual(fetchCalls, []);
	});

	it('an installed registry model runs with its registry spec (MiDaS: fixed 256×256)', async () => {
		const cacheDir = join(directory, 'cache');
		mkdirSync(cacheDir, {recursive: true});
		writeFileSync(join(cacheDir, 'midas-v2.1-small.onnx'), padModelToBytes(channelMeanModel(true), findModel('midas-v2.1-small').exactBytes!));
		const {source} = await resolveDepthSource({model: 'midas-v2.1-small', offline: true, cacheDir});
		assert.equal(source.name, 'midas-v2.1-small');
		assert.deepEqual((source as OnnxDepthEstimator).options.input.size, {fixed: [256, 256]});
		const estimate = await source.estimate(solidPhoto(30, 20, [9, 9, 9]));
		assert.deepEqual([estimate.disparity.width, estimate.disparity.height], [30, 20]);
	});

	it('plugins register sources by name; unknown names list the known ones', async () => {
		registerDepthSource('constant', () => ({
			name: 'constant',
			estimate: async (photo) => ({
				disparity: {width: photo.image.width, height: photo.image.height, data: new Float32Array(photo.image.width * photo.image.height)},
				rawMin: 0,
				rawMax: 0,
				kind: 'model',
				source: 'constant',
				timingsMs: {},
			}),
		}));
		assert.ok(depthSourceNames().includes('constant') && depthSourceNames().includes('file') && depthSourceNames().includes('midas-v2.1-small'));
		const source = await createDepthSource('constant');
		assert.equal((await source.estimate(solidPhoto(3, 2, [0, 0, 0]))).disparity.data.length, 6);
		const resolved = await resolveDepthSource({model: 'constant'});
		assert.equal(resolved.source.name, 'constant');
		await assert.rejects(createDepthSource('nothing'), /nothing: unknown depth source \(known: .*file, onnx, depth-anything-v2-small/);
	});
});
