/**
 * Test reference for src/ldi/depth-edges.ts: the detection all in TypeScript (the kernel's twin, kept
 * only for test/ldi/depth-edges-update.test.ts, which checks the two find the same edges). Its measured
 * history is in the header of src/ldi/depth-edges.ts.
 */
import type {FloatImage} from '../../src/image/raster.js';
import {DEPTH_EDGE_DEFAULTS, type DepthEdgeOptions, type DepthEdges} from '../../src/ldi/depth-edges.js';

const LEFT = 1;
const UP = 2;
const RIGHT = 4;
const DOWN = 8;

/**
 * detectDepthEdges as the TypeScript it was before its union-find became a WebAssembly kernel (and
 * before it returned its pixel lists); the kernel's version must find exactly these edges.
 *
 * ```ts
 * const edges = detectDepthEdgesReference(filtered, {thresholdDisparity: 0.02});
 * console.log(edges.edgesFound, edges.edgeLengths.length);
 * ```
 */
export function detectDepthEdgesReference(disparity: FloatImage, options: Partial<DepthEdgeOptions> = {}): Pick<DepthEdges, 'width' | 'height' | 'edgeOfPixel' | 'edgeLengths' | 'edgesFound'> {
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
function occludedDirections(disparity: FloatImage, threshold: number): Uint8Array {
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
function findRoot(parent: Int32Array, i: number): number {
	let node = i;
	while (parent[node] !== node) {
		parent[node] = parent[parent[node]];
		node = parent[node];
	}
	return node;
}

