/**
 * Bilateral (weighted) median filter for disparity maps (Ma, He, Wei, Sun & Wu, ICCV 2013, as used by
 * Shih et al. 2020 to sharpen blurred depth steps into one-pixel-wide discontinuities). Each output pixel
 * is the weighted median of its window, weights exp(-d²/2σs²)·exp(-Δ²/2σi²) with d the spatial distance
 * and Δ the disparity difference to the window centre.
 *
 * Approaches tried, at 1024×1024, Node 20 (figures taken while the 2-core machine was shared, so
 * treat them as upper bounds):
 * - gather + insertion sort of ≤ 49 (value, weight) pairs per pixel, Math.exp per weight, every pixel:
 *   ~15 s for the 5 iterations on moon_depth_midas.png;
 * - skipping windows whose value range is below 0.004 barely helps (8–16 s): MiDaS and JPEG depth maps
 *   have that much noise or slope almost everywhere;
 * - range weight from a 1025-entry table + weighted quickselect instead of a sort: 1.1 s per 7×7
 *   iteration when every pixel is filtered;
 * - like the paper's code, filter only pixels whose window holds a 4-neighbour jump above
 *   `discontinuityThreshold` (found by two separable "any in window" sweeps per iteration): 260–390 ms
 *   for all 5 iterations on the moon, shelf and hut maps;
 * - kept: the same pixels, found without touching the rest of the image: the jump pixels are listed
 *   once, then only the pixels a pass changed (and their 4-neighbours) are re-tested, and the windows
 *   are painted around the listed jumps; a pass with the same window as the previous one skips the
 *   pixels that pass filtered when nothing in their window changed (moon: 25 k, 24 k, 21 k, 21 k, 21 k
 *   active pixels per iteration, of which 12 k, 6.4 k, 1.6 k, 0.8 k, 0.5 k change), and a window
 *   whose weighted median is its centre value (checked while gathering) needs no selection.
 *   Identical output; best of 8 runs, CPU ms: moon 164 → 97, shelf 261 → 187;
 * - then the range-table index by `(step + 0.5) | 0` instead of Math.round (V8 does not inline it
 *   here), one-byte stamps in the pixel sets: moon 97 → 54, shelf 187 → 121.
 * - then the loops as a WebAssembly kernel (assembly/bilateral-median.ts; this file keeps the settings,
 *   the weight tables and the order of the passes): a build is one fresh process, where the JavaScript
 *   ran mostly before V8 had optimized it. Identical output (test/ldi compares it with the TypeScript
 *   twin kept there). Fresh process, first call, CPU ms, median of 5 on the shared box: moon 191 → 124,
 *   shelf 265 → 165, hut 354 → 223; 4096 px (moon) ~3.0 → ~2.5 s. Warm calls gain nothing (moon 86 vs
 *   104, shelf 153 vs 140, hut 222 vs 198). Costs: compiling the 3.5 kB module 2–3 ms once per
 *   process; the output copied out of the kernel's memory (first touch of 4 MB at 1024 px; 64 MB more
 *   at the peak at 4096 px); the whole image, the tables and the pixel sets live in the kernel's memory
 *   for the whole filter, so nothing else crosses. filterPass runs in chunks of pixels: V8 starts a wasm
 *   function unoptimized and cannot switch a running call to the optimized code (first call with one
 *   call per pass: moon 138, hut 270 ms).
 * A weighted median of a monotone 1-D profile in a symmetric window is its centre value, so the filter
 * does not steepen straight blurred ramps; what it does (and what the tests check) is remove speckles
 * and keep steps one pixel wide without blurring them.
 */
import {instantiateKernel, type KernelInstance} from '../wasm/kernel.js';
import type {FloatImage} from './raster.js';

