/**
 * Test reference for src/mesh/planar-quadtree.ts: the same pre-merge, all in TypeScript (the kernel's
 * twin, kept only for test/mesh/planar-quadtree-kernel.test.ts, which checks the two give identical
 * triangles). Its measured history is in the header of src/mesh/planar-quadtree.ts.
 */
import {LINK_DOWN, LINK_RIGHT, type Ldi} from '../../src/ldi/ldi.js';
import {PLANAR_QUADTREE_DEFAULTS, type PlanarQuadtreeDepth, type PlanarQuadtreeOptions} from '../../src/mesh/planar-quadtree.js';
import type {LayerTriangles} from '../../src/mesh/triangulate.js';

const SIDE_TOP = 1;
const SIDE_RIGHT = 2;
const SIDE_BOTTOM = 4;
const SIDE_LEFT = 8;
const LOCKED_INSIDE = 16;
const MERGED = 128;

/** Slots of `Sheet.next`, laid out as the LDI's links so that the LDI's own links can serve. */
const RIGHT = LINK_RIGHT;
const DOWN = LINK_DOWN;

/**
 * A layer's fully linked blocks, keyed by their top-left vertex. Keys are vertex ids of a triangulated
 * layer (unique within it; pixels are not: several pixels of one layer may share a position), or LDI
 * pixels for a layer meshed straight from the LDI (mergePlanarPixelCells: then `next` is the LDI's
 * links). The block right of block b is keyed by b's top-right vertex, the block below by its
 * bottom-left vertex.
 */
interface Sheet {
	/** Pixel x, y of each key; `shift` (the LDI border) added, cells align on multiples of their side. */
	vertexX: Int16Array;
	vertexY: Int16Array;
	shift: number;
	/** 4 per key: at RIGHT the key right of it, at DOWN the key below it (meaningful along blocks' sides). */
	next: Int32Array;
	/**
	 * Normalized disparity d of each key: the lattice height is k·d (`parallaxRangePixels`), 1/z is
	 * d/near + (1 - d)/far, both rounded to Float32 as simplify.ts stores them for meshoptimizer. Read
	 * from the LDI itself for a layer of cells: no per-pixel height arrays (moon's layer 0 on its worker:
	 * filling two such arrays took 143 ms of a CPU profile under load).
	 */
	disparity: Float32Array;
	parallaxRangePixels: number;
	inverseNear: number;
	inverseFar: number;
	lock: Uint8Array;
	halfError: number;
	swimPixels: number;
}

/** The key `steps` away from `key` along `slot` (RIGHT or DOWN). */
function step(next: Int32Array, key: number, slot: number, steps: number): number {
	let b = key;
	for (let i = 0; i < steps; i++) b = next[b * 4 + slot];
	return b;
}

/**
 * Merges the cells of `level` whose four children (cells of level - 1, `children` flags) merged and
 * that pass the sheet, lock, plane and swim tests; writes their flags into `current` and their top-left
 * vertices into `merged`, and returns how many. Nothing but the loop runs here, and the side flags are
 * computed without branches: code that had not run before the loop was optimized (the array's
 * allocation, the result's slice, rarely set flags) deoptimized it (6 compiles per build, ~200 ms of
 * compile time on moon).
 */
