/**
 * Soft depth steps made sharp. Networks and phones spread an outline's step over 2–4 map samples: as a
 * ramp under the edge threshold per pixel, or as a staircase whose middle level changes row to row (hut's
 * plants), which edge linking splits into pieces too short to keep. Either way it is not cut and a moved
 * camera stretches colour across it. A step here: along a row or column, the rise across `spanPixels`
 * exceeds the threshold and the rises across the spans just before and after it (so no plane, however
 * steep, nor a crease), and the ramp is monotone; its pixels take the nearer end's value. Ramps that make
 * no kept edge are put back (quantization bumps, leaves inside a bush).
 * Measured: streaks of a ±4 % sideways view (bench/streaks.ts) hut 2.83 → 1.31 %, moon 0.105 → 0.035 %,
 * shelf 0.224 → 0.189 %; eval:stereo network-like 1.35 → 1.42 dB; LDI stage CPU +5 / +15 / +18 %. The
 * variants tried (no putting back, staircases only, 2 or 4 samples, before the filter): bench/RESULTS.md.
 */
import type {FloatImage} from '../image/raster.js';
import {grownArray} from '../memory/grow-array.js';

/**
 * The ramps {@link sharpenSoftSteps} made sharp, in the order found, and the values it changed: per
 * change the pixel, its value before and after, and the ramp it belongs to, so that the ramps that do not
 * become part of a kept edge can be put back as they were ({@link restoreStepsOffEdges}).
 */
export class SharpenedSteps {
	/** Per ramp: its first and last pixel and the index step between its pixels (1 along a row, the width along a column). */
	rampFirst = new Int32Array(1024);
	rampLast = new Int32Array(1024);
	rampStride = new Int32Array(1024);
	ramps = 0;
	/** Per change: the pixel, its values before and after, and its ramp. */
	pixel = new Int32Array(4096);
	before = new Float32Array(4096);
	after = new Float32Array(4096);
	rampOf = new Int32Array(4096);
	changes = 0;
	/** Changes up to this index are written to the map (one pass's are written when the pass is done). */
	applied = 0;

	addRamp(first: number, last: number, stride: number): void {
		if (this.ramps === this.rampFirst.length) {
			this.rampFirst = grownArray(this.rampFirst, 2 * this.rampFirst.length);
			this.rampLast = grownArray(this.rampLast, 2 * this.rampLast.length);
			this.rampStride = grownArray(this.rampStride, 2 * this.rampStride.length);
		}
		this.rampFirst[this.ramps] = first;
		this.rampLast[this.ramps] = last;
		this.rampStride[this.ramps] = stride;
		this.ramps++;
	}

	/** A change of the newest ramp. */
	addChange(pixel: number, before: number, after: number): void {
		if (this.changes === this.pixel.length) {
			this.pixel = grownArray(this.pixel, 2 * this.pixel.length);
			this.rampOf = grownArray(this.rampOf, 2 * this.rampOf.length);
			this.before = grownArray(this.before, 2 * this.before.length);
			this.after = grownArray(this.after, 2 * this.after.length);
		}
		this.pixel[this.changes] = pixel;
		this.before[this.changes] = before;
		this.after[this.changes] = after;
		this.rampOf[this.changes] = this.ramps - 1;
		this.changes++;
	}

	/** Writes the changes listed since the last call to `data`. */
	apply(data: Float32Array): void {
		for (let k = this.applied; k < this.changes; k++) data[this.pixel[k]] = this.after[k];
		this.applied = this.changes;
	}
}

/**
 * Sharpens, in place, the steps of `disparity` (normalized, larger = nearer) spread over at most
 * `spanPixels` pixels whose rise exceeds `threshold` (see the file's header): rows first, then columns of
 * the result. A span below 2 changes nothing.
 *
 * ```ts
 * const steps = sharpenSoftSteps(filtered, 0.02, 3);
 * let edges = detectDepthEdges(filtered, {thresholdDisparity: 0.02});
 * const restored = restoreStepsOffEdges(filtered, steps, edges.edgeOfPixel);
 * if (restored.length > 0) edges = updateDepthEdges(edges, filtered, restored, {thresholdDisparity: 0.02});
 * ```
 */
