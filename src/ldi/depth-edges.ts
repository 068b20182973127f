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
 *
 * buildLdi finds the edges once and then updates them (updateDepthEdges) where snapping and the mixed
 * pixels changed the map, and cuts and reattaches from the kept pixels' list, instead of three
 * detections, a fourth bit-set image in the cut and scans of every pixel: CPU of the 'edges' stage in a
 * fresh process (medians of 7 alternating), moon 335 → 283 ms, shelf 279 → 267, hut 335 → 312; same
 * bytes. The loops are written without branches whose code a fresh process had not yet run when it
 * compiled them (each such branch undid the compilation once reached: occludedDirections was compiled 4
 * times). Then the union-find (linking, sizes, numbering) as a WebAssembly kernel (assembly/depth-edges.ts;
 * test/ldi compares it with the TypeScript twin kept there): in JavaScript its join loop was compiled
 * three times per build (twice on stack, once whole; ~40 ms of compiling for a few thousand pixels).
 * 'edges' stage, same measure: moon 235 → 225, shelf 193 → 164, hut 255 → 222 ms.
 */
import type {FloatImage} from '../image/raster.js';
import {instantiateKernel, type KernelInstance} from '../wasm/kernel.js';
import {NO_LINK, type Ldi, cutLink} from './ldi.js';

/** The exports of assembly/depth-edges.ts; pointers are byte offsets into `memory`. */
interface DepthEdgesKernel extends KernelInstance {
	allocate(bytes: number): number;
	linkEdges(
		pixels: number, own: number, foreground: number, count: number, width: number, height: number, threshold: number, minLength: number,
		parent: number, size: number, edgeOfEntry: number, lengths: number,
	): number;
	keptEdges(): number;
}

/** Options for {@link detectDepthEdges}. */
export interface DepthEdgeOptions {
	/** Disparity difference between 4-neighbours (normalized disparity, [0, 1]) that marks a discontinuity. */
	thresholdDisparity: number;
	/** Edges with fewer silhouette pixels than this are dropped; pixels at the reference size. */
	minEdgeLengthPixels: number;
	/** Long side (pixels) at which `minEdgeLengthPixels` applies; it scales with the image. */
	referenceSizePixels: number;
	/**
	 * Also compare each pixel with the pixel this many pixels away in each direction (1: the 4-neighbours
	 * only): a step an upscaled map blurred over a few pixels is a step across that span. Only
	 * {@link detectDepthEdges} reads it; updateDepthEdges and cutDepthEdges test the neighbours.
	 */
	stepSpanPixels: number;
}

export const DEPTH_EDGE_DEFAULTS: DepthEdgeOptions = {
	thresholdDisparity: 0.02,
	minEdgeLengthPixels: 10,
	referenceSizePixels: 1024,
	stepSpanPixels: 1,
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
	/** The pixels whose `edgeOfPixel` is not -1, ascending. */
	keptPixels: Int32Array;
	/** Every silhouette pixel (kept or not), ascending. */
	silhouettePixels: Int32Array;
	/** Per pixel, the 4-neighbours nearer by more than the threshold ({@link occludedDirections}). */
	occludedSides: Uint8Array;
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
 * the 2-core VM): 20 → ~6 ms at 1024 px. buildLdi calls it once and then updates its result
 * ({@link updateDepthEdges}).
 *
 * ```ts
 * const edges = detectDepthEdges(filtered, {thresholdDisparity: 0.02});
 * console.log(edges.edgesFound, edges.edgeLengths.length);
 * ```
 */
export function detectDepthEdges(disparity: FloatImage, options: Partial<DepthEdgeOptions> = {}): DepthEdges {
	const settings = {...DEPTH_EDGE_DEFAULTS, ...options};
	const {width, height} = disparity;
	// One function per loop (see planar-quadtree.ts): as one function of five loops it was compiled 8
	// times in moon's build, each loop's on-stack replacement deoptimized by the next loop. The functions
	// that call them have no loop of their own, so they are never compiled with all of them inlined.
	const span = Math.max(1, Math.floor(settings.stepSpanPixels));
	const occludedSides = occludedDirections(disparity, settings.thresholdDisparity, span);
	return linkDepthEdges(disparity, occludedSides, silhouettePixels(occludedSides), new Int32Array(width * height).fill(-1), settings, span);
}

