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
 *
 * Cost at 1024 px (CPU ms, medians of 31 alternating runs on a busy 2-core machine): moon 126 → 62, shelf
 * 111 → 74, hut 98 → 65 (moon at 4096 px: 5950 → 2200), output bit for bit the same as the per-pixel
 * window scan before: a window's rows depend only on its pixel's row, so each column's trusted samples
 * are gathered once per row of zone pixels; a sample whose brightness alone is farther than the best so
 * far is passed over; the geodesic runs on the zone's ranks. Summed-area tables do not apply: the
 * likelihood takes each side's closest colour (not its mean), with sides from each window's own thirds.
 *
 * Then the likelihood and the geodesic as a WebAssembly kernel (assembly/snap-edges.ts; the zone, the
 * winners and the lone pixels stay here): in a fresh build they ran mostly before V8 had optimized them
 * (compiling the likelihood alone took 25–45 ms). Bit-identical (test/ldi/snap-edges-kernel.test.ts
 * compares it with the TypeScript twin kept there). CPU of the snapping, fresh process, medians of 7
 * alternating: moon 141 → 96 ms; the 'edges' stage (buildLdi's cpuTimingsMs, median of 9): moon 275 →
 * 272, hut 314 → 270, shelf 303 → 252 (7); moon's whole process 1379 → 1315. Costs: the photo and the
 * disparity copied into the kernel's memory (7 MB of fresh pages at 1024 px, ~10 ms).
 */
import type {FloatImage, RgbImage} from '../image/raster.js';
import {instantiateKernel, type KernelInstance} from '../wasm/kernel.js';
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
	/** The pixels whose disparity differs from the input's, ascending (where to update the edges: updateDepthEdges). */
	changed: Int32Array;
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
	// The rings become the zone mask in place.
	const zone = zoneRings(edges, disparity, settings.thresholdDisparity, Math.min(radius, NOT_IN_ZONE - 1), new Int32Array(width * height));
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
	const winner = nearestTrustedPixels(image.data, disparity.data, zonePixels, width, height, 2 * radius + 3, settings.likelihoodWeight, settings.disparityWeight);
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

/** Zone pixels per call of the kernel's likelihoods, and heap entries per call of its geodesic (see bilateral-median.ts: V8 switches a wasm function to its optimized code between calls). */
const LIKELIHOOD_CHUNK_PIXELS = 1024;
const GEODESIC_CHUNK_POPS = 4096;

/** The exports of assembly/snap-edges.ts; pointers are byte offsets into `memory`. */
interface SnapEdgesKernel extends KernelInstance {
	allocate(bytes: number): number;
	prepareZone(disparity: number, zonePixels: number, count: number, zoneDisparity: number, rank: number): void;
	createColumns(width: number, radius: number): number;
	likelihoods(rgb: number, trusted: number, zonePixels: number, from: number, to: number, width: number, height: number, window: number, doubled: number, likelihood: number): void;
	startGeodesic(
		nearness: number, disparity: number, zonePixels: number, zoneDisparity: number, rank: number, count: number, width: number, height: number,
		likelihoodWeight: number, disparityWeight: number, neighbours: number, cost: number, winner: number, indices: number, costs: number,
	): void;
	continueGeodesic(
		nearness: number, zoneDisparity: number, count: number, likelihoodWeight: number, disparityWeight: number, neighbours: number, cost: number,
		winner: number, pops: number,
	): number;
}

/**
 * Per zone pixel (by rank in `zonePixels`, ascending), the trusted (non-zone) pixel nearest along the
 * geodesic weighted by changes of the near-side likelihood and of the original disparity; -1 where no
 * trusted pixel is reachable. Runs in the WebAssembly kernel (assembly/snap-edges.ts), with the photo,
 * the disparity and the zone's arrays in its memory for the whole call.
 *
 * The likelihood: how much a zone pixel's colour looks like the near side's rather than the far side's
 * (0–1, 0.5 when undecided): with dNear and dFar the L1 distances from its colour to the closest colour
 * among the trusted near-side and far-side pixels of a window around it (every second row and column),
 * dFar / (dNear + dFar). Near and far are the top and bottom thirds of the window's trusted disparities;
 * the window starts at `windowRadius` and doubles once when it does not reach both sides (zones around
 * wide ramps). A window's rows depend only on its pixel's row, so each column's trusted samples (pixel,
 * disparity, brightness) and their lowest and highest disparity are gathered once per row of zone
 * pixels and shared by every window of that row; a sample whose brightness alone is farther than the
 * best so far is passed over.
 *
 * The geodesic: Dijkstra over 8-neighbours (a binary heap keyed by path cost), a step costing its length
 * + `likelihoodWeight` · |Δ likelihood| + `disparityWeight` · |Δ original disparity|; trusted pixels have
 * likelihood 0.5. It runs on the zone's ranks with a table of each one's zone neighbours.
 */
function nearestTrustedPixels(
	rgb: Uint8Array, disparity: Float32Array, zonePixels: Int32Array, width: number, height: number, windowRadius: number,
	likelihoodWeight: number, disparityWeight: number,
): Int32Array {
	const n = width * height;
	const count = zonePixels.length;
	const kernel = instantiateKernel<SnapEdgesKernel>('snap-edges');
	const rgbAt = kernel.allocate(3 * n);
	const trusted = kernel.allocate(4 * n);
	// Zero: a pixel's rank + 1 where it is in the zone.
	const rank = kernel.allocate(4 * n);
	const zoneAt = kernel.allocate(4 * count);
	const zoneDisparity = kernel.allocate(4 * count);
	const nearness = kernel.allocate(4 * count);
	const neighbours = kernel.allocate(32 * count);
	const cost = kernel.allocate(4 * count);
	const winner = kernel.allocate(4 * count);
	// Each zone pixel enters the heap once at the start and at most once per neighbour afterwards.
	const heapIndices = kernel.allocate(36 * count);
	const heapCosts = kernel.allocate(36 * count);
	const window = kernel.createColumns(width, windowRadius);
	const doubled = kernel.createColumns(width, 2 * windowRadius);
	// Views only now: growing the memory (every allocation may) detaches the views taken before.
	const memory = kernel.memory.buffer;
	new Uint8Array(memory, rgbAt, 3 * n).set(rgb.subarray(0, 3 * n));
	new Float32Array(memory, trusted, n).set(disparity.subarray(0, n));
	new Int32Array(memory, zoneAt, count).set(zonePixels);
	kernel.prepareZone(trusted, zoneAt, count, zoneDisparity, rank);
	for (let from = 0; from < count; from += LIKELIHOOD_CHUNK_PIXELS) {
		kernel.likelihoods(rgbAt, trusted, zoneAt, from, Math.min(count, from + LIKELIHOOD_CHUNK_PIXELS), width, height, window, doubled, nearness);
	}
	kernel.startGeodesic(nearness, trusted, zoneAt, zoneDisparity, rank, count, width, height, likelihoodWeight, disparityWeight, neighbours, cost, winner, heapIndices, heapCosts);
	while (kernel.continueGeodesic(nearness, zoneDisparity, count, likelihoodWeight, disparityWeight, neighbours, cost, winner, GEODESIC_CHUNK_POPS) > 0);
	return new Int32Array(memory, winner, count).slice();
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
