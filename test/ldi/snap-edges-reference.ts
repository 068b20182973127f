/**
 * Test reference for src/ldi/snap-edges.ts: the same algorithm, all in TypeScript (the kernel's twin,
 * kept only for test/ldi/snap-edges-kernel.test.ts, which checks the two give identical output). Its
 * measured history is in the header of src/ldi/snap-edges.ts.
 */
import type {FloatImage, RgbImage} from '../../src/image/raster.js';
import type {DepthEdges} from '../../src/ldi/depth-edges.js';
import {SNAP_EDGES_DEFAULTS, type SnapEdgesOptions, type SnappedDisparity} from '../../src/ldi/snap-edges.js';

const NOT_IN_ZONE = 255;

/**
 * snapDepthEdgesToColor as the TypeScript it was before its likelihood and geodesic became a
 * WebAssembly kernel; the kernel's version must return exactly what this returns.
 *
 * ```ts
 * assert.deepEqual(snapDepthEdgesToColor(image, map, edges).disparity, snapDepthEdgesToColorReference(image, map, edges).disparity);
 * ```
 */
export function snapDepthEdgesToColorReference(
	image: RgbImage, disparity: FloatImage, edges: DepthEdges, options: Partial<SnapEdgesOptions> = {},
): SnappedDisparity {
	const settings = {...SNAP_EDGES_DEFAULTS, ...options};
	const {width, height} = disparity;
	const radius = Math.max(1, Math.round(settings.radiusPixels + 3 * Math.max(0, settings.depthSampleSpacingPixels - 1)));
	// Image-sized scratch: the rings' queue, then the geodesic's map from pixel to zone rank.
	const scratch = new Int32Array(width * height);
	// The rings become the zone mask in place.
	const zone = zoneRings(edges, disparity, settings.thresholdDisparity, Math.min(radius, NOT_IN_ZONE - 1), scratch);
	let zoneCount = 0;
	for (let i = 0; i < zone.length; i++) {
		const inZone = zone[i] === NOT_IN_ZONE ? 0 : 1;
		zone[i] = inZone;
		zoneCount += inZone;
	}
	const snapped = disparity.data.slice();
	// The zone's pixels in raster order: every later step works on these (a thin band) and on arrays indexed by their rank.
	const zonePixels = new Int32Array(zoneCount);
	for (let i = 0, k = 0; k < zoneCount; i++) if (zone[i] !== 0) zonePixels[k++] = i;
	// `snapped` doubles as the likelihood's trusted disparity (NaN in the zone) until the winners are applied.
	for (let k = 0; k < zoneCount; k++) snapped[zonePixels[k]] = Number.NaN;
	const nearness = nearSideLikelihood(image.data, snapped, zonePixels, width, height, 2 * radius + 3);
	for (let k = 0; k < zoneCount; k++) snapped[zonePixels[k]] = disparity.data[zonePixels[k]];
	const winner = nearestTrustedPixel(nearness, disparity.data, zonePixels, width, height, settings.likelihoodWeight, settings.disparityWeight, scratch);
	let changedPixels = applyWinners(snapped, disparity.data, zonePixels, winner, settings.thresholdDisparity);
	changedPixels += joinIsolatedPixels(snapped, zonePixels, width, height, settings.thresholdDisparity);
	return {disparity: {width, height, data: snapped}, zone, changedPixels, changed: differingPixels(snapped, disparity.data, zonePixels)};
}

/**
 * Chebyshev distance (in rings, ≤ `radius`) from the kept edges' silhouette pixels and the nearer
 * pixels beside them; NOT_IN_ZONE beyond.
 */
