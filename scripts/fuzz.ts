/**
 * Seeded mutation fuzz of the CLI: `npm run fuzz -- --runs N --seed S [--jobs J] [--timeout SECONDS] [--keep]`.
 *
 * Real inputs (the bundled sample as a small JPEG and PNG, its depth map as PNG and PFM, a tiny ONNX
 * depth model, and a .glb built from them) are mutated (mutations: fuzz-mutations.ts) and run through
 * `build`, `depth`, `stereo`, `render` and `view --export`. A run fails when the process crashes (a
 * signal, exit code 3 = internal error, any code but 0/1/2), hangs (the timeout), prints a stack trace
 * or "internal error", fails without exactly one line `ldi-gltf: <problem> (<file or flag>)` on stderr,
 * leaves a temporary file, or writes a .glb that gltf-validator finds errors in. Run k of seed S always
 * makes the same input and command, so a failure replays with the same `--seed` (its input is kept in
 * the folder printed at the end). Exit code 1 when any run failed.
 */
import {execFile} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import {pathToFileURL} from 'node:url';
import {parseArgs} from 'node:util';

import sharp from 'sharp';

import {encodePfm} from '../src/image/encode.js';
import {VIEWER_SCRIPT_PATH} from '../src/viewer/page-html.js';
import {channelMeanModel} from '../test/fixtures/onnx-builder.js';
import {type FuzzFormat, mutate, seededRandom} from './fuzz-mutations.js';

const repoRoot = resolve(import.meta.dirname, '..');
const requireHere = createRequire(join(repoRoot, 'package.json'));
const TSX_LOADER = pathToFileURL(requireHere.resolve('tsx')).href;
const validator = requireHere('gltf-validator') as {
	validateBytes(bytes: Uint8Array, options?: Record<string, unknown>): Promise<{issues: {numErrors: number; messages: Array<{message: string}>}}>;
};

const {values: options} = parseArgs({options: {
	runs: {type: 'string', default: '40'},
	seed: {type: 'string', default: '1'},
	jobs: {type: 'string', default: '2'},
	timeout: {type: 'string', default: '90'},
	keep: {type: 'boolean', default: false},
}});
const runs = Number(options.runs);
const seed = Number(options.seed);
const jobs = Math.max(1, Number(options.jobs));
const timeoutMs = Number(options.timeout) * 1000;
if (![runs, seed, timeoutMs].every(Number.isFinite)) throw new Error('fuzz: --runs, --seed and --timeout take numbers');

/** Small working sizes keep every run to a few seconds. */
const SMALL = ['--max-size', '64'];

/** One seed input and the commands that read it (`{input}`: the mutated file). */
interface Target {
	format: FuzzFormat;
	seedFile: string;
	extension: string;
	commands: string[][];
}

interface RunResult {
	code: number | null;
	signal: NodeJS.Signals | null;
	timedOut: boolean;
	stderr: string;
}

function runCli(args: string[], cwd: string): Promise<RunResult> {
	return new Promise((done) => {
		const child = execFile(process.execPath, [`--import=${TSX_LOADER}`, join(repoRoot, 'bin', 'dev.js'), ...args], {
			cwd, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 << 20,
			env: {...process.env, LDI_GLTF_OFFLINE: '1', LDI_GLTF_CACHE_DIR: join(cwd, 'no-cache')},
		}, (error, _stdout, stderr) => {
			const failed = error as (NodeJS.ErrnoException & {killed?: boolean}) | null;
			done({code: child.exitCode, signal: child.signalCode, timedOut: Boolean(failed?.killed && child.signalCode === 'SIGKILL'), stderr});
		});
	});
}

/** What is wrong with a finished run, or nothing. */
async function problems(result: RunResult, outDir: string): Promise<string[]> {
	const found: string[] = [];
	if (result.timedOut) found.push(`hang: killed after ${timeoutMs / 1000} s`);
	else if (result.signal) found.push(`crash: signal ${result.signal}`);
	else if (result.code === 3) found.push('internal error (exit code 3)');
	else if (result.code !== 0 && result.code !== 1 && result.code !== 2) found.push(`exit code ${result.code}`);
	if (/\n\s+at |internal error|Node\.js v\d/.test(result.stderr)) found.push('stack trace or internal error on stderr');
	if (!result.timedOut && result.code !== 0) {
		const lines = result.stderr.trim().split('\n');
		if (lines.length !== 1 || !/^ldi-gltf: .+ \(.+\)$/.test(lines[0]!)) found.push(`not one error line: ${JSON.stringify(result.stderr.slice(0, 400))}`);
	}
	const written = existsSync(outDir) ? readdirSync(outDir, {recursive: true}).map(String) : [];
	if (!result.timedOut && written.some((name) => name.endsWith('.tmp'))) found.push('temporary file left');
	for (const name of written.filter((file) => file.endsWith('.glb'))) {
		const report = await validator.validateBytes(new Uint8Array(readFileSync(join(outDir, name))), {maxIssues: 5, writeTimestamp: false});
		if (report.issues.numErrors > 0) found.push(`${name} invalid: ${report.issues.messages.map((message) => message.message).join('; ')}`);
	}
	return found;
}

