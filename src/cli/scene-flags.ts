/**
 * The scene-building flags `build`, `stereo` and `render` share (one definition, so a photo renders with
 * exactly the scene `build` would write), their translation into {@link buildScene} options, and the
 * exact-disparity flags of `stereo` and `render`.
 *
 * ```ts
 * export default class Render extends BaseCommand {
 *   static override flags = {...sceneFlags, ...exactDisparityFlags};
 *   async run() {
 *     const {flags} = await this.parse(Render);
 *     checkSceneFlags(flags);
 *     const scene = await buildScene(photo, {...sceneOptionsFromFlags(flags), depth: source});
 *   }
 * }
 * ```
 */
import type {Interfaces} from '@oclif/core';
import * as Flags from '@oclif/core/flags';

import {UserError, usageError} from '../errors.js';
import {DEFAULT_COLOR_INPAINTER, listColorInpainters} from '../inpaint/registry.js';
import {BUILD_LDI_DEFAULTS} from '../ldi/build-ldi.js';
import {DEFAULT_DEPTH_RANGE_DEFAULTS} from '../mesh/build-scene-mesh.js';
import {SIMPLIFY_DEFAULTS} from '../mesh/simplify.js';
import {TEXTURE_DEFAULTS} from '../mesh/texture.js';
import {BUILD_SCENE_DEFAULTS, type BuildSceneOptions} from '../pipeline/build-scene.js';
import {EXACT_DISPARITY_DEFAULTS, type ExactDisparityOptions} from '../pipeline/exact-disparity.js';
import {isSceneFile} from '../pipeline/scene-input.js';
import {depthFlags, type DepthFlagValues} from './depth-flags.js';

const SCENE_GROUP = 'SCENE';

async function positiveNumber(input: string, flag: string): Promise<number> {
	const value = Number(input);
	if (!Number.isFinite(value) || value <= 0) throw new Error(`${flag} ${input}: expected a positive number`);
	return value;
}

async function nonNegativeNumber(input: string, flag: string): Promise<number> {
	const value = Number(input);
	if (!Number.isFinite(value) || value < 0) throw new Error(`${flag} ${input}: expected a number ≥ 0`);
	return value;
}

/** Depth flags plus the LDI and mesh flags: everything that shapes the scene built from a photo. */
export const sceneFlags = {
	...depthFlags,
	near: Flags.custom<number>({description: 'Depth of the nearest point, metres.', default: DEFAULT_DEPTH_RANGE_DEFAULTS.nearMeters, helpGroup: SCENE_GROUP, parse: async (input) => positiveNumber(input, '--near')})(),
	far: Flags.custom<number>({description: 'Depth of the farthest point, metres (> --near).', default: DEFAULT_DEPTH_RANGE_DEFAULTS.nearMeters * DEFAULT_DEPTH_RANGE_DEFAULTS.depthRatio, helpGroup: SCENE_GROUP, parse: async (input) => positiveNumber(input, '--far')})(),
	inpainter: Flags.string({description: 'Colour inpainter: coherence (structure-following fill), patch (texture synthesis), diffusion (smooth, fast) or onnx (with --inpaint-model).', default: DEFAULT_COLOR_INPAINTER, helpGroup: SCENE_GROUP}),
	'inpaint-model': Flags.string({description: 'Image-inpainting ONNX network for --inpainter onnx (image + mask in, image out; LaMa / MI-GAN style).', helpGroup: SCENE_GROUP}),
	'depth-edges': Flags.option({
		options: ['auto', 'exact', 'estimated'] as const,
		default: BUILD_LDI_DEFAULTS.depthEdges,
		description: 'Whether the depth map\'s steps lie on the objects\' outlines. exact (rendered, measured or ground-truth maps): cut where the map steps. estimated (depth networks, phone portrait maps, anything upscaled): steps moved onto the photo\'s colour edges and a band beside each outline inpainted again. auto: exact when its steps are one pixel sharp at the working size (never for a map smaller than that, which is upscaled).',
		helpGroup: SCENE_GROUP,
	})(),
	passes: Flags.integer({description: 'Inpainting passes (edges revealed by one pass are inpainted by the next).', default: BUILD_LDI_DEFAULTS.passes, min: 0, max: 8, helpGroup: SCENE_GROUP}),
	'extend-border': Flags.boolean({description: 'Extend the scene past the frame so camera moves reveal no empty space.', default: true, allowNo: true, helpGroup: SCENE_GROUP}),
	'ldi-max-size': Flags.integer({description: 'Longest side of the layered depth image, pixels (0: the photo\'s). Larger photos keep their resolution in the photo layer\'s texture; depth edges, inpainting and meshes work on a copy this size.', default: BUILD_SCENE_DEFAULTS.ldiMaxSizePixels, min: 0, helpGroup: SCENE_GROUP}),
	'max-texture-size': Flags.integer({description: 'Largest texture side, texels.', default: TEXTURE_DEFAULTS.maxTextureSize, min: 64, helpGroup: SCENE_GROUP}),
	'simplify-error': Flags.custom<number>({description: 'Largest simplification error, pixels of parallax at 1024 px, scaled with photos larger than that (0 = no simplification).', default: SIMPLIFY_DEFAULTS.simplifyErrorPixels, helpGroup: SCENE_GROUP, parse: async (input) => nonNegativeNumber(input, '--simplify-error')})(),
};

