/**
 * WebAssembly kernel of src/mesh/planar-quadtree.ts (AssemblyScript; `npm run build:wasm` compiles it to
 * wasm/planar-quadtree.wasm): a sheet's quadtree (every level's merge), its leaves and their triangles,
 * and for a triangulated layer its fully linked blocks. The TypeScript side copies the sheet's keys in
 * (links, coordinates, disparity, lock) and the triangles out. Arithmetic mirrors the JavaScript it
 * replaced (f32 heights k·d rounded as Math.fround does, the rest in f64, the same order), so the
 * output is bit-identical (test/mesh/planar-quadtree-kernel.test.ts compares it with the TypeScript
 * twin kept there). Pointers are byte offsets into this module's memory.
 */

import {f32At, i32At, setI32} from './shared/elements';

const SIDE_TOP: i32 = 1;
const SIDE_RIGHT: i32 = 2;
const SIDE_BOTTOM: i32 = 4;
const SIDE_LEFT: i32 = 8;
const LOCKED_INSIDE: i32 = 16;
const MERGED: i32 = 128;

/** Slots of a key's four links (the LDI's order: left, up, right, down). */
const RIGHT: i32 = 2;
const DOWN: i32 = 3;

/** Most levels: one bit per level in a byte. */
const MAX_LEVELS: i32 = 8;

@inline function byteAt(base: usize, i: i32): i32 {
	return <i32>load<u8>(base + <usize>i);
}

@inline function setByte(base: usize, i: i32, value: i32): void {
	store<u8>(base + <usize>i, <u8>value);
}

@inline function i16At(base: usize, i: i32): i32 {
	return <i32>load<i16>(base + (<usize>i << 1));
}

/** Reserves `bytes` of this module's memory (16-byte aligned, zero, never freed: one instance serves one call). */
export function allocate(bytes: usize): usize {
	return heap.alloc(bytes);
}

/** A sheet's arrays and settings (see planar-quadtree.ts' Sheet), set by {@link mergeSheet} for its steps. */
let next: usize = 0;
/** Keys a row apart in a raster sheet (every block p, p + 1, p + rowStride, p + rowStride + 1), whose `next` is never read; 0 otherwise. */
let rowStride: i32 = 0;
let vertexX: usize = 0;
let vertexY: usize = 0;
let shift: i32 = 0;
let disparity: usize = 0;
let k: f64 = 0;
let inverseNear: f64 = 0;
let inverseFar: f64 = 0;
let lock: usize = 0;
let halfError: f64 = 0;
let swimPixels: f64 = 0;

/** The key `steps` away from `key` along `slot` (RIGHT or DOWN): by index in a raster sheet, else along `next`. */
@inline function step(key: i32, slot: i32, steps: i32): i32 {
	if (rowStride != 0) return key + (slot == RIGHT ? steps : steps * rowStride);
	let b = key;
	for (let i = 0; i < steps; i++) b = i32At(next, b * 4 + slot);
	return b;
}

/** The key next to `key` along `slot`. */
@inline function nextKey(key: i32, slot: i32): i32 {
	if (rowStride != 0) return key + (slot == RIGHT ? 1 : rowStride);
	return i32At(next, key * 4 + slot);
}

/**
 * The fully linked blocks of a triangulated layer (`indices`, `triangleCount` triangles; `vertexRight`
 * and `vertexDown` the LDI pixel each vertex's pixel links to, `vertexPixels` its own pixel): fills
 * `next` and `levelZeroFlags` for each, marks both of its triangles in `inBlock`, lists the blocks'
 * top-left vertices in `blocks` and returns how many (findBlocks in planar-quadtree.ts).
 */