function zoneRings(edges: DepthEdges, disparity: FloatImage, threshold: number, radius: number, queue: Int32Array): Uint8Array {
	const {width, height, data} = disparity;
	const ring = new Uint8Array(width * height).fill(NOT_IN_ZONE);
	let tail = 0;
	const {keptPixels} = edges;
	for (let k = 0; k < keptPixels.length; k++) {
		const i = keptPixels[k];
		if (ring[i] !== 0) {
			ring[i] = 0;
			queue[tail++] = i;
		}
		const x = i % width;
		if (x > 0) tail = seedNearerNeighbour(ring, queue, tail, data, i, i - 1, threshold);
		if (x + 1 < width) tail = seedNearerNeighbour(ring, queue, tail, data, i, i + 1, threshold);
		if (i >= width) tail = seedNearerNeighbour(ring, queue, tail, data, i, i - width, threshold);
		if (i + width < ring.length) tail = seedNearerNeighbour(ring, queue, tail, data, i, i + width, threshold);
	}
	for (let head = 0; head < tail; head++) {
		const i = queue[head];
		const next = ring[i] + 1;
		if (next > radius) continue;
		const x = i % width;
		const y = (i - x) / width;
		for (let dy = -1; dy <= 1; dy++) {
			const ny = y + dy;
			if (ny < 0 || ny >= height) continue;
			for (let dx = -1; dx <= 1; dx++) {
				const nx = x + dx;
				if (nx < 0 || nx >= width) continue;
				const j = ny * width + nx;
				if (ring[j] !== NOT_IN_ZONE) continue;
				ring[j] = next;
				queue[tail++] = j;
			}
		}
	}
	return ring;
}

/** The pixels of `pixels` (ascending) whose values differ between `a` and `b`. */
function differingPixels(a: Float32Array, b: Float32Array, pixels: Int32Array): Int32Array {
	const differing = new Int32Array(pixels.length);
	let count = 0;
	for (let k = 0; k < pixels.length; k++) if (a[pixels[k]] !== b[pixels[k]]) differing[count++] = pixels[k];
	return differing.slice(0, count);
}

/** Puts the foreground pixel `j` beside silhouette pixel `i` in ring 0; returns the new queue length. */
function seedNearerNeighbour(ring: Uint8Array, queue: Int32Array, tail: number, data: Float32Array, i: number, j: number, threshold: number): number {
	if (ring[j] === 0 || data[j] - data[i] <= threshold) return tail;
	ring[j] = 0;
	queue[tail] = j;
	return tail + 1;
}

/**
 * Per zone pixel (by rank in `zonePixels`), how much its colour looks like the near side's rather than
 * the far side's (0–1, 0.5 when undecided): with dNear and dFar the L1 distances from its colour to the
 * closest colour among the trusted near-side and far-side pixels of a window around it (every second
 * row and column), dFar / (dNear + dFar). Near and far are the top and bottom thirds of the window's
 * trusted disparities; the window starts at `windowRadius` and doubles once when it does not reach both
 * sides (zones around wide ramps). `trusted` is the disparity with NaN in the zone.
 */
function nearSideLikelihood(rgb: Uint8Array, trusted: Float32Array, zonePixels: Int32Array, width: number, height: number, windowRadius: number): Float32Array {
	const likelihood = new Float32Array(zonePixels.length);
	const window = new WindowColumns(width, windowRadius);
	let doubled: WindowColumns | undefined;
	for (let k = 0; k < zonePixels.length; k++) {
		const i = zonePixels[k];
		let value = window.likelihood(rgb, trusted, width, height, i);
		if (Number.isNaN(value)) value = (doubled ??= new WindowColumns(width, 2 * windowRadius)).likelihood(rgb, trusted, width, height, i);
		likelihood[k] = Number.isNaN(value) ? 0.5 : value;
	}
	return likelihood;
}

/**
 * The columns of the sampling windows of one radius. A window's rows depend only on its pixel's row, so
 * each column's trusted samples (pixel, disparity, brightness) and their lowest and highest disparity are
 * gathered once per row of zone pixels and shared by every window of that row that holds the column;
 * only the colour distances are per pixel.
 */
