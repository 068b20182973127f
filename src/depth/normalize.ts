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
	let rawMin = Infinity;
	let rawMax = -Infinity;
	for (let i = 0; i < source.length; i++) {
		const value = source[i]!;
		if (!Number.isFinite(value)) continue;
		if (value < rawMin) rawMin = value;
		if (value > rawMax) rawMax = value;
	}
	const data = new Float32Array(source.length);
	const range = rawMax - rawMin;
	if (range > 0) {
		const inverseRange = 1 / range;
		for (let i = 0; i < source.length; i++) {
			const d = (source[i]! - rawMin) * inverseRange;
			data[i] = d < 1 ? d : Number.isFinite(d) ? 1 : 0;
		}
	}
	if (source.length === 0) {
		rawMin = 0;
		rawMax = 0;
	}
	return {disparity: {width: raw.width, height: raw.height, data}, rawMin, rawMax};
}