export function findBlocks(
	indices: usize, triangleCount: i32, vertexPixels: usize, vertexRight: usize, vertexDown: usize, next: usize, levelZeroFlags: usize,
	inBlock: usize, blocks: usize,
): i32 {
	let blockCount = 0;
	for (let t = 0; t + 1 < triangleCount; t++) {
		const o = t * 3;
		const tl = i32At(indices, o);
		const bl = i32At(indices, o + 1);
		const tr = i32At(indices, o + 2);
		if (i32At(indices, o + 4) != tr || i32At(indices, o + 5) != bl) continue;
		const br = i32At(indices, o + 3);
		const pbr = i32At(vertexPixels, br);
		if (i32At(vertexDown, tl) != i32At(vertexPixels, bl) || i32At(vertexRight, tl) != i32At(vertexPixels, tr)) continue;
		if (i32At(vertexDown, tr) != pbr || i32At(vertexRight, bl) != pbr) continue;
		setByte(inBlock, t, 1);
		setByte(inBlock, t + 1, 1);
		setI32(next, tl * 4 + RIGHT, tr);
		setI32(next, tl * 4 + DOWN, bl);
		setI32(next, tr * 4 + DOWN, br);
		setI32(next, bl * 4 + RIGHT, br);
		setByte(levelZeroFlags, tl, MERGED);
		setI32(blocks, blockCount++, tl);
		t++;
	}
	return blockCount;
}

/** mergeLevel in planar-quadtree.ts: the cells of `level` that merge, their flags into `current`; returns how many. */
function mergeLevel(cells: usize, cellCount: i32, children: usize, current: usize, level: i32, merged: usize, parentMerged: usize): i32 {
	const side = 1 << level;
	const half = side >> 1;
	const mask = side - 1;
	const childBit = 1 << (level - 1);
	let mergedCount = 0;
	for (let c = 0; c < cellCount; c++) {
		const p = i32At(cells, c);
		if (((i16At(vertexX, p) + shift) & mask) != 0 || ((i16At(vertexY, p) + shift) & mask) != 0) continue;
		const tlChild = byteAt(children, p);
		const trBlock = step(p, RIGHT, half);
		const blBlock = step(p, DOWN, half);
		const trChild = byteAt(children, trBlock);
		const blChild = byteAt(children, blBlock);
		if ((tlChild & trChild & blChild & MERGED) == 0) continue;
		const brBlock = step(trBlock, DOWN, half);
		if (brBlock != step(blBlock, RIGHT, half)) continue;
		const brChild = byteAt(children, brBlock);
		if ((brChild & MERGED) == 0) continue;
		if (((tlChild | trChild | blChild | brChild) & LOCKED_INSIDE) != 0) continue;
		if ((tlChild & (SIDE_RIGHT | SIDE_BOTTOM)) != 0 || (trChild & SIDE_BOTTOM) != 0 || (blChild & SIDE_RIGHT) != 0) continue;
		if (byteAt(lock, brBlock) != 0) continue;
		const rightMiddle = step(brBlock, RIGHT, half);
		const bottomMiddle = step(brBlock, DOWN, half);
		const cornerTr = step(trBlock, RIGHT, half);
		const cornerBl = step(blBlock, DOWN, half);
		const cornerBr = step(rightMiddle, DOWN, half);
		const zTl = <f64><f32>(k * f32At(disparity, p));
		const zTr = <f64><f32>(k * f32At(disparity, cornerTr));
		const zBl = <f64><f32>(k * f32At(disparity, cornerBl));
		const zBr = <f64><f32>(k * f32At(disparity, cornerBr));
		const mean = (zTl + zTr + zBl + zBr) / 4;
		const slopeX = (zTr + zBr - zTl - zBl) / <f64>(2 * side);
		const slopeY = (zBl + zBr - zTl - zTr) / <f64>(2 * side);
		let disparityMin = Infinity;
		let disparityMax = -Infinity;
		let planar = true;
		let rowStart = p;
		for (let by = 0; by <= side && planar; by++) {
			let v = rowStart;
			const rowTerm = slopeY * <f64>(by - half);
			for (let bx = 0; bx <= side; bx++) {
				const d = f32At(disparity, v);
				const residual = <f64><f32>(k * d) - mean - slopeX * <f64>(bx - half) - rowTerm;
				if (residual > halfError || residual < -halfError) {
					planar = false;
					break;
				}
				if (d < disparityMin) disparityMin = d;
				if (d > disparityMax) disparityMax = d;
				if (bx < side) v = nextKey(v, RIGHT);
			}
			if (by < side) rowStart = nextKey(rowStart, DOWN);
		}
		if (!planar) continue;
		const inverseDepthMin = <f64><f32>(disparityMin * inverseNear + (1 - disparityMin) * inverseFar);
		const inverseDepthMax = <f64><f32>(disparityMax * inverseNear + (1 - disparityMax) * inverseFar);
		if (<f64>side * (inverseDepthMax - inverseDepthMin) > swimPixels * inverseDepthMin) continue;
		setByte(current, p, MERGED
			| ((tlChild | trChild) & SIDE_TOP) | (byteAt(lock, trBlock) * SIDE_TOP)
			| ((trChild | brChild) & SIDE_RIGHT) | (byteAt(lock, rightMiddle) * SIDE_RIGHT)
			| ((blChild | brChild) & SIDE_BOTTOM) | (byteAt(lock, bottomMiddle) * SIDE_BOTTOM)
			| ((tlChild | blChild) & SIDE_LEFT) | (byteAt(lock, blBlock) * SIDE_LEFT));
		setI32(merged, mergedCount++, p);
		setByte(parentMerged, p, byteAt(parentMerged, p) | childBit);
		setByte(parentMerged, trBlock, byteAt(parentMerged, trBlock) | childBit);
		setByte(parentMerged, blBlock, byteAt(parentMerged, blBlock) | childBit);
		setByte(parentMerged, brBlock, byteAt(parentMerged, brBlock) | childBit);
	}
	return mergedCount;
}