class WindowColumns {
	private readonly radius: number;
	/** Samples per column at most: the window's rows. */
	private readonly slots: number;
	/** The pixel row whose window rows the column's data hold (-1: none yet). */
	private readonly row: Int32Array;
	private readonly low: Float32Array;
	private readonly high: Float32Array;
	private readonly length: Int32Array;
	/** Column x's trusted samples at [x · slots, x · slots + length[x]): pixel, disparity, brightness (r + g + b). */
	private readonly samplePixel: Int32Array;
	private readonly sampleDisparity: Float32Array;
	private readonly sampleBrightness: Int16Array;

	constructor(width: number, radius: number) {
		this.radius = radius;
		this.slots = radius + 1;
		this.row = new Int32Array(width).fill(-1);
		this.low = new Float32Array(width);
		this.high = new Float32Array(width);
		this.length = new Int32Array(width);
		this.samplePixel = new Int32Array(width * this.slots);
		this.sampleDisparity = new Float32Array(width * this.slots);
		this.sampleBrightness = new Int16Array(width * this.slots);
	}

	/** {@link nearSideLikelihood} of pixel `i` in a window of this radius; NaN when it holds trusted pixels of one side only. */
	likelihood(rgb: Uint8Array, trusted: Float32Array, width: number, height: number, i: number): number {
		const {radius, slots, row, low: columnLow, high: columnHigh, length: columnLength, samplePixel, sampleDisparity, sampleBrightness} = this;
		const x = i % width;
		const y = (i - x) / width;
		const x0 = Math.max(0, x - radius);
		const x1 = Math.min(width - 1, x + radius);
		let low = Infinity;
		let high = -Infinity;
		for (let sx = x0; sx <= x1; sx += 2) {
			if (row[sx] !== y) {
				const bottom = Math.min(height - 1, y + radius) * width + sx;
				let columnMin = Infinity;
				let columnMax = -Infinity;
				let length = 0;
				for (let j = Math.max(0, y - radius) * width + sx; j <= bottom; j += 2 * width) {
					const d = trusted[j];
					// A zone pixel (NaN).
					if (!(d === d)) continue;
					samplePixel[sx * slots + length] = j;
					sampleDisparity[sx * slots + length] = d;
					sampleBrightness[sx * slots + length] = rgb[3 * j] + rgb[3 * j + 1] + rgb[3 * j + 2];
					length++;
					if (d < columnMin) columnMin = d;
					if (d > columnMax) columnMax = d;
				}
				row[sx] = y;
				columnLow[sx] = columnMin;
				columnHigh[sx] = columnMax;
				columnLength[sx] = length;
			}
			if (columnLow[sx] < low) low = columnLow[sx];
			if (columnHigh[sx] > high) high = columnHigh[sx];
		}
		if (!(high > low)) return Number.NaN;
		// Trusted pixels in the middle third of the span lie on a blurred ramp beyond the zone: neither side.
		const nearFrom = high - (high - low) / 3;
		const farTo = low + (high - low) / 3;
		const r = rgb[i * 3];
		const g = rgb[i * 3 + 1];
		const b = rgb[i * 3 + 2];
		const brightness = r + g + b;
		// Both sides hold a sample (the extremes), so this (above the L1 maximum, 765) never survives.
		let nearDistance = 766;
		let farDistance = 766;
		for (let sx = x0; sx <= x1; sx += 2) {
			if (!(columnHigh[sx] >= nearFrom || columnLow[sx] <= farTo)) continue;
			const end = sx * slots + columnLength[sx];
			for (let t = sx * slots; t < end; t++) {
				const d = sampleDisparity[t];
				// An L1 distance is at least the difference of brightness, which passes over most samples (77–96 %).
				if (d >= nearFrom) {
					if (Math.abs(sampleBrightness[t] - brightness) >= nearDistance) continue;
					const j = 3 * samplePixel[t];
					const distance = Math.abs(rgb[j] - r) + Math.abs(rgb[j + 1] - g) + Math.abs(rgb[j + 2] - b);
					if (distance < nearDistance) nearDistance = distance;
				} else if (d <= farTo) {
					if (Math.abs(sampleBrightness[t] - brightness) >= farDistance) continue;
					const j = 3 * samplePixel[t];
					const distance = Math.abs(rgb[j] - r) + Math.abs(rgb[j + 1] - g) + Math.abs(rgb[j + 2] - b);
					if (distance < farDistance) farDistance = distance;
				}
			}
		}
		return nearDistance + farDistance > 0 ? farDistance / (nearDistance + farDistance) : 0.5;
	}
}

