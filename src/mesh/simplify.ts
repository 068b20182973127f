import type {MeshoptSimplifier} from 'meshoptimizer/simplifier';

import {LINK_DOWN, LINK_RIGHT, type Ldi, sharedArray} from '../ldi/ldi.js';
import {focalLengthPixels, type DepthRange} from '../scene/scene.js';
import {mergePlanarCells, mergePlanarPixelCells} from './planar-quadtree.js';
import {bottomShare, type RowSplit, splitByRows, splitIntoRowBands} from './row-split.js';
import {addCornerEighthTurns, type LayerCells, type LayerTriangles} from './triangulate.js';

/**
 * Simplification of one layer's pixel-lattice mesh, with the error bounded in pixels of parallax.
 *
 * The mesh is simplified in (x, y, k·d) space (x, y photo pixels, d normalized disparity, k =
 * `parallaxRangePixels`): a sideways move shifts a point in proportion to 1/z, affine in d, so a vertical
 * error e here is at most e pixels of parallax, and 3D planes stay planes. Border vertices are locked
 * (silhouettes, seams, stitch vertices; the straight outer frame may slide along itself). The attributes
 * (x, y)·w/w_min (w = 1/z) bound the texture swim of perspective-correct UVs over large slanted triangles;
 * `textureSwimWeight` trades triangles for it.
 *
 * Pipeline: the planar pre-merge (planar-quadtree.ts) within simplifyErrorPixels, then one meshoptimizer
 * 'Sparse' pass within half of it (worst case 1.5 × simplifyErrorPixels before the 1/cos(slope) of steep
 * surfaces); over `triangleBudget`, a lower swim weight; above MESHOPT_MAX_TRIANGLES pre-merged triangles,
 * meshoptimizer gets the layer in bands of rows (its memory). moon at 1024 px: 2.97 M lattice triangles → 76 k
 * in ~0.4 s; 64-px tiles + a whole pass took 2.2–3.0 s for 53–59 k at 2 dB less. Tried without gain: a
 * target index count (stops before the error bound), smoothing 8-bit maps first. Tried: meshoptimizer loaded
 * before triangulation and warmed up on a 512-triangle grid, so V8's optimized code for it (a ~100 ms
 * background compile) is ready before moon's layer 0 runs ~2× slower in the baseline tier: its passes
 * 199 → ~125 ms CPU and the simplify stage −8–25 % wall, but the compile then competes with the
 * triangulation, and whole moon builds took the same CPU (4.39 vs 4.43 s, median of 9; shelf's mesh
 * stage +7 %). Not kept.
 */

/** Options for {@link simplifyLayer}. */
export interface SimplifyOptions {
	/**
	 * Largest deviation the planar pre-merge may introduce in (x, y, k·d) space, pixels (≈ pixels of
	 * parallax); meshoptimizer after it may add half of it (worst case 1.5×; see errorSplit). 0 disables
	 * simplification.
	 */
	simplifyErrorPixels: number;
	/**
	 * Parallax in pixels between disparity 0 and disparity 1 for the largest camera move the scene is
	 * made for; 0 = 4% of the photo's long side (41 px at 1024 px).
	 */
	parallaxRangePixels: number;
	/** Weight of the texture-swim attributes (0 ignores texture swim; see the header note for figures). */
	textureSwimWeight: number;
	/** Largest texture-swim bound of a cell merged by the planar pre-merge (planar-quadtree.ts), pixels. */
	planarMergeSwimPixels: number;
	/**
	 * Most triangles of all layers together that the texture-swim weight may buy: above it the weight is
	 * lowered (see simplifyLayers); the parallax bound always holds, so a photo may still exceed it.
	 */
	triangleBudget: number;
	/**
	 * Run meshoptimizer after the planar pre-merge. false keeps the pre-merged mesh: about twice the
	 * triangles, half the error, no triangle budget; for scenes rendered in memory and thrown away
	 * (`ldi-gltf stereo`), where meshoptimizer's pass costs more than drawing the extra triangles.
	 */
	meshoptimizer: boolean;
	/**
	 * Simplify layer 0 in two parts cut by rows, the seam locked (row-split.ts), when the other layers
	 * hold less than CALLER_MESHOPT_SHARE of the triangles, so that a second thread can take one part
	 * (premerge-thread.ts). The cut depends only on the meshes: the parts give the same triangles whether
	 * they run on two threads or one after the other, so the scene never depends on where it was built.
	 * ldiToScene sets it for photos from 512² to 2048² pixels.
	 */
	splitLayerZero: boolean;
}

export const SIMPLIFY_DEFAULTS: SimplifyOptions = {
	simplifyErrorPixels: 0.75,
	parallaxRangePixels: 0,
	textureSwimWeight: 0.03,
	planarMergeSwimPixels: 0.5,
	triangleBudget: 150_000,
	meshoptimizer: true,
	splitLayerZero: false,
};

/**
 * `simplifyErrorPixels` E shared as E for the pre-merge and E / 2 for meshoptimizer (E / 2 for the
 * pre-merge alone): with E / 2 and E, 8-bit maps' staircases (one grey level ≈ 0.16 px) barely merged, and
 * depthy_hut's layer 0 sent 443 k instead of 211 k triangles to meshoptimizer (simplify stage −33 %).
 */
