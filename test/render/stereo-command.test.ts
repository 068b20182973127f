import assert from 'node:assert/strict';
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

import sharp from 'sharp';

import {sceneToDocument} from '../../src/gltf/document.js';
import {optimizeDocument} from '../../src/gltf/optimize.js';
import {writeGlb} from '../../src/gltf/write.js';
import {psnr} from '../../src/image/metrics.js';
import type {RgbImage} from '../../src/image/raster.js';
import {gridScene} from '../../src/render/grid-scene.js';
import {rgbFromRgba} from '../../src/render/layouts.js';
import {renderScene} from '../../src/render/rasterize.js';
import {stereoCameras} from '../../src/render/stereo.js';
import type {Scene} from '../../src/scene/scene.js';
import {assertOneLineError, runCli} from '../helpers/cli.js';
import {repoRoot} from '../helpers/shared.js';
import {FOV_Y, generatedPhoto} from './scene-fixtures.js';

const samplePhoto = join(repoRoot, 'assets', 'sample.jpg');
const sampleDepth = join(repoRoot, 'assets', 'sample-depth.png');

interface StereoReport {
	outputs: string[];
	width: number;
	height: number;
	layout: string;
	inputKind: 'glb' | 'photo';
	viewsFrom: 'ldi' | 'meshes';
	convergenceDepthMeters: number | null;
	exactDisparity?: {minPixels: number; maxPixels: number};
	timingsMs: Record<string, number>;
}

async function readRgb(path: string): Promise<RgbImage> {
	const {data, info} = await sharp(path).removeAlpha().raw().toBuffer({resolveWithObject: true});
	return {width: info.width, height: info.height, data: new Uint8Array(data)};
}

function writePng(path: string, image: RgbImage): Promise<unknown> {
	return sharp(image.data, {raw: {width: image.width, height: image.height, channels: 3}}).png().toFile(path);
}

/** Pixels of `image` where `mask` is set, as one packed RGB array (for a masked PSNR). */
function masked(image: RgbImage, mask: Uint8Array): Uint8Array {
	const out: number[] = [];
	for (let p = 0; p < mask.length; p++) if (mask[p]) out.push(image.data[p * 3], image.data[p * 3 + 1], image.data[p * 3 + 2]);
	return Uint8Array.from(out);
}

