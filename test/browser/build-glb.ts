/**
 * The real `ldi-gltf build` for the browser tests: run from the sources (bin/dev.js through tsx) into a
 * temporary directory that lives as long as the suite.
 */
import {execFile} from 'node:child_process';
import {mkdtemp, readFile, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {promisify} from 'node:util';

import {repoRoot} from '../helpers/shared.js';

/** Runs `ldi-gltf build <photo> --depth <depth> -o <outName> --quiet ...extraArgs` and resolves to the .glb it wrote. */
export type BuildGlb = (photoPath: string, depthPath: string, outName: string, extraArgs: string[]) => Promise<Uint8Array>;

/**
 * Registers mocha hooks that create a temporary directory (named from `workDirPrefix`) before the suite's
 * tests and remove it after them; returns the function that builds .glb files into it.
 *
 * ```ts
 * const buildGlb = useBuildGlb('ldi-gltf-example-');
 * it('builds', async () => { const glb = await buildGlb(photoPath, depthPath, 'hut.glb', ['--depth-invert']); });
 * ```
 */
export function useBuildGlb(workDirPrefix: string): BuildGlb {
	let workDir = '';
	before(async () => {
		workDir = await mkdtemp(join(tmpdir(), workDirPrefix));
	});
	after(async () => {
		if (workDir !== '') await rm(workDir, {recursive: true, force: true});
	});
	return async (photoPath, depthPath, outName, extraArgs) => {
		const glbPath = join(workDir, outName);
		await promisify(execFile)(
			process.execPath,
			['--import=tsx', join(repoRoot, 'bin', 'dev.js'), 'build', photoPath, '--depth', depthPath, '-o', glbPath, '--quiet', ...extraArgs],
			{cwd: repoRoot, maxBuffer: 16 << 20},
		);
		return new Uint8Array(await readFile(glbPath));
	};
}