function errorSplit(settings: SimplifyOptions): {mergeErrorPixels: number; meshoptErrorPixels: number} {
	const error = settings.simplifyErrorPixels;
	return settings.meshoptimizer ? {mergeErrorPixels: error, meshoptErrorPixels: error / 2} : {mergeErrorPixels: error / 2, meshoptErrorPixels: 0};
}

/**
 * Vertices the simplifier must not move: stitch vertices shared with another layer, and mesh-border
 * vertices (silhouettes, seams) except those on the straight outer frame of the lattice, which may slide
 * along it; frame corners stay. A vertex is inside the mesh when the angles of its triangles add up to
 * 360° (each lattice triangle has one 90° and two 45° corners).
 */
function lockedVertices(ldi: Ldi, layer: LayerTriangles, shared: boolean): Uint8Array {
	const {vertexPixels, sharedVertices} = layer;
	const vertexCount = vertexPixels.length;
	const eighthTurns = new Uint8Array(vertexCount);
	addCornerEighthTurns(layer, eighthTurns);
	const minX = -ldi.border;
	const minY = -ldi.border;
	const maxX = ldi.width - 1 + ldi.border;
	const maxY = ldi.height - 1 + ldi.border;
	const lock = shared ? sharedArray(Uint8Array, vertexCount) : new Uint8Array(vertexCount);
	for (let v = 0; v < vertexCount; v++) {
		if (sharedVertices[v]) {
			lock[v] = 1;
			continue;
		}
		if (eighthTurns[v] === 8) continue;
		const p = vertexPixels[v];
		const onFrameX = ldi.x[p] === minX || ldi.x[p] === maxX;
		const onFrameY = ldi.y[p] === minY || ldi.y[p] === maxY;
		// Free only in the middle of a straight frame side: on the frame, and half a turn of triangles.
		if (onFrameX === onFrameY || eighthTurns[v] !== 4) lock[v] = 1;
	}
	return lock;
}

/** A simplified, unprojected layer. */
export interface SimplifiedLayer {
	layerIndex: number;
	/** LDI pixel of each kept vertex. */
	vertexPixels: Int32Array;
	/** Index of each kept vertex in the triangulated layer's `vertexPixels` (to carry UVs over). */
	sourceVertices: Int32Array;
	/** x, y, z per vertex, metres, camera space. */
	positions: Float32Array;
	/** Three vertex indices per triangle, counter-clockwise seen from the camera. */
	indices: Uint32Array;
	/** Error bound of the planar merge plus the error meshoptimizer reports, in pixels of (x, y, k·d) space. */
	errorPixels: number;
	/** Triangles after the planar merge, before meshoptimizer. */
	mergedTriangles: number;
}

/** Camera intrinsics needed to unproject LDI pixels. */
export interface UnprojectCamera {
	width: number;
	height: number;
	fovYRadians: number;
}

/** Resolves `parallaxRangePixels: 0` to its photo-size default. */
export function resolveParallaxRangePixels(width: number, height: number, parallaxRangePixels: number): number {
	return parallaxRangePixels > 0 ? parallaxRangePixels : 0.04 * Math.max(width, height);
}

/**
 * A layer's planar pre-merge and the per-vertex attributes meshoptimizer then needs (in
 * SharedArrayBuffers when a worker thread made them, so the calling thread can simplify part of it).
 */
export interface MergedLayer {
	layer: LayerTriangles;
	/** Pre-merged triangles (the layer's own triangles when simplification is off). */
	indices: Uint32Array;
	/** x, y, k·d per vertex. */
	lattice: Float32Array;
	/** Texture-swim attributes (x, y)·w/w_min per vertex. */
	swim: Float32Array;
	/** 1 for vertices meshoptimizer must keep. */
	lock: Uint8Array;
	mergeErrorPixels: number;
}

/**
 * A layer after its planar pre-merge, wherever that ran (here or on a worker thread, which then keeps
 * the pre-merged mesh): its triangle count, and the meshoptimizer pass at a texture-swim weight.
 */
export interface PremergedLayer {
	mergedTriangles: number;
	/** The pre-merged mesh. */
	merged: MergedLayer;
	/**
	 * meshoptimizer's pass at texture-swim weight `weight`, over the whole layer, or in two parts by
	 * rows when `callerShare` (0–1, see simplifyLayers) asks for a bottom part of that share of the
	 * triangles: a layer pre-merged on a worker thread leaves that part to the calling thread, one
	 * pre-merged here simplifies both parts itself, with the same result.
	 */
	finish(weight: number, callerShare?: number): Promise<SimplifiedLayer>;
}

let simplifierLoad: Promise<typeof MeshoptSimplifier> | undefined;
let simplifier: typeof MeshoptSimplifier | undefined;

/**
 * meshoptimizer's simplifier, imported on first use and compiled: {@link simplifyMergedTriangles} needs
 * it loaded (premergeLayer's `finish` and finishSplitLayer load it). Importing the module unpacks and
 * compiles its WebAssembly at once, so it is no longer imported where the defaults are read (every
 * command's flags), only where meshes are simplified (issue 15's start-up, see src/cli/startup-trace.ts).
 *
 * ```ts
 * await loadMeshoptSimplifier();
 * const [indices, error] = simplifyMergedTriangles(merged, merged.indices, merged.lock, SIMPLIFY_DEFAULTS, 1);
 * ```
 */