/** collectLevelLeaves in planar-quadtree.ts: appends the leaves of `level` from `leafCount` on; returns the new count. */
function collectLevelLeaves(cells: usize, cellCount: i32, level: i32, parentMerged: usize, used: usize, leafBlocks: usize, leafLevels: usize, leafCount: i32): i32 {
	const side = 1 << level;
	let count = leafCount;
	for (let c = 0; c < cellCount; c++) {
		const p = i32At(cells, c);
		if (((byteAt(parentMerged, p) >> level) & 1) != 0) continue;
		setI32(leafBlocks, count, p);
		setByte(leafLevels, count++, level);
		const topRight = step(p, RIGHT, side);
		setByte(used, p, 1);
		setByte(used, topRight, 1);
		setByte(used, step(p, DOWN, side), 1);
		setByte(used, step(topRight, DOWN, side), 1);
	}
	return count;
}

/** keepUnmergedTriangles in planar-quadtree.ts: the loose triangles outside blocks to `merged`; returns the length written. */
function keepUnmergedTriangles(indices: usize, triangleCount: i32, inBlock: usize, used: usize, merged: usize): i32 {
	let length = 0;
	for (let t = 0; t < triangleCount; t++) {
		if (byteAt(inBlock, t) != 0) continue;
		for (let c = 0; c < 3; c++) {
			const v = i32At(indices, t * 3 + c);
			setByte(used, v, 1);
			setI32(merged, length++, v);
		}
	}
	return length;
}

