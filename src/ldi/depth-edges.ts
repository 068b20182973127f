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
 * ```ts
 * const edges = detectDepthEdges(filtered, {thresholdDisparity: 0.02});
 * console.log(edges.edgesFound, edges.edgeLengths.length);
 * ```
 */
export function detectDepthEdges(disparity: FloatImage, options: Partial<DepthEdgeOptions> = {}): DepthEdges {
	const settings = {...DEPTH_EDGE_DEFAULTS, ...options};
	const {width, height, data} = disparity;
	const threshold = settings.thresholdDisparity;
	const n = width * height;
	// One function per loop (see planar-quadtree.ts): as one function of five loops it was compiled 8
	// times in moon's build, each loop's on-stack replacement deoptimized by the next loop.
	const occludedSides = occludedDirections(disparity, threshold);
	const foreground = new Float32Array(n);
	const parent = new Int32Array(n).fill(-1);
	seedSilhouettePixels(occludedSides, data, width, parent, foreground);
	joinSilhouettePixels(parent, data, foreground, threshold, width, height);
	const size = componentSizes(parent);
	const scale = Math.max(width, height) / settings.referenceSizePixels;
	const minLength = Math.max(1, Math.round(settings.minEdgeLengthPixels * scale));
	const edgeOfRoot = new Int32Array(n).fill(-1);
	const edgeLengths: number[] = [];
	const edgesFound = numberKeptEdges(parent, size, minLength, edgeOfRoot, edgeLengths);
	return {width, height, edgeOfPixel: edgeOfEveryPixel(parent, edgeOfRoot), edgeLengths, edgesFound};
}

/** Makes every silhouette pixel its own union-find root and records the disparity of the nearest foreground hiding it. */
function seedSilhouettePixels(occludedSides: Uint8Array, data: Float32Array, width: number, parent: Int32Array, foreground: Float32Array): void {
	for (let i = 0; i < occludedSides.length; i++) {
		const sides = occludedSides[i];
		if (sides === 0) continue;
		parent[i] = i;
		let nearest = -Infinity;
		if (sides & LEFT) nearest = Math.max(nearest, data[i - 1]);
		if (sides & RIGHT) nearest = Math.max(nearest, data[i + 1]);
		if (sides & UP) nearest = Math.max(nearest, data[i - width]);
		if (sides & DOWN) nearest = Math.max(nearest, data[i + width]);
		foreground[i] = nearest;
	}
}

/** Unites 8-connected silhouette pixels that agree (see joinEdgePixels), each neighbouring pair once. */
function joinSilhouettePixels(parent: Int32Array, data: Float32Array, foreground: Float32Array, threshold: number, width: number, height: number): void {
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const i = y * width + x;
			if (parent[i] < 0) continue;
			if (x + 1 < width) joinEdgePixels(parent, data, foreground, threshold, i, i + 1);
			if (y + 1 < height) {
				joinEdgePixels(parent, data, foreground, threshold, i, i + width);
				if (x > 0) joinEdgePixels(parent, data, foreground, threshold, i, i + width - 1);
				if (x + 1 < width) joinEdgePixels(parent, data, foreground, threshold, i, i + width + 1);
			}
		}
	}
}

/** Silhouette pixels per union-find root (0 elsewhere). */
function componentSizes(parent: Int32Array): Int32Array {
	const size = new Int32Array(parent.length);
	for (let i = 0; i < parent.length; i++) if (parent[i] >= 0) size[findRoot(parent, i)]++;
	return size;
}

/**
 * Numbers the components of at least `minLength` pixels in raster order of their roots (`edgeOfRoot`,
 * their lengths appended to `edgeLengths`); returns the number of components found.
 */
function numberKeptEdges(parent: Int32Array, size: Int32Array, minLength: number, edgeOfRoot: Int32Array, edgeLengths: number[]): number {
	let edgesFound = 0;
	for (let i = 0; i < parent.length; i++) {
		if (parent[i] !== i) continue;
		edgesFound++;
		if (size[i] < minLength) continue;
		edgeOfRoot[i] = edgeLengths.length;
		edgeLengths.push(size[i]);
	}
	return edgesFound;
}

/**
 * The kept edge of every pixel (-1: none). Each parent is its root by now: parents have smaller indices
 * (the smaller root wins) and componentSizes halved every path in index order.
 */
function edgeOfEveryPixel(parent: Int32Array, edgeOfRoot: Int32Array): Int32Array {
	const edgeOfPixel = new Int32Array(parent.length).fill(-1);
	for (let i = 0; i < parent.length; i++) if (parent[i] >= 0) edgeOfPixel[i] = edgeOfRoot[parent[i]];
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
 * Unites silhouette pixels `a` and `b` (b may be no silhouette pixel: parent -1) when both their own
 * disparities and those of the foreground hiding them agree within `threshold`; the smaller root wins.
 */
function joinEdgePixels(parent: Int32Array, data: Float32Array, foreground: Float32Array, threshold: number, a: number, b: number): void {
	if (parent[b] < 0) return;
	if (Math.abs(data[a] - data[b]) > threshold || Math.abs(foreground[a] - foreground[b]) > threshold) return;
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
