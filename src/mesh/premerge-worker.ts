/**
 * Worker-thread entry of {@link PremergeThread}: pre-merges the layer it is sent, keeps the pre-merged
 * mesh, and runs meshoptimizer's pass on it at each texture-swim weight it is then sent.
 */
import {parentPort} from 'node:worker_threads';

import type {PremergeJob, PremergeRequest} from './premerge-thread.js';
import {premergeLayer, type PremergedLayer} from './simplify.js';

let premerged: PremergedLayer | undefined;

async function answer(request: PremergeRequest): Promise<void> {
	if (request.type === 'premerge') {
		const {ldi, layer, camera, depthRange, options}: PremergeJob = request.job;
		premerged = premergeLayer(ldi, layer, camera, depthRange, options);
		parentPort?.postMessage({mergedTriangles: premerged.mergedTriangles});
		return;
	}
	if (!premerged) throw new Error('premerge worker: finish before premerge');
	const simplified = await premerged.finish(request.weight);
	const buffers = [simplified.vertexPixels, simplified.sourceVertices, simplified.positions, simplified.indices].map((array) => array.buffer as ArrayBuffer);
	parentPort?.postMessage(simplified, buffers);
}

parentPort?.on('message', (request: PremergeRequest) => void answer(request));
