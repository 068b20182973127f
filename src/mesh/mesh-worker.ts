import type {Worker} from 'node:worker_threads';

import type {LdiGeometry} from '../ldi/ldi.js';
import {startWorker} from '../parallel/start-worker.js';
import type {DepthRange} from '../scene/scene.js';
import type {MeshWorkerRequest} from './simplify-worker.js';
import type {OffloadedLayer, SimplifiedLayer, SimplifyOptions, UnprojectCamera} from './simplify.js';
import type {LayerTriangles} from './triangulate.js';

type MeshWorkerReply =
	| {id: number; type: 'done'; result: SimplifiedLayer}
	| {id: number; type: 'error'; message: string; stack?: string};

/**
 * One worker thread that simplifies a layer while the calling thread does the rest of the meshing.
 *
 * Layer 0 of a 1024-px photo holds ~70% of the triangles meshing handles (moon.jpg: 2.08 M of 2.97 M),
 * and its planar pre-merge + meshoptimizer pass are the longest serial step after inpainting; while the
 * worker simplifies it, the calling thread bakes every texture (sharp then encodes them on its own
 * threads) and simplifies the inpainted layers. The worker is started once per process, before it is
 * needed (its module loading and meshoptimizer's WebAssembly compile overlap the LDI stage), and does
 * not keep the process alive. The LDI's geometry is sent by structured clone (~45 MB at 1024 px, tens
 * of milliseconds), which costs less than sharing buffers the LDI engine reallocates as it grows.
 *
 * ```ts
 * const worker = MeshWorker.shared();
 * const layer0 = worker.simplify(ldi, triangles[0], k, range, settings, camera);
 * const simplified = await simplifyLayers(ldi, triangles, camera, range, settings, new Map([[0, layer0]]));
 * ```
 */
export class MeshWorker {
	private static instance: MeshWorker | undefined;
	private readonly worker: Worker;
	private readonly pending = new Map<number, {resolve: (layer: SimplifiedLayer) => void; reject: (error: Error) => void}>();
	/** A merge that failed before anybody waited for its layer: reported by the next finish of that id. */
	private readonly failed = new Map<number, Error>();
	private nextId = 0;
	private broken: Error | undefined;

	private constructor() {
		this.worker = startWorker(import.meta.url, './simplify-worker');
		this.worker.on('message', (reply: MeshWorkerReply) => this.receive(reply));
		this.worker.on('error', (error) => this.fail(error));
		this.worker.on('exit', (code) => this.fail(new Error(`mesh worker exited with code ${code}`)));
		// After the listeners: adding a 'message' listener refs the worker's port again.
		this.worker.unref();
	}

	/** The process's mesh worker, started on the first call (call early to overlap its start-up). */
	static shared(): MeshWorker {
		if (!MeshWorker.instance || MeshWorker.instance.broken) MeshWorker.instance = new MeshWorker();
		return MeshWorker.instance;
	}

	/**
	 * Starts the pre-merge of `layer` on the worker and returns its handle for simplifyLayers (`k` is the
	 * resolved parallax range, `settings` complete simplify options).
	 */
	simplify(
		ldi: LdiGeometry, layer: LayerTriangles, k: number, depthRange: DepthRange, settings: SimplifyOptions, camera: UnprojectCamera,
	): OffloadedLayer {
		const id = this.nextId++;
		const geometry: LdiGeometry = {width: ldi.width, height: ldi.height, border: ldi.border, x: ldi.x, y: ldi.y, disparity: ldi.disparity, links: ldi.links};
		// Only the simplify fields: callers pass wider option objects, which may hold functions.
		const simplifyOptions: SimplifyOptions = {
			simplifyErrorPixels: settings.simplifyErrorPixels,
			parallaxRangePixels: settings.parallaxRangePixels,
			textureSwimWeight: settings.textureSwimWeight,
			planarMergeSwimPixels: settings.planarMergeSwimPixels,
			triangleBudget: settings.triangleBudget,
		};
		this.post({type: 'merge', id, ldi: geometry, layer, k, depthRange, settings: simplifyOptions});
		return {
			finish: async (weight) => new Promise<SimplifiedLayer>((resolve, reject) => {
				const earlier = this.failed.get(id) ?? this.broken;
				if (earlier) {
					reject(earlier);
					return;
				}
				// Referenced only while a result is awaited, so an idle worker never keeps the process alive.
				if (this.pending.size === 0) this.worker.ref();
				this.pending.set(id, {resolve, reject});
				this.post({type: 'finish', id, weight, camera});
			}),
			release: () => {
				this.failed.delete(id);
				if (!this.broken) this.post({type: 'release', id});
			},
		};
	}

	private post(request: MeshWorkerRequest): void {
		this.worker.postMessage(request);
	}

	private receive(reply: MeshWorkerReply): void {
		const waiting = this.pending.get(reply.id);
		if (waiting && this.pending.size === 1) this.worker.unref();
		if (reply.type === 'done') {
			this.pending.delete(reply.id);
			waiting?.resolve(reply.result);
			return;
		}
		const error = new Error(reply.message);
		if (reply.stack) error.stack = reply.stack;
		if (waiting) {
			this.pending.delete(reply.id);
			waiting.reject(error);
		} else {
			this.failed.set(reply.id, error);
		}
	}

	private fail(error: Error): void {
		this.broken ??= error;
		for (const waiting of this.pending.values()) waiting.reject(error);
		this.pending.clear();
	}
}