function mergeLevel(
	sheet: Sheet, cells: Int32Array, children: Uint8Array, current: Uint8Array, level: number, merged: Int32Array, parentMerged: Uint8Array,
): number {
	const {vertexX, vertexY, shift, next, disparity, parallaxRangePixels: k, inverseNear, inverseFar, lock, halfError, swimPixels} = sheet;
	const side = 1 << level;
	const half = side >> 1;
	const mask = side - 1;
	const childBit = 1 << (level - 1);
	let mergedCount = 0;
	for (let c = 0; c < cells.length; c++) {
		const p = cells[c];
		if (((vertexX[p] + shift) & mask) !== 0 || ((vertexY[p] + shift) & mask) !== 0) continue;
		const tlChild = children[p];
		// Children blocks exist along the walks because the children merged; the seams join when the
		// bottom-right child is reached both ways.
		const trBlock = step(next, p, RIGHT, half);
		const blBlock = step(next, p, DOWN, half);
		const trChild = children[trBlock];
		const blChild = children[blBlock];
		if ((tlChild & trChild & blChild & MERGED) === 0) continue;
		const brBlock = step(next, trBlock, DOWN, half);
		if (brBlock !== step(next, blBlock, RIGHT, half)) continue;
		const brChild = children[brBlock];
		if ((brChild & MERGED) === 0) continue;
		if (((tlChild | trChild | blChild | brChild) & LOCKED_INSIDE) !== 0) continue;
		if ((tlChild & (SIDE_RIGHT | SIDE_BOTTOM)) || (trChild & SIDE_BOTTOM) || (blChild & SIDE_RIGHT)) continue;
		if (lock[brBlock]) continue;
		const rightMiddle = step(next, brBlock, RIGHT, half);
		const bottomMiddle = step(next, brBlock, DOWN, half);
		const cornerTl = p;
		const cornerTr = step(next, trBlock, RIGHT, half);
		const cornerBl = step(next, blBlock, DOWN, half);
		const cornerBr = step(next, rightMiddle, DOWN, half);
		// Plane through the corners (least squares over four points), then every vertex against it.
		const zTl = Math.fround(k * disparity[cornerTl]);
		const zTr = Math.fround(k * disparity[cornerTr]);
		const zBl = Math.fround(k * disparity[cornerBl]);
		const zBr = Math.fround(k * disparity[cornerBr]);
		const mean = (zTl + zTr + zBl + zBr) / 4;
		const slopeX = (zTr + zBr - zTl - zBl) / (2 * side);
		const slopeY = (zBl + zBr - zTl - zTr) / (2 * side);
		// 1/z grows with d (near < far): the extremes of d give those of 1/z.
		let disparityMin = Infinity;
		let disparityMax = -Infinity;
		let planar = true;
		let rowStart = p;
		// A link steps one lattice position, so a vertex's offset from the cell's centre is (bx, by) - half:
		// no coordinate loads.
		for (let by = 0; by <= side && planar; by++) {
			let v = rowStart;
			const rowTerm = slopeY * (by - half);
			for (let bx = 0; bx <= side; bx++) {
				const d = disparity[v];
				const residual = Math.fround(k * d) - mean - slopeX * (bx - half) - rowTerm;
				if (residual > halfError || residual < -halfError) {
					planar = false;
					break;
				}
				if (d < disparityMin) disparityMin = d;
				if (d > disparityMax) disparityMax = d;
				if (bx < side) v = next[v * 4 + RIGHT];
			}
			if (by < side) rowStart = next[rowStart * 4 + DOWN];
		}
		if (!planar) continue;
		const inverseDepthMin = Math.fround(disparityMin * inverseNear + (1 - disparityMin) * inverseFar);
		const inverseDepthMax = Math.fround(disparityMax * inverseNear + (1 - disparityMax) * inverseFar);
		if (side * (inverseDepthMax - inverseDepthMin) > swimPixels * inverseDepthMin) continue;
		// lock holds 0 or 1, so lock · SIDE is the side's flag or 0.
		current[p] = MERGED
			| ((tlChild | trChild) & SIDE_TOP) | (lock[trBlock] * SIDE_TOP)
			| ((trChild | brChild) & SIDE_RIGHT) | (lock[rightMiddle] * SIDE_RIGHT)
			| ((blChild | brChild) & SIDE_BOTTOM) | (lock[bottomMiddle] * SIDE_BOTTOM)
			| ((tlChild | blChild) & SIDE_LEFT) | (lock[blBlock] * SIDE_LEFT);
		merged[mergedCount++] = p;
		parentMerged[p] |= childBit;
		parentMerged[trBlock] |= childBit;
		parentMerged[blBlock] |= childBit;
		parentMerged[brBlock] |= childBit;
	}
	return mergedCount;
}

