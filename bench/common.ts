/** Small helpers the benchmark scripts share. */
import {dirname, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The team's shared data folder beside the checkout (LDI_GLTF_SHARED_DIR overrides). */
export const sharedDir = process.env.LDI_GLTF_SHARED_DIR ?? resolve(repoRoot, '..', 'shared');

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
