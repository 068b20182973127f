import {UserError} from '../errors.js';
import {CoherenceInpainter, type CoherenceInpainterOptions} from './coherence.js';
import {DiffusionInpainter, type DiffusionInpainterOptions} from './diffusion.js';
import type {ColorInpainter} from './inpainter.js';
import {OnnxInpainter, type OnnxInpainterOptions} from './onnx.js';
import {PatchInpainter, type PatchInpainterOptions} from './patch.js';

/**
 * Builds a colour inpainter from loosely typed options (as they arrive from CLI flags or a library
 * caller); each factory picks the fields it understands and ignores the rest.
 */
export type ColorInpainterFactory = (options: Readonly<Record<string, unknown>>) => ColorInpainter;

/** Name of the inpainter used when none is asked for. */
export const DEFAULT_COLOR_INPAINTER = 'coherence';

const factories = new Map<string, ColorInpainterFactory>([
	['coherence', (options) => new CoherenceInpainter(options as Partial<CoherenceInpainterOptions>)],
	['diffusion', (options) => new DiffusionInpainter(options as Partial<DiffusionInpainterOptions>)],
	['onnx', (options) => new OnnxInpainter(options as Partial<OnnxInpainterOptions>)],
	['patch', (options) => new PatchInpainter(options as Partial<PatchInpainterOptions>)],
]);

/**
 * Adds (or replaces) a named colour inpainter, so plugins can offer more than the built-in ones.
 *
 * ```ts
 * registerColorInpainter('flat-grey', () => ({name: 'flat-grey', inpaintColor: async (r) => fillGrey(r)}));
 * ```
 */
export function registerColorInpainter(name: string, factory: ColorInpainterFactory): void {
	factories.set(name, factory);
}

/** Names of every registered colour inpainter, sorted. */
export function listColorInpainters(): string[] {
	return [...factories.keys()].sort();
}

/**
 * The colour inpainter registered as `name`, built with `options`; a UserError listing the known names
 * when there is none.
 *
 * ```ts
 * const inpainter = getColorInpainter('patch', {seed: 7});
 * const color = await inpainter.inpaintColor(region);
 * ```
 */
export function getColorInpainter(name: string, options: Readonly<Record<string, unknown>> = {}): ColorInpainter {
	const factory = factories.get(name);
	if (!factory) {
		throw new UserError(`unknown inpainter '${name}' (known: ${listColorInpainters().join(', ')})`);
	}
	return factory(options);
}
