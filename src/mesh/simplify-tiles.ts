import {createRequire} from 'node:module';
import {pathToFileURL} from 'node:url';
import {Worker} from 'node:worker_threads';

import {MeshoptSimplifier, type SimplifierFlags} from 'meshoptimizer';

/**
 * The tile pass of the simplifier (see simplify.ts), on the calling thread or on one worker thread so a
 * second core shares it. Tiles travel as one batch of concatenated compact meshes; the worker runs the
 * very same {@link simplifyTileBatch} function (its source is injected into the worker), with its own
 * meshoptimizer instance. If the worker cannot start, the batch runs on the calling thread.
 */

/** Tiles as concatenated compact meshes: tile t owns indices [indexStarts[t], indexStarts[t+1]) and vertices [vertexStarts[t], vertexStarts[t+1]). */
export interface TileBatch {
	indices: Uint32Array;
	indexStarts: Int32Array;
	/** x, y, k·d per vertex. */
	lattice: Float32Array;
	/** Texture-swim attributes, 2 per vertex. */
	swim: Float32Array;
	/** 1 = locked vertex. */
	lock: Uint8Array;
	vertexStarts: Int32Array;
	swimWeight: number;
	errorPixels: number;
}

/** Simplified tiles: tile t's indices (local to the tile) are [starts[t], starts[t+1]) of `indices`. */
export interface TileBatchResult {
	indices: Uint32Array;
	starts: Int32Array;
	/** True when a worker thread did the work. */
	onWorker?: boolean;
}

interface SimplifierLike {
	simplifyWithAttributes: typeof MeshoptSimplifier.simplifyWithAttributes;
}

/**
 * Simplifies every tile of `batch` with tile borders locked. Self-contained on purpose (no imports, no
 * outer variables): its source also runs in the worker.
 *
 * ```ts
 * await MeshoptSimplifier.ready;
 * const {indices, starts} = simplifyTileBatch(batch, MeshoptSimplifier);
 * ```
 */
export function simplifyTileBatch(batch: TileBatch, simplifier: SimplifierLike): TileBatchResult {
	const tileCount = batch.indexStarts.length - 1;
	const pieces: Uint32Array[] = [];
	const starts = new Int32Array(tileCount + 1);
	const flags: SimplifierFlags[] = ['LockBorder', 'ErrorAbsolute'];
	for (let t = 0; t < tileCount; t++) {
		const v0 = batch.vertexStarts[t];
		const v1 = batch.vertexStarts[t + 1];
		const [piece] = simplifier.simplifyWithAttributes(
			batch.indices.subarray(batch.indexStarts[t], batch.indexStarts[t + 1]),
			batch.lattice.subarray(v0 * 3, v1 * 3), 3,
			batch.swim.subarray(v0 * 2, v1 * 2), 2,
			[batch.swimWeight, batch.swimWeight], batch.lock.subarray(v0, v1), 0, batch.errorPixels, flags,
		);
		pieces.push(piece);
		starts[t + 1] = starts[t] + piece.length;
	}
	const indices = new Uint32Array(starts[tileCount]);
	for (let t = 0; t < tileCount; t++) indices.set(pieces[t], starts[t]);
	return {indices, starts};
}

const WORKER_SOURCE = `
import {parentPort, workerData} from 'node:worker_threads';
const {MeshoptSimplifier} = await import(workerData.simplifierUrl);
await MeshoptSimplifier.ready;
const simplifyTileBatch = ${simplifyTileBatch.toString()};
parentPort.on('message', (batch) => {
	const result = simplifyTileBatch(batch, MeshoptSimplifier);
	parentPort.postMessage(result, [result.indices.buffer, result.starts.buffer]);
});
`;

let worker: Worker | undefined;
let workerBroken = false;

function sharedWorker(): Worker {
	if (!worker) {
		worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(WORKER_SOURCE)}`), {
			workerData: {simplifierUrl: pathToFileURL(createRequire(import.meta.url).resolve('meshoptimizer/simplifier')).href},
		});
		// An idle worker must not keep the process alive.
		worker.unref();
	}
	return worker;
}

/**
 * Runs `batch` on the shared worker thread; falls back to the calling thread when workers are not
 * available.
 *
 * ```ts
 * const [mine, theirs] = await Promise.all([local(), simplifyTileBatchOnWorker(half)]);
 * ```
 */
export async function simplifyTileBatchOnWorker(batch: TileBatch): Promise<TileBatchResult> {
	if (!workerBroken) {
		try {
			const thread = sharedWorker();
			return await new Promise<TileBatchResult>((resolve, reject) => {
				const onError = (error: Error): void => {
					thread.off('message', onMessage);
					reject(error);
				};
				const onMessage = (result: TileBatchResult): void => {
					thread.off('error', onError);
					resolve({...result, onWorker: true});
				};
				thread.once('message', onMessage);
				thread.once('error', onError);
				thread.ref();
				thread.postMessage(batch);
			}).finally(() => thread.unref());
		} catch {
			workerBroken = true;
			worker = undefined;
		}
	}
	await MeshoptSimplifier.ready;
	return simplifyTileBatch(batch, MeshoptSimplifier);
}
