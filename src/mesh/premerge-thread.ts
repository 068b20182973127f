import type {Worker} from 'node:worker_threads';

import type {Ldi} from '../ldi/ldi.js';
import {startWorker} from '../parallel/start-worker.js';
import type {DepthRange} from '../scene/scene.js';
import {premergeLayer, type PremergedLayer, type SimplifyOptions, type UnprojectCamera} from './simplify.js';
import type {LayerTriangles} from './triangulate.js';

/** What the worker is sent: the LDI and the layer share their memory (SharedArrayBuffers), the rest is small. */
export interface PremergeJob {
	ldi: Ldi;
	layer: LayerTriangles;
	camera: UnprojectCamera;
	depthRange: DepthRange;
	options: SimplifyOptions;
}

/**
 * The planar pre-merge of one layer (simplify.ts: `premergeLayer`) on a worker thread, started before
 * its job is known so the worker's module loading overlaps the caller's triangulation. The LDI and the
 * triangulated layers live in SharedArrayBuffers, so nothing big is copied on the way in; the results
 * are transferred back.
 *
 * ```ts
 * const thread = new PremergeThread();
 * const layerZero = thread.premerge({ldi, layer: triangles[0], camera, depthRange, options});
 * // … pre-merge the other layers here …
 * const simplified = await simplifyLayers(ldi, triangles, camera, depthRange, options, [layerZero]);
 * void thread.terminate();
 * ```
 */
export class PremergeThread {
	private readonly worker: Worker;

	constructor() {
		this.worker = startWorker(import.meta.url, './premerge-worker');
		// Never keeps a finished process alive.
		this.worker.unref();
	}

	/** Whether the last job's result came from the worker (false: the worker failed, the caller made it). */
	madeOnWorker = false;

	/** The pre-merged layer; made on the calling thread instead should the worker fail. */
	async premerge(job: PremergeJob): Promise<PremergedLayer> {
		const result = new Promise<PremergedLayer>((resolve, reject) => {
			this.worker.once('message', resolve);
			this.worker.once('error', reject);
			this.worker.once('exit', (code) => reject(new Error(`premerge worker exited with code ${code}`)));
		});
		this.worker.postMessage(job);
		try {
			const premerged = await result;
			this.madeOnWorker = true;
			return premerged;
		} catch {
			this.madeOnWorker = false;
			return premergeLayer(job.ldi, job.layer, job.camera, job.depthRange, job.options);
		}
	}

	async terminate(): Promise<void> {
		await this.worker.terminate();
	}
}
