import assert from 'node:assert/strict';
import {existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, truncateSync, writeFileSync} from 'node:fs';
import {createServer, type Server} from 'node:http';
import type {AddressInfo} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

import {createProgress} from '../../src/cli/progress.js';
import {findModel} from '../../src/depth/models.js';
import {runCli} from '../helpers/cli.js';
import {repoRoot} from '../helpers/shared.js';

function recorder(isTTY: boolean): {stream: {write(text: string): boolean; isTTY: boolean}; text: () => string} {
	const chunks: string[] = [];
	return {stream: {write: (text) => chunks.push(text) > 0, isTTY}, text: () => chunks.join('')};
}

describe('cli/progress', () => {
	it('plain (non-TTY): one line per 10 %, no carriage returns', () => {
		const {stream, text} = recorder(false);
		const progress = createProgress({label: 'downloading m', unit: 'bytes', stream});
		for (let received = 0; received <= 50e6; received += 1e5) progress.update(received, 50e6);
		progress.finish('done m');
		const lines = text().trimEnd().split('\n');
		assert.equal(lines.length, 12, text());
		assert.match(lines[0]!, /^downloading m: 0% 0\.0 MB \/ 50\.0 MB/);
		assert.match(lines[10]!, /^downloading m: 100% 50\.0 MB \/ 50\.0 MB/);
		assert.equal(lines[11], 'done m');
		assert.ok(!text().includes('\r'));
	});

	it('TTY: a bar redrawn in place, throttled, ending with a newline', () => {
		const {stream, text} = recorder(true);
		const progress = createProgress({label: 'frames', unit: 'items', stream, redrawIntervalMs: 1e9});
		for (let done = 0; done <= 100; done++) progress.update(done, 100);
		progress.finish();
		const frames = text().split('\r').filter(Boolean);
		assert.ok(frames.length <= 3, `throttled: ${frames.length} redraws`);
		assert.equal(frames.at(-1), `frames [${'#'.repeat(24)}] 100% 100 / 100\u001B[K\n`);
	});

	it('silent prints nothing; an unknown total prints amounts', () => {
		const silent = recorder(false);
		const progress = createProgress({label: 'x', stream: silent.stream, silent: true});
		progress.update(5, 10);
		progress.finish('end');
		assert.equal(silent.text(), '');
		const unknown = recorder(false);
		createProgress({label: 'y', unit: 'bytes', stream: unknown.stream}).update(25e6, null);
		assert.match(unknown.text(), /^y: 25\.0 MB/);
	});
});

