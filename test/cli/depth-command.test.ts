import assert from 'node:assert/strict';
import {createHash} from 'node:crypto';
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {createServer, type Server} from 'node:http';
import type {AddressInfo} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

import sharp from 'sharp';

import {loadModelRegistry, MODEL_REGISTRY_PATH} from '../../src/depth/models.js';
import {channelMeanModel, vectorModel} from '../fixtures/onnx-builder.js';
import {assertOneLineError, runCli} from '../helpers/cli.js';

async function readGrey16(path: string): Promise<{width: number; height: number; depth: string | undefined; data: Uint16Array}> {
	const metadata = await sharp(path).metadata();
	const {data, info} = await sharp(path).toColourspace('grey16').raw({depth: 'ushort'}).toBuffer({resolveWithObject: true});
	return {width: info.width, height: info.height, depth: metadata.depth, data: new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2)};
}

describe('ldi-gltf depth (CLI)', function () {
	this.timeout(120_000);
	let directory: string;
	let cache: string;

	before(async () => {
		directory = mkdtempSync(join(tmpdir(), 'ldi-depth-cli-'));
		cache = join(directory, 'cache');
		writeFileSync(join(directory, 'mean.onnx'), channelMeanModel(true));
		writeFileSync(join(directory, 'vector.onnx'), vectorModel());
		writeFileSync(join(directory, 'text.onnx'), 'not a model at all');
		writeFileSync(join(directory, 'a-file'), 'a file, not a directory');
		// 300×200, left half bright, right half dark.
		const pixels = new Uint8Array(300 * 200 * 3);
		for (let i = 0; i < 300 * 200; i++) pixels.fill(i % 300 < 150 ? 220 : 30, i * 3, i * 3 + 3);
		await sharp(pixels, {raw: {width: 300, height: 200, channels: 3}}).jpeg({quality: 95}).toFile(join(directory, 'split.jpg'));
		// A supplied map where dark = near on the right half (needs --depth-invert).
		const map = new Uint8Array(150 * 100);
		for (let i = 0; i < map.length; i++) map[i] = i % 150 < 75 ? 200 : 40;
		await sharp(map, {raw: {width: 150, height: 100, channels: 1}}).png().toFile(join(directory, 'map.png'));
	});
	after(() => rmSync(directory, {recursive: true, force: true}));

	it('writes a 16-bit PNG at the photo size, bright = near, and --json describes it', async () => {
		const result = await runCli(['depth', 'split.jpg', '--model', 'mean.onnx', '--json', '--preview', '--threads', '1'], {cwd: directory, env: {LDI_GLTF_CACHE_DIR: cache}});
		assert.equal(result.code, 0, result.stderr);
		const json = JSON.parse(result.stdout) as Record<string, unknown>;
		const output = join(directory, 'split.depth.png');
		assert.equal(json.output, output);
		assert.equal(json.preview, join(directory, 'split.depth.preview.png'));
		assert.deepEqual([json.width, json.height, json.source, json.model], [300, 200, 'model', 'mean.onnx']);
		assert.ok((json.timingsMs as Record<string, number>).inference! >= 0);
		const png = await readGrey16(output);
		assert.deepEqual([png.width, png.height, png.depth], [300, 200, 'ushort']);
		for (const y of [5, 100, 195]) assert.ok(png.data[y * 300 + 20]! > 60000 && png.data[y * 300 + 280]! < 3000, `row ${y}`);
		const preview = await sharp(join(directory, 'split.depth.preview.png')).metadata();
		assert.deepEqual([preview.width, preview.height, preview.format], [300, 200, 'png']);
	});

	it('--format pfm into --out-dir; --depth with --depth-invert needs no model', async () => {
		const [pfm, supplied] = await Promise.all([
			runCli(['depth', 'split.jpg', '--model', 'mean.onnx', '--format', 'pfm', '--out-dir', 'out', '-q'], {cwd: directory}),
			runCli(['depth', 'split.jpg', '--depth', 'map.png', '--depth-invert', '-o', 'supplied.png', '--offline'], {cwd: directory, env: {LDI_GLTF_CACHE_DIR: cache}}),
		]);
		assert.equal(pfm.code, 0, pfm.stderr);
		assert.equal(pfm.stderr, '', '--quiet prints nothing');
		const bytes = readFileSync(join(directory, 'out', 'split.depth.pfm'));
		assert.equal(bytes.subarray(0, 14).toString('latin1'), 'Pf\n300 200\n-1\n');
		assert.equal(bytes.length, 14 + 300 * 200 * 4);
		assert.equal(supplied.code, 0, supplied.stderr);
		const png = await readGrey16(join(directory, 'supplied.png'));
		assert.deepEqual([png.width, png.height], [300, 200]);
		assert.ok(png.data[100 * 300 + 20]! < 1000 && png.data[100 * 300 + 280]! > 64000, 'inverted: dark right half is near');
	});

	it('-o sets the format by its extension (.pfm, .PNG, none: --format\'s); another extension, a folder or a clash with --format is refused', async () => {
		const run = (out: string, ...extra: string[]) => runCli(['depth', 'split.jpg', '--depth', 'map.png', '-o', out, '-q', ...extra], {cwd: directory});
		const written = await Promise.all([run('named.pfm'), run('upper.PNG'), run('bare', '--format', 'pfm')]);
		for (const result of written) assert.equal(result.code, 0, result.stderr);
		assert.equal(readFileSync(join(directory, 'named.pfm')).subarray(0, 3).toString('latin1'), 'Pf\n');
		assert.equal((await sharp(join(directory, 'upper.PNG')).metadata()).format, 'png');
		assert.equal(readFileSync(join(directory, 'bare.pfm')).subarray(0, 3).toString('latin1'), 'Pf\n');
		const refused = await Promise.all([run('map.txt'), run('.'), run('clash.png', '--format', 'pfm')]);
		assertOneLineError(refused[0], '-o map.txt', /written as \.png \(16-bit\) or \.pfm/);
		assertOneLineError(refused[1], '-o .', /is a folder/);
		assertOneLineError(refused[2], '-o clash.png', /--format pfm writes a \.pfm file; name it clash\.pfm/);
		assert.ok(!existsSync(join(directory, 'map.txt')) && !existsSync(join(directory, 'clash.png')));
	});

	it('a map of another aspect ratio: one line naming both sizes; --depth-fit stretch or crop uses it', async () => {
		// 300×100 for the 300×200 photo: the left third bright, the rest dark.
		const wide = new Uint8Array(300 * 100);
		for (let i = 0; i < wide.length; i++) wide[i] = i % 300 < 100 ? 200 : 40;
		await sharp(wide, {raw: {width: 300, height: 100, channels: 1}}).png().toFile(join(directory, 'wide.png'));
		const refused = await runCli(['depth', 'split.jpg', '--depth', 'wide.png', '-o', 'refused.png'], {cwd: directory});
		assertOneLineError(refused, 'wide.png', /depth map is 300×100, the photo 300×200: another aspect ratio \(3\.00 vs 1\.50\).*--depth-fit stretch or --depth-fit crop/);
		assert.equal(refused.code, 1);
		assert.ok(!existsSync(join(directory, 'refused.png')));
		const [stretched, cropped] = await Promise.all(['stretch', 'crop'].map((fit) => runCli(['depth', 'split.jpg', '--depth', 'wide.png', '--depth-fit', fit, '-o', `${fit}.png`], {cwd: directory})));
		assert.equal(stretched.code, 0, stretched.stderr);
		assert.equal(cropped.code, 0, cropped.stderr);
		// Stretched, the bright third covers the photo's left third; cropped to 150×100 (columns 75..224), its left sixth.
		const [a, b] = await Promise.all([readGrey16(join(directory, 'stretch.png')), readGrey16(join(directory, 'crop.png'))]);
		assert.deepEqual([a.width, a.height, b.width, b.height], [300, 200, 300, 200]);
		const row = 100 * 300;
		assert.ok(a.data[row + 80]! > 60000 && a.data[row + 120]! < 5000, `stretched: ${a.data[row + 80]}, ${a.data[row + 120]}`);
		assert.ok(b.data[row + 30]! > 60000 && b.data[row + 80]! < 5000, `cropped: ${b.data[row + 30]}, ${b.data[row + 80]}`);
	});

	it('downloads a missing registry model on first use with a visible progress line, verified against the registry\'s sha256', async () => {
		const weights = channelMeanModel(true);
		const server: Server = createServer((_request, response) => {
			response.writeHead(200, {'content-length': weights.length});
			response.end(weights);
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
		try {
			const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
			// A pipeline's own registry (LDI_GLTF_MODEL_REGISTRY): the MiDaS entry with this test model's checksum.
			const packaged = loadModelRegistry(MODEL_REGISTRY_PATH);
			const sha256 = createHash('sha256').update(weights).digest('hex');
			const models = packaged.models.map((entry) => (entry.name === 'midas-v2.1-small' ? {...entry, exactBytes: weights.length, sha256} : entry));
			const registryPath = join(directory, 'own-registry.json');
			writeFileSync(registryPath, JSON.stringify({...packaged, models}));
			const ownCache = join(directory, 'first-use-cache');
			const env = {LDI_GLTF_CACHE_DIR: ownCache, LDI_GLTF_MODEL_BASE_URL: base, LDI_GLTF_MODEL_REGISTRY: registryPath};
			const result = await runCli(['depth', 'split.jpg', '--model', 'midas-v2.1-small', '-o', 'midas.png'], {cwd: directory, env});
			assert.equal(result.code, 0, result.stderr);
			assert.match(result.stderr, /midas-v2\.1-small is not installed: downloading it once from http:\/\/127\.0\.0\.1:\d+\/midas-v2\.1-small\.onnx/);
			assert.match(result.stderr, /downloading midas-v2\.1-small: 100%/);
			assert.match(result.stderr, new RegExp(`sha256 ${sha256} verified \\(the registry\\)`));
			assert.deepEqual(readdirSync(ownCache), ['midas-v2.1-small.onnx']);
			assert.deepEqual([(await readGrey16(join(directory, 'midas.png'))).width], [300]);
			const packagedRegistry = await runCli(['depth', 'split.jpg', '--model', 'midas-v2.1-small', '-o', 'midas2.png'], {cwd: directory, env: {...env, LDI_GLTF_MODEL_REGISTRY: ''}});
			assert.notEqual(packagedRegistry.code, 0, 'the package\'s registry expects the real file\'s size: the installed test model is not it');
		} finally {
			server.close();
		}
	});


	it('bad inputs: one line naming the file, non-zero exit, no stack trace, no output file', async () => {
		const cases: [string[], string, RegExp][] = [
			[['depth', 'split.jpg', '--model', 'text.onnx', '-o', 'bad1.png'], 'text.onnx', /not a valid ONNX model/],
			[['depth', 'split.jpg', '--model', 'vector.onnx', '-o', 'bad2.png'], 'vector.onnx', /model input is not an image tensor/],
			[['depth', 'split.jpg', '--model', 'mean.onnx', '-o', 'a-file/bad3.png'], 'a-file', /cannot write output here \(.*not a directory\)/],
			[['depth', 'missing.jpg', '--model', 'mean.onnx', '-o', 'bad4.png'], 'missing.jpg', /no such file/],
			[['depth', 'split.jpg', '--depth', 'text.onnx', '-o', 'bad5.png'], 'text.onnx', /depth map/],
			[['depth', 'split.jpg', '-o', 'bad6.png'], 'depth-anything-v2-small', /offline mode is on.*ldi-gltf models pull depth-anything-v2-small.*--depth FILE.*--model FILE\.onnx/],
		];
		const results = await Promise.all(cases.map(([args]) => runCli(args, {cwd: directory, env: {LDI_GLTF_CACHE_DIR: cache, LDI_GLTF_OFFLINE: '1'}})));
		results.forEach((result, index) => {
			const [, fileName, problem] = cases[index]!;
			assertOneLineError(result, fileName, problem);
		});
		assert.deepEqual(readdirSync(directory).filter((name) => name.startsWith('bad') || name.endsWith('.tmp')), []);
		assert.equal(existsSync(join(directory, 'split.depth.png.tmp')), false);
	});
});
