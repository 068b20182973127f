import {sharedArray} from '../ldi/ldi.js';
import type {MergedLayer} from './simplify.js';

/**
 * A pre-merged layer's triangles cut in two parts by lattice rows, for two meshoptimizer passes that may
 * run on two threads (premerge-thread.ts) or one after the other on one thread (simplify.ts): the cut
 * depends only on the mesh and the share, never on where the parts run, so a scene is the same triangle
 * for triangle on the main thread and inside a `--jobs` build worker (which has no second thread).
 */

/** Below this share of a layer's triangles the bottom part is not split off (not worth the seam). */
export const MIN_BOTTOM_SHARE = 0.05;

/** A layer's pre-merged triangles in two parts by rows, and its lock with the seam between them added. */
export interface RowSplit {
	/** Triangles above the seam row (SharedArrayBuffer: a worker thread may simplify them). */
	top: Uint32Array;
	/** Triangles at and below the seam row. */
	bottom: Uint32Array;
	/** The layer's lock plus the vertices both parts use (SharedArrayBuffer). */
	lock: Uint8Array;
}

/**
 * The share of a layer's triangles its bottom part gets for a wanted `share`, or 0 when the layer stays
 * whole (less than MIN_BOTTOM_SHARE wanted). At most 1 − MIN_BOTTOM_SHARE, so both parts hold triangles.
 *
 * ```ts
 * const share = bottomShare(0.3); // 0.3
 * if (share > 0) split = splitByRows(merged, share);
 * ```
 */
export function bottomShare(share: number): number {
	return share < MIN_BOTTOM_SHARE ? 0 : Math.min(share, 1 - MIN_BOTTOM_SHARE);
}

/**
 * Splits `merged`'s triangles at the row below which lie at most `share` of them (by each triangle's
 * first vertex) and locks the vertices both parts use, so the two meshoptimizer passes keep the seam
 * where it is and the parts stay stitched; the seam's vertices are the cost.
 *
 * ```ts
 * const {top, bottom, lock} = splitByRows(merged, 0.4);
 * ```
 */
export function splitByRows(merged: Pick<MergedLayer, 'indices' | 'lattice' | 'lock'>, share: number): RowSplit {
	const {indices, lattice, lock} = merged;
	const rows = triangleRows(indices, lattice);
	const seamRow = rowAboveShare(rows, share);
	let topCount = 0;
	for (let t = 0; t < rows.length; t++) if (rows[t] < seamRow) topCount++;
	const top = sharedArray(Uint32Array, topCount * 3);
	const bottom = new Uint32Array((rows.length - topCount) * 3);
	const seamLock = sharedArray(Uint8Array, lock.length);
	seamLock.set(lock);
	splitTriangles(indices, rows, seamRow, top, bottom, seamLock);
	return {top, bottom, lock: seamLock};
}

/**
 * Cuts `indices` (triangles of a pre-merged layer, or of one part of it) into `bandCount` bands of
 * lattice rows with about the same number of triangles each (by each triangle's first vertex), and
 * returns them with a copy of `lock` that also locks every vertex two bands use: meshoptimizer then
 * simplifies the bands one after the other, its heap sized for one band (simplify.ts,
 * MESHOPT_MAX_TRIANGLES), and the bands stay stitched.
 *
 * ```ts
 * const {bands, lock} = splitIntoRowBands(indices, merged.lattice, merged.lock, 3);
 * ```
 */
