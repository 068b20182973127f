import {COARSE_TO_FINE_DEFAULTS, type CoarseToFineOptions, cropRegion, unionBounds} from '../../src/inpaint/coarse-to-fine.js';
import {maskBounds, type Bounds} from '../../src/inpaint/bounds.js';
import {chamferDistance} from '../../src/inpaint/distance.js';
import {createInpaintRegion, type ColorInpainter, type InpaintRegion} from '../../src/inpaint/inpainter.js';

/**
 * The TypeScript twin of src/inpaint/coarse-to-fine.ts's inpaintCoarseToFine (the JavaScript its
 * WebAssembly kernel replaced, assembly/coarse-to-fine.ts), kept for the test that compares them.
 */
export async function inpaintCoarseToFineReference(inpainter: ColorInpainter, region: InpaintRegion, options: Partial<CoarseToFineOptions> = {}): Promise<Uint8Array> {
	const {fineDistancePixels, coarseFactor, blendPixels} = {...COARSE_TO_FINE_DEFAULTS, ...options};
	const {width, height, synthesisMask, contextMask} = region;
	const n = width * height;
	const factor = Math.max(2, Math.round(coarseFactor));
	const fadeEnd = fineDistancePixels + Math.max(0, blendPixels);
	const distance = chamferDistance(contextMask, width, height);
	// fineMask: filled at full resolution (the fine zone and the fade); farMask: filled by the coarse pass.
	const fineMask = new Uint8Array(n);
	const farMask = new Uint8Array(n);
	const farCount = splitByDistance(synthesisMask, distance, fineDistancePixels, fadeEnd, fineMask, farMask);
	if (farCount === 0) return inpainter.inpaintColor(region);

	const color = Uint8Array.from(region.color);
	const known = Uint8Array.from(contextMask);
	const fineBounds = maskBounds(fineMask, width, height, 0);
	if (fineBounds) {
		// The fine pass sees only the context and its own pixels, on the smallest crop that holds them.
		const contextBounds = maskBounds(contextMask, width, height, 0);
		const cropBounds = contextBounds ? unionBounds(contextBounds, fineBounds) : fineBounds;
		const fine = cropRegion(region, cropBounds, fineMask);
		const fineColor = await inpainter.inpaintColor(fine);
		pasteCrop(fineColor, fine, cropBounds, fineMask, width, color, known);
	}
	const coarse = downsampleRegion(region, color, known, farMask, factor);
	const coarseColor = await inpainter.inpaintColor(coarse);
	upsampleFar(coarseColor, coarse, factor, region, distance, farMask, fineDistancePixels, fadeEnd, color);
	return color;
}

/**
 * Marks the synthesis pixels within `fadeEnd` of the context in `fineMask` and those past
 * `fineDistancePixels` in `farMask` (the fade is in both); returns the far ones' number.
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