export function loadMeshoptSimplifier(): Promise<typeof MeshoptSimplifier> {
	simplifierLoad ??= import('meshoptimizer/simplifier').then(async (module) => {
		await module.MeshoptSimplifier.ready;
		simplifier = module.MeshoptSimplifier;
		return simplifier;
	});
	return simplifierLoad;
}

/**
 * The first half of {@link simplifyLayers} for one layer: lattice, swim attributes, locks and the planar
 * pre-merge (planar-quadtree.ts). A worker thread runs it for a big layer while the calling thread
 * pre-merges the others (premerge-thread.ts), with `sharedMemory` (the arrays in SharedArrayBuffers;
 * plain ones otherwise: moon.jpg at 4096 px peaked 0.2 GB higher with shared ones everywhere).
 *
 * ```ts
 * const layerZero = premergeLayer(ldi, triangles[0], {width, height, fovYRadians}, range);
 * const simplified = await simplifyLayers(ldi, triangles, {width, height, fovYRadians}, range, {}, [Promise.resolve(layerZero)]);
 * ```
 */
export function premergeLayer(
	ldi: Ldi, layer: LayerTriangles | LayerCells, camera: UnprojectCamera, depthRange: DepthRange, options: Partial<SimplifyOptions> = {},
	sharedMemory = false,
): PremergedLayer {
	const settings = {...SIMPLIFY_DEFAULTS, ...options};
	const k = resolveParallaxRangePixels(camera.width, camera.height, settings.parallaxRangePixels);
	let merged: MergedLayer;
	if ('blocks' in layer) {
		merged = mergeCellsLayer(ldi, layer, k, depthRange, settings, sharedMemory);
	} else if (settings.simplifyErrorPixels > 0 && layer.indices.length > 3) {
		merged = mergeLayer(ldi, layer, k, depthRange, settings, sharedMemory);
	} else {
		merged = {layer, indices: layer.indices, lattice: new Float32Array(0), swim: new Float32Array(0), lock: new Uint8Array(0), mergeErrorPixels: 0};
	}
	// Made once, at the first pass that asks for it: budget retries reuse it (the share does not change).
	let split: RowSplit | undefined;
	return {
		mergedTriangles: merged.indices.length / 3,
		merged,
		finish: async (weight, callerShare = 0) => {
			await loadMeshoptSimplifier();
			const share = splitShare(settings, callerShare);
			if (share === 0) return finishLayer(ldi, merged, camera, depthRange, settings, weight);
			const parts = split ??= splitByRows(merged, share);
			return finishSplitLayer(ldi, merged, parts, camera, depthRange, settings, weight,
				async (topWeight) => simplifyMergedTriangles(merged, parts.top, parts.lock, settings, topWeight));
		},
	};
}

/**
 * The share of a layer's triangles that its bottom part gets at `callerShare`, or 0 for a layer
 * simplified whole: the same rule for a layer pre-merged here or on a worker thread.
 */
export function splitShare(settings: SimplifyOptions, callerShare: number): number {
	return settings.meshoptimizer && settings.simplifyErrorPixels > 0 ? bottomShare(callerShare) : 0;
}

/**
 * meshoptimizer's pass over the two parts of a row-split layer, the top one by `simplifyTop` (on a
 * worker thread, or here), the bottom one here, then the layer from both (top triangles first). The
 * error is the larger of the two parts'.
 */
export async function finishSplitLayer(
	ldi: Ldi, merged: MergedLayer, split: RowSplit, camera: UnprojectCamera, depthRange: DepthRange, settings: SimplifyOptions, weight: number,
	simplifyTop: (weight: number) => Promise<[Uint32Array, number]>,
): Promise<SimplifiedLayer> {
	await loadMeshoptSimplifier();
	const top = simplifyTop(weight);
	const [bottomIndices, bottomError] = simplifyMergedTriangles(merged, split.bottom, split.lock, settings, weight);
	const [topIndices, topError] = await top;
	const indices = new Uint32Array(topIndices.length + bottomIndices.length);
	indices.set(topIndices);
	indices.set(bottomIndices, topIndices.length);
	return completeSimplifiedLayer(ldi, merged, indices, merged.mergeErrorPixels + Math.max(topError, bottomError), camera, depthRange);
}

/** Lattice, swim attributes and locks of `layer`, and its planar pre-merge (planar-quadtree.ts). */
function mergeLayer(ldi: Ldi, layer: LayerTriangles, k: number, depthRange: DepthRange, settings: SimplifyOptions, shared: boolean): MergedLayer {
	const vertexCount = layer.vertexPixels.length;
	const inverseDepth = new Float32Array(vertexCount);
	const minInverseDepth = fillInverseDepth(ldi.disparity, layer.vertexPixels, depthRange, inverseDepth);
	const lattice = shared ? sharedArray(Float32Array, vertexCount * 3) : new Float32Array(vertexCount * 3);
	const swim = shared ? sharedArray(Float32Array, vertexCount * 2) : new Float32Array(vertexCount * 2);
	fillLatticeAndSwim(ldi, layer.vertexPixels, k, inverseDepth, minInverseDepth, lattice, swim);
	const lock = lockedVertices(ldi, layer, shared);
	const {mergeErrorPixels} = errorSplit(settings);
	const merged = mergePlanarCells(ldi, layer, lock, {parallaxRangePixels: k, ...depthRange}, {
		errorPixels: mergeErrorPixels, swimPixels: settings.planarMergeSwimPixels,
	});
	const indices = shared ? sharedArray(Uint32Array, merged.length) : merged;
	if (shared) indices.set(merged);
	return {layer, indices, lattice, swim, lock, mergeErrorPixels};
}

