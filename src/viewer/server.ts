/**
 * The `ldi-gltf view` server: one scene and the viewer's own files on 127.0.0.1, read-only. Nothing is
 * read from disk per request (the scene and the page script are held in memory), so no request path can
 * reach a file; paths with dot segments or encoded separators are refused outright, as are requests whose
 * Host is not the loopback address (a DNS-rebinding page could otherwise read the scene).
 */
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http';
import type {AddressInfo} from 'node:net';

import {fileError} from '../errors.js';
import {readViewerScript, SERVED_CSP, servedPageHtml} from './page-html.js';

/** Options for {@link startViewerServer}. */
export interface ViewerServerOptions {
	/** TCP port on 127.0.0.1; 0 picks a free one. */
	port: number;
	/** Name of the scene (title, drag-and-drop label). */
	name: string;
	/** The bundled page script; {@link readViewerScript}'s when absent. */
	script?: string;
}

export const VIEWER_SERVER_DEFAULTS: ViewerServerOptions = {port: 0, name: 'scene.glb'};

/** The only address the server listens on. */
export const VIEWER_HOST = '127.0.0.1';

/** A running server. */
export interface ViewerServer {
	/** The page's URL, `http://127.0.0.1:<port>/`. */
	url: string;
	port: number;
	/** Stops listening and ends open connections. */
	close(): Promise<void>;
}

/** What the server answers: path → content type and body. */
type Routes = Map<string, {contentType: string; body: Uint8Array | string}>;

/** Whether a raw request path is one the server may look up: no dot segments, backslashes or encoded separators. */
export function isSafeRequestPath(rawPath: string): boolean {
	const path = rawPath.split('?')[0];
	if (!path.startsWith('/') || /[\\\0]/.test(path) || /%(?:2e|2f|5c|00)/i.test(path)) return false;
	let decoded: string;
	try {
		decoded = decodeURIComponent(path);
	} catch {
		return false;
	}
	return !decoded.split('/').some((segment) => segment === '.' || segment === '..');
}

function respond(response: ServerResponse, status: number, headers: Record<string, string>, body: Uint8Array | string, head: boolean): void {
	response.writeHead(status, {
		'cache-control': 'no-store',
		'x-content-type-options': 'nosniff',
		'content-length': String(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength),
		...headers,
	});
	response.end(head ? undefined : body);
}

function handle(request: IncomingMessage, response: ServerResponse, routes: Routes, port: number): void {
	const head = request.method === 'HEAD';
	const rawPath = request.url ?? '/';
	const host = request.headers.host ?? '';
	if (host !== `${VIEWER_HOST}:${port}` && host !== `localhost:${port}`) {
		respond(response, 421, {'content-type': 'text/plain'}, 'misdirected request\n', head);
	} else if (request.method !== 'GET' && !head) {
		respond(response, 405, {'content-type': 'text/plain', allow: 'GET, HEAD'}, 'read-only\n', head);
	} else if (!isSafeRequestPath(rawPath)) {
		respond(response, 400, {'content-type': 'text/plain'}, 'bad path\n', head);
	} else {
		const route = routes.get(rawPath.split('?')[0]);
		if (route) respond(response, 200, {'content-type': route.contentType, 'content-security-policy': SERVED_CSP}, route.body, head);
		else respond(response, 404, {'content-type': 'text/plain'}, 'not found\n', head);
	}
}

/**
 * Serves `glb` and the viewer page on 127.0.0.1: `/` (the page), `/viewer.js`, `/scene.glb`, nothing else.
 * Fails with a one-line error when the port is taken.
 *
 * ```ts
 * const server = await startViewerServer(glbBytes, {name: 'moon.glb'});
 * console.log(server.url);
 * process.once('SIGINT', () => void server.close());
 * ```
 */
export async function startViewerServer(glb: Uint8Array, options: Partial<ViewerServerOptions> = {}): Promise<ViewerServer> {
	const settings = {...VIEWER_SERVER_DEFAULTS, ...options};
	const script = settings.script ?? await readViewerScript();
	const page = servedPageHtml({name: settings.name, sceneUrl: '/scene.glb', scriptUrl: '/viewer.js'});
	const routes: Routes = new Map([
		['/', {contentType: 'text/html; charset=utf-8', body: page}],
		['/index.html', {contentType: 'text/html; charset=utf-8', body: page}],
		['/viewer.js', {contentType: 'text/javascript; charset=utf-8', body: script}],
		['/scene.glb', {contentType: 'model/gltf-binary', body: glb}],
	]);
	let port = settings.port;
	const server: Server = createServer((request, response) => handle(request, response, routes, port));
	await new Promise<void>((resolve, reject) => {
		server.once('error', (error: NodeJS.ErrnoException) => {
			const reason = error.code === 'EADDRINUSE' ? 'is in use' : error.code === 'EACCES' ? 'needs privileges' : error.message;
			reject(fileError(`--port ${settings.port}`, `${VIEWER_HOST}:${settings.port} ${reason}`));
		});
		server.listen(settings.port, VIEWER_HOST, () => resolve());
	});
	port = (server.address() as AddressInfo).port;
	return {
		url: `http://${VIEWER_HOST}:${port}/`,
		port,
		close: () => new Promise<void>((resolve) => {
			server.close(() => resolve());
			server.closeAllConnections();
		}),
	};
}
