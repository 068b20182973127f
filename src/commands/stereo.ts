import {readFile} from 'node:fs/promises';
import {basename, extname, join, resolve} from 'node:path';

import {Args, Flags} from '@oclif/core';
import sharp from 'sharp';

import {BaseCommand} from '../cli/base-command.js';
import {fileError} from '../errors.js';
import {readSceneFromGlb} from '../gltf/read.js';
import type {RgbImage} from '../image/raster.js';
import {describeSystemError, writeFileAtomic} from '../io/atomic.js';
import {encodeWiggle} from '../render/animation.js';
import {composeStereo, IMAGE_STEREO_LAYOUTS, type ImageStereoLayout, rgbFromRgba} from '../render/layouts.js';
import {encodeMpo} from '../render/mpo.js';
import {renderStereo, STEREO_DEFAULTS, type StereoEyes} from '../render/stereo.js';
import type {Scene} from '../scene/scene.js';

const LAYOUTS = [...IMAGE_STEREO_LAYOUTS, 'separate', 'wiggle', 'mpo'] as const;
type Layout = (typeof LAYOUTS)[number];

/** What `ldi-gltf stereo --json` prints. */
export interface StereoCommandResult {
	input: string;
	outputs: string[];
	layout: Layout;
	/** Size of each eye's view, pixels. */
	width: number;
	height: number;
	baselineMeters: number;
	convergenceDepthMeters: number;
	timingsMs: Record<string, number>;
}

export default class Stereo extends BaseCommand {
	static override description = `Render a stereo pair from a scene written by \`ldi-gltf build\`.

Both eyes are rendered from the layered, inpainted scene with parallel cameras and shifted principal points (off-axis), so what is hidden behind foreground edges is really there. The output format follows --layout; image layouts are written as PNG, JPEG or WebP by the output's extension.`;

	static override examples = [
		{description: 'Full side-by-side PNG beside the scene (scene.sbs.png)', command: '<%= config.bin %> <%= command.id %> scene.glb'},
		{description: 'Red-cyan anaglyph with more depth, nearest point at the screen', command: '<%= config.bin %> <%= command.id %> scene.glb --layout anaglyph --divergence 4 --convergence 0 -o anaglyph.jpg'},
		{description: 'Keep the photo as the left eye and write both views as separate files', command: '<%= config.bin %> <%= command.id %> scene.glb --eyes left --layout separate -o pair.png'},
		{description: 'A wiggle GIF and an MPO for 3D displays', command: '<%= config.bin %> <%= command.id %> scene.glb --layout wiggle -o wiggle.gif && <%= config.bin %> <%= command.id %> scene.glb --layout mpo'},
	];

	static override enableJsonFlag = true;

	static override args = {
		scene: Args.string({description: 'Scene written by `ldi-gltf build` (.glb).', required: true}),
	};

	static override flags = {
		out: Flags.string({char: 'o', description: 'Output file (default: <scene-name>.<layout>.png, <scene-name>.wiggle.webp, <scene-name>.mpo). With --layout separate, -L and -R are added before the extension.'}),
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
	};

	async run(): Promise<StereoCommandResult> {
		const {args, flags} = await this.parse(Stereo);
		const started = performance.now();
		const layout = flags.layout as Layout;
		const output = resolve(flags.out ?? join('.', defaultOutputName(basename(args.scene, extname(args.scene)), layout)));
		checkOutputFormat(layout, output);
		const scene = await readScene(args.scene);
		const loaded = performance.now();

		const pair = renderStereo(scene, {divergencePercent: flags.divergence, convergence: flags.convergence, eyes: flags.eyes as StereoEyes}, {ssaa: flags.ssaa});
		const {cameras} = pair;
		const left = rgbFromRgba(pair.left);
		const right = rgbFromRgba(pair.right);
		const rendered = performance.now();

		const files = await encodeLayout(left, right, layout, output, flags['wiggle-delay'], cameras.baselineMeters);
		const encoded = performance.now();
		for (const [path, bytes] of files) await writeFileAtomic(path, bytes);
		const finished = performance.now();

		const outputs = files.map(([path]) => path);
		this.info(`${args.scene}: ${layout} stereo (${left.width}x${left.height} per eye) → ${outputs.join(', ')}`);
		return {
			input: resolve(args.scene),
			outputs,
			layout,
			width: left.width,
			height: left.height,
			baselineMeters: cameras.baselineMeters,
			convergenceDepthMeters: cameras.convergenceDepthMeters,
			timingsMs: {
				load: round(loaded - started),
				render: round(rendered - loaded),
				encode: round(encoded - rendered),
				write: round(finished - encoded),
				total: round(finished - started),
			},
		};
	}
}

async function readScene(path: string): Promise<Scene> {
	let bytes: Uint8Array;
	try {
		bytes = await readFile(path);
	} catch (error) {
		throw fileError(path, `cannot read (${describeSystemError(error)})`, error);
	}
	try {
		return await readSceneFromGlb(bytes);
	} catch (error) {
		throw fileError(path, `not a glTF binary scene (${error instanceof Error ? error.message : String(error)})`, error);
	}
}

/** Refuses an output name the layout cannot be written as, before any work. */
function checkOutputFormat(layout: Layout, output: string): void {
	const extension = extname(output).toLowerCase();
	if (layout === 'wiggle' && extension !== '.webp' && extension !== '.gif') throw fileError(output, 'a wiggle animation is written as .webp or .gif');
	if (layout === 'mpo' || layout === 'wiggle') return;
	if (!['.png', '.jpg', '.jpeg', '.webp'].includes(extension)) throw fileError(output, 'unsupported output format (use .png, .jpg or .webp)');
}

function defaultOutputName(stem: string, layout: Layout): string {
	if (layout === 'wiggle') return `${stem}.wiggle.webp`;
	if (layout === 'mpo') return `${stem}.mpo`;
	return `${stem}.${layout}.png`;
}

/** The files a layout produces: [path, bytes] pairs. */
async function encodeLayout(left: RgbImage, right: RgbImage, layout: Layout, output: string, wiggleDelayMs: number, baselineMeters: number): Promise<[string, Uint8Array][]> {
	const extension = extname(output).toLowerCase();
	if (layout === 'mpo') return [[output, await encodeMpo(left, right, {baselineMeters})]];
	if (layout === 'wiggle') {
		return [[output, await encodeWiggle(left, right, {format: extension === '.gif' ? 'gif' : 'webp', delayMs: wiggleDelayMs})]];
	}
	if (layout === 'separate') {
		const stem = output.slice(0, output.length - extension.length);
		return [
			[`${stem}-L${extension}`, await encodeImage(left, `${stem}-L${extension}`)],
			[`${stem}-R${extension}`, await encodeImage(right, `${stem}-R${extension}`)],
		];
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
	if (!Number.isFinite(value) || value < min || value > max) throw new Error(`${flag} must be a number from ${min} to ${max}, got "${input}"`);
	return value;
}

function round(ms: number): number {
	return Math.round(ms * 10) / 10;
}
