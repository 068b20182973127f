import {spawn} from 'node:child_process';
import {accessSync, constants, statSync} from 'node:fs';
import {readdir, rename, rm} from 'node:fs/promises';
import {basename, delimiter, dirname, extname, join, resolve, sep} from 'node:path';

import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';

import {BaseCommand} from '../cli/base-command.js';
import {flagInputs, loadSceneForCommand, prepareOutputDirectory, roundMs} from '../cli/command-helpers.js';
import {createProgress} from '../cli/progress.js';
import {exactDisparityFlags, givenFlags, planSceneInput, sceneFlags} from '../cli/scene-flags.js';
import {fileError, UserError, usageError} from '../errors.js';
import type {RgbImage} from '../image/raster.js';
import sharp from '../image/sharp.js';
import {temporaryPathFor, trackTemporaryFile, writeFileAtomic} from '../io/atomic.js';
import {refuseOverwritingInputs} from '../io/same-file.js';
import {encodeAnimation} from '../render/animation.js';
import {
	CAMERA_PATH_AMPLITUDE_DEFAULTS, CAMERA_PATH_DEFAULTS, CAMERA_PATH_NAMES, cameraPath, cameraPathReferenceDepth, type CameraPathName, type CameraPose, renderCameraForPose, type Vec3,
} from '../render/camera-path.js';
import {rgbFromRgba} from '../render/layouts.js';
import {renderScene} from '../render/rasterize.js';
import type {Scene} from '../scene/scene.js';

/** Default long side of the frames: the scene's own size, capped here (speed and file size of a clip). */
export const RENDER_COMMAND_MAX_DEFAULT_SIZE = 640;

/** How the frames are written, from the output's name. */
export type RenderOutputKind = 'webp' | 'gif' | 'mp4' | 'frames';

/** What `ldi-gltf render --json` prints. */
export interface RenderCommandResult {
	input: string;
	/** 'glb': a scene file was read; 'photo': the scene was built from the photo. */
	inputKind: 'glb' | 'photo';
	/** The animation or video file, or the directory of PNG frames. */
	output: string;
	outputKind: RenderOutputKind;
	path: CameraPathName;
	frames: number;
	width: number;
	height: number;
	fps: number;
	/** Depth the path's amplitudes and dolly zoom refer to, metres. */
	referenceDepthMeters: number;
	timingsMs: Record<string, number>;
}

export default class Render extends BaseCommand {
	static override description = `Render a camera-path animation of a photo or of a scene written by \`ldi-gltf build\`.

Paths: dolly-zoom (moves in while widening the field of view so the subject keeps its size), zoom-in, circle, swing and straight; they start from the photo's own view (periodic ones loop seamlessly). Amplitudes are fractions of the subject's depth (the area-weighted median depth of the photo) unless --amplitude-unit meters. Output by its name: .webp or .gif (animated, looping), .mp4 (H.264 through an ffmpeg on PATH), or a directory (a name ending in / or without extension, or an existing directory) of PNG frames frame-0001.png, frame-0002.png, ...

A photo is built into a scene in memory with the same flags as \`build\`; a .glb is read as built, so those flags cannot apply to it and are refused. Frames are ${RENDER_COMMAND_MAX_DEFAULT_SIZE} px on the long side by default (smaller scenes keep their size). GIF stores delays in steps of 10 ms.`;

	static override examples = [
		{description: 'A looping circle around a built scene, as animated WebP (scene.circle.webp)', command: '<%= config.bin %> <%= command.id %> scene.glb --path circle'},
		{description: 'A dolly zoom of a photo with its depth map, as MP4 at 30 fps', command: '<%= config.bin %> <%= command.id %> photo.jpg --depth photo-depth.png --path dolly-zoom -o dolly.mp4'},
		{description: 'PNG frames of a wider swing, 120 frames at 480 px', command: '<%= config.bin %> <%= command.id %> scene.glb --path swing --amplitude 0.04,0,0.06 --frames 120 --size 480 -o frames/'},
		{description: 'A GIF turning towards the subject while moving sideways 10 cm', command: '<%= config.bin %> <%= command.id %> scene.glb --path straight --amplitude 0.1,0,0 --amplitude-unit meters --aim subject -o pan.gif'},
	];

	static override enableJsonFlag = true;

	static override args = {
		input: Args.string({description: 'A photo (built into a scene in memory) or a scene written by `ldi-gltf build` (.glb).', required: true}),
	};