describe('ldi-gltf stereo (CLI)', function () {
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
		writeFileSync(join(directory, 'file.txt'), 'a file, not a directory');
	});

	after(() => rmSync(directory, {recursive: true, force: true}));

	it('.glb input: writes a full side-by-side PNG and reports it as JSON; the left half matches the in-memory render', async () => {
		const result = await runCli(['stereo', 'scene.glb', '--json'], {cwd: directory});
		assert.equal(result.code, 0, result.stderr);
		const report = JSON.parse(result.stdout) as StereoReport;
		assert.equal(report.layout, 'sbs');
		assert.equal(report.inputKind, 'glb');
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

	it('.glb input: writes separate views, a wiggle GIF and an MPO', async () => {
		const separate = await runCli(['stereo', 'scene.glb', '--layout', 'separate', '--eyes', 'left', '-o', 'pair.jpg', '-q'], {cwd: directory});
		assert.equal(separate.code, 0, separate.stderr);
		assert.equal(separate.stderr, '');
		for (const name of ['pair-L.jpg', 'pair-R.jpg']) assert.deepEqual((await sharp(join(directory, name)).metadata()).width, width);
		const wiggle = await runCli(['stereo', 'scene.glb', '--layout', 'wiggle', '-o', 'w.gif', '--wiggle-delay', '200'], {cwd: directory});
		assert.equal(wiggle.code, 0, wiggle.stderr);
		const meta = await sharp(join(directory, 'w.gif')).metadata();
		assert.equal(meta.pages, 2);
		assert.deepEqual(meta.delay, [200, 200]);
		const mpo = await runCli(['stereo', 'scene.glb', '--layout', 'mpo'], {cwd: directory});
		assert.equal(mpo.code, 0, mpo.stderr);
		const bytes = readFileSync(join(directory, 'scene.mpo'));
		assert.ok(bytes.includes(Buffer.from('MPF\0', 'latin1')));
	});

	it('photo input: builds the scene from the photo and its depth map, for several layouts', async () => {
		const sbs = await runCli(['stereo', samplePhoto, '--depth', sampleDepth, '--max-size', '160', '--inpainter', 'diffusion', '--json'], {cwd: directory});
		assert.equal(sbs.code, 0, sbs.stderr);
		const report = JSON.parse(sbs.stdout) as StereoReport;
		assert.equal(report.inputKind, 'photo');
		assert.deepEqual([report.width, report.height], [160, 120], 'each eye is the photo at --max-size');
		assert.deepEqual(report.outputs, [join(directory, 'sample.sbs.png')]);
		assert.equal(report.viewsFrom, 'ldi', 'a photo\'s pair is drawn from its LDI, not meshed');
		for (const stage of ['decode', 'depth', 'ldi', 'render', 'total']) assert.ok(stage in report.timingsMs, stage);
		assert.ok(!('mesh' in report.timingsMs));
		const pair = await readRgb(report.outputs[0]);
		assert.deepEqual([pair.width, pair.height], [320, 120]);
		// The two eyes see the scene from different places: the halves differ, but not wildly.
		const leftHalf = new Uint8Array(160 * 120 * 3);
		const rightHalf = new Uint8Array(160 * 120 * 3);
		for (let y = 0; y < 120; y++) {
			leftHalf.set(pair.data.subarray(y * 320 * 3, (y * 320 + 160) * 3), y * 160 * 3);
			rightHalf.set(pair.data.subarray((y * 320 + 160) * 3, (y * 320 + 320) * 3), y * 160 * 3);
		}
		const eyes = psnr(leftHalf, rightHalf);
		assert.ok(eyes > 12 && eyes < 40, `the eyes differ by parallax only: ${eyes.toFixed(1)} dB`);

		// Supersampling needs the meshes; the pair is then the same views up to the samples and the simplification.
		const supersampled = await runCli(['stereo', samplePhoto, '--depth', sampleDepth, '--max-size', '160', '--inpainter', 'diffusion', '--ssaa', '2', '-o', 'ss.png', '--json'], {cwd: directory});
		assert.equal(supersampled.code, 0, supersampled.stderr);
		const supersampledReport = JSON.parse(supersampled.stdout) as StereoReport;
		assert.equal(supersampledReport.viewsFrom, 'meshes');
		assert.ok('mesh' in supersampledReport.timingsMs);
		const meshedPair = await readRgb(join(directory, 'ss.png'));
		const sameViews = psnr(pair.data, meshedPair.data);
		assert.ok(sameViews > 25, `LDI-drawn vs meshed pair ${sameViews.toFixed(1)} dB`);

		const halfTb = await runCli(['stereo', samplePhoto, '--depth', sampleDepth, '--max-size', '160', '--inpainter', 'diffusion', '--layout', 'half-tb', '-o', 'out/tb.webp', '-q'], {cwd: directory});
		assert.equal(halfTb.code, 0, halfTb.stderr);
		const meta = await sharp(join(directory, 'out', 'tb.webp')).metadata();
		assert.deepEqual([meta.format, meta.width, meta.height], ['webp', 160, 120], 'half top-bottom keeps one eye\'s size');
	});

	it('exact-disparity mode: a pattern shifted by the map\'s pixel disparity lands exactly in the right view', async () => {
		// A background at 4 px of disparity with a rectangle at 12 px in front of it, stored ×4 in an
		// 8-bit map (--depth-scale 0.25) with a block of unknown (0) values in the background.
		const w = 120;
		const h = 80;
		const [x0, x1, y0, y1] = [44, 80, 24, 56];
		const background = 4;
		const foreground = 12;
		const texture = (x: number, y: number, layer: number): [number, number, number] => [
			((x >> 2) & 1) * 160 + 40 + layer * 50, ((x * 37) ^ (y * 91)) & 255, (y * 255) / (h - 1),
		];
		const inside = (x: number, y: number): boolean => x >= x0 && x < x1 && y >= y0 && y < y1;
		const left = {width: w, height: h, data: new Uint8Array(w * h * 3)};
		const map = new Uint8Array(w * h);
		for (let y = 0; y < h; y++) {
			for (let x = 0; x < w; x++) {
				const front = inside(x, y);
				left.data.set(texture(x, y, front ? 1 : 0), (y * w + x) * 3);
				map[y * w + x] = 4 * (front ? foreground : background);
			}
		}
		for (let y = 6; y < 10; y++) map.fill(0, y * w + 10, y * w + 14);
		// The right view: pixel (x, y) shows the left pixel that lands on it, (x + d, y).
		const expected = {width: w, height: h, data: new Uint8Array(w * h * 3)};
		const compare = new Uint8Array(w * h);
		for (let y = 0; y < h; y++) {
			for (let x = 0; x < w; x++) {
				const front = inside(x + foreground, y);
				expected.data.set(texture(front ? x + foreground : x + background, y, front ? 1 : 0), (y * w + x) * 3);
				// Away from the rectangle's edges in the right view (2 px), from what no left pixel shows
				// (the disocclusion beside it) and from the frame edges the background leaves empty.
				const nearEdge = x + 2 >= x0 - foreground && x - 2 < x1 - background && y + 2 >= y0 && y - 2 < y1;
				compare[y * w + x] = !nearEdge && x + background < w - 1 && x > 1 && y > 1 && y < h - 2 ? 1 : 0;
			}
		}
		await writePng(join(directory, 'left.png'), left);
		await sharp(map, {raw: {width: w, height: h, channels: 1}}).png().toFile(join(directory, 'disparity.png'));

		const result = await runCli([
			'stereo', 'left.png', '--depth', 'disparity.png', '--depth-unit', 'px', '--depth-scale', '0.25',
			'--layout', 'separate', '-o', 'exact.png', '--inpainter', 'diffusion', '--json',
		], {cwd: directory});
		assert.equal(result.code, 0, result.stderr);
		const report = JSON.parse(result.stdout) as StereoReport;
		assert.deepEqual(report.exactDisparity, {minPixels: background, maxPixels: foreground});
		assert.equal(report.convergenceDepthMeters, null);
		const [leftView, rightView] = await Promise.all([readRgb(join(directory, 'exact-L.png')), readRgb(join(directory, 'exact-R.png'))]);
		const leftDb = psnr(leftView.data, left.data);
		assert.ok(leftDb >= 40, `the left eye is the photo: ${leftDb.toFixed(1)} dB`);
		const rightDb = psnr(masked(rightView, compare), masked(expected, compare));
		assert.ok(rightDb >= 40, `the right eye is the true right view: ${rightDb.toFixed(1)} dB over ${compare.reduce((a, b) => a + b, 0)} px`);
		const foregroundShift = psnr(masked(rightView, compare), masked({...expected, data: left.data}, compare));
		assert.ok(foregroundShift < 25, `and not the unshifted photo (${foregroundShift.toFixed(1)} dB)`);
	});

	it('refuses bad input with one line naming the file or flag, and leaves no output', async () => {
		const cases: Array<[string[], string, RegExp]> = [
			[['stereo', 'text.glb'], 'text.glb', /not a glTF binary scene/],
			[['stereo', 'missing.glb'], 'missing.glb', /cannot read/],
			[['stereo', 'missing.jpg', '--depth', sampleDepth], 'missing.jpg', /cannot read|no such file/],
			// Without --depth: checked before a depth model is looked up (none is installed here).
			[['stereo', 'missing.jpg'], 'missing.jpg', /cannot read/],
			[['stereo', 'scene.glb', '--layout', 'wiggle', '-o', 'w.png'], 'w.png', /\.webp or \.gif/],
			[['stereo', 'scene.glb', '--depth', sampleDepth], 'scene.glb', /--depth cannot apply to a built \.glb/],
			[['stereo', samplePhoto, '--depth-unit', 'px'], '--depth-unit px', /needs --depth/],
			[['stereo', samplePhoto, '--depth', sampleDepth, '--depth-unit', 'px', '--divergence', '3'], '--divergence', /cannot apply/],
			[['stereo', samplePhoto, '--depth', sampleDepth, '--max-size', '64', '-o', 'file.txt/pair.png'], 'file.txt', /cannot write/],
		];
		const env = {LDI_GLTF_CACHE_DIR: join(directory, 'empty-cache')};
		for (const [args, name, problem] of cases) assertOneLineError(await runCli(args, {cwd: directory, env}), name, problem);
		assert.ok(!existsSync(join(directory, 'w.png')));
		assert.ok(!existsSync(join(directory, 'missing.sbs.png')));
		assert.deepEqual(readdirSync(directory).filter((name) => name.endsWith('.tmp')), [], 'no temporary files left');
	});
});
