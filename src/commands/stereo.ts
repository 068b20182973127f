import {basename, dirname, extname, join, resolve} from 'node:path';

import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';

import {BaseCommand} from '../cli/base-command.js';
import {buildOptionsForCommand, flagInputs, loadSceneForCommand, prepareOutputDirectory, refuseFoldersAsOutputs, roundMs} from '../cli/command-helpers.js';
import {exactDisparityFlags, givenFlags, planSceneInput, sceneFlags} from '../cli/scene-flags.js';
import {UserError, usageError} from '../errors.js';
import type {RgbaImage, RgbImage} from '../image/raster.js';
import sharp from '../image/sharp.js';
import {writeFileAtomic} from '../io/atomic.js';
import {refuseOverwritingInputs} from '../io/same-file.js';
import {buildSceneLdi} from '../pipeline/build-scene.js';
import {EXACT_DISPARITY_DEFAULTS, type ExactDisparitySetup} from '../pipeline/exact-disparity.js';
import {renderSceneLdiPair, sceneLdiFrame} from '../pipeline/scene-ldi-views.js';
import {encodeWiggle} from '../render/animation.js';
import {composeStereo, IMAGE_STEREO_LAYOUTS, type ImageStereoLayout, rgbFromRgba} from '../render/layouts.js';
import {encodeMpo} from '../render/mpo.js';
import {photoCamera} from '../render/camera.js';
import type {RenderCamera} from '../render/camera.js';
import {
	exactDisparityRightCamera, renderEyes, type StereoCameras, STEREO_DEFAULTS, stereoCameras, type StereoEyes, stereoSceneOptions,
} from '../render/stereo.js';
import type {SceneFrame} from '../scene/scene.js';

const LAYOUTS = [...IMAGE_STEREO_LAYOUTS, 'separate', 'wiggle', 'mpo'] as const;
type Layout = (typeof LAYOUTS)[number];

/** Exact-disparity mode's eyes: the photo's camera and the true right view's (zero parallax at infinity). */
interface ExactCameras {
	left: RenderCamera;
	right: RenderCamera;
	baselineMeters: number;
	convergenceDepthMeters: null;
}

/** What `ldi-gltf stereo --json` prints. */
export interface StereoCommandResult {
	input: string;
	outputs: string[];
	layout: Layout;
	/** 'glb': a scene file was read; 'photo': the scene was built from the photo. */
	inputKind: 'glb' | 'photo';
	/** 'ldi': both eyes drawn straight from the photo's layered depth image; 'meshes': rasterized from the scene's meshes. */
	viewsFrom: 'ldi' | 'meshes';
	/** Size of each eye's view, pixels. */
	width: number;
	height: number;
	baselineMeters: number;
	/** Depth of the zero-parallax plane, metres; null in exact-disparity mode (zero parallax at infinity). */
	convergenceDepthMeters: number | null;
	/** Exact-disparity mode only: the disparity range of the map, pixels at the working size. */
	exactDisparity?: {minPixels: number; maxPixels: number};
	timingsMs: Record<string, number>;
}

export default class Stereo extends BaseCommand {
	static override description = `Render a stereo pair from a photo or from a scene written by \`ldi-gltf build\`.

Both eyes are rendered from the layered, inpainted scene with parallel cameras and shifted principal points (off-axis), so what is hidden behind foreground edges is really there. A photo is built into a scene in memory with the same flags as \`build\` (depth model or --depth FILE, --inpainter, --passes, --max-size, ...); a .glb is read as built, so those flags cannot apply to it and are refused. From a photo both eyes are drawn straight from its layered depth image, each row warped sideways, without meshing it (--ssaa above 1, or a photo larger than --ldi-max-size, meshes it first as build would). The output format follows --layout; image layouts are written as PNG, JPEG or WebP by the output's extension.

Exact-disparity mode (--depth FILE --depth-unit px --depth-scale S): the map's value × S is the true disparity in pixels from the photo (the left view) to the right view, a left pixel (x, y) landing at (x − d, y) as in Middlebury's data; unknown values (0) are filled from the far side, not trusted. The photo is then the left eye and the right eye is exactly that right view (--layout right writes it alone); --divergence, --convergence, --eyes, --near, --far and --simplify-error do not apply. Exact mode builds without the bilateral filter, cuts depth edges at disparity steps of ${EXACT_DISPARITY_DEFAULTS.edgeThresholdPixels} px and simplifies to ${EXACT_DISPARITY_DEFAULTS.simplifyErrorPixels} px (the settings measured best by \`npm run eval:stereo\`).`;

	static override examples = [
		{description: 'Full side-by-side PNG of a photo with its depth map (photo.sbs.png)', command: '<%= config.bin %> <%= command.id %> photo.jpg --depth photo-depth.png'},
		{description: 'From a built scene: red-cyan anaglyph with more depth, nearest point at the screen', command: '<%= config.bin %> <%= command.id %> scene.glb --layout anaglyph --divergence 4 --convergence 0 -o anaglyph.jpg'},
		{description: 'Keep the photo as the left eye and write both views as separate files', command: '<%= config.bin %> <%= command.id %> scene.glb --eyes left --layout separate -o pair.png'},
		{description: 'A wiggle GIF and an MPO for 3D displays', command: '<%= config.bin %> <%= command.id %> scene.glb --layout wiggle -o wiggle.gif && <%= config.bin %> <%= command.id %> scene.glb --layout mpo'},
		{description: 'The true right view of a Middlebury pair (disparity stored ×4)', command: '<%= config.bin %> <%= command.id %> left.png --depth disp_left.png --depth-unit px --depth-scale 0.25 --layout right -o right.png'},
	];

