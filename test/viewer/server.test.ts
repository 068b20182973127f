import assert from 'node:assert/strict';
import {request} from 'node:http';
import {networkInterfaces} from 'node:os';

import {UserError} from '../../src/errors.js';
import {isSafeRequestPath, startViewerServer, type ViewerServer} from '../../src/viewer/server.js';

const SCRIPT = '/* the viewer bundle */';
const GLB = new Uint8Array([0x67, 0x6c, 0x54, 0x46, 2, 0, 0, 0, 20, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8]);

interface Answer {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	body: Buffer;
}

/** A raw HTTP request: the path is sent exactly as given (no URL normalization on the way). */
function ask(server: ViewerServer, path: string, options: {method?: string; host?: string; address?: string} = {}): Promise<Answer> {
	return new Promise((resolve, reject) => {
		const outgoing = request({host: options.address ?? '127.0.0.1', port: server.port, path, method: options.method ?? 'GET', headers: {host: options.host ?? `127.0.0.1:${server.port}`}}, (response) => {
			const chunks: Buffer[] = [];
			response.on('data', (chunk: Buffer) => chunks.push(chunk));
			response.on('end', () => resolve({status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks)}));
		});
		outgoing.on('error', reject);
		outgoing.end();
	});
}

describe('ldi-gltf view server', () => {
	let server: ViewerServer;
	before(async () => {
		server = await startViewerServer(GLB, {name: 'a <b>.glb', script: SCRIPT});
	});
	after(async () => {
		await server.close();
	});

	it('answers on 127.0.0.1 with the page, the script and the scene', async () => {
		assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
		const page = await ask(server, '/');
		assert.equal(page.status, 200);
		assert.match(String(page.headers['content-type']), /^text\/html/);
		assert.match(page.body.toString(), /data-src="\/scene\.glb"/);
		assert.match(page.body.toString(), /<script src="\/viewer\.js"><\/script>/);
		assert.match(page.body.toString(), /<title>a &#60;b&#62;\.glb — ldi-gltf<\/title>/, 'the name is escaped');
		assert.match(String(page.headers['content-security-policy']), /default-src 'none'/);
		const script = await ask(server, '/viewer.js');
		assert.equal(script.status, 200);
		assert.equal(script.body.toString(), SCRIPT);
		const scene = await ask(server, '/scene.glb?cache=1');
		assert.equal(scene.status, 200);
		assert.equal(scene.headers['content-type'], 'model/gltf-binary');
		assert.deepEqual(new Uint8Array(scene.body), GLB);
		const head = await ask(server, '/scene.glb', {method: 'HEAD'});
		assert.equal(head.status, 200);
		assert.equal(head.headers['content-length'], String(GLB.byteLength));
		assert.equal(head.body.length, 0);
	});

	it('listens on loopback only', async () => {
		await assert.rejects(ask(server, '/', {address: '::1'}), 'not on IPv6 loopback');
		const external = Object.values(networkInterfaces()).flat().find((address) => address && !address.internal && address.family === 'IPv4');
		if (external) await assert.rejects(ask(server, '/', {address: external.address}), `not on ${external.address}`);
	});

	it('refuses traversal, encoded or not', async () => {
		for (const path of ['/../package.json', '/..', '/%2e%2e/package.json', '/%2E%2E%2Fpackage.json', '/..%2fpackage.json', '/..%5cpackage.json', '/scene.glb/../../package.json', '/./scene.glb', '/..\\package.json', '/%2e%2e%2f%2e%2e%2fetc%2fpasswd', '/viewer.js%00', '/%zz']) {
			const answer = await ask(server, path);
			assert.equal(answer.status, 400, `${path} → ${answer.status}`);
			assert.equal(answer.body.toString(), 'bad path\n');
		}
		assert.equal(isSafeRequestPath('/scene.glb'), true);
		assert.equal(isSafeRequestPath('scene.glb'), false, 'a path must be absolute');
	});

	it('serves nothing else, read-only, to its own host name only', async () => {
		for (const path of ['/package.json', '/src/index.ts', '/dist/viewer-page/viewer.js', '/index.htm', '/scene.glb/', '//etc/passwd', '/favicon.ico']) {
			assert.equal((await ask(server, path)).status, 404, path);
		}
		for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) assert.equal((await ask(server, '/scene.glb', {method})).status, 405, method);
		assert.equal((await ask(server, '/', {host: `localhost:${server.port}`})).status, 200);
		assert.equal((await ask(server, '/scene.glb', {host: 'attacker.example'})).status, 421, 'a DNS-rebinding host is refused');
	});

	it('a taken port is a one-line error naming it', async () => {
		await assert.rejects(startViewerServer(GLB, {port: server.port, script: SCRIPT}), (error: unknown) => {
			assert.ok(error instanceof UserError);
			assert.equal(error.message, `--port ${server.port}: 127.0.0.1:${server.port} is in use`);
			return true;
		});
	});
});
