/**
 * Min-max normalization of raw disparity to [0, 1] (far → 0, near → 1), keeping the raw values that 0
 * and 1 stand for so later stages can map back to metric-like depth.
 */
import type {FloatImage} from '../image/raster.js';

/** Normalized disparity plus the raw values its 0 and 1 stand for. */
export interface NormalizedDisparity {
	disparity: FloatImage;
	rawMin: number;
	rawMax: number;
}

/**
 * Maps finite raw disparity linearly so its minimum becomes 0 and its maximum 1. A constant map becomes
 * all zeros (one plane at the far end) with rawMin === rawMax. Non-finite values become 0 (the farthest);
 * a map with no finite value at all has rawMin > rawMax (Infinity, -Infinity).
 *
 * ```ts
 * const {disparity, rawMin, rawMax} = normalizeDisparity(rawDisparity);
 * const raw = rawMin + disparity.data[i] * (rawMax - rawMin);
 * ```
 */
export function normalizeDisparity(raw: FloatImage): NormalizedDisparity {
	const source = raw.data;
	// One function per loop: the scaling loop deoptimized the range loop's on-stack-replaced code.
	const range = finiteRange(source);
	let rawMin = range[0];
	let rawMax = range[1];
	const data = new Float32Array(source.length);
	if (rawMax - rawMin > 0) scaleToUnit(source, rawMin, 1 / (rawMax - rawMin), data);
	if (source.length === 0) {
		rawMin = 0;
		rawMax = 0;
	}
	return {disparity: {width: raw.width, height: raw.height, data}, rawMin, rawMax};
}

/**
 * Smallest and largest finite value ([Infinity, -Infinity] when there is none).
 *
 * ```ts
 * const [min, max] = finiteRange(disparity.data);
 * ```
 */
export function finiteRange(source: Float32Array): [number, number] {
	let min = Infinity;
	let max = -Infinity;
	for (let i = 0; i < source.length; i++) {
		const value = source[i]!;
		if (!Number.isFinite(value)) continue;
		if (value < min) min = value;
		if (value > max) max = value;
	}
	return [min, max];
}

/** (value − min) · inverseRange into `data`, at most 1; non-finite values become 0. */
function scaleToUnit(source: Float32Array, min: number, inverseRange: number, data: Float32Array): void {
	for (let i = 0; i < source.length; i++) {
		const d = (source[i]! - min) * inverseRange;
		data[i] = d < 1 ? d : Number.isFinite(d) ? 1 : 0;
	}
}