/**
 * The depth edges of `disparity`, which differs from the map `previous` was found on at `changed` only
 * (pixel indices, any order; each may be listed more than once). Only the changed pixels and their
 * 4-neighbours are tested again, so the result is {@link detectDepthEdges}'s at the cost of its
 * silhouette-sized steps. `previous` is used up: its image-sized arrays become the result's.
 *
 * ```ts
 * const edges = detectDepthEdges(filtered, edgeOptions);
 * filtered.data[i] = 0.5;
 * const updated = updateDepthEdges(edges, filtered, Int32Array.of(i), edgeOptions);
 * ```
 */
export function updateDepthEdges(previous: DepthEdges, disparity: FloatImage, changed: Int32Array, options: Partial<DepthEdgeOptions> = {}): DepthEdges {
	const settings = {...DEPTH_EDGE_DEFAULTS, ...options};
	const {occludedSides, edgeOfPixel, keptPixels} = previous;
	const tested = withNeighbours(changed, disparity.width, disparity.height);
	retestOccludedSides(disparity, settings.thresholdDisparity, tested, occludedSides);
	const pixels = mergeSilhouettePixels(previous.silhouettePixels, tested, occludedSides);
	clearPixels(edgeOfPixel, keptPixels);
	return linkDepthEdges(disparity, occludedSides, pixels, edgeOfPixel, settings, 1);
}

/**
 * Links the silhouette pixels `pixels` of `occludedSides` (found over `span`) into edges; `edgeOfPixel`
 * comes all -1 and is filled in.
 */
function linkDepthEdges(
	disparity: FloatImage, occludedSides: Uint8Array, pixels: Int32Array, edgeOfPixel: Int32Array, settings: DepthEdgeOptions, span: number,
): DepthEdges {
	const {width, height} = disparity;
	const count = pixels.length;
	const scale = Math.max(width, height) / settings.referenceSizePixels;
	const minLength = Math.max(1, Math.round(settings.minEdgeLengthPixels * scale));
	const kernel = instantiateKernel<DepthEdgesKernel>('depth-edges');
	const pixelsAt = kernel.allocate(4 * count);
	const own = kernel.allocate(4 * count);
	const foreground = kernel.allocate(4 * count);
	const parent = kernel.allocate(4 * count);
	const size = kernel.allocate(4 * count);
	const edgeOfEntry = kernel.allocate(4 * count);
	const lengths = kernel.allocate(4 * count);
	// Views only now: growing the memory (every allocation may) detaches the views taken before.
	const memory = kernel.memory.buffer;
	new Int32Array(memory, pixelsAt, count).set(pixels);
	listDisparities(pixels, occludedSides, disparity, span, new Float32Array(memory, own, count), new Float32Array(memory, foreground, count));
	const edgesFound = kernel.linkEdges(pixelsAt, own, foreground, count, width, height, settings.thresholdDisparity, minLength, parent, size, edgeOfEntry, lengths);
	const edgeLengths = Array.from(new Int32Array(memory, lengths, kernel.keptEdges()));
	const keptPixels = markKeptPixels(pixels, new Int32Array(memory, edgeOfEntry, count), edgeOfPixel);
	return {width, height, edgeOfPixel, edgeLengths, edgesFound, keptPixels, silhouettePixels: pixels, occludedSides};
}

/** The silhouette pixels (a non-zero bit set), ascending. */
function silhouettePixels(occludedSides: Uint8Array): Int32Array {
	// Room for every pixel, but only the list's own length is ever written (and so mapped).
	const listed = new Int32Array(occludedSides.length + 1);
	return listed.slice(0, listNonZero(occludedSides, listed));
}

/**
 * Writes the indices of the non-zero entries of `values` to the start of `listed` (one longer than
 * `values`); returns how many. Written without a branch: in a fresh process the loop is compiled while
 * it runs, and a branch not yet taken by then (no silhouette in the first rows) undid that compilation
 * when it first was.
 */
function listNonZero(values: Uint8Array, listed: Int32Array): number {
	let count = 0;
	for (let i = 0; i < values.length; i++) {
		listed[count] = i;
		count += values[i] === 0 ? 0 : 1;
	}
	return count;
}

