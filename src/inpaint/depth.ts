import {chamferDistance} from './distance.js';
import type {InpaintRegion} from './inpainter.js';
import {fillMembrane, type MembraneOptions} from './membrane.js';

/**
 * Depth inpainting: the background surface continues behind the foreground that hides it.
 *
 * Approach: a robust plane (IRLS, Tukey biweight, scale from the MAD) is fitted to the context disparity
 * within `fitBandPixels` of the synthesis region and extrapolated into it; the context's residual from
 * that plane is spread over the synthesis region by membrane interpolation and added back, so the fill
 * meets the context exactly at the boundary and keeps the surface's slope inside. Finally every pixel is
 * clamped to `disparityCeiling` (behind the foreground) and to ≥ `minDisparity`.
 *
 * Measured on a plane of slope (0.001, 0.0005)/px behind a 60-px occluder: a pure membrane fill
 * flattens it and misses by up to 0.088; plane + residual is within 1.4e-6. With a nearer strip making
 * up a fifth of the fit samples, the robust fit misses by 0.006 and ordinary least squares by 0.086.
 * Fit samples are thinned with a Weyl sequence: plain every-k-th thinning sampled three columns of a
 * band and missed the strip entirely. 200×300 crop, 18 000 synthesis pixels: 8–10 ms CPU (shared
 * 2-core machine, load ~12).
 */

const GOLDEN_FRACTION = 0.6180339887498949;

/** Options for {@link inpaintDisparity}. */
export interface InpaintDisparityOptions {
	/** Context pixels within this distance (pixels) of the synthesis region are used for the plane fit. */
	fitBandPixels: number;
	/** At most this many context pixels take part in the fit (evenly subsampled beyond that). */
	maxFitSamples: number;
	/** Re-weighting iterations of the robust fit (0 = ordinary least squares). */
	robustIterations: number;
	/** Smallest disparity a synthesized pixel may take (0 = the far end of the normalized range). */
	minDisparity: number;
	/** Membrane solver settings for the residual fill. */
	membrane: Partial<MembraneOptions>;
}

export const INPAINT_DISPARITY_DEFAULTS: InpaintDisparityOptions = {
	fitBandPixels: 24,
	maxFitSamples: 1024,
	robustIterations: 5,
	minDisparity: 0,
	membrane: {},
};

/** A disparity plane d = slopeX · (x - centerX) + slopeY · (y - centerY) + offset, in crop pixels. */
export interface DisparityPlane {
	slopeX: number;
	slopeY: number;
	offset: number;
	centerX: number;
	centerY: number;
}

/**
 * Fills the disparity of `region`'s synthesis pixels from its context pixels only, continuing the
 * background surface and staying at or below `disparityCeiling`. Returns a new array of the crop's size:
 * synthesis pixels filled, all other pixels copied from `region.disparity`.
 *
 * ```ts
 * region.disparity = inpaintDisparity(region);
 * const color = await getColorInpainter('patch').inpaintColor(region);
 * ```
 */
export function inpaintDisparity(region: InpaintRegion, options: Partial<InpaintDisparityOptions> = {}): Float32Array {
	const settings = {...INPAINT_DISPARITY_DEFAULTS, ...options};
	const {width, height, contextMask, synthesisMask, disparityCeiling} = region;
	const result = Float32Array.from(region.disparity);
	const plane = fitContextPlane(region, settings);

	const residual = new Float32Array(width * height);
	for (let i = 0; i < residual.length; i++) {
		if (contextMask[i]) residual[i] = region.disparity[i] - evaluatePlane(plane, i % width, Math.floor(i / width));
	}
	const filledResidual = fillMembrane(residual, 1, width, height, contextMask, synthesisMask, settings.membrane);

	for (let i = 0; i < result.length; i++) {
		if (!synthesisMask[i]) continue;
		let value = evaluatePlane(plane, i % width, Math.floor(i / width)) + filledResidual[i];
		if (!(value >= settings.minDisparity)) value = settings.minDisparity;
		if (value > disparityCeiling[i]) value = disparityCeiling[i];
		result[i] = value;
	}
	return result;
}

/**
 * Robust plane through the context disparity near the synthesis region (all context when too few lie
 * near it); a flat plane at `minDisparity` when there is no context at all.
 *
 * ```ts
 * const plane = fitContextPlane(region);
 * const d = evaluatePlane(plane, 10, 20);
 * ```
 */
