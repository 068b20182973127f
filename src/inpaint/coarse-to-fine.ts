import type {Bounds} from './bounds.js';
import {createInpaintRegion, type ColorInpainter, type InpaintRegion} from './inpainter.js';
import {instantiateKernel, type KernelInstance} from '../wasm/kernel.js';

/**
 * Wide synthesis regions (the frame-border strips: 100 px at 1024) inpainted in two resolutions: the
 * pixels within `fineDistancePixels` of the context at full resolution, where the detail of the photo
 * continues; the far ones on a copy downsampled by `coarseFactor`, whose context is every cell the fine
 * pass made fully known, upsampled bilinearly and faded in over `blendPixels` so no seam shows.
 *
 * Measured (coherence, bench/ldi.ts, 3 alternating rounds): inpaint stage CPU moon 751 → 663, shelf
 * 751 → 660, hut 855 → 799 ms (the strips' own inpainting −40–50 %); eval:stereo disoccluded gain 1.78 →
 * 1.79 dB. Tried: a fine zone of 24 px at 1024 (1.83 dB, but what the eval's small moves reveal is not
 * what a viewer's wide one does), 12 px (1.72, cones 1.39); recursing into a pyramid (4×, 8×) blurred
 * the far strip (cones 0.44). The fine zone is an edge region's synthesis band, the same reach.
 * The per-pixel work around the two inpainting calls (distance, split, bounds, paste, down- and
 * upsampling) runs as a WebAssembly kernel (assembly/coarse-to-fine.ts, bit-identical to the JavaScript
 * it replaced: test/inpaint/coarse-to-fine-kernel.test.ts): moon's four strips at 1024 px with a copying
 * inpainter, fresh processes, CPU 212 → 159 ms (median of 9 alternating pairs); whole builds gain inside
 * their noise (±5 %). What is left is mostly V8 compiling the kernel's functions with TurboFan on first
 * call (~20 ms for the distance transform, which then runs in ~4 ms per strip).
 */

/** Options for {@link inpaintCoarseToFine}. */
export interface CoarseToFineOptions {
	/** Synthesis pixels up to this chamfer distance from the context are filled at full resolution. */
	fineDistancePixels: number;
	/** Downsampling factor of the coarse pass (2 = a quarter of the pixels). */
	coarseFactor: number;
	/** Width of the fade from the fine fill to the coarse one, pixels past `fineDistancePixels`. */
	blendPixels: number;
}

export const COARSE_TO_FINE_DEFAULTS: CoarseToFineOptions = {
	fineDistancePixels: 32,
	coarseFactor: 2,
	blendPixels: 4,
};

/** The exports of assembly/coarse-to-fine.ts; pointers are byte offsets into `memory`. */
interface CoarseToFineKernel extends KernelInstance {
	allocate(bytes: number): number;
	splitByDistance(
		context: number, synthesis: number, width: number, height: number, fineDistance: number, fadeEnd: number, distance: number, fineMask: number, farMask: number,
	): number;
	maskBounds(mask: number, width: number, height: number, bounds: number): boolean;
	pasteCrop(cropColor: number, cropWidth: number, cropHeight: number, left: number, top: number, synthesis: number, width: number, color: number, known: number): void;
	downsample(
		width: number, height: number, factor: number, color: number, known: number, farMask: number, disparity: number, ceiling: number,
		coarseWidth: number, coarseHeight: number, coarseColor: number, coarseDisparity: number, coarseCeiling: number, coarseSynthesis: number, coarseContext: number,
	): void;
	upsampleFar(
		coarseFill: number, coarseWidth: number, coarseHeight: number, coarseSynthesis: number, coarseContext: number, factor: number,
		width: number, height: number, distance: number, farMask: number, fineDistance: number, fadeEnd: number, color: number,
	): void;
}

/**
 * `inpainter`'s fill of `region`, the far part of the synthesis region made at a coarser resolution;
 * exactly `inpainter.inpaintColor(region)` when no synthesis pixel lies past the fine zone.
 *
 * ```ts
 * const color = await inpaintCoarseToFine(getColorInpainter('coherence'), strip.region, {fineDistancePixels: 45});
 * ```
 */