async function makeSeeds(directory: string): Promise<Target[]> {
	const photo = await sharp(join(repoRoot, 'assets', 'sample.jpg')).resize(96).jpeg({quality: 85}).toBuffer();
	const depth = await sharp(join(repoRoot, 'assets', 'sample-depth.png')).resize(96).toColourspace('grey16').png().toBuffer();
	const {data, info} = await sharp(depth).raw({depth: 'ushort'}).toBuffer({resolveWithObject: true});
	const codes = new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2);
	writeFileSync(join(directory, 'photo.jpg'), photo);
	writeFileSync(join(directory, 'photo.png'), await sharp(photo).png().toBuffer());
	writeFileSync(join(directory, 'depth.png'), depth);
	writeFileSync(join(directory, 'depth.pfm'), encodePfm({width: info.width, height: info.height, data: Float32Array.from(codes, (code) => code / 65535)}));
	writeFileSync(join(directory, 'model.onnx'), channelMeanModel(true));
	const built = await runCli(['build', 'photo.jpg', '--depth', 'depth.png', '-o', 'scene.glb', '--quiet', ...SMALL], directory);
	if (built.code !== 0) throw new Error(`fuzz: cannot build the seed scene: ${built.stderr}`);
	const viewer = existsSync(VIEWER_SCRIPT_PATH);
	if (!viewer) console.log(`fuzz: ${VIEWER_SCRIPT_PATH} is missing (npm run build makes it): view --export is left out`);
	const photoCommands = [
		['build', '{input}', '--depth', 'depth.png', '--out-dir', 'out', '--quiet', ...SMALL],
		['depth', '{input}', '--model', 'model.onnx', '--out-dir', 'out', '--quiet', ...SMALL],
		['stereo', '{input}', '--depth', 'depth.png', '--depth-fit', 'stretch', '-o', 'out/pair.png', '--quiet', ...SMALL],
		['render', '{input}', '--depth', 'depth.png', '--path', 'circle', '--frames', '3', '--size', '48', '-o', 'out/path.webp', '--quiet', ...SMALL],
	];
	const depthCommands = [
		['build', 'photo.jpg', '--depth', '{input}', '--out-dir', 'out', '--quiet', ...SMALL],
		['depth', 'photo.png', '--depth', '{input}', '--depth-fit', 'crop', '--out-dir', 'out', '--quiet', ...SMALL],
	];
	return [
		{format: 'jpeg', seedFile: 'photo.jpg', extension: 'jpg', commands: photoCommands},
		{format: 'png', seedFile: 'photo.png', extension: 'png', commands: photoCommands},
		{format: 'png', seedFile: 'depth.png', extension: 'png', commands: depthCommands},
		{format: 'pfm', seedFile: 'depth.pfm', extension: 'pfm', commands: depthCommands},
		{format: 'onnx', seedFile: 'model.onnx', extension: 'onnx', commands: [
			['depth', 'photo.jpg', '--model', '{input}', '--out-dir', 'out', '--quiet', ...SMALL],
			['build', 'photo.png', '--model', '{input}', '--out-dir', 'out', '--quiet', ...SMALL],
		]},
		{format: 'glb', seedFile: 'scene.glb', extension: 'glb', commands: [
			['render', '{input}', '--path', 'swing', '--frames', '3', '--size', '48', '-o', 'out/path.gif', '--quiet'],
			['stereo', '{input}', '--layout', 'anaglyph', '-o', 'out/pair.png', '--quiet'],
			...(viewer ? [['view', '{input}', '--export', 'out/page.html', '--quiet']] : []),
		]},
	];
}

const root = mkdtempSync(join(tmpdir(), 'ldi-gltf-fuzz-'));
const failuresDir = join(root, 'failures');
const started = performance.now();
const targets = await makeSeeds(root);
let failed = 0;
let next = 0;

/** Run `index` of this seed: its own random stream, so each run replays alone. */
async function fuzzOne(index: number): Promise<void> {
	const random = seededRandom(seed * 100_003 + index);
	const target = targets[Math.floor(random() * targets.length)]!;
	const command = target.commands[Math.floor(random() * target.commands.length)]!;
	const mutation = mutate(readFileSync(join(root, target.seedFile)), target.format, random);
	const runDir = join(root, `run-${index}`);
	mkdirSync(runDir);
	for (const name of ['photo.jpg', 'photo.png', 'depth.png', 'depth.pfm', 'model.onnx']) writeFileSync(join(runDir, name), readFileSync(join(root, name)));
	const inputName = `input.${target.extension}`;
	writeFileSync(join(runDir, inputName), mutation.bytes);
	const args = command.map((arg) => (arg === '{input}' ? inputName : arg));
	const result = await runCli(args, runDir);
	const found = await problems(result, join(runDir, 'out'));
	const label = `run ${index + 1}/${runs}: ${target.seedFile}, ${mutation.name}: ldi-gltf ${args.join(' ')}`;
	if (found.length === 0) {
		console.log(`ok   ${label} → exit ${result.code}`);
		rmSync(runDir, {recursive: true, force: true});
		return;
	}
	failed++;
	mkdirSync(failuresDir, {recursive: true});
	const kept = join(failuresDir, `seed-${seed}-run-${index + 1}.${target.extension}`);
	writeFileSync(kept, mutation.bytes);
	console.log(`FAIL ${label}\n     ${found.join('\n     ')}\n     input kept as ${kept}`);
}

await Promise.all(Array.from({length: jobs}, async () => {
	while (next < runs) await fuzzOne(next++);
}));
const seconds = ((performance.now() - started) / 1000).toFixed(0);
console.log(`fuzz: ${runs} runs, seed ${seed}, ${failed} failed, ${seconds} s`);
if (failed === 0 && !options.keep) rmSync(root, {recursive: true, force: true});
else console.log(`fuzz: inputs in ${root}`);
process.exitCode = failed > 0 ? 1 : 0;
