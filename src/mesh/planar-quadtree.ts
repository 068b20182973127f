import {LINK_DOWN, LINK_RIGHT, type Ldi} from '../ldi/ldi.js';
import {instantiateKernel, type KernelInstance} from '../wasm/kernel.js';
import type {LayerTriangles} from './triangulate.js';

/**
 * Planar pre-merge of a layer's pixel-lattice mesh, before meshoptimizer (~1 µs per input triangle) sees
 * it. A quadtree over the lattice: a cell of 2^l × 2^l blocks merges when its four children merged into
 * one sheet, no vertex inside is locked, every vertex lies within `errorPixels / 2` of the plane through
 * the cell's corners in (x, y, k·d) space, and the texture swim side · (w_max − w_min) / w_min stays under
 * `swimPixels`; every dropped vertex is then within `errorPixels` of the emitted surface. A merged cell is
 * two triangles, or a fan through the side vertices a finer neighbour keeps (no T-junction). Layer 0 is
 * merged straight from the LDI's links (mergePlanarPixelCells), its lattice mesh never made.
 *
 * Measured (moon at 1024 px): layer 0 2.08 M → 78 k triangles at the defaults; blocks keyed by pixel, not
 * position (inpainted layers hold several pixels per position: 150 k → 54 k instead of → 143 k); layer 0
 * from the LDI: triangulation 300 → 95 ms, peak RSS 451 → 358 MB; layer 0's pre-merge in a fresh process
 * 214 → 180 ms with one loop per function (a loop followed by code not yet run was compiled again).
 * Not kept: skipping the vertex test where the children's planes bound the error (slower on first call).
 *
 * The quadtree (every level's merge, the leaves, their triangles, a triangulated layer's blocks) runs as a
 * WebAssembly kernel (assembly/planar-quadtree.ts, bit-identical to the TypeScript twin in
 * test/mesh/planar-quadtree-reference.ts): in a fresh build its loops ran once each, half of their time
 * in TurboFan compiles (moon: ~110 ms of ~290 ms). Copied in: a layer's per-vertex arrays, or for layer 0
 * the x, y, disparity and lock of its pixels (9 MB at 1024 px); layer 0's blocks are walked by index (its
 * 16 MB of links are not copied). Moon, warm: 150 → 80 ms for layer 0; fresh processes meshing moon's
 * LDI (21 alternating): mesh-stage CPU −5 % (median ratio 1.049), simplify stage −9 %; whole builds
 * (ab.sh, 11 alternating, moon and hut) within the noise (CPU ratio 1.00); instructions (valgrind, one
 * run each) moon 29.49 → 28.90 G, hut 31.50 → 30.08 G.
 */

/** Options for {@link mergePlanarCells} and {@link mergePlanarPixelCells}. */
export interface PlanarQuadtreeOptions {
	/** Largest distance, in (x, y, k·d) pixels, between a dropped vertex and the emitted surface. */
	errorPixels: number;
	/** Largest texture-swim bound side · (w_max - w_min) / w_min of a merged cell, pixels. */
	swimPixels: number;
	/**
	 * Side of the largest merged cell, blocks (a power of two, at most 256: one bit per level in a byte).
	 * Cells never cross split-charts' tiles:
	 * the seam vertices there are duplicated, so the sheet test fails at a tile border.
	 */
	maxCellBlocks: number;
}

export const PLANAR_QUADTREE_DEFAULTS: PlanarQuadtreeOptions = {
	errorPixels: 0.25,
	swimPixels: 0.25,
	maxCellBlocks: 64,
};

/** Where the lattice heights and inverse depths come from (see simplify.ts). */
export interface PlanarQuadtreeDepth {
	/** Parallax in pixels between disparity 0 and 1: the lattice height of a vertex is this × its disparity. */
	parallaxRangePixels: number;
	/** Depth of disparity 1 and of disparity 0, metres. */
	nearMeters: number;
	farMeters: number;
}

/** The exports of assembly/planar-quadtree.ts. */
interface PlanarQuadtreeKernel extends KernelInstance {
	allocate(bytes: number): number;
	flagBlocks(blocks: number, blockCount: number, flags: number): void;
	findBlocks(
		indices: number, triangleCount: number, vertexPixels: number, vertexRight: number, vertexDown: number, next: number, levelZeroFlags: number,
		inBlock: number, blocks: number,
	): number;
	mergeSheet(
		next: number, rowStride: number, vertexX: number, vertexY: number, shift: number, disparity: number, parallaxRangePixels: number, inverseNear: number,
		inverseFar: number, lock: number, halfError: number, swimPixels: number, keyCount: number, blocks: number, blockCount: number,
		levelZeroFlags: number, loose: number, looseTriangles: number, inBlock: number, maxCellBlocks: number, merged: number,
	): number;
}

