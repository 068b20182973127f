import type {Worker} from 'node:worker_threads';

import type {Ldi} from '../ldi/ldi.js';
import {startWorker} from '../parallel/start-worker.js';
import type {DepthRange} from '../scene/scene.js';
import {type RowSplit, splitByRows} from './row-split.js';
import {
	finishSplitLayer, type MergedLayer, premergeLayer, type PremergedLayer, type SimplifiedLayer, type SimplifyOptions, splitShare,
	type UnprojectCamera,
} from './simplify.js';
import type {LayerCells, LayerTriangles} from './triangulate.js';

/** What the worker pre-merges: the LDI and the layer share their memory (SharedArrayBuffers), the rest is small. */
export interface PremergeJob {
	ldi: Ldi;
	layer: LayerTriangles | LayerCells;
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
			const reply = await this.request<{mergedTriangles: number; merged: MergedLayer}>({type: 'premerge', job});
			this.madeOnWorker = true;
			const {merged} = reply;
			let split: RowSplit | undefined;
			return {
				mergedTriangles: reply.mergedTriangles,
				merged,
				finish: async (weight, callerShare = 0) => {
					try {
						const share = splitShare(job.options, callerShare);
						if (share === 0) return await this.request<SimplifiedLayer>({type: 'finish', weight});
						const parts = split ??= splitByRows(merged, share);
						return await finishSplitLayer(job.ldi, merged, parts, job.camera, job.depthRange, job.options, weight, async (topWeight) => {
							const {indices, error} = await this.request<{indices: Uint32Array; error: number}>({type: 'simplifyPart', weight: topWeight, indices: parts.top, lock: parts.lock});
							return [indices, error];
						});
					} catch {
						// The same split (or none) here: the result does not depend on where it was made.
						this.madeOnWorker = false;
						return premergeLayer(job.ldi, job.layer, job.camera, job.depthRange, job.options).finish(weight, callerShare);
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
