import type {Worker} from 'node:worker_threads';

import {UserError} from '../errors.js';
import {startWorker} from '../parallel/start-worker.js';
import type {BuildPhotoOptions, BuiltPhoto} from './build-photo.js';
import type {BuildStage} from './build-scene.js';

type WorkerReply =
	| {id: number; type: 'stage'; stage: BuildStage | 'gltf'}
	| {id: number; type: 'done'; result: BuiltPhoto}
	| {id: number; type: 'error'; message: string; stack?: string; userError?: {exitCode: number; subject?: string; problem: string}};

interface PendingBuild {
	resolve: (result: BuiltPhoto) => void;
	reject: (error: Error) => void;
	onStage?: (stage: BuildStage | 'gltf') => void;
}

/**
 * A pool of worker threads that build photos with buildPhoto, one photo per worker at a time: the
 * pixel stages are synchronous JavaScript, so a second photo only runs on the second core in a thread
 * of its own. `options.depth` must be plain options (each worker resolves its own depth source, and so
 * its own ONNX session).
 *
 * ```ts
 * const pool = new PhotoBuildPool(2);
 * const [a, b] = await Promise.all([pool.build('a.jpg', options), pool.build('b.jpg', options)]);
 * await pool.close();
 * ```
 */
export class PhotoBuildPool {
	private readonly idle: Worker[] = [];
	private readonly waiting: Array<(worker: Worker) => void> = [];
	private readonly workers: Worker[] = [];
	private readonly pending = new Map<number, PendingBuild>();
	private nextId = 0;

	/** The build each busy worker is on, so a crashed worker fails that build only. */
	private readonly current = new Map<Worker, number>();

	constructor(size: number) {
		for (let i = 0; i < size; i++) this.idle.push(this.spawn());
	}

	/** Builds `input` on the next free worker. */
	async build(input: string, options: BuildPhotoOptions, onStage?: (stage: BuildStage | 'gltf') => void): Promise<BuiltPhoto> {
		let worker = this.idle.pop() ?? await new Promise<Worker>((resolve) => this.waiting.push(resolve));
		try {
			const id = this.nextId++;
			this.current.set(worker, id);
			return await new Promise<BuiltPhoto>((resolve, reject) => {
				this.pending.set(id, {resolve, reject, onStage});
				worker.postMessage({id, input, options});
			});
		} finally {
			if (!this.current.has(worker)) worker = this.spawn();
			this.current.delete(worker);
			const next = this.waiting.shift();
			if (next) next(worker);
			else this.idle.push(worker);
		}
	}

	async close(): Promise<void> {
		await Promise.all(this.workers.map((worker) => worker.terminate()));
	}

	private receive(reply: WorkerReply): void {
		const build = this.pending.get(reply.id);
		if (!build) return;
		if (reply.type === 'stage') {
			build.onStage?.(reply.stage);
			return;
		}
		this.pending.delete(reply.id);
		if (reply.type === 'done') {
			build.resolve(reply.result);
		} else {
			const error = reply.userError ? new UserError(reply.message, reply.userError) : new Error(reply.message);
			if (reply.stack) error.stack = reply.stack;
			build.reject(error);
		}
	}

	private spawn(): Worker {
		const worker = startWorker(import.meta.url, './build-worker');
		worker.on('message', (reply: WorkerReply) => this.receive(reply));
		worker.on('error', (error) => {
			// The worker is gone: fail its build; build() replaces it.
			const id = this.current.get(worker);
			this.current.delete(worker);
			const build = id === undefined ? undefined : this.pending.get(id);
			if (id !== undefined) this.pending.delete(id);
			build?.reject(error);
		});
		this.workers.push(worker);
		return worker;
	}
}
