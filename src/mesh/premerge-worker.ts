/**
 * Worker-thread entry of {@link PremergeThread}: pre-merges the layer it is sent and transfers the
 * result back.
 */
import {parentPort} from 'node:worker_threads';

import type {PremergeJob} from './premerge-thread.js';
import {premergeLayer} from './simplify.js';

parentPort?.on('message', ({ldi, layer, camera, depthRange, options}: PremergeJob) => {
	const premerged = premergeLayer(ldi, layer, camera, depthRange, options);
	const buffers = [premerged.indices, premerged.lattice, premerged.swim, premerged.lock].map((array) => array.buffer as ArrayBuffer);
	parentPort?.postMessage(premerged, buffers);
});