	static override enableJsonFlag = true;

	static override args = {
		input: Args.string({description: 'A photo (built into a scene in memory) or a scene written by `ldi-gltf build` (.glb).', required: true}),
	};

	static override flags = {
		out: Flags.string({char: 'o', description: 'Output file (default: <input-name>.<layout>.png, <input-name>.wiggle.webp, <input-name>.mpo). With --layout separate, -L and -R are added before the extension.'}),
		layout: Flags.option({options: LAYOUTS, default: 'sbs' as const, description: 'sbs, half-sbs, tb, half-tb, cross (cross-eyed), anaglyph (red-cyan, Dubois), anaglyph-color, left, right, separate (two files), wiggle (animated WebP/GIF), mpo (multi-picture JPEG).'})(),
		divergence: Flags.custom<number>({
			description: 'Parallax between the nearest and the farthest point, percent of the image width.',
			default: STEREO_DEFAULTS.divergencePercent,
			parse: async (input) => parseNumber(input, '--divergence', 0, 20),
		})(),
		convergence: Flags.custom<number>({
			description: 'Depth with zero parallax (the screen plane): 0 = nearest, 1 = farthest, in disparity steps.',
			default: STEREO_DEFAULTS.convergence,
			parse: async (input) => parseNumber(input, '--convergence', 0, 1),
		})(),
		eyes: Flags.option({options: ['both', 'left', 'right'] as const, default: 'both' as const, description: 'both: eyes symmetric around the photo; left / right: the photo is that eye.'})(),
		ssaa: Flags.integer({description: 'Supersampling per axis (2 = 4 samples per pixel).', default: 1, min: 1, max: 4}),
		'wiggle-delay': Flags.integer({description: 'Milliseconds per frame of the wiggle animation.', default: 150, min: 10, max: 10000}),
		...sceneFlags,
		...exactDisparityFlags,
	};

	async run(): Promise<StereoCommandResult> {
		const {args, flags, raw} = await this.parse(Stereo);
		const started = performance.now();
		const {input} = args;
		const given = givenFlags(raw);
		const layout = flags.layout as Layout;
		const output = resolve(flags.out ?? join('.', defaultOutputName(basename(input, extname(input)), layout)));
		if (flags.out !== undefined) checkOutputFormat(layout, flags.out);
		const plan = planSceneInput(input, flags, given);
		const geometry = ['divergence', 'convergence', 'eyes'].filter((name) => given.has(name));
		if (plan.exactDisparity && geometry.length > 0) {
			throw new UserError(`--depth-unit px renders the true right view; ${geometry.map((name) => `--${name}`).join(', ')} cannot apply`);
		}
		refuseOverwritingInputs(layoutOutputPaths(layout, output), [{path: input, role: plan.glb ? 'scene' : 'photo'}, ...flagInputs(flags)]);
		refuseFoldersAsOutputs(layoutOutputPaths(layout, output));
		await prepareOutputDirectory(dirname(output));

		const loadStarted = performance.now();
		const context = {
			say: (message: string) => this.info(message),
			silent: flags.quiet || this.jsonEnabled(),
			...(plan.exactDisparity ? {} : stereoSceneOptions({divergencePercent: flags.divergence, eyes: flags.eyes as StereoEyes})),
		};
		const camerasFor = (frame: SceneFrame, exact: ExactDisparitySetup | undefined): StereoCameras | ExactCameras => (exact
			? {left: photoCamera(frame), right: exactDisparityRightCamera(frame, exact.baselineMeters), baselineMeters: exact.baselineMeters, convergenceDepthMeters: null}
			: stereoCameras(frame, {divergencePercent: flags.divergence, convergence: flags.convergence, eyes: flags.eyes as StereoEyes}));
		let pair: {left: RgbaImage; right: RgbaImage};
		let cameras: StereoCameras | ExactCameras;
		let exact: ExactDisparitySetup | undefined;
		let loadMs: Record<string, number>;
		let viewsFrom: StereoCommandResult['viewsFrom'] = 'meshes';
		let loaded: number;
		if (plan.glb) {
			const {scene, timingsMs} = await loadSceneForCommand(input, flags, plan, context);
			loaded = performance.now();
			cameras = camerasFor(scene, undefined);
			pair = renderEyes(scene, cameras, {ssaa: flags.ssaa});
			loadMs = timingsMs;
		} else {
			// A photo's pair is drawn straight from its layered depth image, not meshed first, where it can be.
			const buildOptions = await buildOptionsForCommand(input, flags, plan, context);
			const built = await buildSceneLdi(input, buildOptions);
			loaded = performance.now();
			exact = built.exactDisparity;
			cameras = camerasFor(sceneLdiFrame(built), exact);
			const drawn = await renderSceneLdiPair(built, cameras, {ssaa: flags.ssaa, build: buildOptions});
			pair = drawn;
			viewsFrom = drawn.viewsFrom;
			const {decode, depth, ldi} = built.timingsMs;
			loadMs = drawn.viewsFrom === 'ldi' ? {decode, depth, ldi} : {decode, depth, ldi, mesh: drawn.meshMs};
			loaded += drawn.meshMs;
		}
		const left = rgbFromRgba(pair.left);
		const right = rgbFromRgba(pair.right);
		const rendered = performance.now();

		const files = await encodeLayout(left, right, layout, output, flags['wiggle-delay'], cameras.baselineMeters);
		const encoded = performance.now();
		for (const [path, bytes] of files) await writeFileAtomic(path, bytes);
		const finished = performance.now();

		const outputs = files.map(([path]) => path);
		this.info(`${input}: ${layout} stereo (${left.width}x${left.height} per eye${exact ? ', exact disparity' : ''}) → ${outputs.join(', ')}`);
		return {
			input: resolve(input),
			outputs,
			layout,
			inputKind: plan.glb ? 'glb' : 'photo',
			viewsFrom,
			width: left.width,
			height: left.height,
			baselineMeters: cameras.baselineMeters,
			convergenceDepthMeters: cameras.convergenceDepthMeters,
			...(exact ? {exactDisparity: {minPixels: exact.minPixels, maxPixels: exact.maxPixels}} : {}),
			timingsMs: Object.fromEntries(Object.entries({
				setup: loadStarted - started,
				...loadMs,
				render: rendered - loaded,
				encode: encoded - rendered,
				write: finished - encoded,
				total: finished - started,
			}).map(([stage, ms]) => [stage, roundMs(ms)])),
		};
	}
}