	static override flags = {
		path: Flags.string({required: true, description: `Camera path: ${CAMERA_PATH_NAMES.join(', ')}.`}),
		out: Flags.string({char: 'o', description: 'Output: .webp, .gif, .mp4, or a directory for PNG frames (default <input-name>.<path>.webp).'}),
		frames: Flags.integer({description: 'Number of frames.', default: CAMERA_PATH_DEFAULTS.frames, min: 1, max: 10000}),
		fps: Flags.integer({description: 'Frames per second (animation delays, video rate).', default: 30, min: 1, max: 240}),
		size: Flags.integer({description: `Long side of the frames, pixels (default: the scene's, at most ${RENDER_COMMAND_MAX_DEFAULT_SIZE}).`, min: 16, max: 8192}),
		amplitude: Flags.custom<Vec3>({
			description: `Extent of the motion x,y,z (right, up, towards the scene) in --amplitude-unit; default per path (circle ${CAMERA_PATH_AMPLITUDE_DEFAULTS.circle.join(',')}, dolly-zoom ${CAMERA_PATH_AMPLITUDE_DEFAULTS['dolly-zoom'].join(',')}).`,
			parse: async (input) => parseAmplitude(input),
		})(),
		'amplitude-unit': Flags.option({options: ['reference-depth', 'meters'] as const, default: 'reference-depth' as const, description: 'reference-depth: --amplitude is a fraction of the subject\'s depth; meters: it is metres.'})(),
		aim: Flags.option({options: ['ahead', 'subject'] as const, default: 'ahead' as const, description: 'ahead: the camera keeps the photo\'s orientation; subject: it turns to keep the subject centred.'})(),
		ssaa: Flags.integer({description: 'Supersampling per axis (2 = 4 samples per pixel).', default: 1, min: 1, max: 4}),
		quality: Flags.integer({description: 'WebP quality, 1-100.', default: 90, min: 1, max: 100}),
		...sceneFlags,
		...exactDisparityFlags,
	};

	async run(): Promise<RenderCommandResult> {
		const {args, flags, raw} = await this.parse(Render);
		const started = performance.now();
		const {input} = args;
		const given = givenFlags(raw);
		const pathName = flags.path as CameraPathName;
		// Checked here rather than by oclif so an unknown name is the one-line error every bad input gets.
		if (!CAMERA_PATH_NAMES.includes(pathName)) throw usageError('--path', `unknown camera path ${flags.path} (expected one of ${CAMERA_PATH_NAMES.join(', ')})`);
		const typedOutput = flags.out ?? join('.', `${basename(input, extname(input))}.${pathName}.webp`);
		const outputKind = renderOutputKind(typedOutput);
		const output = resolve(typedOutput);
		const plan = planSceneInput(input, flags, given);
		const ffmpeg = outputKind === 'mp4' ? findExecutable('ffmpeg') : undefined;
		if (outputKind === 'mp4' && !ffmpeg) {
			throw fileError(output, 'writing MP4 needs ffmpeg on PATH (install ffmpeg, or write .webp, .gif or a directory of PNG frames)');
		}
		const outputs = outputKind === 'frames'
			? [output, ...Array.from({length: flags.frames}, (_, index) => join(output, frameFileName(index)))]
			: [output];
		refuseOverwritingInputs(outputs, [{path: input, role: plan.glb ? 'scene' : 'photo'}, ...flagInputs(flags)]);
		await prepareOutputDirectory(outputKind === 'frames' ? output : dirname(output));

		const loadStarted = performance.now();
		const silent = flags.quiet || this.jsonEnabled();
		const {scene, kind, timingsMs: loadMs} = await loadSceneForCommand(input, flags, plan, {say: (message: string) => this.info(message), silent});
		const loaded = performance.now();

		const {width, height} = frameSize(scene, flags.size, outputKind === 'mp4');
		const referenceDepthMeters = cameraPathReferenceDepth(scene);
		let poses: CameraPose[];
		try {
			poses = cameraPath(pathName, {
				frames: flags.frames,
				amplitude: flags.amplitude,
				amplitudeUnit: flags['amplitude-unit'],
				aim: flags.aim,
				referenceDepthMeters,
				fovYRadians: scene.camera.fovYRadians,
			});
		} catch (error) {
			if (error instanceof RangeError) throw new UserError(`--path ${pathName}: ${error.message}`, {cause: error});
			throw error;
		}

		const progress = createProgress({label: `${input}: rendering ${pathName}`, unit: 'items', silent});
		const sink = createFrameSink(outputKind, output, {width, height, fps: flags.fps, quality: flags.quality, ffmpeg});
		let renderMs = 0;
		try {
			for (let i = 0; i < poses.length; i++) {
				const renderStart = performance.now();
				const camera = renderCameraForPose(scene, poses[i], {width, height});
				const frame = rgbFromRgba(renderScene(scene, camera, {ssaa: flags.ssaa, fillEmptyPixels: Number.POSITIVE_INFINITY}).image);
				renderMs += performance.now() - renderStart;
				await sink.add(frame, i);
				progress.update(i + 1, poses.length);
			}
			await sink.finish();
		} catch (error) {
			await sink.abort();
			throw error;
		} finally {
			progress.finish();
		}
		const finished = performance.now();

		this.info(`${input}: ${pathName}, ${poses.length} frames ${width}x${height} at ${flags.fps} fps → ${output}${outputKind === 'frames' ? sep : ''}`);
		return {
			input: resolve(input),
			inputKind: kind,
			output,
			outputKind,
			path: pathName,
			frames: poses.length,
			width,
			height,
			fps: flags.fps,
			referenceDepthMeters,
			timingsMs: Object.fromEntries(Object.entries({
				setup: loadStarted - started,
				...loadMs,
				render: renderMs,
				encodeAndWrite: finished - loaded - renderMs,
				total: finished - started,
			}).map(([stage, ms]) => [stage, roundMs(ms)])),
		};
	}
}