/** Options for {@link bilateralMedianFilter}. */
export interface BilateralMedianOptions {
	/** Window side per iteration, pixels at the reference size (odd). The paper's code: 7, 7, 5, 5, 5. */
	windowSizes: number[];
	/** Spatial σ, pixels at the reference size. */
	sigmaSpatialPixels: number;
	/** Range σ, in the units of the input (normalized disparity for the LDI engine). */
	sigmaIntensity: number;
	/**
	 * Only pixels whose window holds a 4-neighbour difference above this are filtered (the paper's code
	 * filters only around its discontinuities); use the depth-edge threshold. 0 filters every pixel.
	 */
	discontinuityThreshold: number;
	/** Long side (pixels) at which the window sizes and σs apply; they scale with the image. */
	referenceSizePixels: number;
}

export const BILATERAL_MEDIAN_DEFAULTS: BilateralMedianOptions = {
	windowSizes: [7, 7, 5, 5, 5],
	sigmaSpatialPixels: 4,
	sigmaIntensity: 0.5,
	discontinuityThreshold: 0.02,
	referenceSizePixels: 1024,
};

const RANGE_TABLE_SIZE = 1024;
/** Pixels per call of the kernel's filterPass (see where it is called). */
const FILTER_CHUNK_PIXELS = 1024;

/** The exports of assembly/bilateral-median.ts; pointers are byte offsets into `memory`. */
interface BilateralMedianKernel extends KernelInstance {
	allocate(bytes: number): number;
	createPixelSet(size: number): number;
	pixelSetLength(pixels: number): number;
	clearPixelSet(pixels: number): void;
	addAll(to: number, from: number): void;
	listJumps(image: number, width: number, height: number, threshold: number, jumps: number): void;
	addUnlessSettled(active: number, previous: number, dirty: number, work: number): void;
	listChanged(work: number, source: number, target: number, changed: number): void;
	copyPixels(pixels: number, source: number, target: number): void;
	addWithNeighbours(pixels: number, width: number, n: number, to: number): void;
	keepJumps(image: number, width: number, height: number, threshold: number, candidates: number, jumps: number): void;
	markWindows(jumps: number, width: number, height: number, radius: number, active: number): void;
	filterPass(
		source: number, target: number, width: number, height: number, radius: number, spatial: number, rangeWeights: number,
		rangeSteps: number, active: number, from: number, to: number, values: number, weights: number,
	): void;
}

/**
 * Returns a new, sharpened copy of `image` (one float per pixel). Non-finite inputs are not expected
 * (the LDI engine fills them first).
 *
 * ```ts
 * const sharp = bilateralMedianFilter(disparity, {windowSizes: [7, 7, 5, 5, 5]});
 * ```
 */
