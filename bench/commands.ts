/**
 * The whole `ldi-gltf stereo` and `ldi-gltf render` processes as a pipeline runs them: the compiled CLI
 * (dist/, `npm run build` first) in a fresh process per run, on moon.jpg with its depth at 1024 px.
 * Prints the median and the best of 5 wall times beside the targets of issue 5: `stereo` ≤ 2.5 s for
 * the whole process, a 60-frame camera path at 640 px ≤ 10 s (rendered from a .glb built once, and
 * from the photo).
 *
 * Run: npm run build && node --import=tsx bench/commands.ts
 */
import {spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, rmSync} from 'node:fs';
import {cpus, loadavg, tmpdir} from 'node:os';
import {join} from 'node:path';

import {repoRoot, sharedDir} from './common.js';

const cli = join(repoRoot, 'bin', 'run.js');
const photo = join(sharedDir, 'photos', 'moon.jpg');
const depth = join(sharedDir, 'photos', 'moon_depth_midas.png');
if (!existsSync(join(repoRoot, 'dist', 'commands', 'stereo.js'))) {
	console.log('dist/ is missing: run `npm run build` first');
	process.exit(1);
}
if (!existsSync(photo) || !existsSync(depth)) {
	console.log(`skipped: ${existsSync(photo) ? depth : photo} is missing`);
	process.exit(0);
}

const outDir = mkdtempSync(join(tmpdir(), 'ldi-gltf-bench-commands-'));
const runs = 5;

/** Wall seconds of `args` through the CLI, `runs` times: [median, best]. */
function time(args: string[]): [number, number] {
	const seconds: number[] = [];
	for (let i = 0; i < runs; i++) {
		const started = performance.now();
		const result = spawnSync(process.execPath, [cli, ...args, '--quiet'], {encoding: 'utf8'});
		if (result.status !== 0) throw new Error(`ldi-gltf ${args.join(' ')}: ${result.stderr.trim().split('\n')[0]}`);
		seconds.push((performance.now() - started) / 1000);
	}
	seconds.sort((a, b) => a - b);
	return [seconds[Math.floor(runs / 2)], seconds[0]];
}

function report(label: string, [median, best]: [number, number], target: string): void {
	console.log(`${label.padEnd(52)} ${median.toFixed(2).padStart(6)} s  (best ${best.toFixed(2)} s of ${runs})  target ${target}`);
}

const glb = join(outDir, 'moon.glb');
spawnSync(process.execPath, [cli, 'build', photo, '--depth', depth, '-o', glb, '--quiet']);
report('stereo moon.jpg (sbs, supplied depth, whole process)', time(['stereo', photo, '--depth', depth, '-o', join(outDir, 'pair.jpg')]), '≤ 2.5 s');
const path = ['--path', 'circle', '--frames', '60', '--size', '640'];
report('render moon.glb --path circle, 60 frames, 640 px, WebP', time(['render', glb, ...path, '-o', join(outDir, 'glb.webp')]), '≤ 10 s');
report('render moon.jpg --path circle, 60 frames, 640 px, WebP', time(['render', photo, '--depth', depth, ...path, '-o', join(outDir, 'photo.webp')]), '≤ 10 s');
console.log(`load average while measuring: ${loadavg()[0].toFixed(1)} on ${cpus().length} cores`);
rmSync(outDir, {recursive: true, force: true});