/** emitFans in planar-quadtree.ts: the fans (or block pairs) of the first `fanLeaves` leaves from `start` on; returns the new length. */
function emitFans(
	leafBlocks: usize, leafLevels: usize, fanLeaves: i32, used: usize, ring: usize, rightColumn: usize, topRow: usize, merged: usize, start: i32,
): i32 {
	let length = start;
	for (let leaf = 0; leaf < fanLeaves; leaf++) {
		const side = 1 << byteAt(leafLevels, leaf);
		const p = i32At(leafBlocks, leaf);
		let v = p;
		for (let bx = 0; bx <= side; bx++) {
			setI32(topRow, bx, v);
			if (bx < side) v = nextKey(v, RIGHT);
		}
		v = i32At(topRow, side);
		for (let by = 0; by <= side; by++) {
			setI32(rightColumn, by, v);
			if (by < side) v = nextKey(v, DOWN);
		}
		let n = 0;
		v = p;
		for (let by = 0; by < side; by++) {
			if (byteAt(used, v) != 0) setI32(ring, n++, v);
			v = nextKey(v, DOWN);
		}
		for (let bx = 0; bx < side; bx++) {
			if (byteAt(used, v) != 0) setI32(ring, n++, v);
			v = nextKey(v, RIGHT);
		}
		for (let by = side; by > 0; by--) {
			const r = i32At(rightColumn, by);
			if (byteAt(used, r) != 0) setI32(ring, n++, r);
		}
		for (let bx = side; bx > 0; bx--) {
			const t = i32At(topRow, bx);
			if (byteAt(used, t) != 0) setI32(ring, n++, t);
		}
		if (n == 4) {
			setI32(merged, length++, i32At(ring, 0));
			setI32(merged, length++, i32At(ring, 1));
			setI32(merged, length++, i32At(ring, 3));
			setI32(merged, length++, i32At(ring, 2));
			setI32(merged, length++, i32At(ring, 3));
			setI32(merged, length++, i32At(ring, 1));
			continue;
		}
		const half = side >> 1;
		const centre = step(step(p, RIGHT, half), DOWN, half);
		for (let c = 0; c < n; c++) {
			setI32(merged, length++, centre);
			setI32(merged, length++, i32At(ring, c));
			setI32(merged, length++, i32At(ring, (c + 1) % n));
		}
	}
	return length;
}

/** emitBlocks in planar-quadtree.ts: the two triangles of each leaf from `from` to `leafCount`; returns the new length. */
function emitBlocks(leafBlocks: usize, from: i32, leafCount: i32, merged: usize, start: i32): i32 {
	let length = start;
	for (let leaf = from; leaf < leafCount; leaf++) {
		const p = i32At(leafBlocks, leaf);
		const tr = nextKey(p, RIGHT);
		const bl = nextKey(p, DOWN);
		const br = nextKey(tr, DOWN);
		setI32(merged, length++, p);
		setI32(merged, length++, bl);
		setI32(merged, length++, tr);
		setI32(merged, length++, br);
		setI32(merged, length++, tr);
		setI32(merged, length++, bl);
	}
	return length;
}

/**
 * mergeSheet in planar-quadtree.ts: the quadtree over `blocks` (`blockCount` level-0 cells, flagged
 * MERGED in `levelZeroFlags`), then the leaves' triangles after the triangles of `loose` outside blocks
 * (`inBlock` 0) into `merged`; returns the index count written. Keys are below `keyCount`; `next` holds
 * 4 links per key (unread when `rowStrideKeys` is not 0: see rowStride); `vertexX`, `vertexY` (i16), `disparity` (f32) and `lock` (u8) one entry per key.
 */