/**
 * `--depth-unit` and `--depth-scale`: exact-disparity mode, where the supplied map holds true pixel
 * disparities to a right view (see src/pipeline/exact-disparity.ts).
 */
export const exactDisparityFlags = {
	'depth-unit': Flags.option({
		options: ['relative', 'px'] as const,
		default: 'relative' as const,
		description: `relative: --depth is relative disparity (the scene gets --near/--far). px: value × --depth-scale is the true disparity in pixels between the photo (left view) and the right view (Middlebury convention: a left pixel (x, y) appears at (x − d, y)); --layout right then renders exactly that view. Exact mode needs --depth (--depth-kind disparity, not inverted), derives the depth range itself (--near/--far do not apply), and uses its own settings: no bilateral filter, depth edges at ${EXACT_DISPARITY_DEFAULTS.edgeThresholdPixels} px steps, simplification error ${EXACT_DISPARITY_DEFAULTS.simplifyErrorPixels} px (--simplify-error does not apply).`,
		helpGroup: 'DEPTH',
	})(),
	'depth-scale': Flags.custom<number>({
		description: 'With --depth-unit px: pixels of disparity per unit of the map\'s value, at the photo\'s full size (e.g. 0.25 for Middlebury maps stored ×4).',
		default: EXACT_DISPARITY_DEFAULTS.pixelsPerUnit,
		helpGroup: 'DEPTH',
		parse: async (input) => positiveNumber(input, '--depth-scale'),
	})(),
};

/** The parsed values of {@link sceneFlags}. */
export interface SceneFlagValues extends DepthFlagValues {
	'max-size': number;
	fov?: number;
	near: number;
	far: number;
	inpainter: string;
	'inpaint-model'?: string;
	'depth-edges': 'auto' | 'exact' | 'estimated';
	passes: number;
	'extend-border': boolean;
	'ldi-max-size': number;
	'max-texture-size': number;
	'simplify-error': number;
}

/** The parsed values of {@link exactDisparityFlags}. */
export interface ExactDisparityFlagValues {
	'depth-unit': 'relative' | 'px';
	'depth-scale': number;
}

/**
 * Refuses flag combinations no scene can be built with (before any work).
 *
 * ```ts
 * checkSceneFlags(flags); // throws UserError('--far 1 must be larger than --near 2')
 * ```
 */
export function checkSceneFlags(flags: SceneFlagValues): void {
	if (flags.far <= flags.near) throw usageError('--far', `${flags.far} must be larger than --near ${flags.near}`);
	if (!listColorInpainters().includes(flags.inpainter)) throw usageError('--inpainter', `unknown inpainter ${flags.inpainter} (known: ${listColorInpainters().join(', ')})`);
	if (flags.inpainter === 'onnx' && !flags['inpaint-model']) throw usageError('--inpaint-model', '--inpainter onnx needs --inpaint-model FILE.onnx');
	// Ignored otherwise: the scene would be inpainted by another inpainter than the one the user named a network for.
	if (flags.inpainter !== 'onnx' && flags['inpaint-model']) throw usageError('--inpaint-model', `is for --inpainter onnx, not ${flags.inpainter}; add --inpainter onnx`);
}

/**
 * {@link buildScene} options from parsed scene flags, without the depth source (resolve it with
 * resolveDepthSourceForCommand and add it as `depth`).
 *
 * ```ts
 * const built = await buildScene(photo, {...sceneOptionsFromFlags(flags), depth: source});
 * ```
 */