/** Sets `edgeOfPixel` to -1 at `pixels`. */
function clearPixels(edgeOfPixel: Int32Array, pixels: Int32Array): void {
	for (let k = 0; k < pixels.length; k++) edgeOfPixel[pixels[k]] = -1;
}

/**
 * Per silhouette pixel, its own disparity into `own` and that of the nearest foreground hiding it into
 * `foreground`: the nearest of the pixels 1 and `span` away on its occluded sides (inside the image).
 */
function listDisparities(pixels: Int32Array, occludedSides: Uint8Array, disparity: FloatImage, span: number, own: Float32Array, foreground: Float32Array): void {
	const {width, height, data} = disparity;
	for (let j = 0; j < pixels.length; j++) {
		const i = pixels[j];
		const sides = occludedSides[i];
		const x = i % width;
		const y = (i - x) / width;
		let nearest = -Infinity;
		if (sides & LEFT) nearest = Math.max(nearest, data[i - 1], x >= span ? data[i - span] : -Infinity);
		if (sides & RIGHT) nearest = Math.max(nearest, data[i + 1], x + span < width ? data[i + span] : -Infinity);
		if (sides & UP) nearest = Math.max(nearest, data[i - width], y >= span ? data[i - span * width] : -Infinity);
		if (sides & DOWN) nearest = Math.max(nearest, data[i + width], y + span < height ? data[i + span * width] : -Infinity);
		own[j] = data[i];
		foreground[j] = nearest;
	}
}

/** Writes the kept edge of each silhouette pixel (`edgeOfEntry`, by list position) into `edgeOfPixel` and returns the kept ones, ascending. */
function markKeptPixels(pixels: Int32Array, edgeOfEntry: Int32Array, edgeOfPixel: Int32Array): Int32Array {
	const kept = new Int32Array(pixels.length + 1);
	let count = 0;
	for (let j = 0; j < pixels.length; j++) {
		const edge = edgeOfEntry[j];
		edgeOfPixel[pixels[j]] = edge;
		kept[count] = pixels[j];
		count += edge >= 0 ? 1 : 0;
	}
	return kept.slice(0, count);
}

/**
 * `pixels` and their 4-neighbours inside the image, ascending, each once.
 *
 * ```ts
 * const touched = withNeighbours(edges.keptPixels, width, height);
 * ```
 */
export function withNeighbours(pixels: Int32Array, width: number, height: number): Int32Array {
	const listed = new Int32Array(5 * pixels.length);
	const sorted = listed.subarray(0, listNeighbours(pixels, width, width * height, listed)).sort();
	return sorted.subarray(0, dropRepeats(sorted));
}

/** Writes each pixel of `pixels` and its 4-neighbours inside the image to `listed`; returns how many. */
function listNeighbours(pixels: Int32Array, width: number, n: number, listed: Int32Array): number {
	let count = 0;
	for (let k = 0; k < pixels.length; k++) {
		const i = pixels[k];
		const x = i % width;
		listed[count++] = i;
		listed[count] = i - 1;
		count += x > 0 ? 1 : 0;
		listed[count] = i + 1;
		count += x + 1 < width ? 1 : 0;
		listed[count] = i - width;
		count += i >= width ? 1 : 0;
		listed[count] = i + width;
		count += i + width < n ? 1 : 0;
	}
	return count;
}

/** Moves the distinct values of ascending `sorted` to its start; returns how many. */
function dropRepeats(sorted: Int32Array): number {
	let unique = 0;
	for (let k = 0; k < sorted.length; k++) {
		// Read before this step's write, which may land on k - 1; earlier writes left sorted[k - 1] as it was.
		const value = sorted[k];
		const repeated = k > 0 && value === sorted[k - 1];
		sorted[unique] = value;
		unique += repeated ? 0 : 1;
	}
	return unique;
}

/** Sets the bit set of each pixel of `pixels` anew. */
function retestOccludedSides(disparity: FloatImage, threshold: number, pixels: Int32Array, sides: Uint8Array): void {
	const {width, height, data} = disparity;
	for (let k = 0; k < pixels.length; k++) sides[pixels[k]] = occludedSidesAt(data, width, width * height, threshold, pixels[k]);
}