/** Where a sheet's per-key arrays are in the kernel's memory (see the Sheet of test/mesh/planar-quadtree-reference.ts). */
interface KernelSheet {
	kernel: PlanarQuadtreeKernel;
	keyCount: number;
	/** Unread when rowStride is not 0 (see PixelCellsLayout). */
	next: number;
	rowStride: number;
	vertexX: number;
	vertexY: number;
	disparity: number;
	lock: number;
	levelZeroFlags: number;
}

/** A kernel instance with room for a sheet of `keyCount` keys (filled by the caller); no links for a raster sheet. */
function allocateSheet(keyCount: number, rowStride: number): KernelSheet {
	const kernel = instantiateKernel<PlanarQuadtreeKernel>('planar-quadtree');
	return {
		kernel,
		keyCount,
		next: rowStride === 0 ? kernel.allocate(16 * keyCount) : 0,
		rowStride,
		vertexX: kernel.allocate(2 * keyCount),
		vertexY: kernel.allocate(2 * keyCount),
		disparity: kernel.allocate(4 * keyCount),
		lock: kernel.allocate(keyCount),
		levelZeroFlags: kernel.allocate(keyCount),
	};
}

/**
 * The kernel's quadtree over the sheet's `blockCount` blocks (at `blocks`, flagged), then the leaves'
 * triangles after the loose triangles outside blocks; a copy of them, in the sheet's keys.
 */
function mergeKernelSheet(
	sheet: KernelSheet, ldi: Ldi, depth: PlanarQuadtreeDepth, settings: PlanarQuadtreeOptions, blocks: number, blockCount: number, loose: number,
	looseTriangles: number, inBlock: number,
): Uint32Array {
	const {kernel} = sheet;
	// Never more than the lattice's triangles: a leaf's fan has at most two per block of its boundary.
	const merged = kernel.allocate(4 * 3 * (looseTriangles + 2 * blockCount));
	const length = kernel.mergeSheet(
		sheet.next, sheet.rowStride, sheet.vertexX, sheet.vertexY, ldi.border, sheet.disparity, depth.parallaxRangePixels, 1 / depth.nearMeters, 1 / depth.farMeters,
		sheet.lock, settings.errorPixels / 2, settings.swimPixels, sheet.keyCount, blocks, blockCount, sheet.levelZeroFlags, loose, looseTriangles,
		inBlock, settings.maxCellBlocks, merged,
	);
	// The kernel may have grown its memory: read through a fresh view.
	return new Uint32Array(kernel.memory.buffer, merged, length).slice();
}

/**
 * The layer's triangles with planar cells merged (same vertex numbering as `layer`; unused vertices
 * stay in the buffer). `lock` is 1 for vertices that must survive.
 *
 * ```ts
 * const merged = mergePlanarCells(ldi, layer, lock, {parallaxRangePixels: 41, nearMeters: 1, farMeters: 10}, {errorPixels: 0.25});
 * const [simplified] = MeshoptSimplifier.simplify(merged, lattice, 3, 0, 0.75, ['ErrorAbsolute', 'Sparse']);
 * ```
 */
export function mergePlanarCells(
	ldi: Ldi,
	layer: LayerTriangles,
	lock: Uint8Array,
	depth: PlanarQuadtreeDepth,
	options: Partial<PlanarQuadtreeOptions> = {},
): Uint32Array {
	const settings = {...PLANAR_QUADTREE_DEFAULTS, ...options};
	const {indices, vertexPixels} = layer;
	const vertexCount = vertexPixels.length;
	const triangleCount = indices.length / 3;
	const sheet = allocateSheet(vertexCount, 0);
	const {kernel} = sheet;
	const indicesAt = kernel.allocate(4 * indices.length);
	const vertexPixelsAt = kernel.allocate(4 * vertexCount);
	const vertexRight = kernel.allocate(4 * vertexCount);
	const vertexDown = kernel.allocate(4 * vertexCount);
	const inBlock = kernel.allocate(triangleCount);
	const blocks = kernel.allocate(4 * vertexCount);
	// Views only now: growing the memory (every allocation may) detaches the views taken before.
	const memory = kernel.memory.buffer;
	new Uint32Array(memory, indicesAt, indices.length).set(indices);
	new Int32Array(memory, vertexPixelsAt, vertexCount).set(vertexPixels);
	new Uint8Array(memory, sheet.lock, vertexCount).set(lock.subarray(0, vertexCount));
	gatherVertices(ldi, vertexPixels, {
		right: new Int32Array(memory, vertexRight, vertexCount),
		down: new Int32Array(memory, vertexDown, vertexCount),
		x: new Int16Array(memory, sheet.vertexX, vertexCount),
		y: new Int16Array(memory, sheet.vertexY, vertexCount),
		disparity: new Float32Array(memory, sheet.disparity, vertexCount),
	});
	const blockCount = kernel.findBlocks(indicesAt, triangleCount, vertexPixelsAt, vertexRight, vertexDown, sheet.next, sheet.levelZeroFlags, inBlock, blocks);
	return mergeKernelSheet(sheet, ldi, depth, settings, blocks, blockCount, indicesAt, triangleCount, inBlock);
}

