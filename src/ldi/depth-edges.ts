/**
 * Depth-edge detection on a (filtered, normalized) disparity map: raw discontinuities between
 * 4-neighbours, linked into edges, cleaned of short pieces (Shih et al. 2020, §3.1).
 *
 * An edge is represented by its background silhouette: the pixels that have at least one 4-neighbour
 * nearer by more than the threshold. Silhouette pixels are linked 8-connected by union-find, but only
 * when both their own disparities and the disparities of the foreground they are hidden by agree within
 * the threshold; that splits edges at junctions (where the occluder or the occluded surface changes),
 * which is the role the paper gives to the LDI's local connectivity. Components shorter than the minimum
 * length are dropped (isolated speckles and short dangling pieces), their links stay uncut.
 *
 * Threshold, measured on the real maps at 1024 px after the bilateral median (edges kept / found):
 *   threshold   moon (MiDaS, 16-bit)   shelf (8-bit JPEG)   hut (8-bit JPEG)
 *   0.004       555 / 10649            7788 / 50438         2136 / 26161
 *   0.01        294 / 3464             1094 / 11452          767 / 12711
 *   0.02        125 / 984               211 / 1332           282 / 3603
 *   0.04         42 / 133                51 / 297            173 / 1460
 * The paper's code compares 0.04 on a disparity scaled to [0.05, 10], i.e. ~0.004 on [0, 1]: on these
 * maps that cuts the whole moon ground and every JPEG block of the shelf map into short edges. At 0.04
 * the astronaut's outline loses its legs and left arm (where he is close to the ground's depth); 0.02
 * keeps most of it, at the price of some spurious edges along the 8-bit maps' quantization steps
 * (harmless: they only make a hidden duplicate of a smooth surface). Default 0.02.
 */
import type {FloatImage} from '../image/raster.js';
import {NO_LINK, type Ldi, cutLink} from './ldi.js';

/** Options for {@link detectDepthEdges}. */
export interface DepthEdgeOptions {
	/** Disparity difference between 4-neighbours (normalized disparity, [0, 1]) that marks a discontinuity. */
	thresholdDisparity: number;
	/** Edges with fewer silhouette pixels than this are dropped; pixels at the reference size. */
	minEdgeLengthPixels: number;
	/** Long side (pixels) at which `minEdgeLengthPixels` applies; it scales with the image. */
	referenceSizePixels: number;
}

export const DEPTH_EDGE_DEFAULTS: DepthEdgeOptions = {
	thresholdDisparity: 0.02,
	minEdgeLengthPixels: 10,
	referenceSizePixels: 1024,
};

/** The linked depth edges of one disparity map. */
export interface DepthEdges {
	width: number;
	height: number;
	/** Per pixel: the kept edge whose background silhouette contains it, or -1. */
	edgeOfPixel: Int32Array;
	/** Silhouette pixel count of each kept edge, by edge id. */
	edgeLengths: number[];
	/** Connected components before dropping short ones. */
	edgesFound: number;
}

const LEFT = 1;
const UP = 2;
const RIGHT = 4;
const DOWN = 8;

/**
 * Finds and links the depth edges of `disparity` (larger = nearer). Deterministic: edge ids follow the
 * raster order of each edge's first pixel.
 *
 * Works on the list of silhouette pixels (1–3 % of a photo's pixels): besides the per-pixel bit sets, only
 * the returned `edgeOfPixel` is image-sized. With a parent, size and foreground per image pixel it
 * allocated 21 bytes per pixel, and fresh memory costs more than the work (~3 ms per MB in page faults on
 * the 2-core VM): 20 → ~6 ms at 1024 px; buildLdi calls it up to three times.
 *
 * ```ts
 * const edges = detectDepthEdges(filtered, {thresholdDisparity: 0.02});
 * console.log(edges.edgesFound, edges.edgeLengths.length);
 * ```
 */
