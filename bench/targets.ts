/**
 * Issue 15's targets, each as a ratio against the I/O floor (../shared/bench/floor.mjs) measured in the
 * same run, so that the shared machine's drift cancels: whole fresh `build` processes of moon, shelf and
 * hut at 1024 px (CPU and wall ÷ the floor's, peak RSS), a batch of the three photos twice each in one
 * process (CPU per photo ÷ the floor's mean), and `stereo` from the photo (÷ the floor of the same photo).
 * Builds and floors alternate, A B A B …; CPU = user + system of the whole process (all threads), from
 * /usr/bin/time. The start-up target is bench/startup.ts's, the 4096-px one bench/build.ts's.
 *
 * Run: npm run build && node --import=tsx bench/targets.ts [--runs 5]
 */
import {spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, rmSync} from 'node:fs';
import {cpus, loadavg, tmpdir} from 'node:os';
import {join} from 'node:path';

import {BENCH_PHOTOS, type BenchPhoto, makeBatchDir, repoRoot, sharedDir} from './common.js';

const cli = join(repoRoot, 'bin', 'run.js');
const floorScript = join(sharedDir, 'bench', 'floor.mjs');
if (!existsSync(join(repoRoot, 'dist', 'commands', 'build.js'))) {
	console.log('dist/ is missing: run `npm run build` first');
	process.exit(1);
}
const missing = [floorScript, '/usr/bin/time', ...BENCH_PHOTOS.flatMap(({photo, depth}) => [photo, depth])].find((path) => !existsSync(path));
if (missing !== undefined) {
	console.log(`skipped: ${missing} is missing`);
	process.exit(0);
}

const runsFlag = process.argv.indexOf('--runs');
const runs = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 5;
const outDir = mkdtempSync(join(tmpdir(), 'ldi-gltf-bench-targets-'));

interface ProcessFigures {
	cpuSeconds: number;
	wallSeconds: number;
	peakRssMb: number;
}

/** CPU, wall and peak RSS of one whole process, from /usr/bin/time. */
function timeProcess(args: string[]): ProcessFigures {
	const result = spawnSync('/usr/bin/time', ['-f', 'BENCH_TIME %U %S %e %M', process.execPath, ...args], {cwd: repoRoot, encoding: 'utf8', maxBuffer: 64 << 20});
	const match = /BENCH_TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(result.stderr);
	if (result.status !== 0 || !match) throw new Error(`${args.join(' ')}: ${result.stderr.trim().split('\n')[0]}`);
	return {cpuSeconds: Number(match[1]) + Number(match[2]), wallSeconds: Number(match[3]), peakRssMb: Number(match[4]) / 1024};
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Medians of each figure over `samples`. */
function medians(samples: ProcessFigures[]): ProcessFigures {
	return {
		cpuSeconds: median(samples.map((sample) => sample.cpuSeconds)),
		wallSeconds: median(samples.map((sample) => sample.wallSeconds)),
		peakRssMb: median(samples.map((sample) => sample.peakRssMb)),
	};
}

/** `runs` alternating pairs of processes; the medians of each side. */
function alternate(argsA: string[], argsB: string[]): [ProcessFigures, ProcessFigures] {
	const a: ProcessFigures[] = [];
	const b: ProcessFigures[] = [];
	for (let run = 0; run < runs; run++) {
		a.push(timeProcess(argsA));
		b.push(timeProcess(argsB));
	}
	return [medians(a), medians(b)];
}

const floorArgs = (entry: BenchPhoto): string[] => [floorScript, entry.photo, entry.depth, join(outDir, `${entry.name}-floor.glb`), '1024', ...(entry.invert ? ['invert'] : [])];
const depthArgs = (entry: BenchPhoto): string[] => ['--depth', entry.depth, ...(entry.invert ? ['--depth-invert'] : [])];
const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}×`;

console.log(`fresh processes, builds and floor.mjs alternating, median of ${runs}; CPU = user + system of all threads`);
console.log('targets: build CPU ≤ 2.0× the floor\'s (wall about 1 s), peak RSS ≤ 250 MB; batch ≤ 1.3× the floor per photo; stereo ≤ 2.5× the floor\n');
const floorByPhoto = new Map<string, ProcessFigures>();
for (const entry of BENCH_PHOTOS) {
	const [build, floor] = alternate([cli, 'build', entry.photo, ...depthArgs(entry), '-o', join(outDir, `${entry.name}.glb`), '-q', '--overwrite'], floorArgs(entry));
	floorByPhoto.set(entry.name, floor);
	console.log(`build ${entry.name.padEnd(6)} CPU ${build.cpuSeconds.toFixed(2)} s ÷ floor ${floor.cpuSeconds.toFixed(2)} s = ${ratio(build.cpuSeconds, floor.cpuSeconds)}   wall ${build.wallSeconds.toFixed(2)} s ÷ ${floor.wallSeconds.toFixed(2)} s = ${ratio(build.wallSeconds, floor.wallSeconds)}   peak RSS ${build.peakRssMb.toFixed(0)} MB (floor ${floor.peakRssMb.toFixed(0)})`);
}

const moon = BENCH_PHOTOS[0];
const [stereo, moonFloor] = alternate([cli, 'stereo', moon.photo, ...depthArgs(moon), '-o', join(outDir, 'pair.jpg'), '-q'], floorArgs(moon));
console.log(`stereo moon  CPU ${stereo.cpuSeconds.toFixed(2)} s ÷ floor ${moonFloor.cpuSeconds.toFixed(2)} s = ${ratio(stereo.cpuSeconds, moonFloor.cpuSeconds)}   wall ${stereo.wallSeconds.toFixed(2)} s ÷ ${moonFloor.wallSeconds.toFixed(2)} s = ${ratio(stereo.wallSeconds, moonFloor.wallSeconds)}   peak RSS ${stereo.peakRssMb.toFixed(0)} MB`);

const batchDir = await makeBatchDir(join(outDir, 'batch'));
const batchPhotos = 2 * BENCH_PHOTOS.length;
const floorPerPhoto = [...floorByPhoto.values()].reduce((sum, floor) => sum + floor.cpuSeconds, 0) / floorByPhoto.size;
for (const jobs of [1, 2]) {
	const batch: ProcessFigures[] = [];
	for (let run = 0; run < Math.min(runs, 3); run++) {
		batch.push(timeProcess([cli, 'build', join(batchDir, '*.jpg'), '--depth', '{dir}/{name}-depth.png', '--depth-invert', '--out-dir', join(batchDir, 'out'), '--overwrite', '--jobs', String(jobs), '-q']));
	}
	const {cpuSeconds, wallSeconds, peakRssMb} = medians(batch);
	console.log(`batch --jobs ${jobs}, ${batchPhotos} photos in one process: CPU ${(cpuSeconds / batchPhotos).toFixed(2)} s per photo ÷ the floor's mean ${floorPerPhoto.toFixed(2)} s = ${ratio(cpuSeconds / batchPhotos, floorPerPhoto)}   wall ${(wallSeconds / batchPhotos).toFixed(2)} s per photo   peak RSS ${peakRssMb.toFixed(0)} MB`);
}
console.log(`load average while measuring: ${loadavg()[0].toFixed(1)} on ${cpus().length} cores`);
rmSync(outDir, {recursive: true, force: true});