export function sharpenSoftSteps(disparity: FloatImage, threshold: number, spanPixels: number): SharpenedSteps {
	const span = Math.floor(spanPixels);
	const {width, height, data} = disparity;
	const steps = new SharpenedSteps();
	if (span < 2) return steps;
	if (width > span) for (let y = 0; y < height; y++) sharpenLine(data, y * width, width, 1, span, threshold, steps);
	steps.apply(data);
	if (height > span) for (let x = 0; x < width; x++) sharpenLine(data, x, height, width, span, threshold, steps);
	steps.apply(data);
	return steps;
}

/**
 * Puts back, in `data`, the ramps of `steps` none of whose pixels is on a kept depth edge (`edgeOfPixel`
 * not -1: found on the sharpened map): a sharpened step that is not cut is no better than the ramp, and a
 * short piece of one is often a bump of the map's quantization or noise. Returns the pixels restored
 * (where the edges are to be updated), ascending.
 */
export function restoreStepsOffEdges(data: Float32Array, steps: SharpenedSteps, edgeOfPixel: Int32Array): Int32Array {
	const onEdge = new Uint8Array(steps.ramps);
	for (let r = 0; r < steps.ramps; r++) onEdge[r] = rampTouchesEdge(steps.rampFirst[r], steps.rampLast[r], steps.rampStride[r], edgeOfPixel) ? 1 : 0;
	const restored = new Int32Array(steps.changes);
	let count = 0;
	// Undo every ramp off the edges, newest first, then redo the kept ones in order: a pixel two ramps changed
	// ends with the value of the last kept one, or its own.
	for (let k = steps.changes - 1; k >= 0; k--) {
		if (onEdge[steps.rampOf[k]] === 1) continue;
		data[steps.pixel[k]] = steps.before[k];
		restored[count++] = steps.pixel[k];
	}
	for (let k = 0; k < steps.changes; k++) if (onEdge[steps.rampOf[k]] === 1) data[steps.pixel[k]] = steps.after[k];
	const sorted = restored.subarray(0, count).sort();
	let unique = 0;
	for (let k = 0; k < sorted.length; k++) if (k === 0 || sorted[k] !== sorted[k - 1]) sorted[unique++] = sorted[k];
	return sorted.slice(0, unique);
}

function rampTouchesEdge(first: number, last: number, stride: number, edgeOfPixel: Int32Array): boolean {
	for (let p = first; p <= last; p += stride) if (edgeOfPixel[p] >= 0) return true;
	return false;
}

/**
 * Lists in `steps` the ramps on one line of `data` and their sharpened values: `count` pixels from
 * `start`, `stride` apart.
 */
function sharpenLine(data: Float32Array, start: number, count: number, stride: number, span: number, threshold: number, steps: SharpenedSteps): void {
	const last = start + (count - 1) * stride;
	const reach = span * stride;
	for (let a = start, b = start + reach; b <= last; a += stride, b += stride) {
		const rise = data[b] - data[a];
		// Most pairs end here: no step across the span (and NaN never passes).
		if (!(Math.abs(rise) > threshold)) continue;
		const sign = rise > 0 ? 1 : -1;
		const before = data[a] - data[Math.max(start, a - reach)];
		const after = data[Math.min(last, b + reach)] - data[b];
		if (!(sign * rise - Math.max(sign * before, sign * after) > threshold)) continue;
		if (!isMonotoneRamp(data, a, b, stride, sign)) continue;
		const low = data[a];
		const high = data[b];
		steps.addRamp(a, b, stride);
		for (let p = a + stride; p < b; p += stride) {
			const value = Math.abs(data[p] - low) <= Math.abs(high - data[p]) ? low : high;
			if (value !== data[p]) steps.addChange(p, data[p], value);
		}
	}
}

/** Whether no single step from `a` to `b` (`stride` apart) goes against the direction `sign`. */
function isMonotoneRamp(data: Float32Array, a: number, b: number, stride: number, sign: number): boolean {
	for (let p = a; p < b; p += stride) if (sign * (data[p + stride] - data[p]) < 0) return false;
	return true;
}
