/**
 * Test reference for src/image/bilateral-median.ts: the same algorithm, in TypeScript (the kernel's
 * twin, kept only for test/ldi/bilateral-median.test.ts, which checks the two give identical output).
 * Its measured history is in the header of src/image/bilateral-median.ts.
 */
import {BILATERAL_MEDIAN_DEFAULTS, type BilateralMedianOptions} from '../../src/image/bilateral-median.js';
import type {FloatImage} from '../../src/image/raster.js';

const RANGE_TABLE_SIZE = 1024;

/**
 * The filter as the TypeScript it was before it became a WebAssembly kernel; the kernel must return
 * exactly what this returns.
 *
 * ```ts
 * assert.deepEqual(bilateralMedianFilter(map).data, bilateralMedianFilterReference(map).data);
 * ```
 */
export function bilateralMedianFilterReference(image: FloatImage, options: Partial<BilateralMedianOptions> = {}): FloatImage {
	const settings = {...BILATERAL_MEDIAN_DEFAULTS, ...options};
	const {width, height} = image;
	const n = width * height;
	const scale = Math.max(width, height) / settings.referenceSizePixels;
	if (settings.windowSizes.length === 0) return {width, height, data: image.data.slice()};
	let source = image.data.slice();
	// Both buffers hold the same values outside the pixels the last pass changed (see the swap below).
	let target = source.slice();
	const maxWindow = Math.max(1, ...settings.windowSizes.map((w) => scaledRadius(w, scale) * 2 + 1));
	const values = new Float32Array(maxWindow * maxWindow);
	const weights = new Float64Array(maxWindow * maxWindow);
	const sigmaSpatial = Math.max(1e-6, settings.sigmaSpatialPixels * scale);
	// One function per loop: see planar-quadtree.ts.
	const rangeWeights = rangeWeightTable(settings.sigmaIntensity);
	const threshold = settings.discontinuityThreshold;
	const jumps = new PixelSet(n);
	listJumps(source, width, height, threshold, jumps);
	let active = new PixelSet(n);
	let previous = new PixelSet(n);
	const work = new PixelSet(n);
	const changed = new PixelSet(n);
	const dirty = new PixelSet(n);
	const candidates = new PixelSet(n);
	let previousRadius = -1;
	for (const windowSize of settings.windowSizes) {
		const radius = scaledRadius(windowSize, scale);
		if (radius < 1) continue;
		const spatial = spatialWeightTable(radius, sigmaSpatial);
		markWindows(jumps, width, height, radius, active);
		// A pixel filtered by the previous pass with the same window, none of whose window pixels that
		// pass changed, would get the same value again: skip it.
		work.clear();
		if (radius === previousRadius) {
			markWindows(changed, width, height, radius, dirty);
			addUnlessSettled(active, previous, dirty, work);
		} else {
			work.addAll(active);
		}
		[active, previous] = [previous, active];
		previousRadius = radius;
		changed.clear();
		if (work.length === 0) continue;
		filterPass(source, target, width, height, radius, spatial, rangeWeights, work, values, weights);
		listChanged(work, source, target, changed);
		[source, target] = [target, source];
		copyPixels(changed, source, target);
		// Only the changed pixels and their 4-neighbours can have gained or lost a jump.
		candidates.clear();
		candidates.addAll(jumps);
		addWithNeighbours(changed, width, n, candidates);
		jumps.clear();
		keepJumps(source, width, height, threshold, candidates, jumps);
	}
	return {width, height, data: source};
}

function scaledRadius(windowSize: number, scale: number): number {
	return Math.max(0, Math.round(((windowSize - 1) / 2) * scale));
}

/** The range weight exp(-Δ²/2σi²) for |Δ| = i / RANGE_TABLE_SIZE, i = 0..RANGE_TABLE_SIZE: a table lookup replaces one Math.exp per window pixel. */
function rangeWeightTable(sigmaIntensity: number): Float64Array {
	const table = new Float64Array(RANGE_TABLE_SIZE + 1);
	const factor = -1 / (2 * sigmaIntensity * sigmaIntensity);
	for (let i = 0; i <= RANGE_TABLE_SIZE; i++) table[i] = Math.exp((i / RANGE_TABLE_SIZE) ** 2 * factor);
	return table;
}