/**
 * The fully linked blocks of a triangulated layer: fills `next` and `levelZeroFlags` for each, marks
 * both of its triangles in `inBlock` and returns the blocks' top-left vertices. triangulate.ts writes a
 * fully linked cell as two consecutive triangles, (tl, bl, tr) then (br, tr, bl), and keeps that order
 * through the per-layer lists and split-charts' tiles, so one sequential pass finds them; the links are
 * checked all the same. Before, a pass mapped each top-right vertex to its upper triangle and a second
 * pass looked the lower triangles up in it. moon.jpg's layer 0 on the worker thread, CPU profile:
 * 85 → 36 ms; same blocks, same bytes (moon, shelf, hut, the sample).
 */
function findBlocks(
	links: Int32Array, indices: Uint32Array, vertexPixels: Int32Array, next: Int32Array, levelZeroFlags: Uint8Array, inBlock: Uint8Array,
): Int32Array {
	const triangleCount = indices.length / 3;
	const blockList = new Int32Array(vertexPixels.length);
	let blockCount = 0;
	for (let t = 0; t + 1 < triangleCount; t++) {
		const o = t * 3;
		const tl = indices[o];
		const bl = indices[o + 1];
		const tr = indices[o + 2];
		if (indices[o + 4] !== tr || indices[o + 5] !== bl) continue;
		const br = indices[o + 3];
		const ptl = vertexPixels[tl] * 4;
		const pbr = vertexPixels[br];
		if (links[ptl + LINK_DOWN] !== vertexPixels[bl] || links[ptl + LINK_RIGHT] !== vertexPixels[tr]) continue;
		if (links[vertexPixels[tr] * 4 + LINK_DOWN] !== pbr || links[vertexPixels[bl] * 4 + LINK_RIGHT] !== pbr) continue;
		inBlock[t] = 1;
		inBlock[t + 1] = 1;
		next[tl * 4 + RIGHT] = tr;
		next[tl * 4 + DOWN] = bl;
		next[tr * 4 + DOWN] = br;
		next[bl * 4 + RIGHT] = br;
		levelZeroFlags[tl] = MERGED;
		blockList[blockCount++] = tl;
		t++;
	}
	return blockList.slice(0, blockCount);
}

/**
 * The leaves, the merged cells whose parent did not merge (bit `level` of `parentMerged`), top down
 * (their top-left keys and levels), and how many of them are above level 0 (they come first): marks
 * their corners used. Before, each leaf marked every block it covers and a cell was a leaf when its
 * top-left block was not covered: a walk over every merged block (moon: ~1 M).
 */
function collectLeaves(
	next: Int32Array, mergedCells: Int32Array[], parentMerged: Uint8Array, used: Uint8Array,
): {leafBlocks: Int32Array; leafLevels: Uint8Array; fanLeaves: number} {
	let cellCount = 0;
	for (const cells of mergedCells) cellCount += cells.length;
	const leafBlocks = new Int32Array(cellCount);
	const leafLevels = new Uint8Array(cellCount);
	let leafCount = 0;
	for (let level = mergedCells.length - 1; level > 0; level--) {
		leafCount = collectLevelLeaves(next, mergedCells[level], level, parentMerged, used, leafBlocks, leafLevels, leafCount);
	}
	const fanLeaves = leafCount;
	leafCount = collectLevelLeaves(next, mergedCells[0], 0, parentMerged, used, leafBlocks, leafLevels, leafCount);
	return {leafBlocks: leafBlocks.subarray(0, leafCount), leafLevels: leafLevels.subarray(0, leafCount), fanLeaves};
}

