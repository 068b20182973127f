import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {pathToFileURL} from 'node:url';

import sharp from 'sharp';

import {sceneToDocument} from '../../src/gltf/document.js';
import {optimizeDocument} from '../../src/gltf/optimize.js';
import {writeGlb} from '../../src/gltf/write.js';
import {psnr} from '../../src/image/metrics.js';
import {gridScene} from '../../src/render/grid-scene.js';
import {rgbFromRgba} from '../../src/render/layouts.js';
import {renderScene} from '../../src/render/rasterize.js';
import {stereoCameras} from '../../src/render/stereo.js';
import type {Scene} from '../../src/scene/scene.js';
import {repoRoot} from '../helpers/shared.js';
import {FOV_Y, generatedPhoto} from './scene-fixtures.js';

interface CliResult {
	code: number;
	stdout: string;
	stderr: string;
}

const TSX_LOADER = pathToFileURL(createRequire(join(repoRoot, 'package.json')).resolve('tsx')).href;

function runCli(args: string[], cwd: string): Promise<CliResult> {
	return new Promise((resolve) => {
		execFile(process.execPath, [`--import=${TSX_LOADER}`, join(repoRoot, 'bin', 'dev.js'), ...args], {cwd}, (error, stdout, stderr) => {
			resolve({code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr});
		});
	});
}

describe('ldi-gltf stereo (CLI, .glb input)', function () {
	this.timeout(120_000);
	const width = 96;
	const height = 64;
	let directory: string;
	let scene: Scene;

	before(async () => {
		directory = mkdtempSync(join(tmpdir(), 'ldi-stereo-cli-'));
		const depth = new Float32Array(width * height);
		for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) depth[y * width + x] = x > 30 && x < 60 && y > 20 && y < 45 ? 1.2 : 3;
		scene = gridScene(generatedPhoto(width, height), depth, {fovYRadians: FOV_Y, maxDepthRatio: 1.5});
		const document = await sceneToDocument(scene, {toolVersion: 'test', sourceFile: '', depthSource: 'supplied'}, {textureFormat: 'png'});
		writeFileSync(join(directory, 'scene.glb'), await writeGlb(await optimizeDocument(document)));
		writeFileSync(join(directory, 'text.glb'), 'not a glb');
	});

	after(() => rmSync(directory, {recursive: true, force: true}));

	it('writes a full side-by-side PNG and reports it as JSON; the left half matches the in-memory render', async () => {
		const result = await runCli(['stereo', 'scene.glb', '--json'], directory);
		assert.equal(result.code, 0, result.stderr);
		const report = JSON.parse(result.stdout) as {outputs: string[]; width: number; height: number; layout: string};
		assert.equal(report.layout, 'sbs');
		assert.deepEqual(report.outputs, [join(directory, 'scene.sbs.png')]);
		const {data, info} = await sharp(report.outputs[0]).removeAlpha().raw().toBuffer({resolveWithObject: true});
		assert.deepEqual([info.width, info.height], [2 * width, height]);
		const {left} = stereoCameras(scene);
		const expected = rgbFromRgba(renderScene(scene, left, {fillEmptyPixels: Number.POSITIVE_INFINITY}).image);
		const leftHalf = new Uint8Array(width * height * 3);
		for (let y = 0; y < height; y++) leftHalf.set(data.subarray(y * 2 * width * 3, (y * 2 * width + width) * 3), y * width * 3);
		const dB = psnr(leftHalf, expected.data);
		assert.ok(dB >= 35, `the .glb renders like the in-memory scene: ${dB.toFixed(1)} dB`);
	});

	it('writes separate views, a wiggle GIF and an MPO', async () => {
		const separate = await runCli(['stereo', 'scene.glb', '--layout', 'separate', '--eyes', 'left', '-o', 'pair.jpg', '-q'], directory);
		assert.equal(separate.code, 0, separate.stderr);
		assert.equal(separate.stderr, '');
		for (const name of ['pair-L.jpg', 'pair-R.jpg']) assert.deepEqual((await sharp(join(directory, name)).metadata()).width, width);
		const wiggle = await runCli(['stereo', 'scene.glb', '--layout', 'wiggle', '-o', 'w.gif', '--wiggle-delay', '200'], directory);
		assert.equal(wiggle.code, 0, wiggle.stderr);
		const meta = await sharp(join(directory, 'w.gif')).metadata();
		assert.equal(meta.pages, 2);
		assert.deepEqual(meta.delay, [200, 200]);
		const mpo = await runCli(['stereo', 'scene.glb', '--layout', 'mpo'], directory);
		assert.equal(mpo.code, 0, mpo.stderr);
		const bytes = readFileSync(join(directory, 'scene.mpo'));
		assert.ok(bytes.includes(Buffer.from('MPF\0', 'latin1')));
	});

	it('refuses bad input with one line naming the file', async () => {
		for (const [args, file] of [[['stereo', 'text.glb'], 'text.glb'], [['stereo', 'missing.glb'], 'missing.glb'], [['stereo', 'scene.glb', '--layout', 'wiggle', '-o', 'w.png'], 'w.png']] as const) {
			const result = await runCli([...args], directory);
			assert.notEqual(result.code, 0);
			const lines = result.stderr.trim().split('\n');
			assert.equal(lines.length, 1, result.stderr);
			assert.ok(lines[0].includes(file), lines[0]);
		}
		assert.ok(!existsSync(join(directory, 'w.png')));
	});
});
