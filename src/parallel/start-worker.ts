import {createRequire} from 'node:module';
import {pathToFileURL} from 'node:url';
import {Worker, type WorkerOptions} from 'node:worker_threads';

/**
 * Starts the worker-thread entry `entryBaseName` that sits beside `callerUrl` (pass `import.meta.url`):
 * the compiled `.js` when running from dist/, or, when running from the TypeScript sources (bin/dev.js,
 * tests), the `.ts` through tsx, which a worker must register itself (Node 20 does not carry the
 * parent's `--import` loader hooks into workers).
 *
 * ```ts
 * const worker = startWorker(import.meta.url, './build-worker');
 * worker.postMessage({id: 0, input: 'photo.jpg', options});
 * ```
 */
export function startWorker(callerUrl: string, entryBaseName: string, options: WorkerOptions = {}): Worker {
	const fromSources = callerUrl.endsWith('.ts');
	const entry = new URL(`${entryBaseName}${fromSources ? '.ts' : '.js'}`, callerUrl);
	if (!fromSources) return new Worker(entry, options);
	const tsxApi = pathToFileURL(createRequire(callerUrl).resolve('tsx/esm/api')).href;
	const source = `const {register} = await import(${JSON.stringify(tsxApi)}); register(); await import(${JSON.stringify(entry.href)});`;
	return new Worker(new URL(`data:text/javascript,${encodeURIComponent(source)}`), options);
}