/**
 * collectLeaves for one level's cells, appended from `leafCount` on; returns the new count. One call per
 * level: a loop over the levels around it deoptimized at each level's start.
 */
function collectLevelLeaves(
	next: Int32Array, cells: Int32Array, level: number, parentMerged: Uint8Array, used: Uint8Array, leafBlocks: Int32Array, leafLevels: Uint8Array,
	leafCount: number,
): number {
	const side = 1 << level;
	let count = leafCount;
	for (let c = 0; c < cells.length; c++) {
		const p = cells[c];
		if ((parentMerged[p] >> level) & 1) continue;
		leafBlocks[count] = p;
		leafLevels[count++] = level;
		const topRight = step(next, p, RIGHT, side);
		used[p] = 1;
		used[topRight] = 1;
		used[step(next, p, DOWN, side)] = 1;
		used[step(next, topRight, DOWN, side)] = 1;
	}
	return count;
}

/** Copies the triangles outside fully linked blocks (`inBlock` 0) to `merged`, marking their vertices used; returns the length written. */
function keepUnmergedTriangles(indices: Uint32Array | Int32Array, inBlock: Uint8Array, used: Uint8Array, merged: Uint32Array): number {
	const triangleCount = indices.length / 3;
	let length = 0;
	for (let t = 0; t < triangleCount; t++) {
		if (inBlock[t]) continue;
		for (let k = 0; k < 3; k++) {
			const v = indices[t * 3 + k];
			used[v] = 1;
			merged[length++] = v;
		}
	}
	return length;
}

/**
 * Writes the triangles of the leaves above level 0 (the first `fanLeaves`) to `merged` from `start` on:
 * a fan from the cell's centre through every used vertex of its boundary, or two triangles when only
 * its corners are used. Returns the new length. Level 0's leaves (emitBlocks) have a loop of their own:
 * in one loop with these, they come last and deoptimized the code compiled for the fans (moon: two
 * compiles, ~39 ms of compile time).
 */
function emitFans(
	next: Int32Array, leafBlocks: Int32Array, leafLevels: Uint8Array, fanLeaves: number, used: Uint8Array, maxCellBlocks: number,
	merged: Uint32Array, start: number,
): number {
	let length = start;
	const ring = new Int32Array(4 * maxCellBlocks + 4);
	const rightColumn = new Int32Array(maxCellBlocks + 1);
	const topRow = new Int32Array(maxCellBlocks + 1);
	for (let leaf = 0; leaf < fanLeaves; leaf++) {
		const side = 1 << leafLevels[leaf];
		const p = leafBlocks[leaf];
		// Boundary vertices counter-clockwise seen from the camera: down the left side, along the bottom,
		// up the right, back along the top (each side from its first corner, without its last).
		let v = p;
		for (let bx = 0; bx <= side; bx++) {
			topRow[bx] = v;
			if (bx < side) v = next[v * 4 + RIGHT];
		}
		v = topRow[side];
		for (let by = 0; by <= side; by++) {
			rightColumn[by] = v;
			if (by < side) v = next[v * 4 + DOWN];
		}
		let n = 0;
		v = p;
		for (let by = 0; by < side; by++) {
			if (used[v]) ring[n++] = v;
			v = next[v * 4 + DOWN];
		}
		for (let bx = 0; bx < side; bx++) {
			if (used[v]) ring[n++] = v;
			v = next[v * 4 + RIGHT];
		}
		for (let by = side; by > 0; by--) {
			if (used[rightColumn[by]]) ring[n++] = rightColumn[by];
		}
		for (let bx = side; bx > 0; bx--) {
			if (used[topRow[bx]]) ring[n++] = topRow[bx];
		}
		if (n === 4) {
			// ring = tl, bl, br, tr: the two triangles of a block.
			merged[length++] = ring[0];
			merged[length++] = ring[1];
			merged[length++] = ring[3];
			merged[length++] = ring[2];
			merged[length++] = ring[3];
			merged[length++] = ring[1];
			continue;
		}
		const half = side >> 1;
		const centre = step(next, step(next, p, RIGHT, half), DOWN, half);
		for (let k = 0; k < n; k++) {
			merged[length++] = centre;
			merged[length++] = ring[k];
			merged[length++] = ring[(k + 1) % n];
		}
	}
	return length;
}