/**
 * Refuses an `-o` name the layout cannot be written as, before any work: a usage mistake, as `depth -o x.txt` is
 * (an MPO is a JPEG file: under a .png name it was written as such).
 */
function checkOutputFormat(layout: Layout, out: string): void {
	const extension = extname(out).toLowerCase();
	if (layout === 'wiggle' && extension !== '.webp' && extension !== '.gif') throw usageError(`-o ${out}`, 'a wiggle animation is written as .webp or .gif');
	if (layout === 'mpo' && !['.mpo', '.jpg', '.jpeg'].includes(extension)) throw usageError(`-o ${out}`, 'an MPO is written as .mpo (or .jpg)');
	if (layout === 'mpo' || layout === 'wiggle') return;
	if (!['.png', '.jpg', '.jpeg', '.webp'].includes(extension)) throw usageError(`-o ${out}`, 'unsupported output format (use .png, .jpg or .webp)');
}

function defaultOutputName(stem: string, layout: Layout): string {
	if (layout === 'wiggle') return `${stem}.wiggle.webp`;
	if (layout === 'mpo') return `${stem}.mpo`;
	return `${stem}.${layout}.png`;
}

/** The files a layout writes for `-o output`: two for `separate` (`-L` and `-R` before the extension), else `output`. */
function layoutOutputPaths(layout: Layout, output: string): string[] {
	if (layout !== 'separate') return [output];
	const extension = extname(output);
	const stem = output.slice(0, output.length - extension.length);
	return [`${stem}-L${extension}`, `${stem}-R${extension}`];
}

/** The files a layout produces: [path, bytes] pairs. */
async function encodeLayout(left: RgbImage, right: RgbImage, layout: Layout, output: string, wiggleDelayMs: number, baselineMeters: number): Promise<[string, Uint8Array][]> {
	const extension = extname(output).toLowerCase();
	if (layout === 'mpo') return [[output, await encodeMpo(left, right, {baselineMeters})]];
	if (layout === 'wiggle') {
		return [[output, await encodeWiggle(left, right, {format: extension === '.gif' ? 'gif' : 'webp', delayMs: wiggleDelayMs})]];
	}
	if (layout === 'separate') {
		const [leftPath, rightPath] = layoutOutputPaths(layout, output);
		return [[leftPath, await encodeImage(left, leftPath)], [rightPath, await encodeImage(right, rightPath)]];
	}
	return [[output, await encodeImage(composeStereo(left, right, layout as ImageStereoLayout), output)]];
}

async function encodeImage(image: RgbImage, path: string): Promise<Uint8Array> {
	const pipeline = sharp(image.data, {raw: {width: image.width, height: image.height, channels: 3}});
	switch (extname(path).toLowerCase()) {
		case '.png': return new Uint8Array(await pipeline.png().toBuffer());
		case '.jpg':
		case '.jpeg': return new Uint8Array(await pipeline.jpeg({quality: 92}).toBuffer());
		default: return new Uint8Array(await pipeline.webp({quality: 92}).toBuffer());
	}
}

function parseNumber(input: string, flag: string, min: number, max: number): number {
	const value = Number(input);
	if (!Number.isFinite(value) || value < min || value > max) throw new Error(`${flag} ${input}: expected a number from ${min} to ${max}`);
	return value;
}