/** Per vertex, what the kernel reads of its pixel: the pixels it links to right and down, x, y and disparity. */
function gatherVertices(
	ldi: Ldi, vertexPixels: Int32Array, into: {right: Int32Array; down: Int32Array; x: Int16Array; y: Int16Array; disparity: Float32Array},
): void {
	const {links, x, y, disparity} = ldi;
	for (let v = 0; v < vertexPixels.length; v++) {
		const p = vertexPixels[v];
		into.right[v] = links[p * 4 + LINK_RIGHT];
		into.down[v] = links[p * 4 + LINK_DOWN];
		into.x[v] = x[p];
		into.y[v] = y[p];
		into.disparity[v] = disparity[p];
	}
}

/** Where a layer of cells lies in the LDI (see {@link mergePlanarPixelCells}). */
export interface PixelCellsLayout {
	/** Every pixel the layer's triangles use lies below this: only those pixels' arrays are copied to the kernel. */
	pixelEnd: number;
	/**
	 * Not 0 when every block's corners are p, p + 1, p + rowStride and p + rowStride + 1: then the
	 * kernel walks the blocks by index and the LDI's links (16 bytes per pixel) are not copied.
	 */
	rowStride: number;
}

/**
 * {@link mergePlanarCells} for a layer meshed straight from the LDI (triangulate.ts' LayerCells):
 * its fully linked cells `blocks` (top-left LDI pixels) are walked along the LDI's own links, its
 * other triangles `loose` (three LDI pixels each) are kept as they are. `lock` is indexed by LDI
 * pixel; so is the result. `layout` (triangulate.ts' LayerCells has both fields) lets the kernel copy
 * less of the LDI.
 *
 * ```ts
 * const merged = mergePlanarPixelCells(ldi, cells.blocks, cells.corners, lock, {parallaxRangePixels: 41, nearMeters: 1, farMeters: 10}, {}, cells);
 * ```
 */
export function mergePlanarPixelCells(
	ldi: Ldi,
	blocks: Int32Array,
	loose: Int32Array,
	lock: Uint8Array,
	depth: PlanarQuadtreeDepth,
	options: Partial<PlanarQuadtreeOptions> = {},
	layout: PixelCellsLayout = {pixelEnd: ldi.count, rowStride: 0},
): Uint32Array {
	const settings = {...PLANAR_QUADTREE_DEFAULTS, ...options};
	const {pixelEnd, rowStride} = layout;
	const sheet = allocateSheet(pixelEnd, rowStride);
	const {kernel} = sheet;
	const blocksAt = kernel.allocate(4 * blocks.length);
	const looseAt = kernel.allocate(4 * loose.length);
	const inBlock = kernel.allocate(loose.length / 3);
	const memory = kernel.memory.buffer;
	if (rowStride === 0) new Int32Array(memory, sheet.next, 4 * pixelEnd).set(ldi.links.subarray(0, 4 * pixelEnd));
	new Int16Array(memory, sheet.vertexX, pixelEnd).set(ldi.x.subarray(0, pixelEnd));
	new Int16Array(memory, sheet.vertexY, pixelEnd).set(ldi.y.subarray(0, pixelEnd));
	new Float32Array(memory, sheet.disparity, pixelEnd).set(ldi.disparity.subarray(0, pixelEnd));
	new Uint8Array(memory, sheet.lock, pixelEnd).set(lock.subarray(0, pixelEnd));
	new Int32Array(memory, blocksAt, blocks.length).set(blocks);
	new Int32Array(memory, looseAt, loose.length).set(loose);
	kernel.flagBlocks(blocksAt, blocks.length, sheet.levelZeroFlags);
	return mergeKernelSheet(sheet, ldi, depth, settings, blocksAt, blocks.length, looseAt, loose.length / 3, inBlock);
}