export async function inpaintCoarseToFine(inpainter: ColorInpainter, region: InpaintRegion, options: Partial<CoarseToFineOptions> = {}): Promise<Uint8Array> {
	const {fineDistancePixels, coarseFactor, blendPixels} = {...COARSE_TO_FINE_DEFAULTS, ...options};
	const {width, height} = region;
	const n = width * height;
	const factor = Math.max(2, Math.round(coarseFactor));
	const fadeEnd = fineDistancePixels + Math.max(0, blendPixels);
	const coarseWidth = Math.ceil(width / factor);
	const coarseHeight = Math.ceil(height / factor);
	const cells = coarseWidth * coarseHeight;
	// Every array up front: growing the memory (any allocation may) detaches the views taken before.
	const kernel = instantiateKernel<CoarseToFineKernel>('coarse-to-fine');
	const at = {
		context: kernel.allocate(n), synthesis: kernel.allocate(n), distance: kernel.allocate(4 * n), fineMask: kernel.allocate(n), farMask: kernel.allocate(n),
		color: kernel.allocate(3 * n), known: kernel.allocate(n), disparity: kernel.allocate(4 * n), ceiling: kernel.allocate(4 * n),
		cropColor: kernel.allocate(3 * n), bounds: kernel.allocate(16),
		coarseColor: kernel.allocate(3 * cells), coarseDisparity: kernel.allocate(4 * cells), coarseCeiling: kernel.allocate(4 * cells),
		coarseSynthesis: kernel.allocate(cells), coarseContext: kernel.allocate(cells), coarseFill: kernel.allocate(3 * cells),
	};
	const memory = kernel.memory.buffer;
	new Uint8Array(memory, at.context, n).set(region.contextMask);
	new Uint8Array(memory, at.synthesis, n).set(region.synthesisMask);
	const farCount = kernel.splitByDistance(at.context, at.synthesis, width, height, fineDistancePixels, fadeEnd, at.distance, at.fineMask, at.farMask);
	if (farCount === 0) return inpainter.inpaintColor(region);

	new Uint8Array(memory, at.color, 3 * n).set(region.color);
	new Uint8Array(memory, at.known, n).set(region.contextMask);
	new Float32Array(memory, at.disparity, n).set(region.disparity);
	new Float32Array(memory, at.ceiling, n).set(region.disparityCeiling);
	const fineBounds = boundsInKernel(kernel, at.fineMask, width, height, at.bounds);
	if (fineBounds) {
		// The fine pass sees only the context and its own pixels, on the smallest crop that holds them.
		const contextBounds = boundsInKernel(kernel, at.context, width, height, at.bounds);
		const cropBounds = contextBounds ? unionBounds(contextBounds, fineBounds) : fineBounds;
		const fine = cropRegion(region, cropBounds, new Uint8Array(memory, at.fineMask, n));
		const fineColor = await inpainter.inpaintColor(fine);
		new Uint8Array(memory, at.cropColor, fineColor.length).set(fineColor);
		kernel.pasteCrop(at.cropColor, fine.width, fine.height, cropBounds.left, cropBounds.top, at.fineMask, width, at.color, at.known);
	}
	kernel.downsample(
		width, height, factor, at.color, at.known, at.farMask, at.disparity, at.ceiling,
		coarseWidth, coarseHeight, at.coarseColor, at.coarseDisparity, at.coarseCeiling, at.coarseSynthesis, at.coarseContext,
	);
	const coarse: InpaintRegion = {
		width: coarseWidth,
		height: coarseHeight,
		color: new Uint8Array(memory, at.coarseColor, 3 * cells),
		disparity: new Float32Array(memory, at.coarseDisparity, cells),
		contextMask: new Uint8Array(memory, at.coarseContext, cells),
		synthesisMask: new Uint8Array(memory, at.coarseSynthesis, cells),
		disparityCeiling: new Float32Array(memory, at.coarseCeiling, cells),
	};
	new Uint8Array(memory, at.coarseFill, 3 * cells).set(await inpainter.inpaintColor(coarse));
	kernel.upsampleFar(
		at.coarseFill, coarseWidth, coarseHeight, at.coarseSynthesis, at.coarseContext, factor,
		width, height, at.distance, at.farMask, fineDistancePixels, fadeEnd, at.color,
	);
	// A copy: the kernel's memory (every array above) goes with the instance.
	return new Uint8Array(memory, at.color, 3 * n).slice();
}

/** Bounds of `mask`'s set pixels in the kernel's memory, or undefined when none is set. */
function boundsInKernel(kernel: CoarseToFineKernel, mask: number, width: number, height: number, boundsAt: number): Bounds | undefined {
	if (!kernel.maskBounds(mask, width, height, boundsAt)) return undefined;
	const [left, top, right, bottom] = new Int32Array(kernel.memory.buffer, boundsAt, 4);
	return {left, top, right, bottom};
}

/**
 * The smallest bounds holding both `a` and `b`.
 *
 * ```ts
 * const crop = unionBounds(contextBounds, fineBounds);
 * ```
 */
export function unionBounds(a: Bounds, b: Bounds): Bounds {
	return {left: Math.min(a.left, b.left), top: Math.min(a.top, b.top), right: Math.max(a.right, b.right), bottom: Math.max(a.bottom, b.bottom)};
}

/**
 * A sub-rectangle of `region` whose synthesis pixels are `synthesis`'s; the context is kept as is.
 *
 * ```ts
 * const fine = cropRegion(region, {left: 0, top: 0, right: 99, bottom: 40}, fineMask);
 * ```
 */
export function cropRegion(region: InpaintRegion, bounds: Bounds, synthesis: Uint8Array): InpaintRegion {
	const cropWidth = bounds.right - bounds.left + 1;
	const cropHeight = bounds.bottom - bounds.top + 1;
	const crop = createInpaintRegion(cropWidth, cropHeight);
	for (let y = 0; y < cropHeight; y++) {
		const from = (bounds.top + y) * region.width + bounds.left;
		const to = y * cropWidth;
		crop.color.set(region.color.subarray(from * 3, (from + cropWidth) * 3), to * 3);
		crop.disparity.set(region.disparity.subarray(from, from + cropWidth), to);
		crop.contextMask.set(region.contextMask.subarray(from, from + cropWidth), to);
		crop.synthesisMask.set(synthesis.subarray(from, from + cropWidth), to);
		crop.disparityCeiling.set(region.disparityCeiling.subarray(from, from + cropWidth), to);
	}
	return crop;
}
