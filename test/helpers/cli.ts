import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {createRequire} from 'node:module';
import {join} from 'node:path';
import {pathToFileURL} from 'node:url';

import {repoRoot} from './shared.js';

export interface CliResult {
	code: number;
	stdout: string;
	stderr: string;
}

/** tsx's loader by absolute URL: `--import=tsx` would resolve from the (temporary) working directory. */
const TSX_LOADER = pathToFileURL(createRequire(join(repoRoot, 'package.json')).resolve('tsx')).href;

/** Runs `ldi-gltf` from the sources (bin/dev.js through tsx) in `cwd`, without offline/mirror settings from outside. */
export function runCli(args: string[], options: {cwd: string; env?: NodeJS.ProcessEnv}): Promise<CliResult> {
	const env = {...process.env, LDI_GLTF_OFFLINE: '', LDI_GLTF_MODEL_BASE_URL: '', ...options.env};
	return new Promise((resolve) => {
		execFile(
			process.execPath,
			[`--import=${TSX_LOADER}`, join(repoRoot, 'bin', 'dev.js'), ...args],
			{cwd: options.cwd, env, maxBuffer: 64 << 20},
			(error, stdout, stderr) => {
				resolve({code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr});
			},
		);
	});
}

/** The CLI failed with exactly one stderr line naming `fileName` and matching `problem`, and no stack trace. */
export function assertOneLineError(result: CliResult, fileName: string, problem: RegExp): void {
	assert.notEqual(result.code, 0, 'non-zero exit');
	const lines = result.stderr.trim().split('\n');
	assert.equal(lines.length, 1, `one line on stderr, got:\n${result.stderr}`);
	assert.ok(lines[0].includes(fileName), `names ${fileName}: ${lines[0]}`);
	assert.match(lines[0], problem);
	assert.ok(!/\n\s+at /.test(result.stderr), 'no stack trace');
}