/** Writes the two triangles of each leaf block (level 0) `from` on to `merged` from `start` on; returns the new length. */
function emitBlocks(next: Int32Array, leafBlocks: Int32Array, from: number, merged: Uint32Array, start: number): number {
	let length = start;
	for (let leaf = from; leaf < leafBlocks.length; leaf++) {
		const p = leafBlocks[leaf];
		const tr = next[p * 4 + RIGHT];
		const bl = next[p * 4 + DOWN];
		const br = next[tr * 4 + DOWN];
		merged[length++] = p;
		merged[length++] = bl;
		merged[length++] = tr;
		merged[length++] = br;
		merged[length++] = tr;
		merged[length++] = bl;
	}
	return length;
}

/**
 * The quadtree over `blocks` (level-0 cells, flagged MERGED in `levelZeroFlags`), then the leaves'
 * triangles after `loose`'s triangles outside blocks (`inBlock` 0), in the sheet's keys.
 */
function mergeSheet(
	sheet: Sheet, blocks: Int32Array, levelZeroFlags: Uint8Array, loose: Uint32Array | Int32Array, inBlock: Uint8Array, maxCellBlocks: number,
	latticeTriangles: number,
): Uint32Array {
	const keyCount = levelZeroFlags.length;
	let maxLevel = 0;
	while ((2 << maxLevel) <= maxCellBlocks && maxLevel < 8) maxLevel++;
	const flags = [levelZeroFlags, new Uint8Array(keyCount)];
	// Bit l: the cell of level l keyed here lies in a merged cell of level l + 1.
	const parentMerged = new Uint8Array(keyCount);
	const mergedCells: Int32Array[] = [blocks];
	for (let level = 1; level <= maxLevel; level++) {
		const current = flags[level & 1];
		// The array now written held level - 2: clear it.
		if (level >= 2) clearFlags(current, mergedCells[level - 2]);
		const cells = mergedCells[level - 1];
		const merged = new Int32Array(cells.length);
		mergedCells.push(merged.slice(0, mergeLevel(sheet, cells, flags[(level - 1) & 1], current, level, merged, parentMerged)));
	}

	const used = sheet.lock.slice();
	const {leafBlocks, leafLevels, fanLeaves} = collectLeaves(sheet.next, mergedCells, parentMerged, used);
	// Never more than the lattice's triangles: a leaf's fan has at most two per block of its boundary.
	const merged = new Uint32Array(latticeTriangles * 3);
	const length = keepUnmergedTriangles(loose, inBlock, used, merged);
	const fansEnd = emitFans(sheet.next, leafBlocks, leafLevels, fanLeaves, used, maxCellBlocks, merged, length);
	return merged.slice(0, emitBlocks(sheet.next, leafBlocks, fanLeaves, merged, fansEnd));
}

/**
 * mergePlanarCells as the TypeScript it was before the quadtree became a WebAssembly kernel; the
 * kernel's version must return exactly what this returns.
 *
 * ```ts
 * assert.deepEqual(mergePlanarCells(ldi, layer, lock, depth), mergePlanarCellsReference(ldi, layer, lock, depth));
 * ```
 */
