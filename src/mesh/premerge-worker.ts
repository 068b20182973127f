/**
 * Worker-thread entry of {@link PremergeThread}: pre-merges the layer it is sent (sharing the pre-merged
 * mesh back), then runs meshoptimizer's pass on it, or on the part of it it is sent, at each
 * texture-swim weight it is then sent.
 */
import {parentPort} from 'node:worker_threads';

import type {PremergeRequest} from './premerge-thread.js';
import {loadMeshoptSimplifier, premergeLayer, type PremergedLayer, type SimplifyOptions, simplifyMergedTriangles} from './simplify.js';

let premerged: {handle: PremergedLayer; options: SimplifyOptions} | undefined;

async function answer(request: PremergeRequest): Promise<void> {
	if (request.type === 'premerge') {
		const {ldi, layer, camera, depthRange, options} = request.job;
		const handle = premergeLayer(ldi, layer, camera, depthRange, options, true);
		premerged = {handle, options};
		// The arrays are SharedArrayBuffers: the calling thread sees them without a copy (the layer's too:
		// a triangulated layer came from it, a layer of cells was numbered here).
		parentPort?.postMessage({mergedTriangles: handle.mergedTriangles, merged: handle.merged});
		return;
	}
	if (!premerged) throw new Error('premerge worker: asked to simplify before pre-merging');
	if (request.type === 'simplifyPart') {
		const {merged} = premerged.handle;
		await loadMeshoptSimplifier();
		const [indices, error] = simplifyMergedTriangles(merged, request.indices, request.lock, premerged.options, request.weight);
		parentPort?.postMessage({indices, error}, [indices.buffer as ArrayBuffer]);
		return;
	}
	const simplified = await premerged.handle.finish(request.weight);
	const buffers = [simplified.vertexPixels, simplified.sourceVertices, simplified.positions, simplified.indices].map((array) => array.buffer as ArrayBuffer);
	parentPort?.postMessage(simplified, buffers);
}

parentPort?.on('message', (request: PremergeRequest) => void answer(request));
