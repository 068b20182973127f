/**
 * Worker-thread entry of {@link PhotoBuildPool}: builds the photos it is sent with {@link buildPhoto}
 * and posts back stages, results and errors (a UserError stays a UserError on the other side).
 */
import {parentPort} from 'node:worker_threads';

import {UserError} from '../errors.js';
import {buildPhoto, type BuildPhotoOptions} from './build-photo.js';

interface BuildRequest {
	id: number;
	input: string;
	options: BuildPhotoOptions;
}

parentPort?.on('message', async ({id, input, options}: BuildRequest) => {
	try {
		const result = await buildPhoto(input, options, (stage) => parentPort?.postMessage({id, type: 'stage', stage}));
		parentPort?.postMessage({id, type: 'done', result});
	} catch (error) {
		const userError = error instanceof UserError
			? {exitCode: error.exitCode, subject: error.subject, problem: error.problem}
			: undefined;
		parentPort?.postMessage({id, type: 'error', message: (error as Error).message, stack: (error as Error).stack, userError});
	}
});
