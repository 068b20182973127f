import type {ScratchArrays} from './scratch.js';

/**
 * One inpainting problem of the LDI engine: a rectangular crop around one depth edge in which the
 * context pixels are known background and the synthesis pixels must be invented. Pixels in neither mask
 * (foreground, or outside the edge's reach) must not be read: reading them is how foreground colour
 * bleeds into what is hidden behind it.
 */
export interface InpaintRegion {
	/** Crop size in pixels. */
	width: number;
	height: number;
	/** RGB, 3 bytes per pixel; meaningful where `contextMask` is 1. */
	color: Uint8Array;
	/**
	 * Normalized disparity (larger = nearer); meaningful where `contextMask` is 1, and, once
	 * {@link inpaintDisparity} has run, where `synthesisMask` is 1 too.
	 */
	disparity: Float32Array;
	/** 1 where the pixel is known background that may be used as a source. */
	contextMask: Uint8Array;
	/** 1 where the pixel must be synthesized. Disjoint from `contextMask`. */
	synthesisMask: Uint8Array;
	/**
	 * Per pixel, the largest disparity a synthesized pixel may take: the occluding foreground's disparity
	 * minus a margin, so hidden surfaces stay behind what hides them. +Infinity where unconstrained.
	 */
	disparityCeiling: Float32Array;
}

/** A colour inpainter: fills `synthesisMask` pixels of `region.color` from the context only. */
export interface ColorInpainter {
	readonly name: string;
	/**
	 * Returns a new RGB buffer of the crop's size whose synthesis pixels are filled; other pixels are
	 * copied from the input. May assume `region.disparity` is already filled in the synthesis region.
	 */
	inpaintColor(region: InpaintRegion): Promise<Uint8Array>;
	/**
	 * How far past the bounds of a region's synthesis pixels the fill reads context, pixels; absent, it may
	 * read the whole crop. The frame strips copy only that deep a band of the photo into their crops.
	 */
	readonly contextReachPixels?: number;
	/**
	 * Frees the work memory kept between calls (buildLdi calls it once the LDI is built, so it is not
	 * held through meshing); the inpainter stays usable and allocates again on its next call.
	 */
	release?(): void;
}

/**
 * An empty region of `width` × `height`: no context, nothing to synthesize, no disparity ceiling. With
 * `scratch`, its arrays are views of that scratch's slots named after `slot`, valid until they are asked
 * for again: for a caller that makes large regions of about one size one after another.
 *
 * ```ts
 * const region = createInpaintRegion(64, 48);
 * ```
 */
export function createInpaintRegion(width: number, height: number, scratch?: ScratchArrays, slot = 'region'): InpaintRegion {
	const n = width * height;
	const bytes = (name: string, length: number): Uint8Array => scratch?.uint8(`${slot}.${name}`, length) ?? new Uint8Array(length);
	const floats = (name: string): Float32Array => scratch?.float32(`${slot}.${name}`, n) ?? new Float32Array(n);
	return {
		width,
		height,
		color: bytes('color', n * 3),
		disparity: floats('disparity'),
		contextMask: bytes('contextMask', n),
		synthesisMask: bytes('synthesisMask', n),
		disparityCeiling: floats('disparityCeiling').fill(Infinity),
	};
}