describe('ldi-gltf models (CLI)', function () {
	this.timeout(120_000);
	let directory: string;
	let server: Server;
	let base: string;
	const weights = Uint8Array.from({length: 200_000}, (_, i) => (i * 31) & 255);

	before(async () => {
		directory = mkdtempSync(join(tmpdir(), 'ldi-models-cli-'));
		server = createServer((request, response) => {
			if (request.url === '/midas-v2.1-small.onnx') {
				response.writeHead(200, {'content-length': weights.length});
				response.end(weights);
			} else {
				response.writeHead(404, 'Not Found').end();
			}
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
		base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	});
	after(() => {
		server.close();
		rmSync(directory, {recursive: true, force: true});
	});

	it('list (--json and table) shows licence, size, installed state and path; path prints where a model goes', async () => {
		const cache = join(directory, 'list-cache');
		mkdirSync(cache);
		// Installed = the registry's exact size (a sparse file of that size costs nothing).
		writeFileSync(join(cache, 'midas-v2.1-small.onnx'), '');
		truncateSync(join(cache, 'midas-v2.1-small.onnx'), findModel('midas-v2.1-small').exactBytes!);
		const env = {LDI_GLTF_CACHE_DIR: cache};
		const [json, table, path] = await Promise.all([runCli(['models', 'list', '--json'], {cwd: repoRoot, env}), runCli(['models', 'list'], {cwd: repoRoot, env}), runCli(['models', 'path', 'depth-anything-v2-small'], {cwd: repoRoot, env})]);
		assert.equal(json.code, 0, json.stderr);
		const rows = JSON.parse(json.stdout) as {name: string; licence: string; installed: boolean; path: string; default: boolean}[];
		assert.deepEqual(rows.map((row) => [row.name, row.licence, row.installed, row.default]), [
			['depth-anything-v2-small', 'Apache-2.0', false, true],
			['midas-v2.1-small', 'MIT', true, false],
		]);
		assert.equal(rows[1]!.path, join(cache, 'midas-v2.1-small.onnx'));
		assert.match(table.stdout, /^NAME +LICENCE +SIZE +INSTALLED +PATH\n/);
		assert.match(table.stdout, /depth-anything-v2-small \(default\) +Apache-2\.0 +~99 MB +no +/);
		assert.match(table.stdout, /midas-v2\.1-small +MIT +~67 MB +yes +/);
		assert.equal(path.stdout, `${join(cache, 'depth-anything-v2-small.onnx')}\n`);
		assert.match(path.stderr, /not installed yet \(ldi-gltf models pull depth-anything-v2-small\)/);
	});

	it('pull from a mirror: plain progress lines, then the registry\'s exact size refuses a different file (one line, nothing installed); an installed model is not pulled again', async () => {
		const cache = join(directory, 'pull-cache');
		const env = {LDI_GLTF_CACHE_DIR: cache, LDI_GLTF_MODEL_BASE_URL: base};
		const entry = findModel('midas-v2.1-small');
		assert.match(entry.sha256 ?? '', /^[0-9a-f]{64}$/, 'the registry records the sha256');
		const first = await runCli(['models', 'pull', 'midas-v2.1-small'], {cwd: repoRoot, env});
		assert.notEqual(first.code, 0);
		assert.equal(first.stdout, '');
		assert.match(first.stderr, new RegExp(`downloading midas-v2.1-small \\(MIT\\) from ${base}/midas-v2.1-small.onnx`));
		assert.match(first.stderr, /^midas-v2\.1-small: \d+% 0\.2 MB \/ 0\.2 MB/m);
		assert.match(first.stderr.trim().split('\n').at(-1)!, new RegExp(`^ldi-gltf: midas-v2\\.1-small: .*got ${weights.length} bytes, the registry expects ${entry.exactBytes}; the partial file was deleted\\)$`));
		assert.equal(existsSync(join(cache, 'midas-v2.1-small.onnx')), false);
		assert.deepEqual(readdirSync(cache).filter((name) => !name.endsWith('.lock')), []);
		writeFileSync(join(cache, 'midas-v2.1-small.onnx'), '');
		truncateSync(join(cache, 'midas-v2.1-small.onnx'), entry.exactBytes!);
		const second = await runCli(['models', 'pull', 'midas-v2.1-small', '--json'], {cwd: repoRoot, env});
		assert.deepEqual(JSON.parse(second.stdout), {name: 'midas-v2.1-small', path: join(cache, 'midas-v2.1-small.onnx'), downloaded: false});
	});

	it('pull errors: unknown name, 404 from the mirror, offline — one line, non-zero, nothing installed', async () => {
		const cache = join(directory, 'error-cache');
		const [unknown, missing, offline] = await Promise.all([
			runCli(['models', 'pull', 'no-such-model'], {cwd: repoRoot, env: {LDI_GLTF_CACHE_DIR: cache}}),
			runCli(['models', 'pull', 'depth-anything-v2-small'], {cwd: repoRoot, env: {LDI_GLTF_CACHE_DIR: cache, LDI_GLTF_MODEL_BASE_URL: base}}),
			runCli(['models', 'pull', 'depth-anything-v2-small'], {cwd: repoRoot, env: {LDI_GLTF_CACHE_DIR: cache, LDI_GLTF_OFFLINE: '1'}}),
		]);
		assert.notEqual(unknown.code, 0);
		assert.equal(unknown.stderr.trim(), 'ldi-gltf: no-such-model: unknown model (known: depth-anything-v2-small, midas-v2.1-small; or give a .onnx file path)');
		assert.notEqual(missing.code, 0);
		assert.match(missing.stderr.trim().split('\n').at(-1)!, new RegExp(`^ldi-gltf: depth-anything-v2-small: download from ${base}/depth-anything-v2-small.onnx failed \\(HTTP 404 Not Found\\)$`));
		assert.notEqual(offline.code, 0);
		assert.match(offline.stderr, /not downloading because LDI_GLTF_OFFLINE is set/);
		assert.deepEqual(readdirSync(cache).filter((name) => !name.endsWith('.part')), []);
	});
});