/** The PNG file of frame `index` (from 0) in a frames directory: frame-0001.png, … */
function frameFileName(index: number): string {
	return `frame-${String(index + 1).padStart(4, '0')}.png`;
}

/**
 * The output kind of a name as typed: a trailing separator, no extension or an existing directory mean
 * PNG frames; otherwise the extension decides.
 */
function renderOutputKind(typed: string): RenderOutputKind {
	if (typed.endsWith('/') || typed.endsWith(sep)) return 'frames';
	const extension = extname(typed).toLowerCase();
	if (extension === '') return 'frames';
	try {
		if (statSync(typed).isDirectory()) return 'frames';
	} catch {
		// Not there yet: the extension decides.
	}
	if (extension === '.webp' || extension === '.gif' || extension === '.mp4') return extension.slice(1) as RenderOutputKind;
	throw usageError(`-o ${typed}`, 'unsupported output (use .webp, .gif, .mp4, or a directory for PNG frames)');
}

/** Frame size: the long side is `size` (default: the scene's, capped), the scene's aspect ratio; even sides for H.264's 4:2:0. */
function frameSize(scene: Scene, size: number | undefined, even: boolean): {width: number; height: number} {
	const {width: sceneWidth, height: sceneHeight} = scene.camera;
	const longSide = Math.max(sceneWidth, sceneHeight);
	const scale = (size ?? Math.min(longSide, RENDER_COMMAND_MAX_DEFAULT_SIZE)) / longSide;
	let width = Math.max(1, Math.round(sceneWidth * scale));
	let height = Math.max(1, Math.round(sceneHeight * scale));
	if (even) {
		width = Math.max(2, width - (width % 2));
		height = Math.max(2, height - (height % 2));
	}
	return {width, height};
}

function parseAmplitude(input: string): Vec3 {
	const values = input.split(',').map((part) => Number(part.trim()));
	if (values.length !== 3 || !values.every((value) => Number.isFinite(value))) throw new Error(`--amplitude ${input}: expected three numbers x,y,z`);
	return [values[0], values[1], values[2]];
}

/** The absolute path of an executable `name` on PATH, if any. */
function findExecutable(name: string): string | undefined {
	for (const directory of (process.env.PATH ?? '').split(delimiter)) {
		if (!directory) continue;
		const candidate = join(directory, name);
		try {
			accessSync(candidate, constants.X_OK);
			if (statSync(candidate).isFile()) return candidate;
		} catch {
			// Not in this directory.
		}
	}
	return undefined;
}

/**
 * Where rendered frames go: collected into an animation, streamed to ffmpeg, or written as PNGs.
 *
 * Measured (60 frames of the circle path, moon.glb at 640×640, the 2-core machine at load average 8–10,
 * process CPU / wall including start-up and reading the scene): MP4 5.0 s / 8.6 s; PNG frames 6.1 s /
 * 10.4 s (6.2 s inside the command, down from 10.5 s once each PNG encodes while the next frame
 * renders); animated WebP 7.5 s / 21 s (9.9 s wall of it encoding); GIF 53 s / 123 s (libvips' palette
 * search at its default effort 7: on 20 of these frames effort 1 takes 7.8 s instead of 29 s, and WebP
 * effort 1 1.3 s instead of 3.0 s for 7 % more bytes; encodeAnimation does not expose effort
 * yet). Rendering alone: 4.5–7 s wall for the 60 frames under that load.
 */
