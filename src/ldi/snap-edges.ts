/**
 * Moves depth edges onto the colour edges they belong to. Real depth maps (a network's output upscaled
 * from ~518 px, MiDaS at 640 px, phone maps) put each step a few pixels off the object's outline and
 * blur it over several pixels; cut there, a strip of background rides along with the foreground (a ghost
 * rim) or foreground colour stays in the background layer (a halo) when the camera moves.
 *
 * Method: the uncertain zone is every pixel within `radiusPixels` plus three samples of the depth map as
 * it was made of a kept edge, on either side. Each zone pixel gets a near-side likelihood from its colour
 * (how close it is to the colours of the trusted pixels on each side around it), and then the disparity
 * of its geodesically nearest trusted pixel, where a step costs its length + `likelihoodWeight` · |Δ
 * likelihood| + `disparityWeight` · |Δ original disparity|: the border between the sides lands where the
 * colour stops looking like one side, or, where both sides look alike, on the map's own step.
 *
 * Measured (test/ldi/snap-edges.test.ts: a disc on stripes, noise or checks, its map averaged down ×3,
 * blurred, dilated or eroded by 3 px, upsampled; an 8 % sideways move): background pixels carried at the
 * disc's depth 2186 → 0, red pixels off the disc 61 → ≤ 4 for 1324 revealed. Tried first: a geodesic
 * weighted by the colour difference between neighbours (fine on flat colours, but on the noise texture
 * every step is as costly as the outline: 1203 rim pixels left); a likelihood from a window that did not
 * reach past wide ramps (769 left).
 */
import type {FloatImage, RgbImage} from '../image/raster.js';
import type {DepthEdges} from './depth-edges.js';

/** Options for {@link snapDepthEdgesToColor}; spatial sizes at the working resolution (already scaled). */
export interface SnapEdgesOptions {
	/** Half-width of the uncertain zone around each kept edge, pixels (misalignment of a sharp map). */
	radiusPixels: number;
	/**
	 * Photo pixels per sample of the depth map as it was made (1: native resolution; 1.6 for a 640-px map
	 * of a 1024-px photo). Upscaling blurs and shifts steps by about a sample on each side, so the zone
	 * widens by twice this.
	 */
	depthSampleSpacingPixels: number;
	/** Path cost per unit of change of the near-side colour likelihood (0–1) between neighbours, in pixels of length. */
	likelihoodWeight: number;
	/** Path cost per unit of original disparity difference between neighbours, in pixels of length. */
	disparityWeight: number;
	/** Disparity step that is a depth edge (normalized disparity); zone pixels this close to their winner keep their value. */
	thresholdDisparity: number;
}

export const SNAP_EDGES_DEFAULTS: SnapEdgesOptions = {
	radiusPixels: 4,
	depthSampleSpacingPixels: 1,
	likelihoodWeight: 50,
	disparityWeight: 20,
	thresholdDisparity: 0.02,
};

/** What {@link snapDepthEdgesToColor} returns. */
export interface SnappedDisparity {
	/** The disparity with its edges on the colour edges (a new image). */
	disparity: FloatImage;
	/** Per pixel, 1 in the uncertain zone around the kept edges. */
	zone: Uint8Array;
	/** Zone pixels whose disparity changed. */
	changedPixels: number;
}

const NOT_IN_ZONE = 255;

/**
 * Returns a copy of `disparity` whose kept edges (`edges`, found on `disparity`) sit on the colour
 * edges of `image`.
 *
 * ```ts
 * const edges = detectDepthEdges(filtered);
 * const {disparity: snapped} = snapDepthEdgesToColor(photo.image, filtered, edges, {radiusPixels: 4});
 * ```
 */
export function snapDepthEdgesToColor(image: RgbImage, disparity: FloatImage, edges: DepthEdges, options: Partial<SnapEdgesOptions> = {}): SnappedDisparity {
	const settings = {...SNAP_EDGES_DEFAULTS, ...options};
	const {width, height} = disparity;
	const radius = Math.max(1, Math.round(settings.radiusPixels + 3 * Math.max(0, settings.depthSampleSpacingPixels - 1)));
	const ring = zoneRings(edges, disparity, settings.thresholdDisparity, Math.min(radius, NOT_IN_ZONE - 1));
	const snapped = Float32Array.from(disparity.data);
	const zone = new Uint8Array(width * height);
	for (let i = 0; i < zone.length; i++) zone[i] = ring[i] === NOT_IN_ZONE ? 0 : 1;
	const nearness = nearSideLikelihood(image.data, disparity.data, zone, width, height, 2 * radius + 3);
	const winner = nearestTrustedPixel(nearness, disparity.data, zone, width, height, settings.likelihoodWeight, settings.disparityWeight);
	let changedPixels = applyWinners(snapped, disparity.data, zone, winner, settings.thresholdDisparity);
	changedPixels += joinIsolatedPixels(snapped, zone, width, height, settings.thresholdDisparity);
	return {disparity: {width, height, data: snapped}, zone, changedPixels};
}

