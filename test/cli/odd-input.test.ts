import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {createRequire} from 'node:module';
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {pathToFileURL} from 'node:url';

import sharp from 'sharp';

import {readSceneFromGlb} from '../../src/gltf/read.js';
import {PHOTO_SIZE_LIMITS} from '../../src/image/load.js';
import {removeStaleTemporaryFiles, temporaryPathFor} from '../../src/io/atomic.js';
import {channelMeanModel} from '../fixtures/onnx-builder.js';
import {runCli} from '../helpers/cli.js';
import {repoRoot} from '../helpers/shared.js';

const samplePhoto = join(repoRoot, 'assets', 'sample.jpg');
const sampleDepth = join(repoRoot, 'assets', 'sample-depth.png');

const validator = createRequire(import.meta.url)('gltf-validator') as {
	validateBytes(bytes: Uint8Array, options?: Record<string, unknown>): Promise<{issues: {numErrors: number; messages: unknown[]}}>;
};

/** A pid that is not running: the largest pid Linux hands out is 4 194 304. */
const DEAD_PID = 4_194_000;

async function assertValidGlb(path: string): Promise<void> {
	const report = await validator.validateBytes(new Uint8Array(readFileSync(path)), {maxIssues: 10, writeTimestamp: false});
	assert.equal(report.issues.numErrors, 0, JSON.stringify(report.issues.messages.slice(0, 3)));
}

/**
 * Inputs that are odd but valid, and crashes: each must give a complete, valid output. The smallest and
 * most elongated photos the size limits allow build a scene whose layer 0 is the photo; names with
 * spaces, unicode and 245 characters work; a process killed with SIGKILL leaves the previous output
 * intact and its temporary file is removed by the next write into the folder.
 */
