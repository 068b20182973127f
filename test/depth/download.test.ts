import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {createHash} from 'node:crypto';
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {createServer, type Server} from 'node:http';
import type {AddressInfo} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

import {downloadModel, ensureModel, isOffline, linkedSha256, modelUrl, offlineModelError, type DownloadProgress} from '../../src/depth/download.js';
import {isEntryInstalled, modelCacheDir, type ModelEntry} from '../../src/depth/models.js';
import {MODEL_INPUT_SPEC_DEFAULTS} from '../../src/depth/preprocess.js';
import {UserError} from '../../src/errors.js';

const CONTENT = Uint8Array.from({length: 300_000}, (_, i) => (i * 7919 + (i >> 8)) & 255);
const CONTENT_SHA256 = createHash('sha256').update(CONTENT).digest('hex');
const HALF = 120_000;

/**
 * A local server: /ok (Range-aware), /missing (404), /cut (closes mid-file), /flaky (cuts once, then resumes),
 * /flaky-norange (cuts once, ignores Range), /hf?etag=…&size=… (Hugging Face's shape: a 302 to /ok carrying
 * `X-Linked-Etag` / `X-Linked-Size`), /linked?etag=… (the file itself with `X-Linked-Etag`).
 */
function startServer(): Promise<{server: Server; base: string; requests: {url: string; range?: string}[]}> {
	const requests: {url: string; range?: string}[] = [];
	const cutOnce = new Set<string>();
	const server = createServer((request, response) => {
		const url = request.url ?? '';
		const range = request.headers.range;
		requests.push({url, range});
		const rangeStart = /^bytes=(\d+)-$/.exec(range ?? '');
		const sendCut = () => {
			response.writeHead(200, {'content-length': CONTENT.length});
			response.write(CONTENT.subarray(0, HALF), () => response.destroy());
		};
		const query = new URL(url, 'http://127.0.0.1').searchParams;
		const linkedHeaders: Record<string, string> = {};
		if (query.has('etag')) linkedHeaders['x-linked-etag'] = query.get('etag')!;
		if (query.has('size')) linkedHeaders['x-linked-size'] = query.get('size')!;
		if (url.startsWith('/hf')) {
			response.writeHead(302, {location: '/ok/model.onnx', ...linkedHeaders}).end();
		} else if (url.startsWith('/linked')) {
			response.writeHead(200, {'content-length': CONTENT.length, ...linkedHeaders});
			response.end(CONTENT);
		} else if (url.startsWith('/missing')) {
			response.writeHead(404, 'Not Found').end('no such model');
		} else if (url.startsWith('/cut')) {
			sendCut();
		} else if ((url.startsWith('/flaky') && !cutOnce.has(url))) {
			cutOnce.add(url);
			sendCut();
		} else if (rangeStart && !url.startsWith('/flaky-norange')) {
			const start = Number(rangeStart[1]);
			response.writeHead(206, {'content-length': CONTENT.length - start, 'content-range': `bytes ${start}-${CONTENT.length - 1}/${CONTENT.length}`});
			response.end(CONTENT.subarray(start));
		} else {
			response.writeHead(200, {'content-length': CONTENT.length});
			response.end(CONTENT);
		}
	});
	return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
		resolve({server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests});
	}));
}

function entryFor(url: string, overrides: Partial<ModelEntry> = {}): ModelEntry {
	return {
		name: 'tiny-model',
		description: 'test weights',
		url,
		file: 'tiny-model.onnx',
		licence: 'MIT',
		bytes: CONTENT.length,
		exactBytes: null,
		sha256: CONTENT_SHA256,
		input: MODEL_INPUT_SPEC_DEFAULTS,
		output: {kind: 'disparity'},
		...overrides,
	};
}