export function splitIntoRowBands(indices: Uint32Array, lattice: Float32Array, lock: Uint8Array, bandCount: number): {bands: Uint32Array[]; lock: Uint8Array} {
	const rows = triangleRows(indices, lattice);
	const firstRowOfBand = bandStartRows(rows, bandCount);
	const bandOfTriangle = new Uint16Array(rows.length);
	const trianglesInBand = new Int32Array(firstRowOfBand.length);
	for (let t = 0; t < rows.length; t++) {
		let band = firstRowOfBand.length - 1;
		while (band > 0 && rows[t] < firstRowOfBand[band]) band--;
		bandOfTriangle[t] = band;
		trianglesInBand[band]++;
	}
	const bands = Array.from(trianglesInBand, (count) => new Uint32Array(count * 3));
	const ends = new Int32Array(bands.length);
	const seamLock = new Uint8Array(lock);
	// 0: no band uses the vertex yet; b + 1: band b alone does.
	const bandOfVertex = new Uint16Array(lock.length);
	for (let t = 0; t < rows.length; t++) {
		const band = bandOfTriangle[t];
		for (let k = 0; k < 3; k++) {
			const v = indices[t * 3 + k];
			bands[band][ends[band]++] = v;
			if (bandOfVertex[v] === 0) bandOfVertex[v] = band + 1;
			else if (bandOfVertex[v] !== band + 1) seamLock[v] = 1;
		}
	}
	return {bands: bands.filter((band) => band.length > 0), lock: seamLock};
}

/** The first row of each of at most `bandCount` bands (ascending), each holding about an equal share of the triangles. */
function bandStartRows(rows: Int32Array, bandCount: number): Int32Array {
	const {minRow, maxRow, perRow} = rowHistogram(rows);
	const starts = [minRow];
	let counted = 0;
	for (let row = minRow; row <= maxRow && starts.length < bandCount; row++) {
		counted += perRow[row - minRow];
		if (counted >= starts.length * rows.length / bandCount && row < maxRow) starts.push(row + 1);
	}
	return Int32Array.from(starts);
}

/** The triangles per row, from the lowest row any triangle starts on to the highest. */
function rowHistogram(rows: Int32Array): {minRow: number; maxRow: number; perRow: Int32Array} {
	let minRow = Infinity;
	let maxRow = -Infinity;
	for (let t = 0; t < rows.length; t++) {
		if (rows[t] < minRow) minRow = rows[t];
		if (rows[t] > maxRow) maxRow = rows[t];
	}
	const perRow = new Int32Array(maxRow - minRow + 1);
	for (let t = 0; t < rows.length; t++) perRow[rows[t] - minRow]++;
	return {minRow, maxRow, perRow};
}

/** The lattice row of each triangle's first vertex. */
function triangleRows(indices: Uint32Array, lattice: Float32Array): Int32Array {
	const rows = new Int32Array(indices.length / 3);
	for (let t = 0; t < rows.length; t++) rows[t] = Math.floor(lattice[indices[t * 3] * 3 + 1]);
	return rows;
}

/** The lowest row such that the triangles at or below it (rows ≥ it) are at most `share` of all. */
function rowAboveShare(rows: Int32Array, share: number): number {
	const {minRow, maxRow, perRow} = rowHistogram(rows);
	let seamRow = maxRow + 1;
	let below = 0;
	while (seamRow > minRow && below + perRow[seamRow - 1 - minRow] <= share * rows.length) {
		seamRow--;
		below += perRow[seamRow - minRow];
	}
	return seamRow;
}

/** Copies triangles above `seamRow` to `top`, the others to `bottom`, and locks in `seamLock` the vertices both use. */
function splitTriangles(indices: Uint32Array, rows: Int32Array, seamRow: number, top: Uint32Array, bottom: Uint32Array, seamLock: Uint8Array): void {
	const usedByTop = new Uint8Array(seamLock.length);
	let topEnd = 0;
	let bottomEnd = 0;
	for (let t = 0; t < rows.length; t++) {
		if (rows[t] < seamRow) {
			for (let k = 0; k < 3; k++) {
				const v = indices[t * 3 + k];
				top[topEnd++] = v;
				usedByTop[v] = 1;
			}
		} else {
			for (let k = 0; k < 3; k++) bottom[bottomEnd++] = indices[t * 3 + k];
		}
	}
	for (let i = 0; i < bottom.length; i++) if (usedByTop[bottom[i]]) seamLock[bottom[i]] = 1;
}