/**
 * mergeLayer for a layer meshed straight from the LDI (triangulate.ts' LayerCells): locks per LDI
 * pixel, the quadtree over its cells along the LDI's links (mergePlanarPixelCells), then
 * the kept pixels numbered in order of first use, so meshoptimizer gets only those (moon: ~80 k of
 * layer 0's 1.05 M pixels). The lattice mesh of the layer is never made (moon: 2.08 M triangles).
 * The pre-merge runs whatever `simplifyErrorPixels` (at 0 it merges exactly planar cells only).
 */
function mergeCellsLayer(ldi: Ldi, cells: LayerCells, k: number, depthRange: DepthRange, settings: SimplifyOptions, shared: boolean): MergedLayer {
	const eighthTurns = new Uint8Array(ldi.count);
	addCellEighthTurns(ldi.links, cells, eighthTurns);
	const lock = new Uint8Array(ldi.count);
	const minDisparity = lockPixels(ldi, cells.layersUsingPixel, eighthTurns, lock);
	const {mergeErrorPixels} = errorSplit(settings);
	const pixelIndices = mergePlanarPixelCells(ldi, cells.blocks, cells.corners, lock, {parallaxRangePixels: k, ...depthRange}, {
		errorPixels: mergeErrorPixels, swimPixels: settings.planarMergeSwimPixels,
	}, cells);
	const indices = shared ? sharedArray(Uint32Array, pixelIndices.length) : new Uint32Array(pixelIndices.length);
	const keptPixels = new Int32Array(pixelIndices.length);
	const vertexCount = numberKeptPixels(pixelIndices, indices, keptPixels);
	const vertexPixels = shared ? sharedArray(Int32Array, vertexCount) : new Int32Array(vertexCount);
	vertexPixels.set(keptPixels.subarray(0, vertexCount));
	const lattice = shared ? sharedArray(Float32Array, vertexCount * 3) : new Float32Array(vertexCount * 3);
	const swim = shared ? sharedArray(Float32Array, vertexCount * 2) : new Float32Array(vertexCount * 2);
	const keptLock = shared ? sharedArray(Uint8Array, vertexCount) : new Uint8Array(vertexCount);
	const sharedVertices = shared ? sharedArray(Uint8Array, vertexCount) : new Uint8Array(vertexCount);
	fillKeptVertices(ldi, vertexPixels, k, depthRange, minDisparity, lock, cells.layersUsingPixel, lattice, swim, keptLock, sharedVertices);
	const layer: LayerTriangles = {layerIndex: cells.layerIndex, vertexPixels, indices, sharedVertices};
	return {layer, indices, lattice, swim, lock: keptLock, mergeErrorPixels};
}

/** Eighth turns per pixel of a layer of cells: 2 at each corner of a block, 2 and 1 at its other triangles' corners. */
function addCellEighthTurns(links: Int32Array, {blocks, corners}: LayerCells, eighthTurns: Uint8Array): void {
	for (let b = 0; b < blocks.length; b++) {
		const tl = blocks[b];
		const tr = links[tl * 4 + LINK_RIGHT];
		const bl = links[tl * 4 + LINK_DOWN];
		eighthTurns[tl] += 2;
		eighthTurns[tr] += 2;
		eighthTurns[bl] += 2;
		eighthTurns[links[tr * 4 + LINK_DOWN]] += 2;
	}
	for (let i = 0; i < corners.length; i += 3) {
		eighthTurns[corners[i]] += 2;
		eighthTurns[corners[i + 1]] += 1;
		eighthTurns[corners[i + 2]] += 1;
	}
}

/**
 * lockedVertices per LDI pixel of a layer of cells (pixels with eighth turns are its vertices; a stitch
 * vertex is one another layer uses too); returns the smallest disparity among its vertices.
 */
function lockPixels(ldi: Ldi, layersUsingPixel: Uint8Array, eighthTurns: Uint8Array, lock: Uint8Array): number {
	const minX = -ldi.border;
	const minY = -ldi.border;
	const maxX = ldi.width - 1 + ldi.border;
	const maxY = ldi.height - 1 + ldi.border;
	let minDisparity = Infinity;
	for (let p = 0; p < eighthTurns.length; p++) {
		const turns = eighthTurns[p];
		if (turns === 0) continue;
		if (ldi.disparity[p] < minDisparity) minDisparity = ldi.disparity[p];
		if (layersUsingPixel[p] > 1) {
			lock[p] = 1;
			continue;
		}
		if (turns === 8) continue;
		const onFrameX = ldi.x[p] === minX || ldi.x[p] === maxX;
		const onFrameY = ldi.y[p] === minY || ldi.y[p] === maxY;
		// Free only in the middle of a straight frame side: on the frame, and half a turn of triangles.
		if (onFrameX === onFrameY || turns !== 4) lock[p] = 1;
	}
	return minDisparity;
}

