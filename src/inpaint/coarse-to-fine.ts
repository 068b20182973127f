import {type Bounds, growBounds, intersectBounds, maskBounds, unionBounds} from './bounds.js';
import {chamferDistance} from './distance.js';
import {createInpaintRegion, type ColorInpainter, type InpaintRegion} from './inpainter.js';
import type {ScratchArrays} from './scratch.js';

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

/**
 * `inpainter`'s fill of `region`, the far part of the synthesis region made at a coarser resolution;
 * exactly `inpainter.inpaintColor(region)` when no synthesis pixel lies past the fine zone. With
 * `scratch`, the work arrays (and the result) are views of its slots, valid until the next call with it:
 * the frame strips, four of about one size, reuse one set (moon at 4096 px: ~50 MB per strip).
 *
 * ```ts
 * const color = await inpaintCoarseToFine(getColorInpainter('coherence'), strip.region, {fineDistancePixels: 45});
 * ```
 */
export async function inpaintCoarseToFine(
	inpainter: ColorInpainter, region: InpaintRegion, options: Partial<CoarseToFineOptions> = {}, scratch?: ScratchArrays,
): Promise<Uint8Array> {
	const {fineDistancePixels, coarseFactor, blendPixels} = {...COARSE_TO_FINE_DEFAULTS, ...options};
	const {width, height, synthesisMask, contextMask} = region;
	const n = width * height;
	const factor = coarseGridFactor(coarseFactor);
	const fadeEnd = fineDistancePixels + Math.max(0, blendPixels);
	const distance = chamferDistance(contextMask, width, height, scratch?.float32('distance', n));
	// fineMask: filled at full resolution (the fine zone and the fade); farMask: filled by the coarse pass.
	const fineMask = scratch?.uint8('fineMask', n) ?? new Uint8Array(n);
	const farMask = scratch?.uint8('farMask', n) ?? new Uint8Array(n);
	const farCount = splitByDistance(synthesisMask, distance, fineDistancePixels, fadeEnd, fineMask, farMask);
	if (farCount === 0) return inpainter.inpaintColor(region);

	const color = scratch?.uint8('color', 3 * n) ?? new Uint8Array(3 * n);
	color.set(region.color);
	const known = scratch?.uint8('known', n) ?? new Uint8Array(n);
	known.set(contextMask);
	const fineBounds = maskBounds(fineMask, width, height, 0);
	if (fineBounds) {
		// The fine pass sees only the context and its own pixels, on the smallest crop that holds them, cut
		// to what the inpainter reads past them when it says (the left and right frame strips' context
		// includes the top and bottom strips: moon at 4096 px, their fine crops 2.78 → 1.74 M pixels). Cut,
		// not made afresh: the inpainter's boxes stop at the crop's edges within its reach as before.
		const contextBounds = maskBounds(contextMask, width, height, 0);
		const holding = contextBounds ? unionBounds(contextBounds, fineBounds) : fineBounds;
		const reach = inpainter.contextReachPixels;
		const cropBounds = reach === undefined ? holding : intersectBounds(holding, growBounds(fineBounds, reach, width, height));
		const fine = cropRegion(region, cropBounds, fineMask, scratch);
		const fineColor = await inpainter.inpaintColor(fine);
		pasteCrop(fineColor, fine, cropBounds, fineMask, width, color, known);
	}
	const coarse = downsampleRegion(region, color, known, farMask, factor);
	const coarseColor = await inpainter.inpaintColor(coarse);
	upsampleFar(coarseColor, coarse, factor, region, distance, farMask, fineDistancePixels, fadeEnd, color);
	return color;
}

/** The coarse pass's cell size, pixels. */
export function coarseGridFactor(coarseFactor: number): number {
	return Math.max(2, Math.round(coarseFactor));
}

/**
 * How far past a region's synthesis pixels {@link inpaintCoarseToFine} reads context when `inpainter`
 * reads `reachPixels` past its synthesis bounds: the coarse pass reads as many cells past the cells that
 * hold a far pixel, and such a cell may begin a cell before its far pixel. Cells are laid from the
 * region's top-left corner: a crop cut shorter elsewhere leaves every cell read unchanged.
 *
 * ```ts
 * const reach = coarseToFineReachPixels(20, 2);   // 41
 * ```
 */
export function coarseToFineReachPixels(reachPixels: number, coarseFactor: number): number {
	const factor = coarseGridFactor(coarseFactor);
	return Math.max(reachPixels, (reachPixels + 1) * factor - 1);
}

/**
 * Marks the synthesis pixels within `fadeEnd` of the context in `fineMask` and those past
 * `fineDistancePixels` in `farMask` (the fade is in both); returns the far ones' number. Its own
 * function: see the note above blendMembrane in coherence.ts.
 */
function splitByDistance(
	synthesisMask: Uint8Array, distance: Float32Array, fineDistancePixels: number, fadeEnd: number, fineMask: Uint8Array, farMask: Uint8Array,
): number {
	let farCount = 0;
	for (let i = 0; i < synthesisMask.length; i++) {
		if (!synthesisMask[i]) continue;
		if (distance[i] <= fadeEnd) fineMask[i] = 1;
		if (distance[i] > fineDistancePixels) {
			farMask[i] = 1;
			farCount++;
		}
	}
	return farCount;
}

