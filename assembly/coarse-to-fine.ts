/**
 * WebAssembly kernel of src/inpaint/coarse-to-fine.ts (AssemblyScript; `npm run build:wasm` compiles it
 * to wasm/coarse-to-fine.wasm): the per-pixel work around the two inpainting calls of a frame strip —
 * the chamfer distance from the context and the split into fine and far pixels, the bounds of a mask,
 * pasting the fine fill back, and the down- and upsampling of the coarse pass. Arithmetic mirrors the
 * JavaScript it replaced (f32 and u8 arrays, sums and weights in f64, JavaScript's rounding), so the
 * strips are the same. Pointers are byte offsets into this module's memory; arrays are per pixel of the
 * strip's crop (width × height) unless named coarse (per cell) or crop (per pixel of the fine crop).
 */

import {f32At, setF32, u8At} from './shared/elements';

const ORTHOGONAL_STEP: f64 = 1;
const DIAGONAL_STEP: f64 = Math.SQRT2;

/** Reserves `bytes` of this module's memory (16-byte aligned, zero, never freed: one instance serves one strip). */
export function allocate(bytes: usize): usize {
	return heap.alloc(bytes);
}

/**
 * Writes the 3×3 chamfer distance from the `context` pixels into `distance` (f32), then marks the
 * `synthesis` pixels within `fadeEnd` of the context in `fineMask` and those past `fineDistance` in
 * `farMask`; returns how many are far.
 */
export function splitByDistance(
	context: usize, synthesis: usize, width: i32, height: i32, fineDistance: f64, fadeEnd: f64, distance: usize, fineMask: usize, farMask: usize,
): i32 {
	const n = width * height;
	for (let i = 0; i < n; i++) setF32(distance, i, u8At(context, i) != 0 ? 0 : Infinity);
	forwardPass(distance, width, height);
	backwardPass(distance, width, height);
	let farCount = 0;
	for (let i = 0; i < n; i++) {
		if (u8At(synthesis, i) == 0) continue;
		const d = f32At(distance, i);
		if (d <= fadeEnd) store<u8>(fineMask + <usize>i, 1);
		if (d > fineDistance) {
			store<u8>(farMask + <usize>i, 1);
			farCount++;
		}
	}
	return farCount;
}

function forwardPass(distance: usize, width: i32, height: i32): void {
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const i = y * width + x;
			let best = f32At(distance, i);
			if (x > 0) best = Math.min(best, f32At(distance, i - 1) + ORTHOGONAL_STEP);
			if (y > 0) {
				best = Math.min(best, f32At(distance, i - width) + ORTHOGONAL_STEP);
				if (x > 0) best = Math.min(best, f32At(distance, i - width - 1) + DIAGONAL_STEP);
				if (x < width - 1) best = Math.min(best, f32At(distance, i - width + 1) + DIAGONAL_STEP);
			}
			setF32(distance, i, best);
		}
	}
}

function backwardPass(distance: usize, width: i32, height: i32): void {
	for (let y = height - 1; y >= 0; y--) {
		for (let x = width - 1; x >= 0; x--) {
			const i = y * width + x;
			let best = f32At(distance, i);
			if (x < width - 1) best = Math.min(best, f32At(distance, i + 1) + ORTHOGONAL_STEP);
			if (y < height - 1) {
				best = Math.min(best, f32At(distance, i + width) + ORTHOGONAL_STEP);
				if (x < width - 1) best = Math.min(best, f32At(distance, i + width + 1) + DIAGONAL_STEP);
				if (x > 0) best = Math.min(best, f32At(distance, i + width - 1) + DIAGONAL_STEP);
			}
			setF32(distance, i, best);
		}
	}
}

/**
 * Writes the inclusive bounds left, top, right, bottom (i32) of `mask`'s set pixels to `bounds`; returns
 * false, writing nothing, when none is set.
 */
export function maskBounds(mask: usize, width: i32, height: i32, bounds: usize): bool {
	let left = width;
	let right = -1;
	let top = height;
	let bottom = -1;
	for (let y = 0, i = 0; y < height; y++) {
		for (let x = 0; x < width; x++, i++) {
			if (u8At(mask, i) == 0) continue;
			if (x < left) left = x;
			if (x > right) right = x;
			if (y < top) top = y;
			bottom = y;
		}
	}
	if (right < 0) return false;
	store<i32>(bounds, left);
	store<i32>(bounds, top, 4);
	store<i32>(bounds, right, 8);
	store<i32>(bounds, bottom, 12);
	return true;
}

/**
 * Writes the fine crop's fill (`cropColor`, cropWidth × cropHeight, whose top-left pixel is (left, top)
 * of the strip) into `color` where `synthesis` is set, and marks those pixels `known`.
 */
export function pasteCrop(
	cropColor: usize, cropWidth: i32, cropHeight: i32, left: i32, top: i32, synthesis: usize, width: i32, color: usize, known: usize,
): void {
	for (let y = 0; y < cropHeight; y++) {
		for (let x = 0; x < cropWidth; x++) {
			const i = (top + y) * width + left + x;
			if (u8At(synthesis, i) == 0) continue;
			const c = y * cropWidth + x;
			store<u8>(color + <usize>i * 3, u8At(cropColor, c * 3));
			store<u8>(color + <usize>i * 3 + 1, u8At(cropColor, c * 3 + 1));
			store<u8>(color + <usize>i * 3 + 2, u8At(cropColor, c * 3 + 2));
			store<u8>(known + <usize>i, 1);
		}
	}
}

