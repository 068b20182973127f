import assert from 'node:assert/strict';
import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {availableParallelism, tmpdir} from 'node:os';
import {basename, join} from 'node:path';

import sharp from 'sharp';

import {readSceneFromGlb} from '../../src/gltf/read.js';
import {channelMeanModel} from '../fixtures/onnx-builder.js';
import {assertOneLineError, runCli} from '../helpers/cli.js';
import {repoRoot} from '../helpers/shared.js';

const samplePhoto = join(repoRoot, 'assets', 'sample.jpg');
const sampleDepth = join(repoRoot, 'assets', 'sample-depth.png');

interface BuildRecord {
	input: string;
	outputs: string[];
	bytes: number;
	triangles: number;
	layers: number;
	textureSizes: Array<[number, number]>;
	depthEdges?: 'exact' | 'estimated';
	timingsMs: Record<string, number>;
	error?: {message: string; code: number};
}

describe('ldi-gltf build (CLI)', function () {
	this.timeout(180_000);
	let workDir = '';
	before(() => {
		workDir = mkdtempSync(join(tmpdir(), 'ldi-gltf-build-'));
	});
	after(() => rmSync(workDir, {recursive: true, force: true}));

	it('builds the bundled sample into a layered .glb whose contents match the --json report', async () => {
		const out = join(workDir, 'sample.glb');
		const result = await runCli(['build', samplePhoto, '--depth', sampleDepth, '-o', out, '--json', '--max-size', '320'], {cwd: workDir});
		assert.equal(result.code, 0, result.stderr);
		const [record] = JSON.parse(result.stdout) as BuildRecord[];
		assert.equal(record.error, undefined);
		assert.deepEqual(record.outputs, [out]);
		const bytes = readFileSync(out);
		assert.equal(record.bytes, bytes.length);
		assert.ok(record.layers >= 2, `inpainted layers exist (${record.layers} layers)`);
		for (const stage of ['decode', 'depth', 'inpaint', 'simplify', 'gltf', 'total']) assert.ok(stage in record.timingsMs, stage);

		const scene = await readSceneFromGlb(new Uint8Array(bytes));
		assert.equal(scene.layers.length, record.layers);
		assert.equal(scene.layers.reduce((sum, layer) => sum + layer.indices.length / 3, 0), record.triangles);
		assert.deepEqual(scene.layers.map((layer) => [layer.texture.width, layer.texture.height]), record.textureSizes);
		assert.equal(scene.layers[0].texture.width, 320, 'layer 0 is the photo at --max-size');
		assert.deepEqual(readdirSync(workDir).filter((name) => name.endsWith('.tmp')), [], 'no temporary files left');
	});

	it('--depth-edges: the sample\'s exact map is cut where it steps (auto), snapped when said to be estimated', async () => {
		const build = async (name: string, flags: string[]): Promise<{record: BuildRecord; recorded: unknown}> => {
			const out = join(workDir, name);
			const result = await runCli(['build', samplePhoto, '--depth', sampleDepth, '-o', out, '--json', ...flags], {cwd: workDir});
			assert.equal(result.code, 0, result.stderr);
			const bytes = readFileSync(out);
			// The GLB's JSON chunk: its length at byte 12, its text from byte 20.
			const json = JSON.parse(bytes.subarray(20, 20 + bytes.readUInt32LE(12)).toString('utf8')) as {asset: {extras: {ldiGltf: {options: {depthEdges: unknown}}}}};
			return {record: (JSON.parse(result.stdout) as BuildRecord[])[0]!, recorded: json.asset.extras.ldiGltf.options.depthEdges};
		};
		const auto = await build('sample-auto.glb', []);
		assert.equal(auto.record.depthEdges, 'exact');
		assert.equal(auto.recorded, 'exact');
		// Shrunk to half its size, the map is still exact (samples picked, not averaged across its steps).
		assert.equal((await build('sample-auto-320.glb', ['--max-size', '320'])).record.depthEdges, 'exact');
		const estimated = await build('sample-estimated.glb', ['--depth-edges', 'estimated']);
		assert.equal(estimated.record.depthEdges, 'estimated');
		assert.equal(estimated.recorded, 'estimated');
		// The band beside each outline is inpainted again and meshed as its own surface.
		assert.ok(estimated.record.triangles > auto.record.triangles, `${estimated.record.triangles} vs ${auto.record.triangles} triangles`);
	});

	it('--ldi-max-size: the layered depth image at that size, the photo layer and the camera at --max-size', async () => {
		const sizes = async (name: string, flags: string[]): Promise<{camera: number[]; textures: number[][]}> => {
			const out = join(workDir, name);
			const result = await runCli(['build', samplePhoto, '--depth', sampleDepth, '-o', out, '-q', ...flags], {cwd: workDir});
			assert.equal(result.code, 0, result.stderr);
			const scene = await readSceneFromGlb(new Uint8Array(readFileSync(out)));
			return {camera: [scene.camera.width, scene.camera.height], textures: scene.layers.map((layer) => [layer.texture.width, layer.texture.height])};
		};
		const capped = await sizes('sample-ldi-320.glb', ['--max-size', '640', '--ldi-max-size', '320']);
		const small = await sizes('sample-320.glb', ['--max-size', '320']);
		assert.deepEqual(capped.camera, [640, 480]);
		assert.deepEqual(capped.textures[0], [640, 480], 'layer 0 is the photo at --max-size');
		// The inpainted layers, the frame extension and the backdrop are those of the photo built at 320 px.
		assert.deepEqual(capped.textures.slice(1), small.textures.slice(1));
	});

	it('writes .gltf + .bin + one image per layer with --format gltf --no-compress, every file named after its photo', async () => {
		const outDir = join(workDir, 'gltf');
		const other = join(workDir, 'other.jpg');
		writeFileSync(other, readFileSync(samplePhoto));
		writeFileSync(join(workDir, 'other-depth.png'), readFileSync(sampleDepth));
		const result = await runCli(['build', samplePhoto, other, '--depth', '{dir}/{name}-depth.png', '--out-dir', outDir, '--format', 'gltf', '--no-compress', '--max-size', '256', '--quiet'], {cwd: workDir});
		assert.equal(result.code, 0, result.stderr);
		const names = readdirSync(outDir).sort();
		for (const stem of ['sample', 'other']) {
			assert.ok(names.includes(`${stem}.gltf`) && names.includes(`${stem}.bin`), names.join(', '));
			const gltf = JSON.parse(readFileSync(join(outDir, `${stem}.gltf`), 'utf8')) as {images: Array<{uri: string}>; buffers: Array<{uri: string}>; extensionsUsed?: string[]};
			assert.ok(gltf.images.length >= 2, 'one image per layer');
			for (const image of gltf.images) {
				assert.ok(image.uri.startsWith(`${stem}-layer-`), `${image.uri} is named after ${stem}`);
				assert.ok(names.includes(image.uri), `${image.uri} written`);
			}
			assert.deepEqual(gltf.buffers.map((buffer) => buffer.uri), [`${stem}.bin`]);
			assert.ok(!(gltf.extensionsUsed ?? []).includes('EXT_meshopt_compression'));
		}
		assert.ok(names.every((name) => name.startsWith('sample') || name.startsWith('other')), names.join(', '));
	});

	it('reports a bad photo, still builds the good one (depth from an ONNX model), and exits non-zero', async () => {
		const bad = join(workDir, 'notes.jpg');
		writeFileSync(bad, 'this is text, not a JPEG\n');
		const model = join(workDir, 'channel-mean.onnx');
		writeFileSync(model, channelMeanModel(true));
		const outDir = join(workDir, 'batch');
		const result = await runCli(['build', bad, samplePhoto, '--out-dir', outDir, '--max-size', '256', '--json', '--model', model, '--model-size', '140'], {cwd: workDir});
		assert.notEqual(result.code, 0, 'one photo failed');
		const records = JSON.parse(result.stdout) as BuildRecord[];
		assert.equal(records.length, 2);
		assert.match(records[0].error?.message ?? '', /notes\.jpg/);
		assert.equal(records[1].error, undefined, records[1].error?.message);
		assert.ok(existsSync(join(outDir, 'sample.glb')), 'the good photo is written');
		assert.ok(!existsSync(join(outDir, 'notes.glb')), 'nothing for the bad one');
		assert.match(result.stderr, /notes\.jpg/, 'the failure is reported on stderr');
	});

	it('builds a batch one photo per core by default, with the same bytes as --jobs 1, and --debug-dir writes the debug images', async () => {
		const model = join(workDir, 'mean-jobs.onnx');
		writeFileSync(model, channelMeanModel(true));
		const photos = ['first.jpg', 'second.jpg'].map((name) => {
			const path = join(workDir, name);
			writeFileSync(path, readFileSync(samplePhoto));
			return path;
		});
		const common = ['--model', model, '--model-size', '140', '--max-size', '192'];
		const serial = await runCli(['build', ...photos, '--out-dir', join(workDir, 'serial'), '--jobs', '1', ...common], {cwd: workDir});
		assert.equal(serial.code, 0, serial.stderr);
		assert.doesNotMatch(serial.stderr, /at a time/);
		const parallel = await runCli(['build', ...photos, '--out-dir', join(workDir, 'parallel'), '--debug-dir', join(workDir, 'debug'), ...common], {cwd: workDir});
		assert.equal(parallel.code, 0, parallel.stderr);
		if (availableParallelism() > 1) assert.match(parallel.stderr, /2 photos, 2 at a time/);
		for (const name of ['first.glb', 'second.glb']) {
			assert.ok(readFileSync(join(workDir, 'serial', name)).equals(readFileSync(join(workDir, 'parallel', name))), `${name} is the same`);
		}
		const debugNames = readdirSync(join(workDir, 'debug', 'second'));
		for (const name of ['disparity-filtered.png', 'edges.png', 'regions.png', 'layer-1-color.png']) assert.ok(debugNames.includes(name), `${name} in ${debugNames.join(', ')}`);
	});

	it('offline without model weights: one line that says how to get them', async () => {
		const result = await runCli(['build', samplePhoto, '--out-dir', join(workDir, 'offline'), '--offline', '--quiet'],
			{cwd: workDir, env: {LDI_GLTF_CACHE_DIR: join(workDir, 'empty-cache')}});
		assert.notEqual(result.code, 0);
		assert.match(result.stderr, /models pull/);
		assert.match(result.stderr, /--depth/);
		assert.ok(!/\n\s+at /.test(result.stderr), 'no stack trace');
	});

	it('a missing photo fails on its own line before any depth model is looked up or downloaded', async () => {
		const result = await runCli(['build', 'missing.jpg', '--out-dir', join(workDir, 'missing'), '--quiet'],
			{cwd: workDir, env: {LDI_GLTF_CACHE_DIR: join(workDir, 'empty-cache')}});
		assertOneLineError(result, 'missing.jpg', /no such file/);
		assert.ok(!/download|models pull/.test(result.stderr), `no model lookup: ${result.stderr}`);
	});

	it('fails per photo, keeps going, and names each file (supplied depth for one photo)', async () => {
		const bad = join(workDir, 'empty.jpg');
		writeFileSync(bad, '');
		const outDir = join(workDir, 'mixed');
		const result = await runCli(['build', bad, '--depth', sampleDepth, '--out-dir', outDir, '--max-size', '256', '--quiet'], {cwd: workDir});
		assertOneLineError(result, 'empty.jpg', /empty|not an image/);
		assert.ok(!existsSync(join(outDir, 'empty.glb')), 'nothing written for the bad photo');
	});

	it('a --depth template gives each photo of a batch its own map; a photo without one fails on its own line', async () => {
		const shots = join(workDir, 'shots');
		mkdirSync(shots);
		for (const name of ['left', 'right', 'lonely']) writeFileSync(join(shots, `${name}.jpg`), readFileSync(samplePhoto));
		// right's map is left's upside down: a different map must make a different scene.
		writeFileSync(join(shots, 'left-depth.png'), readFileSync(sampleDepth));
		writeFileSync(join(shots, 'right-depth.png'), await sharp(sampleDepth).flip().png().toBuffer());
		const outDir = join(workDir, 'templated');
		const result = await runCli(['build', join(shots, '*.jpg'), '--depth', '{dir}/{name}-depth.png', '--out-dir', outDir, '--max-size', '192', '--json', '--jobs', '2'], {cwd: workDir});
		assert.notEqual(result.code, 0, 'lonely.jpg has no depth map');
		const records = JSON.parse(result.stdout) as BuildRecord[];
		assert.deepEqual(records.map((record) => basename(record.input)), ['left.jpg', 'lonely.jpg', 'right.jpg']);
		assert.match(records[1].error?.message ?? '', /cannot read depth map .*lonely-depth\.png/);
		assert.equal(result.stderr.trim().split('\n').filter((line) => line.includes('lonely')).length, 1, result.stderr);
		assert.equal(records[0].error, undefined, records[0].error?.message);
		assert.equal(records[2].error, undefined, records[2].error?.message);
		assert.ok(!readFileSync(join(outDir, 'left.glb')).equals(readFileSync(join(outDir, 'right.glb'))), 'each photo was built with its own map');
		// The same photo with the same map alone gives the same bytes as in the batch.
		const single = await runCli(['build', join(shots, 'left.jpg'), '--depth', join(shots, 'left-depth.png'), '-o', join(workDir, 'left-alone.glb'), '--max-size', '192', '--quiet'], {cwd: workDir});
		assert.equal(single.code, 0, single.stderr);
		assert.ok(readFileSync(join(workDir, 'left-alone.glb')).equals(readFileSync(join(outDir, 'left.glb'))));
	});

	it('refuses to replace an existing output with --no-overwrite', async () => {
		const out = join(workDir, 'keep.glb');
		writeFileSync(out, 'precious');
		const result = await runCli(['build', samplePhoto, '--depth', sampleDepth, '-o', out, '--no-overwrite', '--max-size', '128'], {cwd: workDir});
		assertOneLineError(result, 'keep.glb', /exists/);
		assert.equal(readFileSync(out, 'utf8'), 'precious');
	});

	it('rejects contradictory flags in one line', async () => {
		// A second photo: the same file named twice is one photo.
		const otherPhoto = join(workDir, 'other.jpg');
		writeFileSync(otherPhoto, readFileSync(samplePhoto));
		const result = await runCli(['build', samplePhoto, otherPhoto, '-o', join(workDir, 'x.glb'), '--depth', sampleDepth], {cwd: workDir});
		assertOneLineError(result, 'x.glb', /one output file/);
		const folder = await runCli(['build', samplePhoto, '-o', workDir, '--depth', sampleDepth], {cwd: workDir});
		assertOneLineError(folder, workDir, /is a folder; name the output file, or use --out-dir/);
		const otherExtension = await runCli(['build', samplePhoto, '-o', join(workDir, 'scene.png'), '--depth', sampleDepth], {cwd: workDir});
		assertOneLineError(otherExtension, 'scene.png', /the output is a \.glb file \(--format glb\); name it scene\.glb/);
		assert.ok(!existsSync(join(workDir, 'scene.glb')) && !existsSync(`${workDir}.glb`), 'nothing written');
		const twoPhotosOneMap = await runCli(['build', samplePhoto, otherPhoto, '--depth', sampleDepth], {cwd: workDir});
		assertOneLineError(twoPhotosOneMap, 'sample-depth.png', /one depth map for 2 photos; give a template/);
	});
});
