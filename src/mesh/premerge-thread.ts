import type {Worker} from 'node:worker_threads';

import type {Ldi} from '../ldi/ldi.js';
import {startWorker} from '../parallel/start-worker.js';
import type {DepthRange} from '../scene/scene.js';
import {premergeLayer, type PremergedLayer, type SimplifiedLayer, type SimplifyOptions, type UnprojectCamera} from './simplify.js';
import type {LayerTriangles} from './triangulate.js';

/** What the worker pre-merges: the LDI and the layer share their memory (SharedArrayBuffers), the rest is small. */
export interface PremergeJob {
	ldi: Ldi;
	layer: LayerTriangles;
	camera: UnprojectCamera;
	depthRange: DepthRange;
	options: SimplifyOptions;
}

/** Messages to the worker: one pre-merge, then meshoptimizer passes at given texture-swim weights. */
export type PremergeRequest = {type: 'premerge'; job: PremergeJob} | {type: 'finish'; weight: number};

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
		// Never keeps a finished process alive.
		this.worker.unref();
	}

	/** The layer pre-merged on the worker; its `finish` runs meshoptimizer there too. */
	async premerge(job: PremergeJob): Promise<PremergedLayer> {
		try {
			const {mergedTriangles} = await this.request<{mergedTriangles: number}>({type: 'premerge', job});
			this.madeOnWorker = true;
			return {
				mergedTriangles,
				finish: async (weight) => {
					try {
						return await this.request<SimplifiedLayer>({type: 'finish', weight});
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
				resolve(value);
			};
			const onExit = (code: number): void => reject(new Error(`premerge worker exited with code ${code}`));
			this.worker.once('message', onMessage);
			this.worker.once('error', reject);
			this.worker.once('exit', onExit);
		});
		this.worker.postMessage(request);
		return answer;
	}
}
