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
 * disparity copied into the kernel's memory (7 MB of fresh pages at 1024 px, ~10 ms). Then the zone,
 * the winners and the lone pixels in the kernel too (the disparity never leaves it until it is
 * snapped): 'edges' stage moon 257 → 241, shelf 235 → 194, hut 247 → 253 (medians of 7).
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
	const n = width * height;
	const radius = Math.max(1, Math.round(settings.radiusPixels + 3 * Math.max(0, settings.depthSampleSpacingPixels - 1)));
	const {thresholdDisparity: threshold, likelihoodWeight, disparityWeight} = settings;
	const {keptPixels} = edges;
	const kernel = instantiateKernel<SnapEdgesKernel>('snap-edges');
	const rgbAt = kernel.allocate(3 * n);
	// The disparity, with NaN in the zone while the likelihood reads it (trusted pixels only), then snapped.
	const snapped = kernel.allocate(4 * n);
	const keptAt = kernel.allocate(4 * keptPixels.length);
	const zone = kernel.allocate(n);
	// Image-sized, written only as far as the zone reaches.
	const queue = kernel.allocate(4 * n);
	const zonePixels = kernel.allocate(4 * n);
	// Zero: a pixel's rank + 1 where it is in the zone.
	const rank = kernel.allocate(4 * n);
	// Views only now: growing the memory (every allocation may) detaches the views taken before.
	let memory = kernel.memory.buffer;
	new Uint8Array(memory, rgbAt, 3 * n).set(image.data.subarray(0, 3 * n));
	new Float32Array(memory, snapped, n).set(disparity.data.subarray(0, n));
	new Int32Array(memory, keptAt, keptPixels.length).set(keptPixels);
	const count = kernel.findZone(keptAt, keptPixels.length, snapped, width, height, threshold, Math.min(radius, NOT_IN_ZONE - 1), zone, queue, zonePixels);
	// Every later step works on the zone's pixels (a thin band, in raster order) and on arrays indexed by their rank.
	const zoneDisparity = kernel.allocate(4 * count);
	const nearness = kernel.allocate(4 * count);
	const neighbours = kernel.allocate(32 * count);
	const cost = kernel.allocate(4 * count);
	const winner = kernel.allocate(4 * count);
	// Each zone pixel enters the heap once at the start and at most once per neighbour afterwards.
	const heapIndices = kernel.allocate(36 * count);
	const heapCosts = kernel.allocate(36 * count);
	const changed = kernel.allocate(4 * count);
	const windowRadius = 2 * radius + 3;
	const window = kernel.createColumns(width, windowRadius);
	const doubled = kernel.createColumns(width, 2 * windowRadius);
	kernel.prepareZone(snapped, zonePixels, count, zoneDisparity, rank);
	for (let from = 0; from < count; from += LIKELIHOOD_CHUNK_PIXELS) {
		kernel.likelihoods(rgbAt, snapped, zonePixels, from, Math.min(count, from + LIKELIHOOD_CHUNK_PIXELS), width, height, window, doubled, nearness);
	}
	kernel.startGeodesic(nearness, snapped, zonePixels, zoneDisparity, rank, count, width, height, likelihoodWeight, disparityWeight, neighbours, cost, winner, heapIndices, heapCosts);
	while (kernel.continueGeodesic(nearness, zoneDisparity, count, likelihoodWeight, disparityWeight, neighbours, cost, winner, GEODESIC_CHUNK_POPS) > 0);
	let changedPixels = kernel.applyWinners(snapped, zonePixels, zoneDisparity, count, winner, threshold);
	changedPixels += kernel.joinIsolatedPixels(snapped, zonePixels, count, width, height, threshold);
	const changedCount = kernel.listChanged(snapped, zonePixels, zoneDisparity, count, changed);
	memory = kernel.memory.buffer;
	return {
		disparity: {width, height, data: new Float32Array(memory, snapped, n).slice()},
		zone: new Uint8Array(memory, zone, n).slice(),
		changedPixels,
		changed: new Int32Array(memory, changed, changedCount).slice(),
	};
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
	findZone(
		kept: number, keptCount: number, disparity: number, width: number, height: number, threshold: number, radius: number, zone: number, queue: number,
		zonePixels: number,
	): number;
	applyWinners(snapped: number, zonePixels: number, zoneDisparity: number, count: number, winner: number, threshold: number): number;
	joinIsolatedPixels(snapped: number, zonePixels: number, count: number, width: number, height: number, threshold: number): number;
	listChanged(snapped: number, zonePixels: number, zoneDisparity: number, count: number, changed: number): number;
}
