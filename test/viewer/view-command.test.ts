import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {pathToFileURL} from 'node:url';

import {assertOneLineError, runCli} from '../helpers/cli.js';
import {repoRoot} from '../helpers/shared.js';
import {ensureFreshViewerBundle, SAMPLE_DEPTH, SAMPLE_PHOTO, sampleGlbWithPath} from './fixtures.js';

const TSX_LOADER = pathToFileURL(createRequire(join(repoRoot, 'package.json')).resolve('tsx')).href;

/** The base64 .glb inside a self-contained page. */
function inlinedGlb(html: string): Buffer {
	const match = /<script id="ldi-scene" type="application\/octet-stream" data-name="[^"]*">([A-Za-z0-9+/=]+)<\/script>/.exec(html);
	assert.ok(match, 'the page inlines the scene');
	return Buffer.from(match[1], 'base64');
}

describe('ldi-gltf view and build --html (CLI)', function () {
	this.timeout(120_000);
	let workDir = '';
	let glbPath = '';

	before(async function () {
		this.timeout(60_000);
		await ensureFreshViewerBundle();
		workDir = mkdtempSync(join(tmpdir(), 'ldi-gltf-view-'));
		glbPath = join(workDir, 'sample.glb');
		writeFileSync(glbPath, await sampleGlbWithPath());
	});
	after(() => {
		if (workDir) rmSync(workDir, {recursive: true, force: true});
	});

	it('view --export writes one self-contained page with the scene, no URL outside it', async () => {
		const out = join(workDir, 'pages', 'sample.html');
		const result = await runCli(['view', glbPath, '--export', out, '--json'], {cwd: workDir});
		assert.equal(result.code, 0, result.stderr);
		const record = JSON.parse(result.stdout);
		const html = readFileSync(out, 'utf8');
		assert.equal(record.output, out);
		assert.equal(record.outputBytes, statSync(out).size);
		assert.equal(record.inputKind, 'glb');
		assert.deepEqual(inlinedGlb(html), readFileSync(glbPath));
		assert.ok(statSync(out).size <= statSync(glbPath).size * 1.37 + 1.5e6);
		assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+href=|https?:\/\/(?!www\.w3\.org)[^\s"'`)]*\.(?:js|css|glb|wasm|png|webp)/i, 'no external script, style or asset');
		assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
	});

	it('view of a photo builds it in memory first (with the scene flags and a camera path)', async () => {
		const out = join(workDir, 'photo.html');
		const result = await runCli(['view', SAMPLE_PHOTO, '--depth', SAMPLE_DEPTH, '--max-size', '320', '--camera-path', 'circle', '--export', out, '--quiet'], {cwd: workDir});
		assert.equal(result.code, 0, result.stderr);
		assert.equal(result.stderr, '');
		const glb = inlinedGlb(readFileSync(out, 'utf8'));
		const json = JSON.parse(glb.subarray(20, 20 + glb.readUInt32LE(12)).toString());
		assert.equal(json.asset.extras.ldiGltf.imageWidth, 320, '--max-size applied');
		assert.equal(json.animations[0].name, 'circle');
	});

	it('build --html writes <name>.html beside the .glb', async () => {
		const outDir = join(workDir, 'built');
		const result = await runCli(['build', SAMPLE_PHOTO, '--depth', SAMPLE_DEPTH, '--max-size', '256', '--out-dir', outDir, '--html', '--json'], {cwd: workDir});
		assert.equal(result.code, 0, result.stderr);
		const [record] = JSON.parse(result.stdout);
		assert.deepEqual(record.outputs, [join(outDir, 'sample.glb'), join(outDir, 'sample.html')]);
		assert.deepEqual(inlinedGlb(readFileSync(join(outDir, 'sample.html'), 'utf8')), readFileSync(join(outDir, 'sample.glb')));
		const refused = await runCli(['build', SAMPLE_PHOTO, '--depth', SAMPLE_DEPTH, '--format', 'gltf', '--html'], {cwd: workDir});
		assert.notEqual(refused.code, 0);
		assert.equal(refused.code, 2, 'a usage error');
		assert.match(refused.stderr, /^ldi-gltf: needs --format glb .*\(--html\)\n$/);
	});

	it('bad input: one line naming the file', async () => {
		assertOneLineError(await runCli(['view', join(workDir, 'missing.glb')], {cwd: workDir}), 'missing.glb', /cannot read \(no such file or directory\)/);
		const fake = join(workDir, 'fake.glb');
		writeFileSync(fake, 'not a glb at all, just text');
		assertOneLineError(await runCli(['view', fake, '--export', join(workDir, 'x.html')], {cwd: workDir}), 'fake.glb', /not a binary glTF/);
		assert.equal(existsSync(join(workDir, 'x.html')), false);
		assertOneLineError(await runCli(['view', glbPath, '--export', 'page.txt'], {cwd: workDir}), '--export page.txt', /written as \.html/);
		assert.equal(existsSync(join(workDir, 'page.txt')), false);
		assertOneLineError(await runCli(['view', glbPath, '--near', '2'], {cwd: workDir}), 'sample.glb', /--near cannot apply to a built \.glb/);
		assertOneLineError(await runCli(['view', join(workDir, 'missing.jpg')], {cwd: workDir}), 'missing.jpg', /cannot read/);
	});

	it('view serves on 127.0.0.1, prints the URL, and Ctrl-C stops it cleanly', async () => {
		const child = spawn(process.execPath, [`--import=${TSX_LOADER}`, join(repoRoot, 'bin', 'dev.js'), 'view', glbPath], {cwd: workDir, stdio: ['ignore', 'pipe', 'pipe']});
		let stdout = '';
		let stderr = '';
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
		const url = await new Promise<string>((resolve, reject) => {
			child.stdout.on('data', (chunk: Buffer) => {
				stdout += chunk.toString();
				const match = /^(http:\/\/127\.0\.0\.1:\d+\/)$/m.exec(stdout);
				if (match) resolve(match[1]);
			});
			void exited.then(() => reject(new Error(`exited before printing a URL: ${stderr}`)));
		});
		const page = await fetch(url);
		assert.equal(page.status, 200);
		assert.match(await page.text(), /ldi-scene/);
		const scene = new Uint8Array(await (await fetch(`${url}scene.glb`)).arrayBuffer());
		assert.deepEqual(scene, new Uint8Array(readFileSync(glbPath)));
		assert.equal((await fetch(`${url}sample.glb`)).status, 404, 'the file is served under /scene.glb only');
		child.kill('SIGINT');
		assert.equal(await exited, 0, stderr);
		assert.match(stderr, /Ctrl-C stops[\s\S]*stopped/);
		await assert.rejects(fetch(url), 'nothing listens any more');
	});
});