describe('depth/download', function () {
	let server: Server;
	let base: string;
	let requests: {url: string; range?: string}[];
	let cacheDir: string;

	before(async () => {
		({server, base, requests} = await startServer());
	});
	after(() => new Promise<void>((resolve) => server.close(() => resolve())));
	beforeEach(() => {
		cacheDir = mkdtempSync(join(tmpdir(), 'ldi-download-'));
	});
	afterEach(() => rmSync(cacheDir, {recursive: true, force: true}));

	const installed = () => join(cacheDir, 'tiny-model.onnx');

	async function expectFailure(entry: ModelEntry, pattern: RegExp): Promise<void> {
		await assert.rejects(downloadModel(entry, {cacheDir}), (error: Error) => {
			assert.ok(error instanceof UserError, String(error));
			assert.match(error.message, pattern);
			assert.ok(error.message.startsWith(`tiny-model: download from ${entry.url} failed (`), error.message);
			assert.ok(!error.message.includes('\n'));
			return true;
		});
		assert.equal(existsSync(installed()), false, 'no installed-looking file');
		assert.equal(isEntryInstalled(entry, cacheDir), false);
	}

	it('downloads, checks sha256 and installs; progress reaches the total', async () => {
		const progress: DownloadProgress[] = [];
		const entry = entryFor(`${base}/ok/model.onnx`, {exactBytes: CONTENT.length});
		const result = await downloadModel(entry, {cacheDir, onProgress: (p) => progress.push(p)});
		assert.equal(result.path, installed());
		assert.deepEqual(new Uint8Array(readFileSync(installed())), CONTENT);
		assert.equal(result.sha256, CONTENT_SHA256);
		assert.equal(result.sha256Verified, true);
		assert.equal(result.sha256Source, 'registry');
		assert.equal(result.resumedFromBytes, 0);
		assert.deepEqual(progress.at(-1), {receivedBytes: CONTENT.length, totalBytes: CONTENT.length, resumedFromBytes: 0});
		assert.deepEqual(readdirSync(cacheDir), ['tiny-model.onnx'], 'no .part left');
		assert.equal(isEntryInstalled(entry, cacheDir), true);
	});

	it('without a registry sha256: installs and reports the computed one, unverified', async () => {
		const result = await downloadModel(entryFor(`${base}/ok/model.onnx`, {sha256: null}), {cacheDir});
		assert.equal(result.sha256, CONTENT_SHA256);
		assert.equal(result.sha256Verified, false);
		assert.ok(existsSync(installed()));
	});

	it('wrong sha256: error with both hashes, the corrupt download deleted', async () => {
		await expectFailure(entryFor(`${base}/ok/model.onnx`, {sha256: '0'.repeat(64)}), new RegExp(`sha256 mismatch: got ${CONTENT_SHA256}, expected 0{64}`));
		assert.deepEqual(readdirSync(cacheDir), []);
	});

	it('wrong size against the registry: error, deleted', async () => {
		await expectFailure(entryFor(`${base}/ok/model.onnx`, {exactBytes: 12345, sha256: null}), /got 300000 bytes, the registry expects 12345/);
		assert.deepEqual(readdirSync(cacheDir), []);
	});

	it('X-Linked-Etag on a redirect (Hugging Face): a matching sha256 verifies a file the registry has none for', async () => {
		const count = requests.length;
		const entry = entryFor(`${base}/hf/model.onnx?etag=${encodeURIComponent(`"${CONTENT_SHA256}"`)}&size=${CONTENT.length}`, {sha256: null});
		const result = await downloadModel(entry, {cacheDir});
		assert.deepEqual(requests.slice(count).map((request) => request.url.split('?')[0]), ['/hf/model.onnx', '/ok/model.onnx'], 'the redirect was followed');
		assert.equal(result.sha256, CONTENT_SHA256);
		assert.equal(result.sha256Verified, true);
		assert.equal(result.sha256Source, 'server');
		assert.deepEqual(new Uint8Array(readFileSync(installed())), CONTENT);
		assert.deepEqual(readdirSync(cacheDir), ['tiny-model.onnx']);
	});

	it('X-Linked-Etag on the file itself, weak and upper-case, verifies too; the registry\'s sha256 is named first', async () => {
		const etag = encodeURIComponent(`W/"${CONTENT_SHA256.toUpperCase()}"`);
		const fromServer = await downloadModel(entryFor(`${base}/linked/model.onnx?etag=${etag}`, {sha256: null}), {cacheDir});
		assert.equal(fromServer.sha256Source, 'server');
		rmSync(installed());
		const fromBoth = await downloadModel(entryFor(`${base}/linked/model.onnx?etag=${etag}`), {cacheDir});
		assert.equal(fromBoth.sha256Source, 'registry');
	});

	it('an X-Linked-Etag that is not a sha256 (a git blob id) is ignored', async () => {
		const result = await downloadModel(entryFor(`${base}/hf/model.onnx?etag=${encodeURIComponent(`"${'a'.repeat(40)}"`)}`, {sha256: null}), {cacheDir});
		assert.equal(result.sha256Verified, false);
		assert.equal(result.sha256Source, null);
	});

	it('an X-Linked-Etag mismatch is refused in one line naming both hashes; nothing is left on disk', async () => {
		const wrong = 'f'.repeat(64);
		await expectFailure(
			entryFor(`${base}/hf/model.onnx?etag=${encodeURIComponent(`"${wrong}"`)}`, {sha256: null}),
			new RegExp(`\\(sha256 mismatch: got ${CONTENT_SHA256}, the server's X-Linked-Etag says ${wrong}; the corrupt file was deleted\\)$`),
		);
		assert.deepEqual(readdirSync(cacheDir), []);
		// The registry's sha256 matching does not excuse the server's.
		await expectFailure(entryFor(`${base}/hf/model.onnx?etag=${wrong}`), /the server's X-Linked-Etag says f{64}/);
		assert.deepEqual(readdirSync(cacheDir), []);
	});

	it('an X-Linked-Size mismatch is refused; nothing is left on disk', async () => {
		await expectFailure(
			entryFor(`${base}/hf/model.onnx?size=${CONTENT.length + 1}`, {sha256: null}),
			new RegExp(`\\(got ${CONTENT.length} bytes, the server's X-Linked-Size says ${CONTENT.length + 1}; the corrupt file was deleted\\)$`),
		);
		assert.deepEqual(readdirSync(cacheDir), []);
	});

	it('linkedSha256 reads quoted, weak and bare sha256 values, and nothing else', () => {
		const hex = CONTENT_SHA256;
		assert.equal(linkedSha256(`"${hex}"`), hex);
		assert.equal(linkedSha256(`W/"${hex.toUpperCase()}"`), hex);
		assert.equal(linkedSha256(hex), hex);
		assert.equal(linkedSha256(`"${hex.slice(0, 40)}"`), null);
		assert.equal(linkedSha256(null), null);
		assert.equal(linkedSha256('"not-a-hash"'), null);
	});

	it('HTTP 404: error naming the status; nothing written', async () => {
		await expectFailure(entryFor(`${base}/missing/model.onnx`), /\(HTTP 404 Not Found\)$/);
		assert.deepEqual(readdirSync(cacheDir), []);
	});

	it('connection refused: error says so', async () => {
		const closed = createServer();
		await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', () => resolve()));
		const port = (closed.address() as AddressInfo).port;
		await new Promise<void>((resolve) => closed.close(() => resolve()));
		await expectFailure(entryFor(`http://127.0.0.1:${port}/model.onnx`), /\(connection refused\)$/);
	});

	it('server closing mid-file: error says how far it got; only a .part remains', async () => {
		await expectFailure(entryFor(`${base}/cut/model.onnx`), /interrupted after 0\.1 MB of 0\.3 MB: connection closed by the server; run again to resume\)$/);
		assert.deepEqual(readdirSync(cacheDir), ['tiny-model.onnx.part']);
		assert.ok(statSync(join(cacheDir, 'tiny-model.onnx.part')).size <= HALF);
	});

	it('resumes an interrupted download with a Range request', async () => {
		const entry = entryFor(`${base}/flaky/model.onnx`);
		await assert.rejects(downloadModel(entry, {cacheDir}), UserError);
		const partBytes = statSync(join(cacheDir, 'tiny-model.onnx.part')).size;
		assert.ok(partBytes > 0, 'something was kept');
		const result = await downloadModel(entry, {cacheDir});
		assert.equal(result.resumedFromBytes, partBytes);
		assert.equal(requests.at(-1)!.range, `bytes=${partBytes}-`);
		assert.equal(result.sha256, CONTENT_SHA256);
		assert.deepEqual(new Uint8Array(readFileSync(installed())), CONTENT);
		assert.deepEqual(readdirSync(cacheDir), ['tiny-model.onnx']);
	});

	it('restarts from zero when the server ignores Range', async () => {
		const entry = entryFor(`${base}/flaky-norange/model.onnx`);
		await assert.rejects(downloadModel(entry, {cacheDir}), UserError);
		const result = await downloadModel(entry, {cacheDir});
		assert.equal(result.resumedFromBytes, 0);
		assert.deepEqual(new Uint8Array(readFileSync(installed())), CONTENT);
	});

	it('a cache directory that cannot be created: one-line error naming it, with the way out', async () => {
		const blocked = join(cacheDir, 'a-file');
		writeFileSync(blocked, 'not a directory');
		await assert.rejects(downloadModel(entryFor(`${base}/ok/model.onnx`), {cacheDir: join(blocked, 'models')}), (error: Error) => {
			assert.ok(error instanceof UserError);
			assert.match(error.message, /a-file\/models: cannot create the model cache directory \(.+\); set LDI_GLTF_CACHE_DIR to a writable directory$/);
			return true;
		});
	});

	it('takes over the lock of a dead process', async () => {
		const deadPid = spawnSync(process.execPath, ['-e', '']).pid!;
		writeFileSync(join(cacheDir, 'tiny-model.onnx.lock'), String(deadPid));
		const result = await downloadModel(entryFor(`${base}/ok/model.onnx`), {cacheDir});
		assert.equal(result.sha256, CONTENT_SHA256);
		assert.deepEqual(readdirSync(cacheDir), ['tiny-model.onnx']);
	});

	it('waits while a live process holds the lock, then uses the file it installed without a request', async () => {
		const lock = join(cacheDir, 'tiny-model.onnx.lock');
		writeFileSync(lock, String(process.pid));
		const count = requests.length;
		setTimeout(() => {
			writeFileSync(installed(), CONTENT);
			rmSync(lock);
		}, 400);
		const started = performance.now();
		const result = await downloadModel(entryFor(`${base}/ok/model.onnx`), {cacheDir});
		assert.ok(performance.now() - started >= 350, 'waited for the lock');
		assert.equal(result.sha256, CONTENT_SHA256);
		assert.equal(requests.length, count, 'no second download');
		assert.deepEqual(readdirSync(cacheDir), ['tiny-model.onnx']);
	});

	it('a mirror base URL replaces the registry URL by <base>/<file>', async () => {
		const entry = entryFor('https://example.invalid/never-used.onnx');
		assert.equal(modelUrl(entry, `${base}/ok/`), `${base}/ok/tiny-model.onnx`);
		const result = await downloadModel(entry, {cacheDir, baseUrl: `${base}/ok`});
		assert.equal(result.url, `${base}/ok/tiny-model.onnx`);
		assert.equal(requests.at(-1)!.url, '/ok/tiny-model.onnx');
	});

	it('ensureModel: returns an installed file without a request, downloads a missing one, refuses offline', async () => {
		const entry = entryFor(`${base}/ok/model.onnx`);
		const offline = ensureModel(entry, {cacheDir, offline: true});
		await assert.rejects(offline, (error: Error) => {
			assert.equal(error.message, offlineModelError(entry, cacheDir).message);
			assert.match(error.message, /^tiny-model: model weights are not installed and offline mode is on/);
			assert.ok(error.message.includes('ldi-gltf models pull tiny-model'));
			assert.ok(error.message.includes(join(cacheDir, 'tiny-model.onnx')));
			assert.ok(error.message.includes('--depth FILE') && error.message.includes('--model FILE.onnx'));
			return true;
		});
		let started = 0;
		assert.equal(await ensureModel(entry, {cacheDir, onDownloadStart: () => started++}), installed());
		assert.equal(started, 1);
		const count = requests.length;
		writeFileSync(installed(), 'pretend weights');
		assert.equal(await ensureModel(entry, {cacheDir, offline: true}), installed());
		assert.equal(requests.length, count, 'no request for an installed model');
	});

	it('offline mode comes from the flag or LDI_GLTF_OFFLINE', () => {
		assert.equal(isOffline(true, {}), true);
		assert.equal(isOffline(false, {}), false);
		assert.equal(isOffline(false, {LDI_GLTF_OFFLINE: '1'}), true);
		assert.equal(isOffline(false, {LDI_GLTF_OFFLINE: 'true'}), true);
		assert.equal(isOffline(false, {LDI_GLTF_OFFLINE: '0'}), false);
	});

	it('cache directory: LDI_GLTF_CACHE_DIR, else XDG / ~/.cache, macOS and Windows user caches', () => {
		assert.equal(modelCacheDir({env: {LDI_GLTF_CACHE_DIR: '/data/models'}, platform: 'linux', home: '/home/u'}), '/data/models');
		assert.equal(modelCacheDir({env: {}, platform: 'linux', home: '/home/u'}), '/home/u/.cache/ldi-gltf/models');
		assert.equal(modelCacheDir({env: {XDG_CACHE_HOME: '/xdg'}, platform: 'linux', home: '/home/u'}), '/xdg/ldi-gltf/models');
		assert.equal(modelCacheDir({env: {}, platform: 'darwin', home: '/Users/u'}), '/Users/u/Library/Caches/ldi-gltf/models');
		assert.ok(modelCacheDir({env: {LOCALAPPDATA: 'C:/Users/u/AppData/Local'}, platform: 'win32', home: 'C:/Users/u'}).startsWith('C:/Users/u/AppData/Local'));
	});
});
