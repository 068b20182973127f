/** Small helpers the benchmark scripts share. */
import {mkdirSync, symlinkSync, writeFileSync} from 'node:fs';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';

import {readDepthMap} from '../src/depth/supplied.js';
import {encodeDisparityPng16} from '../src/image/encode.js';
import {loadPhoto} from '../src/image/load.js';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The team's shared data folder beside the checkout (LDI_GLTF_SHARED_DIR overrides). */
export const sharedDir = process.env.LDI_GLTF_SHARED_DIR ?? resolve(repoRoot, '..', 'shared');

/** A shared photo with its depth map, as `build --depth` takes it. */
export interface BenchPhoto {
	name: string;
	photo: string;
	depth: string;
	/** The map stores depth (far = bright): `--depth-invert`. */
	invert: boolean;
}

/** The three 1024-px photos the performance targets are measured on. */
export const BENCH_PHOTOS: BenchPhoto[] = [
	{name: 'moon', photo: 'moon.jpg', depth: 'moon_depth_midas.png', invert: false},
	{name: 'shelf', photo: 'depthy_shelf.jpg', depth: 'depthy_shelf_depth.jpg', invert: true},
	{name: 'hut', photo: 'depthy_hut.jpg', depth: 'depthy_hut_depth.jpg', invert: true},
].map((entry) => ({...entry, photo: join(sharedDir, 'photos', entry.photo), depth: join(sharedDir, 'photos', entry.depth)}));

/**
 * A folder for a batch run: each of BENCH_PHOTOS twice under two names (NAME-1.jpg, NAME-2.jpg, links),
 * each beside its map as NAME-k-depth.png, all stored the same way round (moon's map written inverted), so
 * that one `--depth '{dir}/{name}-depth.png' --depth-invert` serves the whole batch. Returns the folder.
 *
 * ```ts
 * const dir = await makeBatchDir(join(outDir, 'batch'));  // then: build 'dir/*.jpg' --depth '{dir}/{name}-depth.png' --depth-invert
 * ```
 */
export async function makeBatchDir(dir: string): Promise<string> {
	mkdirSync(dir, {recursive: true});
	for (const entry of BENCH_PHOTOS) {
		let depth = entry.depth;
		if (!entry.invert) {
			const photo = await loadPhoto(entry.photo, {maxSize: 1024});
			const {disparity} = await readDepthMap(entry.depth, photo.image);
			depth = join(dir, `${entry.name}-inverted-depth.png`);
			writeFileSync(depth, await encodeDisparityPng16({...disparity, data: disparity.data.map((d) => 1 - d)}));
		}
		for (const copy of [1, 2]) {
			symlinkSync(entry.photo, join(dir, `${entry.name}-${copy}.jpg`));
			symlinkSync(depth, join(dir, `${entry.name}-${copy}-depth.png`));
		}
	}
	return dir;
}

/**
 * Runs `task` twice to warm up, then `runs` times, and prints the median wall time with min and max.
 *
 * ```ts
 * await timeMedian('loadPhoto 1024 px', 15, () => loadPhoto(path));
 * ```
 */
export async function timeMedian(label: string, runs: number, task: () => Promise<unknown> | unknown, labelWidth = 66): Promise<number> {
	for (let i = 0; i < 2; i++) await task();
	const times: number[] = [];
	for (let i = 0; i < runs; i++) {
		const started = performance.now();
		await task();
		times.push(performance.now() - started);
	}
	times.sort((a, b) => a - b);
	const result = times[Math.floor(times.length / 2)];
	console.log(`${label.padEnd(labelWidth)} ${result.toFixed(1).padStart(7)} ms  (median of ${runs}; min ${times[0].toFixed(1)}, max ${times[times.length - 1].toFixed(1)})`);
	return result;
}