export function mergeSheet(
	nextAt: usize, rowStrideKeys: i32, vertexXAt: usize, vertexYAt: usize, shiftPixels: i32, disparityAt: usize, parallaxRangePixels: f64, inverseNearMeters: f64,
	inverseFarMeters: f64, lockAt: usize, halfErrorPixels: f64, swimBoundPixels: f64, keyCount: i32, blocks: usize, blockCount: i32,
	levelZeroFlags: usize, loose: usize, looseTriangles: i32, inBlock: usize, maxCellBlocks: i32, merged: usize,
): i32 {
	next = nextAt;
	rowStride = rowStrideKeys;
	vertexX = vertexXAt;
	vertexY = vertexYAt;
	shift = shiftPixels;
	disparity = disparityAt;
	k = parallaxRangePixels;
	inverseNear = inverseNearMeters;
	inverseFar = inverseFarMeters;
	lock = lockAt;
	halfError = halfErrorPixels;
	swimPixels = swimBoundPixels;

	let maxLevel = 0;
	while ((2 << maxLevel) <= maxCellBlocks && maxLevel < MAX_LEVELS) maxLevel++;
	const otherFlags = heap.alloc(<usize>keyCount);
	const parentMerged = heap.alloc(<usize>keyCount);
	// Where each level's cells are and how many: level 0's are `blocks`; those of the levels above follow
	// one another (a merged cell has four distinct children, so together at most a third of level 0's).
	const levelCells = heap.alloc(<usize>(MAX_LEVELS + 1) << 3);
	const cellLists = heap.alloc(<usize>((blockCount + 2) / 3 + 16) << 2);
	store<usize>(levelCells, blocks);
	store<i32>(levelCells + 4, blockCount);
	let end = cellLists;
	for (let level = 1; level <= maxLevel; level++) {
		const current = (level & 1) != 0 ? otherFlags : levelZeroFlags;
		const children = (level & 1) != 0 ? levelZeroFlags : otherFlags;
		if (level >= 2) {
			// The array now written held level - 2: clear it.
			const stale = load<usize>(levelCells + (<usize>(level - 2) << 3));
			const staleCount = load<i32>(levelCells + (<usize>(level - 2) << 3) + 4);
			for (let c = 0; c < staleCount; c++) setByte(current, i32At(stale, c), 0);
		}
		const cells = load<usize>(levelCells + (<usize>(level - 1) << 3));
		const cellCount = load<i32>(levelCells + (<usize>(level - 1) << 3) + 4);
		const mergedCount = mergeLevel(cells, cellCount, children, current, level, end, parentMerged);
		store<usize>(levelCells + (<usize>level << 3), end);
		store<i32>(levelCells + (<usize>level << 3) + 4, mergedCount);
		end += <usize>mergedCount << 2;
	}

	const used = heap.alloc(<usize>keyCount);
	memory.copy(used, lock, <usize>keyCount);
	const cellTotal = blockCount + <i32>((end - cellLists) >> 2);
	const leafBlocks = heap.alloc(<usize>cellTotal << 2);
	const leafLevels = heap.alloc(<usize>cellTotal);
	let leafCount = 0;
	for (let level = maxLevel; level > 0; level--) {
		const cells = load<usize>(levelCells + (<usize>level << 3));
		const cellCount = load<i32>(levelCells + (<usize>level << 3) + 4);
		leafCount = collectLevelLeaves(cells, cellCount, level, parentMerged, used, leafBlocks, leafLevels, leafCount);
	}
	const fanLeaves = leafCount;
	leafCount = collectLevelLeaves(blocks, blockCount, 0, parentMerged, used, leafBlocks, leafLevels, leafCount);
	const length = keepUnmergedTriangles(loose, looseTriangles, inBlock, used, merged);
	const ring = heap.alloc(<usize>(4 * maxCellBlocks + 4) << 2);
	const rightColumn = heap.alloc(<usize>(maxCellBlocks + 1) << 2);
	const topRow = heap.alloc(<usize>(maxCellBlocks + 1) << 2);
	const fansEnd = emitFans(leafBlocks, leafLevels, fanLeaves, used, ring, rightColumn, topRow, merged, length);
	return emitBlocks(leafBlocks, fanLeaves, leafCount, merged, fansEnd);
}

/** Flags each of the `blockCount` keys at `blocks` MERGED in `flags` (the level-0 cells of a layer of cells). */
export function flagBlocks(blocks: usize, blockCount: i32, flags: usize): void {
	for (let b = 0; b < blockCount; b++) setByte(flags, i32At(blocks, b), MERGED);
}