/** A sub-rectangle of `region` whose synthesis pixels are `synthesis`'s; the context is kept as is. */
function cropRegion(region: InpaintRegion, bounds: Bounds, synthesis: Uint8Array, scratch: ScratchArrays | undefined): InpaintRegion {
	const cropWidth = bounds.right - bounds.left + 1;
	const cropHeight = bounds.bottom - bounds.top + 1;
	const crop = createInpaintRegion(cropWidth, cropHeight, scratch, 'fine');
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

/** Writes the crop's synthesized pixels back into the full-size `color` and marks them `known`. */
function pasteCrop(cropColor: Uint8Array, crop: InpaintRegion, bounds: Bounds, synthesis: Uint8Array, width: number, color: Uint8Array, known: Uint8Array): void {
	for (let y = 0; y < crop.height; y++) {
		for (let x = 0; x < crop.width; x++) {
			const i = (bounds.top + y) * width + bounds.left + x;
			if (!synthesis[i]) continue;
			const c = y * crop.width + x;
			color[i * 3] = cropColor[c * 3];
			color[i * 3 + 1] = cropColor[c * 3 + 1];
			color[i * 3 + 2] = cropColor[c * 3 + 2];
			known[i] = 1;
		}
	}
}

/**
 * The region at 1/`factor` resolution: a cell is context when all its pixels are known (mean colour and
 * disparity), synthesis when any of its pixels is far (mean disparity, lowest ceiling), else unused.
 */
function downsampleRegion(region: InpaintRegion, color: Uint8Array, known: Uint8Array, farMask: Uint8Array, factor: number): InpaintRegion {
	const {width, height} = region;
	const coarseWidth = Math.ceil(width / factor);
	const coarseHeight = Math.ceil(height / factor);
	const coarse = createInpaintRegion(coarseWidth, coarseHeight);
	// Branch-free sums and flags: V8 compiles this loop while it is still in the first rows (in a top
	// strip, all far cells) and threw that code away when the first context cell took the other branch.
	for (let cy = 0; cy < coarseHeight; cy++) {
		const yEnd = Math.min(height, (cy + 1) * factor);
		for (let cx = 0; cx < coarseWidth; cx++) {
			const xEnd = Math.min(width, (cx + 1) * factor);
			let count = 0;
			let knownCount = 0;
			let farCount = 0;
			let r = 0;
			let g = 0;
			let b = 0;
			let disparitySum = 0;
			let ceiling = Infinity;
			for (let y = cy * factor; y < yEnd; y++) {
				for (let x = cx * factor; x < xEnd; x++) {
					const i = y * width + x;
					const isKnown = known[i];
					count++;
					disparitySum += region.disparity[i];
					ceiling = Math.min(ceiling, region.disparityCeiling[i]);
					farCount += farMask[i];
					knownCount += isKnown;
					r += isKnown * color[i * 3];
					g += isKnown * color[i * 3 + 1];
					b += isKnown * color[i * 3 + 2];
				}
			}
			const c = cy * coarseWidth + cx;
			const isSynthesis = farCount > 0 ? 1 : 0;
			const isContext = (1 - isSynthesis) * (knownCount === count ? 1 : 0);
			coarse.disparity[c] = disparitySum / count;
			coarse.disparityCeiling[c] = ceiling;
			coarse.synthesisMask[c] = isSynthesis;
			coarse.contextMask[c] = isContext;
			coarse.color[c * 3] = isContext * Math.round(r / count);
			coarse.color[c * 3 + 1] = isContext * Math.round(g / count);
			coarse.color[c * 3 + 2] = isContext * Math.round(b / count);
		}
	}
	return coarse;
}

/**
 * Bilinear upsampling of the coarse fill at the far pixels (cells neither context nor synthesis weigh
 * nothing), faded from the fine fill between `fineDistancePixels` and `fadeEnd`.
 */
function upsampleFar(
	coarseColor: Uint8Array, coarse: InpaintRegion, factor: number, region: InpaintRegion, distance: Float32Array,
	farMask: Uint8Array, fineDistancePixels: number, fadeEnd: number, color: Uint8Array,
): void {
	const {width, height} = region;
	const coarseWidth = coarse.width;
	const coarseHeight = coarse.height;
	const fadeWidth = fadeEnd - fineDistancePixels;
	for (let y = 0; y < height; y++) {
		const fy = (y + 0.5) / factor - 0.5;
		const y0 = Math.floor(fy);
		const ty = fy - y0;
		for (let x = 0; x < width; x++) {
			const i = y * width + x;
			if (!farMask[i]) continue;
			const fx = (x + 0.5) / factor - 0.5;
			const x0 = Math.floor(fx);
			const tx = fx - x0;
			let weightSum = 0;
			let r = 0;
			let g = 0;
			let b = 0;
			for (let k = 0; k < 4; k++) {
				const cx = x0 + (k & 1);
				const cy = y0 + (k >> 1);
				if (cx < 0 || cy < 0 || cx >= coarseWidth || cy >= coarseHeight) continue;
				const c = cy * coarseWidth + cx;
				if (!coarse.contextMask[c] && !coarse.synthesisMask[c]) continue;
				const weight = ((k & 1) ? tx : 1 - tx) * ((k >> 1) ? ty : 1 - ty);
				weightSum += weight;
				r += weight * coarseColor[c * 3];
				g += weight * coarseColor[c * 3 + 1];
				b += weight * coarseColor[c * 3 + 2];
			}
			// The pixel's own cell is synthesis and always one of the four, with a positive weight.
			const coarseShare = fadeWidth > 0 ? Math.min(1, (distance[i] - fineDistancePixels) / fadeWidth) : 1;
			const fineShare = 1 - coarseShare;
			color[i * 3] = Math.round(fineShare * color[i * 3] + coarseShare * r / weightSum);
			color[i * 3 + 1] = Math.round(fineShare * color[i * 3 + 1] + coarseShare * g / weightSum);
			color[i * 3 + 2] = Math.round(fineShare * color[i * 3 + 2] + coarseShare * b / weightSum);
		}
	}
}
