import type {ColorInpainter, InpaintRegion} from './inpainter.js';
import {fillMembrane, type MembraneOptions} from './membrane.js';

/**
 * The `diffusion` colour inpainter: membrane (harmonic) fill of RGB from the context boundary. Smooth and
 * fast; the baseline the `patch` inpainter is measured against. 300×200 crop, 60×300 synthesis band:
 * ~3 ms.
 */

/** Options for {@link DiffusionInpainter}. */
export interface DiffusionInpainterOptions {
	/** Membrane solver settings. */
	membrane: Partial<MembraneOptions>;
}

export const DIFFUSION_INPAINTER_DEFAULTS: DiffusionInpainterOptions = {
	membrane: {fallbackValue: 128},
};

/**
 * Fills synthesis pixels with the harmonic interpolation of the context colours around them.
 *
 * ```ts
 * const color = await new DiffusionInpainter().inpaintColor(region);
 * ```
 */
export class DiffusionInpainter implements ColorInpainter {
	readonly name = 'diffusion';
	readonly options: DiffusionInpainterOptions;

	constructor(options: Partial<DiffusionInpainterOptions> = {}) {
		this.options = {
			...DIFFUSION_INPAINTER_DEFAULTS,
			...options,
			membrane: {...DIFFUSION_INPAINTER_DEFAULTS.membrane, ...options.membrane},
		};
	}

	async inpaintColor(region: InpaintRegion): Promise<Uint8Array> {
		return diffuseColor(region, this.options);
	}
}

/**
 * Synchronous core of {@link DiffusionInpainter}: a new RGB buffer with the synthesis pixels filled by
 * membrane interpolation of the context, every other pixel copied from `region.color`.
 *
 * ```ts
 * const color = diffuseColor(region);
 * ```
 */
export function diffuseColor(region: InpaintRegion, options: Partial<DiffusionInpainterOptions> = {}): Uint8Array {
	const membrane = {...DIFFUSION_INPAINTER_DEFAULTS.membrane, ...options.membrane};
	const {width, height, color, contextMask, synthesisMask} = region;
	const pixelCount = width * height;
	const source = new Float32Array(pixelCount * 3);
	for (let i = 0; i < pixelCount; i++) {
		if (!contextMask[i]) continue;
		source[3 * i] = color[3 * i];
		source[3 * i + 1] = color[3 * i + 1];
		source[3 * i + 2] = color[3 * i + 2];
	}
	const filled = fillMembrane(source, 3, width, height, contextMask, synthesisMask, membrane);
	const result = Uint8Array.from(color);
	for (let i = 0; i < pixelCount; i++) {
		if (!synthesisMask[i]) continue;
		for (let c = 0; c < 3; c++) {
			const value = Math.round(filled[3 * i + c]);
			result[3 * i + c] = value < 0 ? 0 : value > 255 ? 255 : value;
		}
	}
	return result;
}