export function bilateralMedianFilter(image: FloatImage, options: Partial<BilateralMedianOptions> = {}): FloatImage {
	const settings = {...BILATERAL_MEDIAN_DEFAULTS, ...options};
	const {width, height} = image;
	const n = width * height;
	const scale = Math.max(width, height) / settings.referenceSizePixels;
	if (settings.windowSizes.length === 0) return {width, height, data: image.data.slice()};
	const maxWindow = Math.max(1, ...settings.windowSizes.map((w) => scaledRadius(w, scale) * 2 + 1));
	const sigmaSpatial = Math.max(1e-6, settings.sigmaSpatialPixels * scale);
	const threshold = settings.discontinuityThreshold;
	const kernel = instantiateKernel<BilateralMedianKernel>('bilateral-median');
	// Both images hold the same values outside the pixels the last pass changed (see the swap below).
	let source = kernel.allocate(n * 4);
	let target = kernel.allocate(n * 4);
	const rangeWeights = kernel.allocate((RANGE_TABLE_SIZE + 1) * 8);
	const spatial = kernel.allocate(maxWindow * maxWindow * 8);
	const values = kernel.allocate(maxWindow * maxWindow * 4);
	const weights = kernel.allocate(maxWindow * maxWindow * 8);
	const jumps = kernel.createPixelSet(n);
	let active = kernel.createPixelSet(n);
	let previous = kernel.createPixelSet(n);
	const work = kernel.createPixelSet(n);
	const changed = kernel.createPixelSet(n);
	const dirty = kernel.createPixelSet(n);
	const candidates = kernel.createPixelSet(n);
	// Views only now: growing the memory (every allocation may) detaches the views taken before.
	const memory = kernel.memory.buffer;
	new Float32Array(memory, source, n).set(image.data);
	new Float32Array(memory, target, n).set(image.data);
	fillRangeWeights(new Float64Array(memory, rangeWeights, RANGE_TABLE_SIZE + 1), settings.sigmaIntensity);
	kernel.listJumps(source, width, height, threshold, jumps);
	let previousRadius = -1;
	for (const windowSize of settings.windowSizes) {
		const radius = scaledRadius(windowSize, scale);
		if (radius < 1) continue;
		fillSpatialWeights(new Float64Array(memory, spatial, (radius * 2 + 1) ** 2), radius, sigmaSpatial);
		kernel.markWindows(jumps, width, height, radius, active);
		// A pixel filtered by the previous pass with the same window, none of whose window pixels that
		// pass changed, would get the same value again: skip it.
		kernel.clearPixelSet(work);
		if (radius === previousRadius) {
			kernel.markWindows(changed, width, height, radius, dirty);
			kernel.addUnlessSettled(active, previous, dirty, work);
		} else {
			kernel.addAll(work, active);
		}
		[active, previous] = [previous, active];
		previousRadius = radius;
		kernel.clearPixelSet(changed);
		const count = kernel.pixelSetLength(work);
		if (count === 0) continue;
		// In chunks: V8 runs a wasm function's first calls unoptimized (Liftoff) and switches to the
		// optimized code at the next call once it is ready; a call does not switch while it runs.
		for (let from = 0; from < count; from += FILTER_CHUNK_PIXELS) {
			const to = Math.min(count, from + FILTER_CHUNK_PIXELS);
			kernel.filterPass(source, target, width, height, radius, spatial, rangeWeights, RANGE_TABLE_SIZE, work, from, to, values, weights);
		}
		kernel.listChanged(work, source, target, changed);
		[source, target] = [target, source];
		kernel.copyPixels(changed, source, target);
		// Only the changed pixels and their 4-neighbours can have gained or lost a jump.
		kernel.clearPixelSet(candidates);
		kernel.addAll(candidates, jumps);
		kernel.addWithNeighbours(changed, width, n, candidates);
		kernel.clearPixelSet(jumps);
		kernel.keepJumps(source, width, height, threshold, candidates, jumps);
	}
	return {width, height, data: new Float32Array(memory, source, n).slice()};
}

function scaledRadius(windowSize: number, scale: number): number {
	return Math.max(0, Math.round(((windowSize - 1) / 2) * scale));
}

/** Fills `table` (RANGE_TABLE_SIZE + 1 entries) with the range weight exp(-Δ²/2σi²) for |Δ| = i / RANGE_TABLE_SIZE: a lookup replaces one Math.exp per window pixel. */
function fillRangeWeights(table: Float64Array, sigmaIntensity: number): void {
	const factor = -1 / (2 * sigmaIntensity * sigmaIntensity);
	for (let i = 0; i <= RANGE_TABLE_SIZE; i++) table[i] = Math.exp((i / RANGE_TABLE_SIZE) ** 2 * factor);
}

/** Fills `spatial` with the spatial weights exp(-d²/2σs²) of a (2·radius + 1)² window, row by row. */
function fillSpatialWeights(spatial: Float64Array, radius: number, sigmaSpatial: number): void {
	const side = radius * 2 + 1;
	for (let dy = -radius; dy <= radius; dy++) {
		for (let dx = -radius; dx <= radius; dx++) {
			spatial[(dy + radius) * side + dx + radius] = Math.exp(-(dx * dx + dy * dy) / (2 * sigmaSpatial * sigmaSpatial));
		}
	}
}