/** The spatial weights exp(-d²/2σs²) of a (2·radius + 1)² window, row by row. */
function spatialWeightTable(radius: number, sigmaSpatial: number): Float64Array {
	const side = radius * 2 + 1;
	const spatial = new Float64Array(side * side);
	for (let dy = -radius; dy <= radius; dy++) {
		for (let dx = -radius; dx <= radius; dx++) {
			spatial[(dy + radius) * side + dx + radius] = Math.exp(-(dx * dx + dy * dy) / (2 * sigmaSpatial * sigmaSpatial));
		}
	}
	return spatial;
}

/** Adds to `jumps` both pixels of every 4-neighbour pair of `data` differing by more than `threshold`. */
function listJumps(data: Float32Array, width: number, height: number, threshold: number, jumps: PixelSet): void {
	for (let y = 0; y < height; y++) {
		const row = y * width;
		for (let x = 0; x < width; x++) {
			const i = row + x;
			const v = data[i];
			if (x + 1 < width && Math.abs(data[i + 1] - v) > threshold) {
				jumps.add(i);
				jumps.add(i + 1);
			}
			if (y + 1 < height && Math.abs(data[i + width] - v) > threshold) {
				jumps.add(i);
				jumps.add(i + width);
			}
		}
	}
}

/** Adds to `work` the pixels of `active` that the previous pass did not filter or whose window it changed (`dirty`). */
function addUnlessSettled(active: PixelSet, previous: PixelSet, dirty: PixelSet, work: PixelSet): void {
	for (let k = 0; k < active.length; k++) {
		const i = active.items[k];
		if (!previous.has(i) || dirty.has(i)) work.add(i);
	}
}

/** Adds to `changed` the pixels of `work` whose value differs between `source` and `target`. */
function listChanged(work: PixelSet, source: Float32Array, target: Float32Array, changed: PixelSet): void {
	for (let k = 0; k < work.length; k++) if (target[work.items[k]] !== source[work.items[k]]) changed.add(work.items[k]);
}

/** Copies the values of the pixels of `pixels` from `source` into `target`. */
function copyPixels(pixels: PixelSet, source: Float32Array, target: Float32Array): void {
	for (let k = 0; k < pixels.length; k++) target[pixels.items[k]] = source[pixels.items[k]];
}

/** Adds to `set` each pixel of `pixels` and its 4-neighbours inside the image (`n` pixels, rows of `width`). */
function addWithNeighbours(pixels: PixelSet, width: number, n: number, set: PixelSet): void {
	for (let k = 0; k < pixels.length; k++) {
		const i = pixels.items[k];
		const x = i % width;
		set.add(i);
		if (x > 0) set.add(i - 1);
		if (x + 1 < width) set.add(i + 1);
		if (i >= width) set.add(i - width);
		if (i + width < n) set.add(i + width);
	}
}

/** Adds to `jumps` the pixels of `candidates` that differ from a 4-neighbour by more than `threshold`. */
function keepJumps(data: Float32Array, width: number, height: number, threshold: number, candidates: PixelSet, jumps: PixelSet): void {
	for (let k = 0; k < candidates.length; k++) if (hasJump(data, width, height, candidates.items[k], threshold)) jumps.add(candidates.items[k]);
}

/** True when pixel `i` differs from one of its 4-neighbours by more than `threshold`. */
function hasJump(data: Float32Array, width: number, height: number, i: number, threshold: number): boolean {
	const v = data[i];
	const x = i % width;
	if (x > 0 && Math.abs(data[i - 1] - v) > threshold) return true;
	if (x + 1 < width && Math.abs(data[i + 1] - v) > threshold) return true;
	if (i >= width && Math.abs(data[i - width] - v) > threshold) return true;
	return i + width < width * height && Math.abs(data[i + width] - v) > threshold;
}

/**
 * A set of pixel indices with O(1) add and clear: a list plus a stamp per pixel, so a pass over the
 * pixels near the depth edges never touches the rest of the image. One-byte stamps (a few clears per
 * filter pass) keep the seven sets at 1 byte per pixel each.
 */
class PixelSet {
	items: Int32Array;
	length = 0;
	private readonly stamps: Uint8Array;
	private stamp = 1;

	constructor(size: number) {
		this.stamps = new Uint8Array(size);
		this.items = new Int32Array(Math.max(16, size >> 6));
	}

	add(i: number): void {
		if (this.stamps[i] === this.stamp) return;
		this.stamps[i] = this.stamp;
		if (this.length === this.items.length) this.growItems();
		this.items[this.length++] = i;
	}

