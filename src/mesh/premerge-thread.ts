import type {Worker} from 'node:worker_threads';

import {type Ldi, sharedArray} from '../ldi/ldi.js';
import {startWorker} from '../parallel/start-worker.js';
import type {DepthRange} from '../scene/scene.js';
import {
	completeSimplifiedLayer, type MergedLayer, premergeLayer, type PremergedLayer, type SimplifiedLayer, simplifyMergedTriangles,
	type SimplifyOptions, type UnprojectCamera,
} from './simplify.js';
import type {LayerTriangles} from './triangulate.js';

/** What the worker pre-merges: the LDI and the layer share their memory (SharedArrayBuffers), the rest is small. */
export interface PremergeJob {
	ldi: Ldi;
	layer: LayerTriangles;
	camera: UnprojectCamera;
	depthRange: DepthRange;
	options: SimplifyOptions;
}

/**
 * Messages to the worker: one pre-merge, then meshoptimizer passes at given texture-swim weights, over
 * the whole layer or over part of its triangles with a lock that also holds the seam.
 */
export type PremergeRequest =
	| {type: 'premerge'; job: PremergeJob}
	| {type: 'finish'; weight: number}
	| {type: 'simplifyPart'; weight: number; indices: Uint32Array; lock: Uint8Array};

/**
 * One layer's simplification (simplify.ts: `premergeLayer` and its meshoptimizer passes) on a worker
 * thread, started before its job is known so the worker's module loading overlaps the caller's
 * triangulation. The LDI and the triangulated layers live in SharedArrayBuffers, so nothing big is
 * copied on the way in; the pre-merged mesh stays on the worker; only the simplified layer comes back
 * (transferred). Should the worker fail, the calling thread does the work itself.
 *
 * ```ts
 * const thread = new PremergeThread();
 * const layerZero = thread.premerge({ldi, layer: triangles[0], camera, depthRange, options});
 * // … the other layers are pre-merged here meanwhile …
 * const simplified = await simplifyLayers(ldi, triangles, camera, depthRange, options, [layerZero]);
 * void thread.terminate();
 * ```
 */
export class PremergeThread {
	/** Whether the last result came from the worker (false: it failed and the calling thread made it). */
	madeOnWorker = false;
	private readonly worker: Worker;

	constructor() {
		this.worker = startWorker(import.meta.url, './premerge-worker');
		// Keeps the process alive only while an answer is awaited (see request).
		this.worker.unref();
	}

	/**
	 * The layer pre-merged on the worker; its `finish` runs meshoptimizer there too, or, given a
	 * `callerShare`, over the top rows only while the calling thread simplifies the bottom rows.
	 */
	async premerge(job: PremergeJob): Promise<PremergedLayer> {
		try {
			const reply = await this.request<{mergedTriangles: number; merged: Omit<MergedLayer, 'layer'>}>({type: 'premerge', job});
			this.madeOnWorker = true;
			const merged = {...reply.merged, layer: job.layer};
			let split: RowSplit | undefined;
			return {
				mergedTriangles: reply.mergedTriangles,
				merged,
				finish: async (weight, callerShare = 0) => {
					try {
						if (callerShare < MIN_CALLER_SHARE || !job.options.meshoptimizer) return await this.request<SimplifiedLayer>({type: 'finish', weight});
						split ??= splitByRows(merged, Math.min(callerShare, 1 - MIN_CALLER_SHARE));
						const top = this.request<{indices: Uint32Array; error: number}>({type: 'simplifyPart', weight, indices: split.top, lock: split.lock});
						const [bottomIndices, bottomError] = simplifyMergedTriangles(merged, split.bottom, split.lock, job.options, weight);
						const {indices: topIndices, error: topError} = await top;
						const indices = new Uint32Array(topIndices.length + bottomIndices.length);
						indices.set(topIndices);
						indices.set(bottomIndices, topIndices.length);
						return completeSimplifiedLayer(job.ldi, merged, indices, merged.mergeErrorPixels + Math.max(topError, bottomError), job.camera, job.depthRange);
					} catch {
						this.madeOnWorker = false;
						return premergeLayer(job.ldi, job.layer, job.camera, job.depthRange, job.options).finish(weight);
					}
				},
			};
		} catch {
			this.madeOnWorker = false;
			return premergeLayer(job.ldi, job.layer, job.camera, job.depthRange, job.options);
		}
	}

	async terminate(): Promise<void> {
		await this.worker.terminate();
	}

	/** Posts `request` and resolves with the worker's answer (requests are answered in order, one at a time). */
	private async request<T>(request: PremergeRequest): Promise<T> {
		const answer = new Promise<T>((resolve, reject) => {
			const onMessage = (value: T): void => {
				this.worker.off('error', reject);
				this.worker.off('exit', onExit);
				this.worker.unref();
				resolve(value);
			};
			const onExit = (code: number): void => reject(new Error(`premerge worker exited with code ${code}`));
			this.worker.once('message', onMessage);
			this.worker.once('error', reject);
			this.worker.once('exit', onExit);
		});
		// Referenced while an answer is awaited, unreferenced otherwise: an idle worker never holds a
		// finished process open.
		this.worker.ref();
		this.worker.postMessage(request);
		return answer;
	}
}

/** Below this share of a layer's triangles the calling thread takes none (not worth the seam). */
const MIN_CALLER_SHARE = 0.05;

/** A layer's pre-merged triangles in two parts by rows, and its lock with the seam between them added. */
interface RowSplit {
	top: Uint32Array;
	bottom: Uint32Array;
	lock: Uint8Array;
}

/**
 * Splits `merged`'s triangles at the row below which lie at most `bottomShare` of them (by each
 * triangle's first vertex) and locks the vertices both parts use, so the two meshoptimizer passes keep
 * the seam where it is and the parts stay stitched; the seam's vertices are the cost.
 */
function splitByRows(merged: MergedLayer, bottomShare: number): RowSplit {
	const {indices, lattice, lock} = merged;
	const rows = triangleRows(indices, lattice);
	const seamRow = rowAboveShare(rows, bottomShare);
	let topCount = 0;
	for (let t = 0; t < rows.length; t++) if (rows[t] < seamRow) topCount++;
	const top = sharedArray(Uint32Array, topCount * 3);
	const bottom = new Uint32Array((rows.length - topCount) * 3);
	const seamLock = sharedArray(Uint8Array, lock.length);
	seamLock.set(lock);
	splitTriangles(indices, rows, seamRow, top, bottom, seamLock);
	return {top, bottom, lock: seamLock};
}

/** The lattice row of each triangle's first vertex. */
function triangleRows(indices: Uint32Array, lattice: Float32Array): Int32Array {
	const rows = new Int32Array(indices.length / 3);
	for (let t = 0; t < rows.length; t++) rows[t] = Math.floor(lattice[indices[t * 3] * 3 + 1]);
	return rows;
}

/** The lowest row such that the triangles at or below it (rows ≥ it) are at most `share` of all. */
function rowAboveShare(rows: Int32Array, share: number): number {
	let minRow = Infinity;
	let maxRow = -Infinity;
	for (let t = 0; t < rows.length; t++) {
		if (rows[t] < minRow) minRow = rows[t];
		if (rows[t] > maxRow) maxRow = rows[t];
	}
	const perRow = new Int32Array(maxRow - minRow + 1);
	for (let t = 0; t < rows.length; t++) perRow[rows[t] - minRow]++;
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