/**
 * Numbers the pixels of `pixelIndices` in order of first use: writes `indices` and the pixels, returns
 * how many. Without a map per LDI pixel: the uses are sorted by pixel (stable radix sort, two 16-bit
 * digits), so each pixel's uses form a run whose first entry is its first use. A map of ldi.count
 * entries filled with -1 cost 6 MB at 1024 px and 100 MB at 4096 (moon), for ~80 k and ~500 k pixels
 * used; the sort takes two 4-byte entries per use (moon at 1024 px: 229 k uses, 1.8 MB).
 */
function numberKeptPixels(pixelIndices: Uint32Array, indices: Uint32Array, keptPixels: Int32Array): number {
	const uses = pixelIndices.length;
	let order = new Int32Array(uses);
	let sorted = new Int32Array(uses);
	for (let i = 0; i < uses; i++) order[i] = i;
	const starts = new Int32Array(65537);
	for (let shift = 0; shift < 32; shift += 16) {
		sortUsesByDigit(pixelIndices, order, sorted, starts, shift);
		[order, sorted] = [sorted, order];
	}
	// vertexAtUse: at each first use, its vertex + 1 (0 elsewhere), numbered in order of use.
	const vertexAtUse = sorted.fill(0);
	for (let r = 0; r < uses; r++) {
		if (r === 0 || pixelIndices[order[r]] !== pixelIndices[order[r - 1]]) vertexAtUse[order[r]] = 1;
	}
	let vertexCount = 0;
	for (let i = 0; i < uses; i++) {
		if (vertexAtUse[i] === 0) continue;
		keptPixels[vertexCount] = pixelIndices[i];
		vertexAtUse[i] = ++vertexCount;
	}
	let vertex = 0;
	for (let r = 0; r < uses; r++) {
		const use = order[r];
		if (vertexAtUse[use] > 0) vertex = vertexAtUse[use] - 1;
		indices[use] = vertex;
	}
	return vertexCount;
}

/** One stable counting-sort pass of the uses in `order` by the 16-bit digit of their pixel at `shift`, into `sorted`. */
function sortUsesByDigit(pixelIndices: Uint32Array, order: Int32Array, sorted: Int32Array, starts: Int32Array, shift: number): void {
	starts.fill(0);
	for (let i = 0; i < order.length; i++) starts[((pixelIndices[order[i]] >>> shift) & 0xffff) + 1]++;
	for (let digit = 1; digit < starts.length; digit++) starts[digit] += starts[digit - 1];
	for (let i = 0; i < order.length; i++) {
		const use = order[i];
		sorted[starts[(pixelIndices[use] >>> shift) & 0xffff]++] = use;
	}
}

/**
 * Lattice (x, y, k·d), swim attributes, lock and stitch flag of every kept vertex; 1/z rounded to
 * Float32 as mergeLayer's inverse depths, the smallest that of `minDisparity` (1/z grows with d).
 */
function fillKeptVertices(
	ldi: Ldi, vertexPixels: Int32Array, k: number, depthRange: DepthRange, minDisparity: number, lock: Uint8Array,
	layersUsingPixel: Uint8Array, lattice: Float32Array, swim: Float32Array, keptLock: Uint8Array, sharedVertices: Uint8Array,
): void {
	const inverseNear = 1 / depthRange.nearMeters;
	const inverseFar = 1 / depthRange.farMeters;
	const minInverseDepth = Math.fround(minDisparity * inverseNear + (1 - minDisparity) * inverseFar);
	for (let v = 0; v < vertexPixels.length; v++) {
		const p = vertexPixels[v];
		const x = ldi.x[p] + 0.5;
		const y = ldi.y[p] + 0.5;
		const d = ldi.disparity[p];
		lattice[v * 3] = x;
		lattice[v * 3 + 1] = y;
		lattice[v * 3 + 2] = k * d;
		const relativeInverseDepth = Math.fround(d * inverseNear + (1 - d) * inverseFar) / minInverseDepth;
		swim[v * 2] = x * relativeInverseDepth;
		swim[v * 2 + 1] = y * relativeInverseDepth;
		keptLock[v] = lock[p];
		sharedVertices[v] = layersUsingPixel[p] > 1 ? 1 : 0;
	}
}

/** Writes 1/z of every vertex to `inverseDepth` and returns the smallest (one function per loop: see planar-quadtree.ts). */
function fillInverseDepth(disparity: Float32Array, vertexPixels: Int32Array, depthRange: DepthRange, inverseDepth: Float32Array): number {
	const inverseNear = 1 / depthRange.nearMeters;
	const inverseFar = 1 / depthRange.farMeters;
	let minInverseDepth = Infinity;
	for (let v = 0; v < vertexPixels.length; v++) {
		const d = disparity[vertexPixels[v]];
		inverseDepth[v] = d * inverseNear + (1 - d) * inverseFar;
		if (inverseDepth[v] < minInverseDepth) minInverseDepth = inverseDepth[v];
	}
	return minInverseDepth;
}

