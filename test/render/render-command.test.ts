import assert from 'node:assert/strict';
import {execFileSync, spawn} from 'node:child_process';
import {createRequire} from 'node:module';
import {accessSync, constants, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {delimiter, join} from 'node:path';
import {pathToFileURL} from 'node:url';

import sharp from 'sharp';

import {psnr} from '../../src/image/metrics.js';
import {assertOneLineError, runCli} from '../helpers/cli.js';
import {repoRoot} from '../helpers/shared.js';

/** tsx's loader by absolute URL, for a CLI process the test signals itself. */
const TSX_LOADER = pathToFileURL(createRequire(join(repoRoot, 'package.json')).resolve('tsx')).href;
const samplePhoto = join(repoRoot, 'assets', 'sample.jpg');
const sampleDepth = join(repoRoot, 'assets', 'sample-depth.png');
/** Scene flags both the photo renders and the .glb build use, small for speed. */
const BUILD_FLAGS = ['--depth', sampleDepth, '--max-size', '160', '--inpainter', 'diffusion'];

interface RenderReport {
	input: string;
	inputKind: 'glb' | 'photo';
	output: string;
	outputKind: string;
	path: string;
	frames: number;
	width: number;
	height: number;
	fps: number;
	timingsMs: Record<string, number>;
}

function onPath(name: string): boolean {
	return (process.env.PATH ?? '').split(delimiter).some((directory) => {
		try {
			accessSync(join(directory, name), constants.X_OK);
			return true;
		} catch {
			return false;
		}
	});
}

async function readFrame(path: string): Promise<Uint8Array> {
	return new Uint8Array(await sharp(path).removeAlpha().raw().toBuffer());
}

describe('ldi-gltf render (CLI)', function () {
	this.timeout(120_000);
	let directory: string;

	before(async () => {
		directory = mkdtempSync(join(tmpdir(), 'ldi-render-cli-'));
		writeFileSync(join(directory, 'file.txt'), 'a file, not a directory');
		const built = await runCli(['build', samplePhoto, ...BUILD_FLAGS, '-o', 'sample.glb', '-q'], {cwd: directory});
		assert.equal(built.code, 0, built.stderr);
	});

	after(() => rmSync(directory, {recursive: true, force: true}));

	it('writes PNG frames of a photo and of its built .glb that agree within a tolerance', async () => {
		const fromPhoto = await runCli(['render', samplePhoto, ...BUILD_FLAGS, '--path', 'swing', '--frames', '4', '-o', 'photo-frames/', '--json'], {cwd: directory});
		assert.equal(fromPhoto.code, 0, fromPhoto.stderr);
		const report = JSON.parse(fromPhoto.stdout) as RenderReport;
		assert.equal(report.inputKind, 'photo');
		assert.equal(report.outputKind, 'frames');
		assert.deepEqual([report.frames, report.width, report.height, report.fps], [4, 160, 120, 30], 'frames keep the scene size below the default cap');
		for (const stage of ['decode', 'ldi', 'render', 'total']) assert.ok(stage in report.timingsMs, stage);
		const names = readdirSync(join(directory, 'photo-frames')).sort();
		assert.deepEqual(names, ['frame-0001.png', 'frame-0002.png', 'frame-0003.png', 'frame-0004.png']);

		const fromGlb = await runCli(['render', 'sample.glb', '--path', 'swing', '--frames', '4', '-o', 'glb-frames', '-q'], {cwd: directory});
		assert.equal(fromGlb.code, 0, fromGlb.stderr);
		let moved = Infinity;
		for (const name of names) {
			const [photoFrame, glbFrame] = await Promise.all([readFrame(join(directory, 'photo-frames', name)), readFrame(join(directory, 'glb-frames', name))]);
			const dB = psnr(photoFrame, glbFrame);
			assert.ok(dB >= 30, `${name}: the .glb renders like the photo's in-memory scene (${dB.toFixed(1)} dB)`);
			if (name !== names[0]) moved = Math.min(moved, psnr(photoFrame, await readFrame(join(directory, 'photo-frames', names[0]))));
		}
		assert.ok(moved < 40, `the camera moves: later frames differ from the first (${moved.toFixed(1)} dB)`);
	});

	it('writes animated WebP and GIF with the frame count, size and delays asked for', async () => {
		const webp = await runCli(['render', 'sample.glb', '--path', 'circle', '--frames', '6', '--fps', '10', '--size', '96', '-o', 'circle.webp', '--json'], {cwd: directory});
		assert.equal(webp.code, 0, webp.stderr);
		const report = JSON.parse(webp.stdout) as RenderReport;
		assert.equal(report.inputKind, 'glb');
		assert.deepEqual([report.width, report.height], [96, 72]);
		const webpMeta = await sharp(join(directory, 'circle.webp'), {animated: true}).metadata();
		assert.deepEqual([webpMeta.format, webpMeta.pages, webpMeta.width, webpMeta.pageHeight], ['webp', 6, 96, 72]);
		assert.deepEqual(webpMeta.delay, [100, 100, 100, 100, 100, 100]);

		const gif = await runCli(['render', 'sample.glb', '--path', 'dolly-zoom', '--frames', '5', '--fps', '20', '--size', '80', '-o', 'dolly.gif', '-q'], {cwd: directory});
		assert.equal(gif.code, 0, gif.stderr);
		const gifMeta = await sharp(join(directory, 'dolly.gif'), {animated: true}).metadata();
		assert.deepEqual([gifMeta.format, gifMeta.pages, gifMeta.width, gifMeta.pageHeight], ['gif', 5, 80, 60]);
		assert.deepEqual(gifMeta.delay, [50, 50, 50, 50, 50]);
	});

	it('writes an H.264 MP4 through ffmpeg, or says clearly that ffmpeg is missing', async function () {
		const missing = await runCli(['render', 'sample.glb', '--path', 'zoom-in', '--frames', '3', '-o', 'none.mp4'], {cwd: directory, env: {PATH: join(directory, 'no-such-bin')}});
		assertOneLineError(missing, 'none.mp4', /needs ffmpeg on PATH/);
		assert.ok(!existsSync(join(directory, 'none.mp4')));

		if (!onPath('ffmpeg')) {
			console.log('      skipped the MP4 itself: no ffmpeg on PATH');
			this.skip();
		}
		const result = await runCli(['render', 'sample.glb', '--path', 'zoom-in', '--frames', '8', '--fps', '24', '--size', '101', '-o', 'zoom.mp4', '--json'], {cwd: directory});
		assert.equal(result.code, 0, result.stderr);
		const report = JSON.parse(result.stdout) as RenderReport;
		assert.deepEqual([report.width, report.height], [100, 76], 'even sides for 4:2:0 video');
		const bytes = readFileSync(join(directory, 'zoom.mp4'));
		assert.equal(bytes.subarray(4, 8).toString('latin1'), 'ftyp');
		if (onPath('ffprobe')) {
			const probe = JSON.parse(execFileSync('ffprobe', [
				'-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name,width,height,nb_read_frames,r_frame_rate', '-of', 'json', join(directory, 'zoom.mp4'),
			], {encoding: 'utf8'})) as {streams: Array<{codec_name: string; width: number; height: number; nb_read_frames: string; r_frame_rate: string}>};
			const [stream] = probe.streams;
			assert.deepEqual([stream.codec_name, stream.width, stream.height, Number(stream.nb_read_frames), stream.r_frame_rate], ['h264', 100, 76, 8, '24/1']);
		}
		assert.deepEqual(readdirSync(directory).filter((name) => name.endsWith('.tmp')), [], 'no temporary files left');
	});

	it('PNG frames into a folder of a longer earlier render: its later frames are removed, other files kept', async () => {
		const folder = join(directory, 'rerendered');
		const first = await runCli(['render', 'sample.glb', '--path', 'circle', '--frames', '5', '--size', '32', '-o', 'rerendered/', '-q'], {cwd: directory});
		assert.equal(first.code, 0, first.stderr);
		writeFileSync(join(folder, 'notes.txt'), 'mine');
		const second = await runCli(['render', 'sample.glb', '--path', 'circle', '--frames', '2', '--size', '32', '-o', 'rerendered/', '-q'], {cwd: directory});
		assert.equal(second.code, 0, second.stderr);
		assert.deepEqual(readdirSync(folder).sort(), ['frame-0001.png', 'frame-0002.png', 'notes.txt']);
	});

	it('Ctrl-C (SIGINT) or SIGTERM during an MP4 render: no temporary file left, no ffmpeg still writing one', async function () {
		if (!onPath('ffmpeg')) this.skip();
		const folder = mkdtempSync(join(directory, 'interrupted-'));
		const temporaryFiles = (): string[] => readdirSync(folder).filter((name) => name.endsWith('.tmp'));
		for (const signal of ['SIGINT', 'SIGTERM'] as const) {
			// Far more frames than the test waits for: the render is still streaming them to ffmpeg when signalled.
			const child = spawn(process.execPath, [`--import=${TSX_LOADER}`, join(repoRoot, 'bin', 'dev.js'), 'render', join(directory, 'sample.glb'), '--path', 'circle', '--frames', '10000', '--size', '64', '-o', 'v.mp4', '-q'], {cwd: folder, stdio: 'ignore'});
			const exited = new Promise<NodeJS.Signals | null>((resolveExit) => child.once('exit', (_code, killedBy) => resolveExit(killedBy)));
			const deadline = Date.now() + 60_000;
			while (temporaryFiles().length === 0 && Date.now() < deadline) await new Promise((resolveWait) => setTimeout(resolveWait, 100));
			assert.equal(temporaryFiles().length, 1, 'ffmpeg is writing its temporary file');
			child.kill(signal);
			assert.equal(await exited, signal, 'ends as the signal would have ended it');
			// An orphaned ffmpeg would finish the file once its stdin closes: give it the time to.
			await new Promise((resolveWait) => setTimeout(resolveWait, 1000));
			assert.deepEqual(readdirSync(folder), [], `after ${signal}`);
		}
	});

	it('refuses bad input with one line naming the file, path or flag, and leaves no output', async () => {
		const cases: Array<[string[], string, RegExp]> = [
			[['render', 'missing.glb', '--path', 'circle', '-o', 'a.webp'], 'missing.glb', /cannot read/],
			[['render', 'missing.jpg', '--path', 'circle', '--depth', sampleDepth, '-o', 'b.webp'], 'missing.jpg', /cannot read/],
			// Without --depth: checked before a depth model is looked up (none is installed here).
			[['render', 'missing.jpg', '--path', 'circle', '-o', 'h.webp'], 'missing.jpg', /cannot read/],
			[['render', 'sample.glb', '--path', 'spiral', '-o', 'c.webp'], 'spiral', /unknown camera path/],
			[['render', 'sample.glb', '--path', 'circle', '-o', 'file.txt/d.webp'], 'file.txt', /cannot write/],
			[['render', 'sample.glb', '--path', 'circle', '-o', 'e.avi'], 'e.avi', /unsupported output/],
			[['render', 'sample.glb', '--path', 'circle', '--inpainter', 'patch', '-o', 'f.webp'], 'sample.glb', /--inpainter cannot apply to a built \.glb/],
			[['render', 'sample.glb', '--path', 'dolly-zoom', '--amplitude', '0,0,1.5', '-o', 'g.webp'], 'dolly-zoom', /cannot move/],
		];
		const env = {LDI_GLTF_CACHE_DIR: join(directory, 'empty-cache')};
		for (const [args, name, problem] of cases) assertOneLineError(await runCli(args, {cwd: directory, env}), name, problem);
		for (const name of ['a.webp', 'b.webp', 'c.webp', 'e.avi', 'f.webp', 'g.webp', 'h.webp']) assert.ok(!existsSync(join(directory, name)), `${name} not written`);
		assert.deepEqual(readdirSync(directory).filter((name) => name.endsWith('.tmp')), [], 'no temporary files left');
	});
});