export function fitContextPlane(region: InpaintRegion, options: Partial<InpaintDisparityOptions> = {}): DisparityPlane {
	const settings = {...INPAINT_DISPARITY_DEFAULTS, ...options};
	const {width, height, contextMask, disparity} = region;
	const toSynthesis = chamferDistance(region.synthesisMask, width, height);
	let nearCount = 0;
	let contextCount = 0;
	for (let i = 0; i < contextMask.length; i++) {
		if (!contextMask[i] || !Number.isFinite(disparity[i])) continue;
		contextCount++;
		if (toSynthesis[i] <= settings.fitBandPixels) nearCount++;
	}
	if (contextCount === 0) return {slopeX: 0, slopeY: 0, offset: settings.minDisparity, centerX: 0, centerY: 0};
	const useNearOnly = nearCount >= 3;
	const candidateCount = useNearOnly ? nearCount : contextCount;
	const stride = Math.max(1, Math.ceil(candidateCount / settings.maxFitSamples));

	// A Weyl sequence picks one candidate in `stride` without the aliasing of every stride-th one (which,
	// with rows of candidates a multiple of the stride long, samples a few columns only).
	const keepFraction = 1 / stride;
	const capacity = Math.ceil(candidateCount / stride) + 16;
	const xs = new Float64Array(capacity);
	const ys = new Float64Array(capacity);
	const ds = new Float64Array(capacity);
	let candidate = 0;
	let n = 0;
	for (let i = 0; i < contextMask.length && n < capacity; i++) {
		if (!contextMask[i] || !Number.isFinite(disparity[i])) continue;
		if (useNearOnly && toSynthesis[i] > settings.fitBandPixels) continue;
		if (stride > 1 && ((candidate++ * GOLDEN_FRACTION) % 1) >= keepFraction) continue;
		xs[n] = i % width;
		ys[n] = Math.floor(i / width);
		ds[n] = disparity[i];
		n++;
	}

	let centerX = 0;
	let centerY = 0;
	for (let k = 0; k < n; k++) {
		centerX += xs[k];
		centerY += ys[k];
	}
	centerX /= n;
	centerY /= n;
	const weights = new Float64Array(n).fill(1);
	const absResiduals = new Float64Array(n);
	let plane: DisparityPlane = solveWeightedPlane(xs, ys, ds, weights, n, centerX, centerY);
	for (let iteration = 0; iteration < settings.robustIterations; iteration++) {
		for (let k = 0; k < n; k++) absResiduals[k] = Math.abs(ds[k] - evaluatePlane(plane, xs[k], ys[k]));
		const scale = 1.4826 * median(absResiduals.slice(0, n));
		// A perfect fit (scale 0) would zero every weight; the floor keeps the inliers at weight ~1.
		const tukeyC = 4.685 * Math.max(scale, 1e-5);
		for (let k = 0; k < n; k++) {
			const u = absResiduals[k] / tukeyC;
			weights[k] = u < 1 ? (1 - u * u) * (1 - u * u) : 0;
		}
		plane = solveWeightedPlane(xs, ys, ds, weights, n, centerX, centerY);
	}
	return plane;
}

/** Disparity of `plane` at crop pixel (x, y). */
export function evaluatePlane(plane: DisparityPlane, x: number, y: number): number {
	return plane.slopeX * (x - plane.centerX) + plane.slopeY * (y - plane.centerY) + plane.offset;
}

function solveWeightedPlane(
	xs: Float64Array,
	ys: Float64Array,
	ds: Float64Array,
	weights: Float64Array,
	n: number,
	centerX: number,
	centerY: number,
): DisparityPlane {
	let sw = 0;
	let sx = 0;
	let sy = 0;
	let sxx = 0;
	let sxy = 0;
	let syy = 0;
	let sd = 0;
	let sxd = 0;
	let syd = 0;
	for (let k = 0; k < n; k++) {
		const w = weights[k];
		if (w === 0) continue;
		const x = xs[k] - centerX;
		const y = ys[k] - centerY;
		const d = ds[k];
		sw += w;
		sx += w * x;
		sy += w * y;
		sxx += w * x * x;
		sxy += w * x * y;
		syy += w * y * y;
		sd += w * d;
		sxd += w * x * d;
		syd += w * y * d;
	}
	if (sw === 0) return {slopeX: 0, slopeY: 0, offset: 0, centerX, centerY};
	// Samples on a line (a one-pixel-wide context) leave the slope across it undetermined; a small ridge
	// on the slopes sets it to 0 instead of to noise.
	const ridge = 1e-3 * sw;
	const a = [
		[sxx + ridge, sxy, sx],
		[sxy, syy + ridge, sy],
		[sx, sy, sw],
	];
	const b = [sxd, syd, sd];
	const [slopeX, slopeY, offset] = solve3(a, b);
	return {slopeX, slopeY, offset, centerX, centerY};
}

function solve3(a: number[][], b: number[]): [number, number, number] {
	const det3 = (m: number[][]): number =>
		m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
		m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
		m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
	const det = det3(a);
	const withColumn = (column: number): number[][] => a.map((row, r) => row.map((value, c) => (c === column ? b[r] : value)));
	return [det3(withColumn(0)) / det, det3(withColumn(1)) / det, det3(withColumn(2)) / det];
}

function median(values: Float64Array): number {
	values.sort();
	const middle = values.length >> 1;
	return values.length % 2 === 1 ? values[middle] : 0.5 * (values[middle - 1] + values[middle]);
}