export function sceneOptionsFromFlags(flags: SceneFlagValues): Pick<BuildSceneOptions, 'photo' | 'ldiMaxSizePixels' | 'ldi' | 'mesh' | 'depthRange'> {
	return {
		photo: {maxSize: flags['max-size'], fovDegrees: flags.fov},
		ldiMaxSizePixels: flags['ldi-max-size'],
		ldi: {
			inpainter: flags.inpainter,
			inpainterOptions: flags['inpaint-model'] ? {modelPath: flags['inpaint-model']} : {},
			depthEdges: flags['depth-edges'],
			passes: flags.passes,
			extendBorder: flags['extend-border'],
		},
		mesh: {simplifyErrorPixels: flags['simplify-error'], maxTextureSize: flags['max-texture-size']},
		depthRange: {nearMeters: flags.near, farMeters: flags.far},
	};
}

/**
 * Names of the flags the user typed (not those set from defaults), from oclif's parse output.
 *
 * ```ts
 * const {flags, raw} = await this.parse(Stereo);
 * const given = givenFlags(raw);
 * ```
 */
export function givenFlags(raw: Interfaces.ParserOutput['raw']): Set<string> {
	const names = new Set<string>();
	for (const token of raw) if (token.type === 'flag') names.add(token.flag);
	return names;
}

/**
 * Refuses build flags for a `.glb` input: its scene was built already, so depth, LDI, mesh and size flags
 * cannot change it, and ignoring them would silently give another result than asked for.
 *
 * ```ts
 * if (isSceneFile(input)) refuseBuildFlagsForScene(input, givenFlags(raw));
 * ```
 */
export function refuseBuildFlagsForScene(input: string, given: ReadonlySet<string>): void {
	const refused = Object.keys({...sceneFlags, ...exactDisparityFlags}).filter((name) => given.has(name));
	if (refused.length === 0) return;
	const list = refused.map((name) => `--${name}`).join(', ');
	throw new UserError(`${input}: ${list} cannot apply to a built .glb scene (they shape how a photo is built; give the photo instead, or rebuild the scene)`);
}

/**
 * Exact-disparity options from `--depth-unit px` and `--depth-scale`, or undefined in relative mode;
 * refuses what exact mode cannot honour (no map, a depth or inverted map, --near/--far, --simplify-error).
 *
 * ```ts
 * const exactDisparity = exactDisparityFromFlags(flags, givenFlags(raw));
 * const built = await buildScene(photo, {...sceneOptionsFromFlags(flags), depth: source, exactDisparity});
 * ```
 */
export function exactDisparityFromFlags(flags: SceneFlagValues & ExactDisparityFlagValues, given: ReadonlySet<string>): Partial<ExactDisparityOptions> | undefined {
	if (flags['depth-unit'] !== 'px') {
		if (given.has('depth-scale')) throw usageError('--depth-scale', 'applies to --depth-unit px only');
		return undefined;
	}
	if (!flags.depth) throw usageError('--depth-unit px', 'needs --depth FILE (a disparity map in pixels)');
	if (flags['depth-kind'] !== 'disparity') throw new UserError(`--depth-unit px: ${flags.depth} must be a disparity map (--depth-kind disparity)`);
	if (flags['depth-invert']) throw new UserError(`--depth-unit px: ${flags.depth} cannot be inverted (pixel disparities are larger for nearer points)`);
	const conflicting = ['near', 'far', 'simplify-error'].filter((name) => given.has(name));
	if (conflicting.length > 0) {
		throw new UserError(`--depth-unit px sets the depth range and simplification itself; ${conflicting.map((name) => `--${name}`).join(', ')} cannot apply`);
	}
	return {pixelsPerUnit: flags['depth-scale']};
}

/** How `stereo` and `render` read their input, decided from it and the flags before any work. */
export interface SceneInputPlan {
	/** The input is a scene written by `build` (read as built), not a photo. */
	glb: boolean;
	/** Exact-disparity options when `--depth-unit px` was given (photo input only). */
	exactDisparity?: Partial<ExactDisparityOptions>;
}

/**
 * Checks the flags against the input: a `.glb` refuses build flags, a photo's scene flags are checked
 * and exact-disparity mode is read.
 *
 * ```ts
 * const plan = planSceneInput(args.input, flags, givenFlags(raw));
 * ```
 */
export function planSceneInput(input: string, flags: SceneFlagValues & ExactDisparityFlagValues, given: ReadonlySet<string>): SceneInputPlan {
	if (isSceneFile(input)) {
		refuseBuildFlagsForScene(input, given);
		return {glb: true};
	}
	checkSceneFlags(flags);
	return {glb: false, exactDisparity: exactDisparityFromFlags(flags, given)};
}