/** Neighbour offsets in the order the geodesic visits them (row above, own row, row below; left to right). */
const NEIGHBOUR_DX = [-1, 0, 1, -1, 1, -1, 0, 1];
const NEIGHBOUR_DY = [-1, -1, -1, 0, 0, 1, 1, 1];
const NEIGHBOUR_LENGTH = [Math.SQRT2, 1, Math.SQRT2, 1, 1, Math.SQRT2, 1, Math.SQRT2];

/**
 * Per zone pixel (by rank in `zonePixels`; `nearness` likewise), the trusted (non-zone) pixel nearest
 * along the geodesic weighted by changes of the near-side likelihood and of the original disparity
 * (Dijkstra over 8-neighbours, a binary heap keyed by path cost); -1 where no trusted pixel is reachable.
 * Trusted pixels have likelihood 0.5. The search runs on the zone's ranks with a table of each one's
 * zone neighbours, so it touches a few small arrays instead of image-sized ones; `rank` is image-sized scratch.
 */
function nearestTrustedPixel(
	nearness: Float32Array, disparity: Float32Array, zonePixels: Int32Array, width: number, height: number, likelihoodWeight: number, disparityWeight: number,
	rank: Int32Array,
): Int32Array {
	const count = zonePixels.length;
	rank.fill(-1);
	for (let k = 0; k < count; k++) rank[zonePixels[k]] = k;
	const zoneDisparity = new Float32Array(count);
	for (let k = 0; k < count; k++) zoneDisparity[k] = disparity[zonePixels[k]];
	const neighbours = new Int32Array(8 * count).fill(-1);
	const cost = new Float32Array(count).fill(Infinity);
	const winner = new Int32Array(count).fill(-1);
	const heap = new CostHeap(Math.max(1024, 2 * count));
	for (let k = 0; k < count; k++) {
		const i = zonePixels[k];
		const x = i % width;
		const y = (i - x) / width;
		for (let s = 0; s < 8; s++) {
			const nx = x + NEIGHBOUR_DX[s];
			const ny = y + NEIGHBOUR_DY[s];
			if (nx < 0 || nx >= width || ny < 0 || ny >= height) continue;
			const j = ny * width + nx;
			if (rank[j] >= 0) {
				neighbours[8 * k + s] = rank[j];
				continue;
			}
			const step = NEIGHBOUR_LENGTH[s] + likelihoodWeight * Math.abs(0.5 - nearness[k]) + disparityWeight * Math.abs(disparity[j] - zoneDisparity[k]);
			if (step < cost[k]) {
				cost[k] = step;
				winner[k] = j;
			}
		}
		if (winner[k] >= 0) heap.push(k, cost[k]);
	}
	while (heap.size > 0) {
		const k = heap.popIndex();
		const reached = heap.lastCost;
		if (reached > cost[k]) continue;
		for (let s = 0; s < 8; s++) {
			const l = neighbours[8 * k + s];
			if (l < 0) continue;
			const total = reached + (NEIGHBOUR_LENGTH[s] + likelihoodWeight * Math.abs(nearness[k] - nearness[l]) + disparityWeight * Math.abs(zoneDisparity[k] - zoneDisparity[l]));
			if (total < cost[l]) {
				cost[l] = total;
				winner[l] = winner[k];
				heap.push(l, total);
			}
		}
	}
	return winner;
}

/** Gives each zone pixel its winner's disparity unless it is within `threshold` of it; returns how many changed. */
function applyWinners(snapped: Float32Array, original: Float32Array, zonePixels: Int32Array, winner: Int32Array, threshold: number): number {
	let changed = 0;
	for (let k = 0; k < zonePixels.length; k++) {
		if (winner[k] < 0) continue;
		const i = zonePixels[k];
		const target = original[winner[k]];
		if (Math.abs(original[i] - target) <= threshold) continue;
		snapped[i] = target;
		changed++;
	}
	return changed;
}