export function detectDepthEdges(disparity: FloatImage, options: Partial<DepthEdgeOptions> = {}): DepthEdges {
	const settings = {...DEPTH_EDGE_DEFAULTS, ...options};
	const {width, height, data} = disparity;
	const threshold = settings.thresholdDisparity;
	// One function per loop (see planar-quadtree.ts): as one function of five loops it was compiled 8
	// times in moon's build, each loop's on-stack replacement deoptimized by the next loop.
	const occludedSides = occludedDirections(disparity, threshold);
	const pixels = silhouettePixels(occludedSides);
	const foreground = nearestForeground(pixels, occludedSides, data, width);
	// Union-find over list positions: the list is in raster order, so the smaller position is the smaller pixel.
	const parent = new Int32Array(pixels.length);
	for (let j = 0; j < parent.length; j++) parent[j] = j;
	joinSilhouettePixels(pixels, parent, data, foreground, threshold, width, height);
	const size = componentSizes(parent);
	const scale = Math.max(width, height) / settings.referenceSizePixels;
	const minLength = Math.max(1, Math.round(settings.minEdgeLengthPixels * scale));
	const edgeOfRoot = new Int32Array(pixels.length).fill(-1);
	const edgeLengths: number[] = [];
	const edgesFound = numberKeptEdges(parent, size, minLength, edgeOfRoot, edgeLengths);
	return {width, height, edgeOfPixel: edgeOfEveryPixel(pixels, parent, edgeOfRoot, width * height), edgeLengths, edgesFound};
}

/** The silhouette pixels (a non-zero bit set), ascending. */
function silhouettePixels(occludedSides: Uint8Array): Int32Array {
	let count = 0;
	for (let i = 0; i < occludedSides.length; i++) if (occludedSides[i] !== 0) count++;
	const pixels = new Int32Array(count);
	for (let i = 0, j = 0; j < count; i++) if (occludedSides[i] !== 0) pixels[j++] = i;
	return pixels;
}

/** Per silhouette pixel, the disparity of the nearest foreground hiding it. */
function nearestForeground(pixels: Int32Array, occludedSides: Uint8Array, data: Float32Array, width: number): Float32Array {
	const foreground = new Float32Array(pixels.length);
	for (let j = 0; j < pixels.length; j++) {
		const i = pixels[j];
		const sides = occludedSides[i];
		let nearest = -Infinity;
		if (sides & LEFT) nearest = Math.max(nearest, data[i - 1]);
		if (sides & RIGHT) nearest = Math.max(nearest, data[i + 1]);
		if (sides & UP) nearest = Math.max(nearest, data[i - width]);
		if (sides & DOWN) nearest = Math.max(nearest, data[i + width]);
		foreground[j] = nearest;
	}
	return foreground;
}

/**
 * Unites 8-connected silhouette pixels that agree (see joinEdgePixels), each neighbouring pair once: the
 * right neighbour is the next list entry, the three below are found by a second cursor one row ahead.
 */
function joinSilhouettePixels(
	pixels: Int32Array, parent: Int32Array, data: Float32Array, foreground: Float32Array, threshold: number, width: number, height: number,
): void {
	const count = pixels.length;
	const lastRowStart = (height - 1) * width;
	let below = 0;
	for (let j = 0; j < count; j++) {
		const i = pixels[j];
		const x = i % width;
		if (x + 1 < width && j + 1 < count && pixels[j + 1] === i + 1) joinEdgePixels(parent, data, foreground, threshold, pixels, j, j + 1);
		if (i >= lastRowStart) continue;
		const belowLeft = x > 0 ? i + width - 1 : i + width;
		const belowRight = x + 1 < width ? i + width + 1 : i + width;
		while (below < count && pixels[below] < belowLeft) below++;
		for (let k = below; k < count && pixels[k] <= belowRight; k++) {
			joinEdgePixels(parent, data, foreground, threshold, pixels, j, k);
		}
	}
}

/** Silhouette pixels per union-find root (0 elsewhere). */
function componentSizes(parent: Int32Array): Int32Array {
	const size = new Int32Array(parent.length);
	for (let j = 0; j < parent.length; j++) size[findRoot(parent, j)]++;
	return size;
}

/**
 * Numbers the components of at least `minLength` pixels in raster order of their roots (`edgeOfRoot`,
 * their lengths appended to `edgeLengths`); returns the number of components found.
 */