/**
 * The strip at 1/`factor` resolution into the coarse arrays (coarseWidth × coarseHeight): a cell is
 * context when all its pixels are known (mean colour and disparity), synthesis when any of its pixels
 * is far (mean disparity, lowest ceiling), else unused.
 */
export function downsample(
	width: i32, height: i32, factor: i32, color: usize, known: usize, farMask: usize, disparity: usize, ceiling: usize,
	coarseWidth: i32, coarseHeight: i32, coarseColor: usize, coarseDisparity: usize, coarseCeiling: usize, coarseSynthesis: usize, coarseContext: usize,
): void {
	for (let cy = 0; cy < coarseHeight; cy++) {
		const yEnd = min(height, (cy + 1) * factor);
		for (let cx = 0; cx < coarseWidth; cx++) {
			const xEnd = min(width, (cx + 1) * factor);
			let count = 0;
			let knownCount = 0;
			let farCount = 0;
			let r: f64 = 0;
			let g: f64 = 0;
			let b: f64 = 0;
			let disparitySum: f64 = 0;
			let lowestCeiling: f64 = Infinity;
			for (let y = cy * factor; y < yEnd; y++) {
				for (let x = cx * factor; x < xEnd; x++) {
					const i = y * width + x;
					count++;
					disparitySum += f32At(disparity, i);
					lowestCeiling = Math.min(lowestCeiling, f32At(ceiling, i));
					farCount += u8At(farMask, i);
					if (u8At(known, i) == 0) continue;
					knownCount++;
					r += <f64>u8At(color, i * 3);
					g += <f64>u8At(color, i * 3 + 1);
					b += <f64>u8At(color, i * 3 + 2);
				}
			}
			const c = cy * coarseWidth + cx;
			const isSynthesis = farCount > 0;
			const isContext = !isSynthesis && knownCount == count;
			setF32(coarseDisparity, c, disparitySum / <f64>count);
			setF32(coarseCeiling, c, lowestCeiling);
			store<u8>(coarseSynthesis + <usize>c, isSynthesis ? 1 : 0);
			store<u8>(coarseContext + <usize>c, isContext ? 1 : 0);
			if (!isContext) continue;
			store<u8>(coarseColor + <usize>c * 3, <u8>Math.round(r / <f64>count));
			store<u8>(coarseColor + <usize>c * 3 + 1, <u8>Math.round(g / <f64>count));
			store<u8>(coarseColor + <usize>c * 3 + 2, <u8>Math.round(b / <f64>count));
		}
	}
}

/**
 * Bilinear upsampling of the coarse fill (`coarseFill`) at the far pixels into `color` (cells neither
 * context nor synthesis weigh nothing), faded from the fine fill between `fineDistance` and `fadeEnd`.
 */
export function upsampleFar(
	coarseFill: usize, coarseWidth: i32, coarseHeight: i32, coarseSynthesis: usize, coarseContext: usize, factor: i32,
	width: i32, height: i32, distance: usize, farMask: usize, fineDistance: f64, fadeEnd: f64, color: usize,
): void {
	const fadeWidth = fadeEnd - fineDistance;
	for (let y = 0; y < height; y++) {
		const fy = (<f64>y + 0.5) / <f64>factor - 0.5;
		const y0 = <i32>Math.floor(fy);
		const ty = fy - <f64>y0;
		for (let x = 0; x < width; x++) {
			const i = y * width + x;
			if (u8At(farMask, i) == 0) continue;
			const fx = (<f64>x + 0.5) / <f64>factor - 0.5;
			const x0 = <i32>Math.floor(fx);
			const tx = fx - <f64>x0;
			let weightSum: f64 = 0;
			let r: f64 = 0;
			let g: f64 = 0;
			let b: f64 = 0;
			for (let k = 0; k < 4; k++) {
				const cx = x0 + (k & 1);
				const cy = y0 + (k >> 1);
				if (cx < 0 || cy < 0 || cx >= coarseWidth || cy >= coarseHeight) continue;
				const c = cy * coarseWidth + cx;
				if (u8At(coarseContext, c) == 0 && u8At(coarseSynthesis, c) == 0) continue;
				const weight = ((k & 1) != 0 ? tx : 1 - tx) * ((k >> 1) != 0 ? ty : 1 - ty);
				weightSum += weight;
				r += weight * <f64>u8At(coarseFill, c * 3);
				g += weight * <f64>u8At(coarseFill, c * 3 + 1);
				b += weight * <f64>u8At(coarseFill, c * 3 + 2);
			}
			// The pixel's own cell is synthesis and always one of the four, with a positive weight.
			const coarseShare = fadeWidth > 0 ? Math.min(1, (f32At(distance, i) - fineDistance) / fadeWidth) : 1;
			const fineShare = 1 - coarseShare;
			store<u8>(color + <usize>i * 3, <u8>Math.round(fineShare * <f64>u8At(color, i * 3) + coarseShare * r / weightSum));
			store<u8>(color + <usize>i * 3 + 1, <u8>Math.round(fineShare * <f64>u8At(color, i * 3 + 1) + coarseShare * g / weightSum));
			store<u8>(color + <usize>i * 3 + 2, <u8>Math.round(fineShare * <f64>u8At(color, i * 3 + 2) + coarseShare * b / weightSum));
		}
	}
}