/** Writes (x, y, k·d) of every vertex to `lattice` and the swim attributes (x, y)·w/w_min to `swim`. */
function fillLatticeAndSwim(
	ldi: Ldi, vertexPixels: Int32Array, k: number, inverseDepth: Float32Array, minInverseDepth: number, lattice: Float32Array, swim: Float32Array,
): void {
	for (let v = 0; v < vertexPixels.length; v++) {
		const p = vertexPixels[v];
		const x = ldi.x[p] + 0.5;
		const y = ldi.y[p] + 0.5;
		lattice[v * 3] = x;
		lattice[v * 3 + 1] = y;
		lattice[v * 3 + 2] = k * ldi.disparity[p];
		const relativeInverseDepth = inverseDepth[v] / minInverseDepth;
		swim[v * 2] = x * relativeInverseDepth;
		swim[v * 2 + 1] = y * relativeInverseDepth;
	}
}

/** meshoptimizer over a pre-merged layer with texture-swim weight `weight`, then unprojection. */
function finishLayer(
	ldi: Ldi, merged: MergedLayer, camera: UnprojectCamera, depthRange: DepthRange, settings: SimplifyOptions, weight: number,
): SimplifiedLayer {
	let indices = merged.indices;
	let errorPixels = 0;
	if (settings.simplifyErrorPixels > 0 && !settings.meshoptimizer) {
		errorPixels = merged.mergeErrorPixels;
	} else if (settings.simplifyErrorPixels > 0 && indices.length > 3) {
		const [simplified, error] = simplifyMergedTriangles(merged, merged.indices, merged.lock, settings, weight);
		indices = simplified;
		errorPixels = merged.mergeErrorPixels + error;
	}
	return completeSimplifiedLayer(ldi, merged, indices, errorPixels, camera, depthRange);
}

/**
 * Most pre-merged triangles one meshoptimizer call is given; more are cut into bands of rows, simplified
 * one after the other with the seams between them locked (row-split.ts). meshoptimizer's WebAssembly
 * heap grows to what its largest call needs, ~165 bytes per triangle, and never shrinks: depthy_hut's
 * layer 0 (211 k pre-merged triangles) grew it to 35 MB, which stayed for the rest of the build; in
 * three bands 14 MB. Whole build, fresh processes alternating, median of 3: peak RSS hut 297 → 285 MB,
 * shelf 214 → 207 MB; triangles 147 710 → 148 422 and 114 628 → 114 374, own-view PSNR 42.72 → 42.73
 * and 45.89 → 45.89 dB (the seams' locked vertices); moon (layer 0: 76 k) unchanged.
 */
export const MESHOPT_MAX_TRIANGLES = 80_000;

/**
 * meshoptimizer's pass over `indices`, some or all of `merged`'s pre-merged triangles, with `lock`
 * (the layer's, or a copy that also locks the seam between two parts); the kept triangles and the error
 * (the largest of its bands', above MESHOPT_MAX_TRIANGLES).
 * It is handed every vertex of the layer (moon's layer 0: 1.05 M, ~80 k of them used) and copies them
 * all into its heap; handing it only the used ones, numbered in order of first use (what 'Sparse' does
 * inside), gave the same triangles and no faster build (simplify stage 381 vs 395 ms, median of 7).
 */
export function simplifyMergedTriangles(
	merged: Pick<MergedLayer, 'lattice' | 'swim'>, indices: Uint32Array, lock: Uint8Array, settings: SimplifyOptions, weight: number,
): [Uint32Array, number] {
	const triangles = indices.length / 3;
	if (triangles <= MESHOPT_MAX_TRIANGLES) return simplifyBand(merged, indices, lock, settings, weight);
	const {bands, lock: seamLock} = splitIntoRowBands(indices, merged.lattice, lock, Math.ceil(triangles / MESHOPT_MAX_TRIANGLES));
	const kept = bands.map((band) => simplifyBand(merged, band, seamLock, settings, weight));
	const result = new Uint32Array(kept.reduce((sum, [bandIndices]) => sum + bandIndices.length, 0));
	let end = 0;
	let error = 0;
	for (const [bandIndices, bandError] of kept) {
		result.set(bandIndices, end);
		end += bandIndices.length;
		error = Math.max(error, bandError);
	}
	return [result, error];
}

/** One meshoptimizer call over `indices`. */
function simplifyBand(
	merged: Pick<MergedLayer, 'lattice' | 'swim'>, indices: Uint32Array, lock: Uint8Array, settings: SimplifyOptions, weight: number,
): [Uint32Array, number] {
	if (indices.length <= 3) return [indices, 0];
	if (!simplifier) throw new Error('simplifyMergedTriangles: meshoptimizer is not loaded (await loadMeshoptSimplifier() first)');
	return simplifier.simplifyWithAttributes(
		indices, merged.lattice, 3, merged.swim, 2, [weight, weight], lock, 0, errorSplit(settings).meshoptErrorPixels, ['ErrorAbsolute', 'Sparse'],
	);
}

/** The simplified layer from its kept triangles: vertices compacted and unprojected to metres. */
export function completeSimplifiedLayer(
	ldi: Ldi, merged: MergedLayer, indices: Uint32Array, errorPixels: number, camera: UnprojectCamera, depthRange: DepthRange,
): SimplifiedLayer {
	const {layer} = merged;
	const {remap, compactIndices, kept} = compactVertices(indices, layer.vertexPixels.length);
	const vertexPixels = new Int32Array(kept);
	const sourceVertices = new Int32Array(kept);
	keptVertexPixels(layer.vertexPixels, remap, vertexPixels, sourceVertices);
	const positions = unprojectPixels(ldi, vertexPixels, camera, depthRange);
	return {
		layerIndex: layer.layerIndex, vertexPixels, sourceVertices, positions, indices: compactIndices, errorPixels,
		mergedTriangles: merged.indices.length / 3,
	};
}