interface FrameSink {
	add(frame: RgbImage, index: number): Promise<void>;
	finish(): Promise<void>;
	/** Removes partial output after a failure. */
	abort(): Promise<void>;
}

interface FrameSinkOptions {
	width: number;
	height: number;
	fps: number;
	quality: number;
	ffmpeg: string | undefined;
}

function createFrameSink(kind: RenderOutputKind, output: string, options: FrameSinkOptions): FrameSink {
	if (kind === 'frames') {
		// One frame's PNG encodes on sharp's threads while the next one renders on this one.
		let pending: Promise<void> = Promise.resolve();
		const writeFrame = async (frame: RgbImage, index: number): Promise<void> => {
			const png = await sharp(frame.data, {raw: {width: frame.width, height: frame.height, channels: 3}}).png().toBuffer();
			await writeFileAtomic(join(output, frameFileName(index)), new Uint8Array(png));
		};
		let count = 0;
		return {
			add: async (frame, index) => {
				await pending;
				pending = writeFrame(frame, index);
				count = Math.max(count, index + 1);
			},
			finish: async () => {
				await pending;
				await removeFramesBeyond(output, count);
			},
			abort: async () => {
				await pending.catch(() => {});
			},
		};
	}
	if (kind === 'mp4') return ffmpegSink(output, options);
	const frames: RgbImage[] = [];
	return {
		add: async (frame) => {
			frames.push(frame);
		},
		finish: async () => {
			await writeFileAtomic(output, await encodeAnimation(frames, {format: kind, delayMs: 1000 / options.fps, quality: options.quality}));
		},
		abort: async () => {},
	};
}

/**
 * Removes the frames a longer earlier render left in `directory` (frame-0121.png… after 120 frames): they
 * would join this render's sequence (`ffmpeg -i frame-%04d.png` encoded them all).
 */
async function removeFramesBeyond(directory: string, count: number): Promise<void> {
	for (const name of await readdir(directory)) {
		const match = /^frame-(\d{4,})\.png$/.exec(name);
		if (match && Number(match[1]) > count) await rm(join(directory, name), {force: true});
	}
}

/**
 * H.264 MP4 through ffmpeg: raw RGB frames piped to its stdin as they are rendered (no frame is kept),
 * written to a temporary file renamed into place at the end.
 */
function ffmpegSink(output: string, options: FrameSinkOptions): FrameSink {
	const temporaryPath = temporaryPathFor(output);
	const child = spawn(options.ffmpeg!, [
		'-hide_banner', '-loglevel', 'error', '-y',
		'-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${options.width}x${options.height}`, '-r', String(options.fps), '-i', '-',
		'-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', '-f', 'mp4', temporaryPath,
	], {stdio: ['pipe', 'ignore', 'pipe']});
	// Interrupted, the file must not outlive us: ffmpeg would finish it on its stdin's end, after the clean-up.
	const done = trackTemporaryFile(temporaryPath, () => child.kill('SIGKILL'));
	let stderr = '';
	child.stderr.on('data', (chunk: Buffer) => {
		stderr = (stderr + chunk.toString()).slice(-2000);
	});
	const exited = new Promise<number>((resolveExit) => {
		child.on('error', () => resolveExit(-1));
		child.on('close', (code) => resolveExit(code ?? -1));
	});
	// A dead ffmpeg makes stdin writes fail with EPIPE; the exit code reports it.
	child.stdin.on('error', () => {});
	const failure = (): UserError => fileError(output, `ffmpeg failed (${stderr.trim().split('\n').pop() || 'no message'})`);
	return {
		add: async (frame) => {
			if (child.exitCode !== null) throw failure();
			if (!child.stdin.write(frame.data)) await new Promise<void>((resolveDrain) => child.stdin.once('drain', resolveDrain));
		},
		finish: async () => {
			child.stdin.end();
			if ((await exited) !== 0) throw failure();
			try {
				await rename(temporaryPath, output);
			} catch (error) {
				throw fileError(output, `cannot write (${(error as Error).message})`, error);
			}
			done();
		},
		abort: async () => {
			child.stdin.destroy();
			child.kill();
			await exited;
			await rm(temporaryPath, {force: true});
			done();
		},
	};
}
