/**
 * Start-up of a fresh `ldi-gltf build` process (issue 15, item 3: ≤ 0.3 s of CPU before the first pixel):
 * the compiled CLI (dist/, `npm run build` first) with LDI_GLTF_TRACE_STARTUP=1, which prints the
 * process's CPU (user + system, all threads) and wall time when the first pipeline stage starts
 * (src/cli/startup-trace.ts). Beside it, in the same run and interleaved, what cannot be cut from it here:
 * Node's own start-up, and Node with oclif's execute() and sharp loaded (every build decodes with sharp);
 * and what the I/O floor (../shared/bench/floor.mjs) loads before its first pixel.
 * Whole processes against the floor: bench/targets.ts.
 *
 * Run: npm run build && node --import=tsx bench/startup.ts [--runs 7]
 */
import {spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, rmSync} from 'node:fs';
import {cpus, loadavg, tmpdir} from 'node:os';
import {join} from 'node:path';

import {BENCH_PHOTOS, type BenchPhoto, repoRoot} from './common.js';

const cli = join(repoRoot, 'bin', 'run.js');
const moon = BENCH_PHOTOS[0];
if (!existsSync(join(repoRoot, 'dist', 'commands', 'build.js'))) {
	console.log('dist/ is missing: run `npm run build` first');
	process.exit(1);
}
if (!existsSync(moon.photo) || !existsSync(moon.depth)) {
	console.log(`skipped: ${existsSync(moon.photo) ? moon.depth : moon.photo} is missing`);
	process.exit(0);
}

const runsFlag = process.argv.indexOf('--runs');
const runs = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 7;
const outDir = mkdtempSync(join(tmpdir(), 'ldi-gltf-bench-startup-'));

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const spread = (values: number[]): string => `min ${Math.min(...values).toFixed(0)}, max ${Math.max(...values).toFixed(0)}`;

/** CPU (ms, user + system) and wall (ms) of a fresh process up to its first pipeline stage. */
function buildStartup(entry: BenchPhoto): {cpu: number; wall: number} {
	const args = [cli, 'build', entry.photo, '--depth', entry.depth, ...(entry.invert ? ['--depth-invert'] : []), '-o', join(outDir, `${entry.name}.glb`), '-q'];
	const result = spawnSync(process.execPath, args, {encoding: 'utf8', env: {...process.env, LDI_GLTF_TRACE_STARTUP: '1'}});
	const match = /ldi-gltf startup: cpu (\d+) ms .*wall (\d+) ms/.exec(result.stderr);
	if (result.status !== 0 || !match) throw new Error(`ldi-gltf build ${entry.name}: ${result.stderr.trim().split('\n')[0]}`);
	return {cpu: Number(match[1]), wall: Number(match[2])};
}

/** CPU (ms, user + system) of a fresh Node process that imports `modules` (from this project) and exits. */
function importCpu(modules: string[]): number {
	const code = `${modules.map((name) => `await import(${JSON.stringify(name)});`).join('')} const {user, system} = process.cpuUsage(); console.log((user + system) / 1000);`;
	const result = spawnSync(process.execPath, ['--input-type=module', '-e', code], {cwd: repoRoot, encoding: 'utf8'});
	if (result.status !== 0) throw new Error(`importing ${modules.join(', ')}: ${result.stderr.trim().split('\n')[0]}`);
	return Number(result.stdout.trim());
}

const references: Array<[string, string[]]> = [
	['node alone (its own start-up)', []],
	['node + @oclif/core/execute + sharp', ['@oclif/core/execute', 'sharp']],
	['node + what floor.mjs loads before its first pixel', ['sharp', '@gltf-transform/core', '@gltf-transform/extensions', 'meshoptimizer/encoder']],
];
const build: Array<{cpu: number; wall: number}> = [];
const referenceCpu = references.map(() => [] as number[]);
buildStartup(moon); // warm-up: the page cache, not the process, so fresh processes measure the same thing
for (let run = 0; run < runs; run++) {
	build.push(buildStartup(moon));
	references.forEach(([, modules], index) => referenceCpu[index].push(importCpu(modules)));
}
console.log(`fresh processes, CPU = user + system of all threads, interleaved, median of ${runs}; target: ≤ 300 ms before the first pixel`);
const buildCpu = build.map((run) => run.cpu);
console.log(`${'ldi-gltf build moon.jpg --depth (1024 px): CPU before the first pixel'.padEnd(72)} ${median(buildCpu).toFixed(0).padStart(5)} ms  (${spread(buildCpu)}; wall ${median(build.map((run) => run.wall)).toFixed(0)} ms)`);
references.forEach(([label], index) => console.log(`${label.padEnd(72)} ${median(referenceCpu[index]).toFixed(0).padStart(5)} ms  (${spread(referenceCpu[index])})`));

console.log(`load average while measuring: ${loadavg()[0].toFixed(1)} on ${cpus().length} cores`);
rmSync(outDir, {recursive: true, force: true});