	/** Adds every pixel of `other`. */
	addAll(other: PixelSet): void {
		for (let k = 0; k < other.length; k++) this.add(other.items[k]);
	}

	has(i: number): boolean {
		return this.stamps[i] === this.stamp;
	}

	clear(): void {
		this.length = 0;
		if (++this.stamp === 256) {
			this.stamps.fill(0);
			this.stamp = 1;
		}
	}

	/** Doubles the capacity of `items` (the rare path of {@link add}, kept out of it). */
	private growItems(): void {
		const grown = new Int32Array(Math.min(this.stamps.length, this.items.length * 2));
		grown.set(this.items);
		this.items = grown;
	}
}

/** Fills `active` with the pixels within a (2·radius + 1)² window of a pixel of `jumps`. */
function markWindows(jumps: PixelSet, width: number, height: number, radius: number, active: PixelSet): void {
	active.clear();
	for (let k = 0; k < jumps.length; k++) {
		const i = jumps.items[k];
		const x = i % width;
		const y = (i - x) / width;
		const x0 = Math.max(0, x - radius);
		const x1 = Math.min(width - 1, x + radius);
		const y1 = Math.min(height - 1, y + radius);
		for (let yy = Math.max(0, y - radius); yy <= y1; yy++) {
			const row = yy * width;
			for (let xx = x0; xx <= x1; xx++) active.add(row + xx);
		}
	}
}

function filterPass(
	source: Float32Array, target: Float32Array, width: number, height: number, radius: number,
	spatial: Float64Array, rangeWeights: Float64Array, active: PixelSet, values: Float32Array, weights: Float64Array,
): void {
	const side = radius * 2 + 1;
	const rangeSteps = rangeWeights.length - 1;
	for (let k = 0; k < active.length; k++) {
		const i = active.items[k];
		const x = i % width;
		const y = (i - x) / width;
		const wy0 = Math.max(0, y - radius);
		const wy1 = Math.min(height - 1, y + radius);
		const wx0 = Math.max(0, x - radius);
		const wx1 = Math.min(width - 1, x + radius);
		const center = source[i];
		let count = 0;
		let total = 0;
		let below = 0;
		let atCenter = 0;
		for (let yy = wy0; yy <= wy1; yy++) {
			const row = yy * width;
			const spatialRow = (yy - y + radius) * side + radius - x;
			for (let xx = wx0; xx <= wx1; xx++) {
				const v = source[row + xx];
				const step = Math.abs(v - center) * rangeSteps;
				const w = spatial[spatialRow + xx] * rangeWeights[step < rangeSteps ? (step + 0.5) | 0 : rangeSteps];
				values[count] = v;
				weights[count++] = w;
				total += w;
				if (v < center) below += w;
				else if (v === center) atCenter += w;
			}
		}
		// Most windows' weighted median is their centre (steps already sharp): no selection needed then.
		const half = total * 0.5;
		target[i] = below < half && below + atCenter >= half ? center : weightedSelect(values, weights, count, half);
	}
}

/**
 * The smallest value whose cumulative weight (values in ascending order) reaches `half`: quickselect
 * that keeps the weights with their values, O(n) on average instead of a sort. Reorders the arrays.
 */
function weightedSelect(values: Float32Array, weights: Float64Array, count: number, half: number): number {
	let low = 0;
	let high = count - 1;
	let needed = half;
	while (low < high) {
		const pivot = values[(low + high) >> 1];
		let i = low;
		let j = high;
		while (i <= j) {
			while (values[i] < pivot) i++;
			while (values[j] > pivot) j--;
			if (i <= j) {
				const v = values[i];
				values[i] = values[j];
				values[j] = v;
				const w = weights[i];
				weights[i] = weights[j];
				weights[j] = w;
				i++;
				j--;
			}
		}
		// [low, j] <= pivot, [i, high] >= pivot, (j, i) == pivot.
		let lowerWeight = 0;
		for (let k = low; k <= j; k++) lowerWeight += weights[k];
		if (lowerWeight >= needed) {
			high = j;
			continue;
		}
		let middleWeight = 0;
		for (let k = j + 1; k < i; k++) middleWeight += weights[k];
		if (lowerWeight + middleWeight >= needed) return pivot;
		needed -= lowerWeight + middleWeight;
		low = i;
	}
	return values[low];
}