/** Vertices renumbered in order of first use by `indices`: the map, the renumbered indices and the count kept. */
function compactVertices(indices: Uint32Array, vertexCount: number): {remap: Int32Array; compactIndices: Uint32Array; kept: number} {
	const remap = new Int32Array(vertexCount).fill(-1);
	const compactIndices = new Uint32Array(indices.length);
	let kept = 0;
	for (let i = 0; i < indices.length; i++) {
		const v = indices[i];
		if (remap[v] < 0) remap[v] = kept++;
		compactIndices[i] = remap[v];
	}
	return {remap, compactIndices, kept};
}

/** For every kept vertex (remap ≥ 0): its LDI pixel and its source vertex. */
function keptVertexPixels(layerVertexPixels: Int32Array, remap: Int32Array, vertexPixels: Int32Array, sourceVertices: Int32Array): void {
	for (let v = 0; v < remap.length; v++) {
		const n = remap[v];
		if (n < 0) continue;
		vertexPixels[n] = layerVertexPixels[v];
		sourceVertices[n] = v;
	}
}

/**
 * Camera-space positions in metres (x, y, z per pixel) of LDI pixels: pixel centres unprojected at the
 * depth their disparity maps to in `depthRange`, the camera at the origin looking down -Z, +Y up.
 *
 * ```ts
 * const positions = unprojectPixels(ldi, Int32Array.of(0, 1), {width: ldi.width, height: ldi.height, fovYRadians: 0.9}, range);
 * ```
 */
export function unprojectPixels(ldi: Ldi, pixels: Int32Array, camera: UnprojectCamera, depthRange: DepthRange): Float32Array {
	const inverseNear = 1 / depthRange.nearMeters;
	const inverseFar = 1 / depthRange.farMeters;
	const f = focalLengthPixels(camera.height, camera.fovYRadians);
	const cx = camera.width / 2;
	const cy = camera.height / 2;
	const positions = new Float32Array(pixels.length * 3);
	for (let n = 0; n < pixels.length; n++) {
		const p = pixels[n];
		const d = ldi.disparity[p];
		const z = 1 / (d * inverseNear + (1 - d) * inverseFar);
		positions[n * 3] = (ldi.x[p] + 0.5 - cx) / f * z;
		positions[n * 3 + 1] = -(ldi.y[p] + 0.5 - cy) / f * z;
		positions[n * 3 + 2] = -z;
	}
	return positions;
}

/**
 * Simplifies one triangulated layer (planar pre-merge, then meshoptimizer) and unprojects the kept
 * vertices to metres. The whole `triangleBudget` goes to this layer.
 *
 * ```ts
 * const layer = await simplifyLayer(ldi, triangles[0], {width, height, fovYRadians}, range, {simplifyErrorPixels: 0.5});
 * ```
 */
export async function simplifyLayer(
	ldi: Ldi,
	layer: LayerTriangles,
	camera: UnprojectCamera,
	depthRange: DepthRange,
	options: Partial<SimplifyOptions> = {},
): Promise<SimplifiedLayer> {
	return (await simplifyLayers(ldi, [layer], camera, depthRange, options))[0];
}

/** Below this swim weight the budget retries stop (texture swim is then nearly ignored). */
const MIN_RETRY_SWIM_WEIGHT = 1e-3;

/**
 * The budget's aim: meshoptimizer keeps 28–63 % of the pre-merged triangles at the starting weight, and
 * below it triangles fall as weight^α, α ≈ 0.5 on smooth maps but 0.30–0.35 on 8-bit ones (depthy_hut took
 * four passes aimed by √weight at 55 % kept; one now). A retry aims by the α its last two passes show.
 */
const KEPT_AT_START = 0.7;
const WEIGHT_EXPONENT = 1 / 3;

/**
 * A pass the budget's aim left under this share of the budget runs once more, its weight raised towards
 * the budget by RAISE_EXPONENT (the raised pass is kept only within the budget). At 4096 px the aim
 * undershoots once blurred steps are cut: moon's default build (LDI 2048) kept 85 k of 125 k at weight
 * 0.0079, own view 39.65 dB; raised to 0.0215, 114 k, 41.57 dB (41.38 before the cut). The 1024-px
 * builds never raise (same bytes; hut's aimed pass keeps 99 % of its budget).
 */
const RAISE_BELOW_BUDGET_SHARE = 0.85;
/** Triangles ∝ weight^α; moon at 4096 px showed α ≈ 0.3 between 0.0064 and 0.0117 (0.6, the retries' cap, raised too little). */
const RAISE_EXPONENT = 0.35;

/** The swim weight that turns `triangles` (at `weight`) into `target`, triangles ∝ weight^exponent. */
function aimedWeight(weight: number, triangles: number, target: number, exponent: number): number {
	return weight * (target / triangles) ** (1 / exponent);
}

