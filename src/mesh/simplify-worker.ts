/**
 * Worker-thread entry of {@link MeshWorker}: pre-merges the layers it is sent (simplify.ts mergeLayer),
 * keeps them, and finishes them with meshoptimizer at whatever texture-swim weight it is asked for, so
 * budget retries need no second transfer.
 */
import {parentPort} from 'node:worker_threads';

import {MeshoptSimplifier} from 'meshoptimizer';

import type {DepthRange} from '../scene/scene.js';
import type {LdiGeometry} from '../ldi/ldi.js';
import {finishLayer, mergeLayer, type MergedLayer, type SimplifyOptions, type UnprojectCamera} from './simplify.js';
import type {LayerTriangles} from './triangulate.js';

export type MeshWorkerRequest =
	| {type: 'merge'; id: number; ldi: LdiGeometry; layer: LayerTriangles; k: number; depthRange: DepthRange; settings: SimplifyOptions}
	| {type: 'finish'; id: number; weight: number; camera: UnprojectCamera}
	| {type: 'release'; id: number};

interface Job {
	ldi: LdiGeometry;
	merged: MergedLayer;
	depthRange: DepthRange;
	settings: SimplifyOptions;
}

const jobs = new Map<number, Job>();

parentPort?.on('message', async (request: MeshWorkerRequest) => {
	try {
		if (request.type === 'release') {
			jobs.delete(request.id);
			return;
		}
		if (request.type === 'merge') {
			const {ldi, layer, k, depthRange, settings} = request;
			jobs.set(request.id, {ldi, merged: mergeLayer(ldi, layer, k, depthRange, settings), depthRange, settings});
			return;
		}
		const job = jobs.get(request.id);
		if (!job) throw new Error(`mesh worker: no layer ${request.id}`);
		await MeshoptSimplifier.ready;
		const result = finishLayer(job.ldi, job.merged, request.camera, job.depthRange, job.settings, request.weight);
		parentPort?.postMessage({id: request.id, type: 'done', result}, [
			result.vertexPixels.buffer, result.sourceVertices.buffer, result.positions.buffer, result.indices.buffer,
		] as ArrayBuffer[]);
	} catch (error) {
		parentPort?.postMessage({id: request.id, type: 'error', message: (error as Error).message, stack: (error as Error).stack});
	}
});
