/**
 * Resampling of float images (depth and disparity maps) with a separable triangle (bilinear) filter that
 * widens when shrinking, so downscaling averages instead of aliasing.
 *
 * Approaches tried: sharp on 1-channel raw float input (sharp 0.35.5) returns zeros through 'b-w' and
 * integer-rounded values through 'grey16' ([0, 1, 2, 3] ×2 came back as 0 0 0 1 1 2 2 3), and lanczos or
 * cubic kernels overshoot at depth steps, which would invent halos nearer or farther than both sides.
 * The triangle filter never leaves the range of its inputs. Columns are resized first (contiguous
 * multiply-adds, fewer rows for the gather pass): 4096×3072 → 1024×768 best of 10 129 ms vs 144 ms rows
 * first. bench/input.ts (load average ~14 on 2 cores, where a plain 28 M multiply-add loop took 67 ms):
 * 640² → 1024² 20.6 ms best, 4096×3072 → 1024×768 189 ms best.
 */
import {createFloatImage, type FloatImage} from './raster.js';

/**
 * Per output coordinate: the first input index and the normalized weights of the inputs it reads.
 * Shared by rows and columns so the inner loops are plain multiply-adds over typed arrays.
 */
interface Contributions {
	start: Int32Array;
	count: Int32Array;
	weights: Float32Array;
	maxTaps: number;
}

function contributions(inSize: number, outSize: number): Contributions {
	const scale = inSize / outSize;
	// Upscaling: plain linear interpolation (support 1); shrinking: a triangle as wide as the footprint.
	const support = Math.max(1, scale);
	const maxTaps = Math.ceil(support) * 2 + 1;
	const start = new Int32Array(outSize);
	const count = new Int32Array(outSize);
	const weights = new Float32Array(outSize * maxTaps);
	for (let o = 0; o < outSize; o++) {
		const center = (o + 0.5) * scale - 0.5;
		const first = Math.max(0, Math.ceil(center - support));
		const last = Math.min(inSize - 1, Math.floor(center + support));
		let sum = 0;
		let taps = 0;
		for (let i = first; i <= last && taps < maxTaps; i++) {
			const w = 1 - Math.abs(i - center) / support;
			if (w <= 0) continue;
			if (taps === 0) start[o] = i;
			weights[o * maxTaps + taps] = w;
			sum += w;
			taps++;
		}
		if (taps === 0) {
			start[o] = Math.min(inSize - 1, Math.max(0, Math.round(center)));
			weights[o * maxTaps] = 1;
			taps = 1;
			sum = 1;
		}
		for (let t = 0; t < taps; t++) weights[o * maxTaps + t]! /= sum;
		count[o] = taps;
	}
	return {start, count, weights, maxTaps};
}

/**
 * Resizes a float image to `width`×`height` (aspect ratio not kept: the caller decides). Every output
 * value is a convex combination of input values, so the output range never exceeds the input range.
 * Inputs must be finite (fill unknown values first).
 *
 * ```ts
 * const disparity = resizeFloatImage(mapAt640, 1024, 768);
 * ```
 */
export function resizeFloatImage(image: FloatImage, width: number, height: number): FloatImage {
	if (image.width === width && image.height === height) return {width, height, data: image.data.slice()};
	const horizontal = contributions(image.width, width);
	const vertical = contributions(image.height, height);
	// Columns first: contiguous row multiply-adds that also cut the row count before the gather pass.
	// One function per pass: the second pass deoptimized the first one's on-stack-replaced code.
	const columnsResized = resizeColumns(image.data, image.width, height, vertical);
	const result = createFloatImage(width, height);
	resizeRows(columnsResized, image.width, width, height, horizontal, result.data);
	return result;
}

/**
 * Resizes a float image to `width`×`height` by taking, for each output pixel, the input sample under its
 * centre: no value is mixed with another, so a one-pixel step stays one pixel sharp (an exact depth map
 * shrunk to the working size; averaging would spread each step and make depths no surface has).
 *
 * ```ts
 * const disparity = resizeFloatImageNearest(renderedDepthAt1920, 1024, 576);
 * ```
 */
export function resizeFloatImageNearest(image: FloatImage, width: number, height: number): FloatImage {
	const result = createFloatImage(width, height);
	const sourceColumns = new Int32Array(width);
	for (let x = 0; x < width; x++) sourceColumns[x] = Math.min(image.width - 1, Math.floor((x + 0.5) * image.width / width));
	for (let y = 0; y < height; y++) {
		const sourceRow = Math.min(image.height - 1, Math.floor((y + 0.5) * image.height / height)) * image.width;
		const row = y * width;
		for (let x = 0; x < width; x++) result.data[row + x] = image.data[sourceRow + sourceColumns[x]!]!;
	}
	return result;
}

/** Resamples every column of a `inWidth`-wide image to `height` rows. */
function resizeColumns(source: Float32Array, inWidth: number, height: number, vertical: Contributions): Float32Array {
	const columnsResized = new Float32Array(inWidth * height);
	for (let y = 0; y < height; y++) {
		const first = vertical.start[y]!;
		const weightBase = y * vertical.maxTaps;
		const taps = vertical.count[y]!;
		const outRow = y * inWidth;
		for (let t = 0; t < taps; t++) {
			const weight = vertical.weights[weightBase + t]!;
			const inRow = (first + t) * inWidth;
			for (let x = 0; x < inWidth; x++) columnsResized[outRow + x]! += source[inRow + x]! * weight;
		}
	}
	return columnsResized;
}

/** Resamples every row of `columnsResized` (`inWidth` wide, `height` rows) to `width` columns into `out`. */
function resizeRows(columnsResized: Float32Array, inWidth: number, width: number, height: number, horizontal: Contributions, out: Float32Array): void {
	for (let y = 0; y < height; y++) {
		const inRow = y * inWidth;
		const outRow = y * width;
		for (let x = 0; x < width; x++) {
			const first = inRow + horizontal.start[x]!;
			const weightBase = x * horizontal.maxTaps;
			const taps = horizontal.count[x]!;
			let value = 0;
			for (let t = 0; t < taps; t++) value += columnsResized[first + t]! * horizontal.weights[weightBase + t]!;
			out[outRow + x] = value;
		}
	}
}
