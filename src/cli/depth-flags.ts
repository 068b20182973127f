/**
 * The depth-related flags every command that needs depth shares (`depth`, `build`, `stereo`, `render`),
 * and their translation into {@link resolveDepthSource} options.
 *
 * ```ts
 * export default class Build extends BaseCommand {
 *   static override flags = {...depthFlags};
 *   async run() {
 *     const {flags} = await this.parse(Build);
 *     const {source} = await resolveDepthSource(depthOptionsFromFlags(flags, {onProgress}));
 *   }
 * }
 * ```
 */
import {basename, dirname, extname} from 'node:path';

import * as Flags from '@oclif/core/flags';

import {isOffline} from '../depth/download.js';
import {DEPTH_FIT_NAMES} from '../depth/fit.js';
import {modelCacheDir} from '../depth/models.js';
import type {ResolveDepthOptions} from '../depth/resolve.js';

const DEPTH_GROUP = 'DEPTH';

export const depthFlags = {
	depth: Flags.string({
		description: 'Supplied depth map (PNG 8/16-bit, JPEG or PFM) used instead of a depth model; needs no download.',
		helpGroup: DEPTH_GROUP,
	}),
	'depth-kind': Flags.option({
		options: ['disparity', 'depth'] as const,
		default: 'disparity' as const,
		description: 'What --depth stores: disparity (larger = nearer) or depth (larger = farther).',
		helpGroup: DEPTH_GROUP,
	})(),
	'depth-invert': Flags.boolean({
		description: 'The --depth map runs the other way (e.g. a disparity map where dark = near).',
		default: false,
		helpGroup: DEPTH_GROUP,
	}),
	'depth-fit': Flags.option({
		options: DEPTH_FIT_NAMES,
		default: 'error' as const,
		description: 'A --depth map of another aspect ratio than the photo (beyond a depth network\'s rounding of its sides to multiples of 14 or 32): error refuses it, stretch resizes it anyway, crop cuts its longer side evenly to the photo\'s aspect ratio first.',
		helpGroup: DEPTH_GROUP,
	})(),
	model: Flags.string({
		description: 'Depth model: a registry name (see `ldi-gltf models list`; default depth-anything-v2-small) or a local .onnx file.',
		helpGroup: DEPTH_GROUP,
	}),
	'model-spec': Flags.string({
		description: 'JSON preprocessing spec for a --model FILE.onnx: {"size": {"shortSide": 518, "multipleOf": 14} | {"fixed": [w, h]}, "mean": [r, g, b], "std": [r, g, b], "resize": "cubic"}.',
		helpGroup: DEPTH_GROUP,
	}),
	'model-size': Flags.string({
		description: 'Model input size: a short side (518, sides rounded to multiples of 14) or WIDTHxHEIGHT (256x256). Fixed sizes in the model itself win.',
		helpGroup: DEPTH_GROUP,
	}),
	'model-mean': Flags.string({
		description: 'Per-channel mean subtracted after /255, "r,g,b" or one number (default ImageNet 0.485,0.456,0.406).',
		helpGroup: DEPTH_GROUP,
	}),
	'model-std': Flags.string({
		description: 'Per-channel std divided by, "r,g,b" or one number (default ImageNet 0.229,0.224,0.225).',
		helpGroup: DEPTH_GROUP,
	}),
	threads: Flags.integer({
		description: 'onnxruntime threads (0 = one per physical core).',
		default: 0,
		min: 0,
		helpGroup: DEPTH_GROUP,
	}),
	offline: Flags.boolean({
		description: 'Never download model weights (also env LDI_GLTF_OFFLINE=1).',
		default: false,
		helpGroup: DEPTH_GROUP,
	}),
	'max-size': Flags.integer({
		description: 'Longest side of the working image, pixels (larger photos are shrunk, smaller ones kept).',
		default: 1024,
		min: 16,
		helpGroup: DEPTH_GROUP,
	}),
	fov: Flags.custom<number>({
		description: 'Field of view across the long side, degrees (default: from EXIF, else ~53°).',
		helpGroup: DEPTH_GROUP,
		parse: async (input) => {
			const degrees = Number(input);
			if (!Number.isFinite(degrees) || degrees <= 0 || degrees >= 180) throw new Error(`--fov ${input}: expected degrees between 0 and 180`);
			return degrees;
		},
	})(),
};

/**
 * `build`'s --depth: the same flag, whose value may also be a per-photo template, so a batch with its own
 * depth maps is one command (and one process: after its first photo every build runs on warm code).
 */
export const depthTemplateFlag = Flags.string({
	description: `${depthFlags.depth.description ?? ''} For several photos, a template: {name} is each photo's file name without extension, {dir} its folder (e.g. "{dir}/{name}-depth.png").`,
	helpGroup: DEPTH_GROUP,
});

/** Whether a --depth value is a per-photo template (holds {name} or {dir}). */
export function isDepthTemplate(value: string): boolean {
	return /\{(?:name|dir)\}/.test(value);
}

/**
 * The depth map of `photo` for --depth `value`: a template with {name} (the photo's file name without
 * its extension) and {dir} (its folder) filled in, or the value itself.
 *
 * ```ts
 * depthPathFor('{dir}/{name}-depth.png', 'shots/a.jpg'); // 'shots/a-depth.png'
 * ```
 */
export function depthPathFor(value: string, photo: string): string {
	return value.replaceAll('{name}', basename(photo, extname(photo))).replaceAll('{dir}', dirname(photo));
}

/** The parsed values of {@link depthFlags}. */
export interface DepthFlagValues {
	depth?: string;
	'depth-kind': 'disparity' | 'depth';
	'depth-invert': boolean;
	'depth-fit': 'error' | 'stretch' | 'crop';
	model?: string;
	'model-spec'?: string;
	'model-size'?: string;
	'model-mean'?: string;
	'model-std'?: string;
	threads: number;
	offline: boolean;
}

/**
 * {@link resolveDepthSource} options from parsed depth flags (offline also from `LDI_GLTF_OFFLINE`), plus
 * callbacks such as download progress.
 *
 * ```ts
 * const {source} = await resolveDepthSource(depthOptionsFromFlags(flags, {onProgress}));
 * ```
 */
export function depthOptionsFromFlags(flags: DepthFlagValues, extra: Partial<ResolveDepthOptions> = {}): Partial<ResolveDepthOptions> {
	return {
		depthPath: flags.depth,
		depthKind: flags['depth-kind'],
		depthInvert: flags['depth-invert'],
		depthFit: flags['depth-fit'],
		model: flags.model,
		modelSpecPath: flags['model-spec'],
		modelSize: flags['model-size'],
		modelMean: flags['model-mean'],
		modelStd: flags['model-std'],
		threads: flags.threads,
		offline: isOffline(flags.offline),
		cacheDir: modelCacheDir(),
		...extra,
	};
}