/** {@link occludedDirections} of pixel `i` alone: the same differences and tests, so the same bits. */
function occludedSidesAt(data: Float32Array, width: number, n: number, threshold: number, i: number): number {
	const x = i % width;
	const d = data[i];
	let bits = 0;
	if (x > 0) {
		const difference = d - data[i - 1];
		bits |= !(difference > threshold) && difference < -threshold ? LEFT : 0;
	}
	if (x + 1 < width) bits |= data[i + 1] - d > threshold ? RIGHT : 0;
	if (i >= width) {
		const difference = d - data[i - width];
		bits |= !(difference > threshold) && difference < -threshold ? UP : 0;
	}
	if (i + width < n) bits |= data[i + width] - d > threshold ? DOWN : 0;
	return bits;
}

/** `previous` without the pixels of `tested` (both ascending), plus those of them that are silhouette pixels now. */
function mergeSilhouettePixels(previous: Int32Array, tested: Int32Array, sides: Uint8Array): Int32Array {
	const merged = new Int32Array(previous.length + tested.length);
	let count = 0;
	let t = 0;
	for (let k = 0; k < previous.length; k++) {
		const i = previous[k];
		for (; t < tested.length && tested[t] <= i; t++) if (sides[tested[t]] !== 0) merged[count++] = tested[t];
		if (t > 0 && tested[t - 1] === i) continue;
		merged[count++] = i;
	}
	for (; t < tested.length; t++) if (sides[tested[t]] !== 0) merged[count++] = tested[t];
	return merged.slice(0, count);
}

/**
 * Per pixel, a bit set of the 4-neighbours nearer than it by more than `threshold` (1 left, 2 up,
 * 4 right, 8 down): non-zero marks a background silhouette pixel. With a `span` over 1, a side's bit is
 * also set when the pixel `span` away on that side is.
 */
export function occludedDirections(disparity: FloatImage, threshold: number, span = 1): Uint8Array {
	const {width, height, data} = disparity;
	const sides = new Uint8Array(width * height);
	markHorizontalSteps(data, width, height, threshold, 1, sides);
	markVerticalSteps(data, width * height, width, threshold, sides);
	if (span > 1) {
		markHorizontalSteps(data, width, height, threshold, span, sides);
		markVerticalSteps(data, width * height, span * width, threshold, sides);
	}
	return sides;
}

/**
 * The RIGHT and LEFT bits of {@link occludedDirections} between pixels `offset` apart in a row. Without
 * branches (see listNonZero): the loops as they were, one per image with `if`s, were compiled 4 times in
 * a fresh build.
 */
function markHorizontalSteps(data: Float32Array, width: number, height: number, threshold: number, offset: number, sides: Uint8Array): void {
	for (let y = 0; y < height; y++) {
		const end = (y + 1) * width - offset;
		for (let i = y * width; i < end; i++) {
			const difference = data[i + offset] - data[i];
			const nearer = difference > threshold;
			sides[i] |= nearer ? RIGHT : 0;
			sides[i + offset] |= !nearer && difference < -threshold ? LEFT : 0;
		}
	}
}

/** The DOWN and UP bits of {@link occludedDirections} between pixels `step` apart (`n` pixels). */
function markVerticalSteps(data: Float32Array, n: number, step: number, threshold: number, sides: Uint8Array): void {
	for (let i = 0; i + step < n; i++) {
		const difference = data[i + step] - data[i];
		const nearer = difference > threshold;
		sides[i] |= nearer ? DOWN : 0;
		sides[i + step] |= !nearer && difference < -threshold ? UP : 0;
	}
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
	const {width, height, data} = disparity;
	const {keptPixels} = edges;
	let cut = 0;
	for (let k = 0; k < keptPixels.length; k++) {
		const i = keptPixels[k];
		const sides = occludedSidesAt(data, width, width * height, thresholdDisparity, i);
		for (let direction = 0; direction < 4; direction++) {
			// occludedDirections' bits are 1 << LINK_LEFT … 1 << LINK_DOWN.
			if ((sides & (1 << direction)) === 0 || ldi.links[i * 4 + direction] === NO_LINK) continue;
			cutLink(ldi, i, direction);
			cut++;
		}
	}
	return cut;
}