/**
 * Share of the pre-merged triangles the calling thread simplifies when a layer was pre-merged on a
 * worker thread (the rest stay with the worker). meshoptimizer's time is about proportional to the
 * triangles, but the worker's pass runs slower per triangle: it shares the second core with sharp's
 * encoding of the textures baked just before. depthy_hut, half each: this thread finished its 315 k
 * triangles in ~410 ms and waited ~230 ms for the worker's 315 k. Whole build, fresh processes
 * alternating, median of 7: 0.5 → 0.58 hut 2571 → 2490 ms, shelf 1686 → 1655 ms; 0.55 hut 2527, 0.62
 * hut 2495 (of 5). moon stays unsplit (layer 0 is 78 k of 213 k). Measured when 1024-px photos used the
 * worker; now only photos above 1.5 M pixels do (build-scene-mesh.ts, `premergeWorkerMinPixels`).
 */
const CALLER_MESHOPT_SHARE = 0.58;

/**
 * Every layer through the planar pre-merge (or its `premerged` result, indexed like `layers`), then
 * meshoptimizer; when all layers together may exceed `triangleBudget`, the first pass already runs
 * at a lower texture-swim weight, and when they do, meshoptimizer runs again from the pre-merged meshes
 * with a lower one (aimed as KEPT_AT_START says), down to 0.001 (the parallax bound never loosens); an
 * aimed pass far under the budget runs once more at a raised weight (RAISE_BELOW_BUDGET_SHARE).
 * `onPremerged` is called once this thread has pre-merged the layers not given in `premerged`, before
 * it waits for those: work that would have competed with both pre-merges for the cores can start then.
 *
 * ```ts
 * const simplified = await simplifyLayers(ldi, triangulateLdi(ldi), {width, height, fovYRadians}, range);
 * ```
 */
export async function simplifyLayers(
	ldi: Ldi,
	layers: Array<LayerTriangles | LayerCells>,
	camera: UnprojectCamera,
	depthRange: DepthRange,
	options: Partial<SimplifyOptions> = {},
	premerged: ReadonlyArray<Promise<PremergedLayer> | undefined> = [],
	onPremerged?: () => void,
): Promise<SimplifiedLayer[]> {
	const settings = {...SIMPLIFY_DEFAULTS, ...options};
	// The layers not given pre-merged are pre-merged here first, then those given are awaited.
	const pending = layers.map((layer, i) => premerged[i] ?? premergeLayer(ldi, layer, camera, depthRange, settings));
	onPremerged?.();
	const merged = await Promise.all(pending);
	const mergedTriangles = merged.reduce((sum, layer) => sum + layer.mergedTriangles, 0);
	let weight = settings.textureSwimWeight;
	if (settings.simplifyErrorPixels > 0 && KEPT_AT_START * mergedTriangles > settings.triangleBudget) {
		weight = aimedWeight(weight, KEPT_AT_START * mergedTriangles, 0.9 * settings.triangleBudget, WEIGHT_EXPONENT);
	}
	// Layer 0 (with `splitLayerZero`) is simplified in two parts when the other layers hold less than
	// CALLER_MESHOPT_SHARE of all triangles: the bottom part brings this thread's share up to that while a
	// worker thread that pre-merged layer 0 simplifies its top part. The share depends on the triangle
	// counts only, not on whether such a worker exists: without one, this thread does both parts.
	const splits = layers.map((layer) => settings.splitLayerZero && layer.layerIndex === 0);
	const ownTriangles = merged.reduce((sum, layer, i) => sum + (splits[i] ? 0 : layer.mergedTriangles), 0);
	const meshoptimizing = settings.meshoptimizer && settings.simplifyErrorPixels > 0;
	const callerShares = merged.map((layer, i) => (meshoptimizing && splits[i] && layer.mergedTriangles > 0
		? Math.max(0, (mergedTriangles * CALLER_MESHOPT_SHARE - ownTriangles) / layer.mergedTriangles)
		: 0));
	let previous: {weight: number; triangles: number} | undefined;
	let beforeRaise: SimplifiedLayer[] | undefined;
	for (;;) {
		const simplified = await Promise.all(merged.map((layer, i) => layer.finish(weight, callerShares[i])));
		const triangles = simplified.reduce((sum, layer) => sum + layer.indices.length / 3, 0);
		if (beforeRaise) return triangles <= settings.triangleBudget ? simplified : beforeRaise;
		if (triangles <= settings.triangleBudget) {
			if (!meshoptimizing || weight >= settings.textureSwimWeight || triangles >= RAISE_BELOW_BUDGET_SHARE * settings.triangleBudget) return simplified;
			beforeRaise = simplified;
			weight = Math.min(settings.textureSwimWeight, aimedWeight(weight, triangles, 0.97 * settings.triangleBudget, RAISE_EXPONENT));
			continue;
		}
		if (weight < MIN_RETRY_SWIM_WEIGHT || !settings.meshoptimizer) return simplified;
		// Aimed ~3 % under the budget, by the exponent the last two passes show, or the law's after one.
		const exponent = previous
			? Math.min(0.6, Math.max(0.2, Math.log(previous.triangles / triangles) / Math.log(previous.weight / weight)))
			: WEIGHT_EXPONENT;
		previous = {weight, triangles};
		weight = aimedWeight(weight, triangles, 0.97 * settings.triangleBudget, exponent);
	}
}