describe('odd but valid input, and kill -9 (CLI)', function () {
	this.timeout(240_000);
	let directory = '';
	before(() => {
		directory = mkdtempSync(join(tmpdir(), 'ldi-gltf-odd-'));
	});
	after(() => rmSync(directory, {recursive: true, force: true}));

	it(`builds the smallest (${PHOTO_SIZE_LIMITS.minSide}×${PHOTO_SIZE_LIMITS.minSide}) and most elongated (${PHOTO_SIZE_LIMITS.maxAspectRatio}:1) photos, layer 0 holding the photo`, async () => {
		const side = PHOTO_SIZE_LIMITS.minSide;
		const sizes: Array<[string, number, number]> = [['square', side, side], ['wide', side * PHOTO_SIZE_LIMITS.maxAspectRatio, side]];
		for (const [name, width, height] of sizes) {
			writeFileSync(join(directory, `${name}.png`), await sharp(samplePhoto).resize(width, height, {fit: 'fill'}).png().toBuffer());
		}
		// The sample's 4:3 map stretched on purpose over the square and 16:1 photos.
		const results = await Promise.all(sizes.map(([name]) => runCli(['build', `${name}.png`, '--depth', sampleDepth, '--depth-fit', 'stretch', '--no-compress', '--quiet'], {cwd: directory})));
		for (const [index, [name, width, height]] of sizes.entries()) {
			assert.equal(results[index].code, 0, results[index].stderr);
			const path = join(directory, `${name}.glb`);
			await assertValidGlb(path);
			const scene = await readSceneFromGlb(new Uint8Array(readFileSync(path)));
			assert.ok(scene.layers.length >= 1, 'at least the photo layer');
			assert.equal(scene.layers[0].layerIndex, 0);
			assert.deepEqual([scene.layers[0].texture.width, scene.layers[0].texture.height], [width, height], 'layer 0 is the photo');
			assert.ok(scene.layers[0].indices.length > 0, 'layer 0 has triangles');
		}
	});

	it('odd colour spaces, bit depths and EXIF orientations: depth writes the oriented photo\'s size, build a valid scene', async () => {
		const base = sharp(samplePhoto).resize(64, 48);
		const variants: Array<[name: string, bytes: Promise<Buffer>, width: number, height: number]> = [
			['rgb16.png', base.clone().toColourspace('rgb16').png().toBuffer(), 64, 48],
			['grey16.png', base.clone().toColourspace('grey16').png().toBuffer(), 64, 48],
			['grey.jpg', base.clone().greyscale().jpeg().toBuffer(), 64, 48],
			['palette.png', base.clone().png({palette: true, colours: 16}).toBuffer(), 64, 48],
			['alpha.png', base.clone().ensureAlpha(0.3).png().toBuffer(), 64, 48],
			['cmyk.jpg', base.clone().toColourspace('cmyk').jpeg().toBuffer(), 64, 48],
			['orientation-3.jpg', base.clone().jpeg().withMetadata({orientation: 3}).toBuffer(), 64, 48],
			['orientation-6.jpg', base.clone().jpeg().withMetadata({orientation: 6}).toBuffer(), 48, 64],
			['orientation-8.png', base.clone().png().withMetadata({orientation: 8}).toBuffer(), 48, 64],
			['cmyk-orientation-6.jpg', base.clone().toColourspace('cmyk').jpeg().withMetadata({orientation: 6}).toBuffer(), 48, 64],
		];
		for (const [name, bytes] of variants) writeFileSync(join(directory, name), await bytes);
		// A depth model, not a map: the map's shape would have to follow each orientation.
		writeFileSync(join(directory, 'mean.onnx'), channelMeanModel(true));
		for (const [name, , width, height] of variants) {
			const result = await runCli(['depth', name, '--model', 'mean.onnx', '-o', `${name}.depth.png`, '--quiet'], {cwd: directory});
			assert.equal(result.code, 0, `${name}: ${result.stderr}`);
			assert.equal(result.stderr, '', `${name}: nothing on stderr under --quiet`);
			const metadata = await sharp(join(directory, `${name}.depth.png`)).metadata();
			assert.deepEqual([metadata.width, metadata.height], [width, height], name);
		}
		const built = await runCli(['build', 'cmyk-orientation-6.jpg', '--model', 'mean.onnx', '-o', 'turned.glb', '--quiet'], {cwd: directory});
		assert.equal(built.code, 0, built.stderr);
		await assertValidGlb(join(directory, 'turned.glb'));
		const scene = await readSceneFromGlb(new Uint8Array(readFileSync(join(directory, 'turned.glb'))));
		assert.deepEqual([scene.layers[0].texture.width, scene.layers[0].texture.height], [48, 64], 'layer 0 is the photo, turned upright');
	});

	it('a 170° field of view builds a valid scene within the triangle budget (its orbit reveal is unbounded; the backdrop is capped)', async () => {
		const result = await runCli(['build', samplePhoto, '--depth', sampleDepth, '--fov', '170', '-o', 'wide.glb', '--json'], {cwd: directory});
		assert.equal(result.code, 0, result.stderr);
		const [record] = JSON.parse(result.stdout) as Array<{triangles: number; textureSizes: Array<[number, number]>}>;
		assert.ok(record.triangles <= 150_000, `${record.triangles} triangles`);
		assert.ok(record.textureSizes.every(([width, height]) => width <= 2048 && height <= 2048), JSON.stringify(record.textureSizes));
		await assertValidGlb(join(directory, 'wide.glb'));
	});

	it('writes outputs with spaces, unicode and 245-character names (short temporary names)', async () => {
		const names = ['a photo with spaces', 'фото-写真-ü', 'x'.repeat(245 - '.glb'.length)];
		for (const name of names) writeFileSync(join(directory, `${name}.jpg`), readFileSync(samplePhoto));
		for (const name of names) writeFileSync(join(directory, `${name}-depth.png`), readFileSync(sampleDepth));
		const built = await runCli(['build', ...names.map((name) => `${name}.jpg`), '--depth', '{dir}/{name}-depth.png', '--quiet', '--max-size', '64'], {cwd: directory});
		assert.equal(built.code, 0, built.stderr);
		for (const name of names) assert.ok(existsSync(join(directory, `${name}.glb`)), `${name}.glb`);
		assert.equal(Buffer.byteLength(`${names[2]}.glb`), 245);
		assert.ok(Buffer.byteLength(temporaryPathFor(join(directory, `${names[2]}.glb`)).slice(directory.length + 1)) <= 33);
	});

	it('a later write removes stale temporary files of dead processes, and keeps live ones', async () => {
		const folder = mkdtempSync(join(directory, 'stale-'));
		const stale = [`.ldi-gltf-${DEAD_PID}-0a1b2c3d.tmp`, `.moon.glb.${DEAD_PID}.0a1b2c3d.tmp`];
		const live = `.ldi-gltf-${process.ppid}-0a1b2c3d.tmp`;
		for (const name of [...stale, live, 'keep.tmp']) writeFileSync(join(folder, name), 'partial');
		const removed = await removeStaleTemporaryFiles(folder);
		assert.deepEqual(removed.sort(), stale.map((name) => join(folder, name)).sort());
		assert.deepEqual(readdirSync(folder).sort(), [live, 'keep.tmp'].sort());
	});

	it('kill -9 during builds: the output is the previous one or a complete valid .glb, and the next build leaves no temporary file', async () => {
		const output = join(directory, 'killed.glb');
		const first = await runCli(['build', samplePhoto, '--depth', sampleDepth, '-o', output, '--max-size', '128', '--no-compress', '--quiet'], {cwd: directory});
		assert.equal(first.code, 0, first.stderr);
		const previous = readFileSync(output);
		const tsx = pathToFileURL(createRequire(join(repoRoot, 'package.json')).resolve('tsx')).href;
		// Kills at different moments of a 128-px build (start-up, LDI, meshing, the write).
		for (const delayMs of [300, 900, 1500, 2100, 2700]) {
			const child = spawn(process.execPath, [`--import=${tsx}`, join(repoRoot, 'bin', 'dev.js'), 'build', samplePhoto, '--depth', sampleDepth, '-o', output, '--max-size', '128', '--no-compress', '--quiet'], {cwd: directory, stdio: 'ignore'});
			const exited = new Promise((resolve) => child.once('exit', resolve));
			await new Promise((resolve) => setTimeout(resolve, delayMs));
			child.kill('SIGKILL');
			await exited;
			const now = readFileSync(output);
			if (!now.equals(previous)) await assertValidGlb(output);
		}
		const last = await runCli(['build', samplePhoto, '--depth', sampleDepth, '-o', output, '--max-size', '128', '--no-compress', '--quiet'], {cwd: directory});
		assert.equal(last.code, 0, last.stderr);
		await assertValidGlb(output);
		assert.deepEqual(readdirSync(directory).filter((name) => name.endsWith('.tmp')), [], 'no temporary file left');
	});
});