export function mergePlanarCellsReference(
	ldi: Ldi,
	layer: LayerTriangles,
	lock: Uint8Array,
	depth: PlanarQuadtreeDepth,
	options: Partial<PlanarQuadtreeOptions> = {},
): Uint32Array {
	const {errorPixels, swimPixels, maxCellBlocks} = {...PLANAR_QUADTREE_DEFAULTS, ...options};
	const {indices, vertexPixels} = layer;
	const vertexCount = vertexPixels.length;
	// One small function per loop: a long function of loops run once each is compiled again at every
	// loop (on-stack replacement, then a deoptimization at the next loop, which has no type feedback yet).
	// In one moon build this function was compiled 17 times (154 ms of TurboFan time), its parts now
	// ~80 ms; the simplify stage fell 811 → 647 ms (median of 5 fresh processes, same bytes).
	const next = new Int32Array(vertexCount * 4);
	const levelZeroFlags = new Uint8Array(vertexCount);
	// Triangles of fully linked blocks: the merged cells re-emit them.
	const inBlock = new Uint8Array(indices.length / 3);
	const blocks = findBlocks(ldi.links, indices, vertexPixels, next, levelZeroFlags, inBlock);
	const disparity = new Float32Array(vertexCount);
	gather(ldi.disparity, vertexPixels, disparity);
	const vertexX = new Int16Array(vertexCount);
	gather(ldi.x, vertexPixels, vertexX);
	const vertexY = new Int16Array(vertexCount);
	gather(ldi.y, vertexPixels, vertexY);
	const sheet: Sheet = {vertexX, vertexY, shift: ldi.border, next, ...sheetDepth(depth), disparity, lock, halfError: errorPixels / 2, swimPixels};
	return mergeSheet(sheet, blocks, levelZeroFlags, indices, inBlock, maxCellBlocks, indices.length / 3);
}

function sheetDepth({parallaxRangePixels, nearMeters, farMeters}: PlanarQuadtreeDepth): Pick<Sheet, 'parallaxRangePixels' | 'inverseNear' | 'inverseFar'> {
	return {parallaxRangePixels, inverseNear: 1 / nearMeters, inverseFar: 1 / farMeters};
}

/** Copies to `ofVertex` the value `ofPixel` holds for each vertex's pixel. */
function gather<T extends Int16Array | Float32Array>(ofPixel: T, vertexPixels: Int32Array, ofVertex: T): void {
	for (let v = 0; v < vertexPixels.length; v++) ofVertex[v] = ofPixel[vertexPixels[v]];
}

/**
 * mergePlanarPixelCells as the TypeScript it was before the quadtree became a WebAssembly kernel.
 *
 * ```ts
 * assert.deepEqual(mergePlanarPixelCells(ldi, blocks, corners, lock, depth), mergePlanarPixelCellsReference(ldi, blocks, corners, lock, depth));
 * ```
 */
export function mergePlanarPixelCellsReference(
	ldi: Ldi,
	blocks: Int32Array,
	loose: Int32Array,
	lock: Uint8Array,
	depth: PlanarQuadtreeDepth,
	options: Partial<PlanarQuadtreeOptions> = {},
): Uint32Array {
	const {errorPixels, swimPixels, maxCellBlocks} = {...PLANAR_QUADTREE_DEFAULTS, ...options};
	const levelZeroFlags = new Uint8Array(ldi.count);
	flagBlocks(blocks, levelZeroFlags);
	const sheet: Sheet = {
		vertexX: ldi.x, vertexY: ldi.y, shift: ldi.border, next: ldi.links, ...sheetDepth(depth), disparity: ldi.disparity, lock,
		halfError: errorPixels / 2, swimPixels,
	};
	return mergeSheet(sheet, blocks, levelZeroFlags, loose, new Uint8Array(loose.length / 3), maxCellBlocks, loose.length / 3 + 2 * blocks.length);
}

function flagBlocks(blocks: Int32Array, flags: Uint8Array): void {
	for (let b = 0; b < blocks.length; b++) flags[blocks[b]] = MERGED;
}

function clearFlags(flags: Uint8Array, cells: Int32Array): void {
	for (let c = 0; c < cells.length; c++) flags[cells[c]] = 0;
}