/**
 * Chebyshev distance (in rings, ≤ `radius`) from the kept edges' silhouette pixels and the nearer
 * pixels beside them; NOT_IN_ZONE beyond.
 */
function zoneRings(edges: DepthEdges, disparity: FloatImage, threshold: number, radius: number): Uint8Array {
	const {width, height, data} = disparity;
	const ring = new Uint8Array(width * height).fill(NOT_IN_ZONE);
	const queue = new Int32Array(width * height);
	let tail = 0;
	for (let i = 0; i < ring.length; i++) {
		if (edges.edgeOfPixel[i] < 0) continue;
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

/** Puts the foreground pixel `j` beside silhouette pixel `i` in ring 0; returns the new queue length. */
function seedNearerNeighbour(ring: Uint8Array, queue: Int32Array, tail: number, data: Float32Array, i: number, j: number, threshold: number): number {
	if (ring[j] === 0 || data[j] - data[i] <= threshold) return tail;
	ring[j] = 0;
	queue[tail] = j;
	return tail + 1;
}

/**
 * Per zone pixel, how much its colour looks like the near side's rather than the far side's (0–1, 0.5
 * when undecided): with dNear and dFar the L1 distances from its colour to the closest colour among the
 * trusted near-side and far-side pixels of a window around it (every second row and column),
 * dFar / (dNear + dFar). Near and far are the top and bottom thirds of the window's trusted disparities; the window
 * starts at `windowRadius` and doubles once when it does not reach both sides (zones around wide ramps).
 */
function nearSideLikelihood(rgb: Uint8Array, disparity: Float32Array, zone: Uint8Array, width: number, height: number, windowRadius: number): Float32Array {
	const likelihood = new Float32Array(width * height).fill(0.5);
	for (let i = 0; i < zone.length; i++) {
		if (zone[i] === 0) continue;
		const value = colorLikelihood(rgb, disparity, zone, width, height, i, windowRadius);
		likelihood[i] = Number.isNaN(value) ? colorLikelihood(rgb, disparity, zone, width, height, i, 2 * windowRadius) : value;
	}
	for (let i = 0; i < zone.length; i++) if (Number.isNaN(likelihood[i])) likelihood[i] = 0.5;
	return likelihood;
}

/** {@link nearSideLikelihood} of pixel `i` in a window of `radius`; NaN when the window holds trusted pixels of one side only. */
function colorLikelihood(rgb: Uint8Array, disparity: Float32Array, zone: Uint8Array, width: number, height: number, i: number, radius: number): number {
	const x = i % width;
	const y = (i - x) / width;
	const x0 = Math.max(0, x - radius);
	const x1 = Math.min(width - 1, x + radius);
	const y0 = Math.max(0, y - radius);
	const y1 = Math.min(height - 1, y + radius);
	let low = Infinity;
	let high = -Infinity;
	for (let sy = y0; sy <= y1; sy += 2) {
		for (let sx = x0; sx <= x1; sx += 2) {
			const j = sy * width + sx;
			if (zone[j] !== 0) continue;
			low = Math.min(low, disparity[j]);
			high = Math.max(high, disparity[j]);
		}
	}
	if (!(high > low)) return Number.NaN;
	// Trusted pixels in the middle third of the span lie on a blurred ramp beyond the zone: neither side.
	const nearFrom = high - (high - low) / 3;
	const farTo = low + (high - low) / 3;
	const [r, g, b] = [rgb[i * 3], rgb[i * 3 + 1], rgb[i * 3 + 2]];
	let nearDistance = Infinity;
	let farDistance = Infinity;
	for (let sy = y0; sy <= y1; sy += 2) {
		for (let sx = x0; sx <= x1; sx += 2) {
			const j = sy * width + sx;
			if (zone[j] !== 0) continue;
			const distance = Math.abs(rgb[j * 3] - r) + Math.abs(rgb[j * 3 + 1] - g) + Math.abs(rgb[j * 3 + 2] - b);
			if (disparity[j] >= nearFrom) nearDistance = Math.min(nearDistance, distance);
			else if (disparity[j] <= farTo) farDistance = Math.min(farDistance, distance);
		}
	}
	return nearDistance + farDistance > 0 ? farDistance / (nearDistance + farDistance) : 0.5;
}

/**
 * Per zone pixel, the trusted (non-zone) pixel nearest along the geodesic weighted by changes of the
 * near-side likelihood and of the original disparity (Dijkstra over 8-neighbours, a binary heap keyed by
 * path cost); -1 outside the zone and where no trusted pixel is reachable.
 */
function nearestTrustedPixel(
	nearness: Float32Array, disparity: Float32Array, zone: Uint8Array, width: number, height: number, likelihoodWeight: number, disparityWeight: number,
): Int32Array {
	const n = width * height;
	const cost = new Float32Array(n).fill(Infinity);
	const winner = new Int32Array(n).fill(-1);
	const heap = new CostHeap(1024);
		for (let i = 0; i < n; i++) {
		if (zone[i] === 0) continue;
		const x = i % width;
		const y = (i - x) / width;
		for (let dy = -1; dy <= 1; dy++) {
			const ny = y + dy;
			if (ny < 0 || ny >= height) continue;
			for (let dx = -1; dx <= 1; dx++) {
				const nx = x + dx;
				if (nx < 0 || nx >= width) continue;
				const j = ny * width + nx;
				if (zone[j] !== 0) continue;
				const step = stepCost(nearness, disparity, j, i, dx !== 0 && dy !== 0, likelihoodWeight, disparityWeight);
				if (step < cost[i]) {
					cost[i] = step;
					winner[i] = j;
				}
			}
		}
		if (winner[i] >= 0) heap.push(i, cost[i]);
	}
	while (heap.size > 0) {
		const i = heap.popIndex();
		const reached = heap.lastCost;
		if (reached > cost[i]) continue;
		const x = i % width;
		const y = (i - x) / width;
		for (let dy = -1; dy <= 1; dy++) {
			const ny = y + dy;
			if (ny < 0 || ny >= height) continue;
			for (let dx = -1; dx <= 1; dx++) {
				const nx = x + dx;
				if (nx < 0 || nx >= width || (dx === 0 && dy === 0)) continue;
				const j = ny * width + nx;
				if (zone[j] === 0) continue;
				const total = reached + stepCost(nearness, disparity, i, j, dx !== 0 && dy !== 0, likelihoodWeight, disparityWeight);
				if (total < cost[j]) {
					cost[j] = total;
					winner[j] = winner[i];
					heap.push(j, total);
				}
			}
		}
	}
	return winner;
}

function stepCost(nearness: Float32Array, disparity: Float32Array, from: number, to: number, diagonal: boolean, likelihoodWeight: number, disparityWeight: number): number {
	return (diagonal ? Math.SQRT2 : 1) + likelihoodWeight * Math.abs(nearness[from] - nearness[to]) + disparityWeight * Math.abs(disparity[from] - disparity[to]);
}

/** Gives each zone pixel its winner's disparity unless it is within `threshold` of it; returns how many changed. */
function applyWinners(snapped: Float32Array, original: Float32Array, zone: Uint8Array, winner: Int32Array, threshold: number): number {
	let changed = 0;
	for (let i = 0; i < zone.length; i++) {
		if (zone[i] === 0 || winner[i] < 0) continue;
		const target = original[winner[i]];
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
function joinIsolatedPixels(snapped: Float32Array, zone: Uint8Array, width: number, height: number, threshold: number): number {
	let changed = 0;
	for (let i = 0; i < zone.length; i++) {
		if (zone[i] === 0) continue;
		const x = i % width;
		const y = (i - x) / width;
		if (x === 0 || y === 0 || x === width - 1 || y === height - 1) continue;
		let agreeing = 0;
		let best = i;
		let bestAgreement = -1;
		for (let dy = -1; dy <= 1; dy++) {
			for (let dx = -1; dx <= 1; dx++) {
				if (dx === 0 && dy === 0) continue;
				const j = i + dy * width + dx;
				if (Math.abs(snapped[j] - snapped[i]) <= threshold) agreeing++;
				let agreement = 0;
				for (let ey = -1; ey <= 1; ey++) for (let ex = -1; ex <= 1; ex++) if (Math.abs(snapped[i + ey * width + ex] - snapped[j]) <= threshold) agreement++;
				if (agreement > bestAgreement) {
					bestAgreement = agreement;
					best = j;
				}
			}
		}
		if (agreeing >= 2) continue;
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
		let k = this.size++;
		while (k > 0) {
			const parent = (k - 1) >> 1;
			if (this.costs[parent] <= cost) break;
			this.indices[k] = this.indices[parent];
			this.costs[k] = this.costs[parent];
			k = parent;
		}
		this.indices[k] = index;
		this.costs[k] = cost;
	}

	/** Removes the cheapest entry; returns its index and leaves its cost in `lastCost`. */
	popIndex(): number {
		const top = this.indices[0];
		this.lastCost = this.costs[0];
		const last = --this.size;
		const index = this.indices[last];
		const cost = this.costs[last];
		let k = 0;
		for (;;) {
			let child = 2 * k + 1;
			if (child >= last) break;
			if (child + 1 < last && this.costs[child + 1] < this.costs[child]) child++;
			if (this.costs[child] >= cost) break;
			this.indices[k] = this.indices[child];
			this.costs[k] = this.costs[child];
			k = child;
		}
		this.indices[k] = index;
		this.costs[k] = cost;
		return top;
	}
}