/**
 * Gives each zone pixel that agrees (within `threshold`) with fewer than 2 of its 8 neighbours the value
 * of the neighbour most of the others agree with: a lone pixel on the other side of a snapped edge (a tie
 * of the geodesic, a pixel whose colour fits both sides) makes a cut too short to keep, whose triangles
 * then stretch into a streak when the camera moves. Returns how many changed.
 */
function joinIsolatedPixels(snapped: Float32Array, zonePixels: Int32Array, width: number, height: number, threshold: number): number {
	let changed = 0;
	for (let k = 0; k < zonePixels.length; k++) {
		const i = zonePixels[k];
		const x = i % width;
		const y = (i - x) / width;
		if (x === 0 || y === 0 || x === width - 1 || y === height - 1) continue;
		let agreeing = 0;
		for (let dy = -1; dy <= 1; dy++) {
			for (let dx = -1; dx <= 1; dx++) {
				if ((dx !== 0 || dy !== 0) && Math.abs(snapped[i + dy * width + dx] - snapped[i]) <= threshold) agreeing++;
			}
		}
		if (agreeing >= 2) continue;
		let best = i;
		let bestAgreement = -1;
		for (let dy = -1; dy <= 1; dy++) {
			for (let dx = -1; dx <= 1; dx++) {
				if (dx === 0 && dy === 0) continue;
				const j = i + dy * width + dx;
				let agreement = 0;
				for (let ey = -1; ey <= 1; ey++) for (let ex = -1; ex <= 1; ex++) if (Math.abs(snapped[i + ey * width + ex] - snapped[j]) <= threshold) agreement++;
				if (agreement > bestAgreement) {
					bestAgreement = agreement;
					best = j;
				}
			}
		}
		snapped[i] = snapped[best];
		changed++;
	}
	return changed;
}

/** A binary min-heap of (pixel index, cost) with lazy deletion (stale entries are skipped by the caller). */
class CostHeap {
	size = 0;
	lastCost = 0;
	private indices: Int32Array;
	private costs: Float32Array;

	constructor(capacity: number) {
		this.indices = new Int32Array(capacity);
		this.costs = new Float32Array(capacity);
	}

	push(index: number, cost: number): void {
		if (this.size === this.indices.length) {
			const indices = new Int32Array(this.size * 2);
			indices.set(this.indices);
			this.indices = indices;
			const costs = new Float32Array(this.size * 2);
			costs.set(this.costs);
			this.costs = costs;
		}
		const {indices, costs} = this;
		let k = this.size++;
		while (k > 0) {
			const parent = (k - 1) >> 1;
			if (costs[parent] <= cost) break;
			indices[k] = indices[parent];
			costs[k] = costs[parent];
			k = parent;
		}
		indices[k] = index;
		costs[k] = cost;
	}

	/**
	 * Removes the cheapest entry; returns its index and leaves its cost in `lastCost`. The hole at the root
	 * goes down the cheaper children to a leaf and the last entry comes back up from there to just above
	 * the first entry not cheaper than it: the place (and so the order of equal costs) of the textbook sift-down,
	 * with one comparison per level fewer.
	 */
	popIndex(): number {
		const {indices, costs} = this;
		const top = indices[0];
		this.lastCost = costs[0];
		const last = --this.size;
		const index = indices[last];
		const cost = costs[last];
		let k = 0;
		for (;;) {
			let child = 2 * k + 1;
			if (child >= last) break;
			if (child + 1 < last && costs[child + 1] < costs[child]) child++;
			indices[k] = indices[child];
			costs[k] = costs[child];
			k = child;
		}
		while (k > 0) {
			const parent = (k - 1) >> 1;
			if (costs[parent] < cost) break;
			indices[k] = indices[parent];
			costs[k] = costs[parent];
			k = parent;
		}
		indices[k] = index;
		costs[k] = cost;
		return top;
	}
}