function numberKeptEdges(parent: Int32Array, size: Int32Array, minLength: number, edgeOfRoot: Int32Array, edgeLengths: number[]): number {
	let edgesFound = 0;
	for (let j = 0; j < parent.length; j++) {
		if (parent[j] !== j) continue;
		edgesFound++;
		if (size[j] < minLength) continue;
		edgeOfRoot[j] = edgeLengths.length;
		edgeLengths.push(size[j]);
	}
	return edgesFound;
}

/**
 * The kept edge of every pixel (-1: none). Each parent is its root by now: parents have smaller indices
 * (the smaller root wins) and componentSizes halved every path in index order.
 */
function edgeOfEveryPixel(pixels: Int32Array, parent: Int32Array, edgeOfRoot: Int32Array, pixelCount: number): Int32Array {
	const edgeOfPixel = new Int32Array(pixelCount).fill(-1);
	for (let j = 0; j < pixels.length; j++) edgeOfPixel[pixels[j]] = edgeOfRoot[parent[j]];
	return edgeOfPixel;
}

/**
 * Per pixel, a bit set of the 4-neighbours nearer than it by more than `threshold` (1 left, 2 up,
 * 4 right, 8 down): non-zero marks a background silhouette pixel.
 */
export function occludedDirections(disparity: FloatImage, threshold: number): Uint8Array {
	const {width, height, data} = disparity;
	const sides = new Uint8Array(width * height);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const i = y * width + x;
			const d = data[i];
			if (x + 1 < width) {
				const difference = data[i + 1] - d;
				if (difference > threshold) sides[i] |= RIGHT;
				else if (difference < -threshold) sides[i + 1] |= LEFT;
			}
			if (y + 1 < height) {
				const difference = data[i + width] - d;
				if (difference > threshold) sides[i] |= DOWN;
				else if (difference < -threshold) sides[i + width] |= UP;
			}
		}
	}
	return sides;
}

/**
 * Unites the silhouette pixels at list positions `a` and `b` when both their own disparities and those of
 * the foreground hiding them agree within `threshold`; the smaller root wins.
 */
function joinEdgePixels(parent: Int32Array, data: Float32Array, foreground: Float32Array, threshold: number, pixels: Int32Array, a: number, b: number): void {
	if (Math.abs(data[pixels[a]] - data[pixels[b]]) > threshold || Math.abs(foreground[a] - foreground[b]) > threshold) return;
	const rootA = findRoot(parent, a);
	const rootB = findRoot(parent, b);
	if (rootA < rootB) parent[rootB] = rootA;
	else if (rootB < rootA) parent[rootA] = rootB;
}

/** Union-find root with path halving; `parent[i] === i` at roots. */
export function findRoot(parent: Int32Array, i: number): number {
	let node = i;
	while (parent[node] !== node) {
		parent[node] = parent[parent[node]];
		node = parent[node];
	}
	return node;
}

/**
 * Cuts the layer-0 links of `ldi` (made by ldiFromImage, pixel index = y · width + x) across every kept
 * edge of `edges`: between each silhouette pixel and its neighbours nearer by more than the threshold.
 * Returns the number of links cut.
 *
 * ```ts
 * const ldi = ldiFromImage(image, filtered);
 * cutDepthEdges(ldi, filtered, detectDepthEdges(filtered), 0.02);
 * ```
 */
export function cutDepthEdges(ldi: Ldi, disparity: FloatImage, edges: DepthEdges, thresholdDisparity: number): number {
	const sides = occludedDirections(disparity, thresholdDisparity);
	let cut = 0;
	for (let i = 0; i < edges.edgeOfPixel.length; i++) {
		if (edges.edgeOfPixel[i] < 0) continue;
		for (let k = 0; k < 4; k++) {
			// occludedDirections' bits are 1 << LINK_LEFT … 1 << LINK_DOWN.
			if ((sides[i] & (1 << k)) === 0 || ldi.links[i * 4 + k] === NO_LINK) continue;
			cutLink(ldi, i, k);
			cut++;
		}
	}
	return cut;
}
