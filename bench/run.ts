/**
 * `npm run bench`: runs every benchmark script in this folder one after another (each in its own process,
 * so peak RSS figures are per script) and prints their figures. `npm run bench -- --write` also records
 * the output in bench/RESULTS.md with the machine and the date: it replaces the `## <script>.ts` sections
 * of the scripts that ran and keeps every hand-written section (see results-file.ts).
 */
import {spawnSync} from 'node:child_process';
import {existsSync, readFileSync, writeFileSync} from 'node:fs';
import {cpus, totalmem} from 'node:os';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

import {mergeResults} from './results-file.js';

const benchDir = dirname(fileURLToPath(import.meta.url));
const scripts = ['input.ts', 'depth.ts', 'onnx-runtimes.ts', 'ldi.ts', 'inpaint.ts', 'mesh.ts', 'startup.ts', 'targets.ts', 'build.ts', 'render.ts', 'commands.ts'];
const write = process.argv.includes('--write');

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}-${process.arch}`;
const outputByScript = new Map<string, string>();
let failed = false;
for (const script of scripts) {
	const path = join(benchDir, script);
	if (!existsSync(path)) continue;
	console.log(`\n## ${script}\n`);
	const result = spawnSync(process.execPath, ['--import=tsx', '--expose-gc', path], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit']});
	process.stdout.write(result.stdout);
	if (result.status !== 0) {
		failed = true;
		console.log(`(${script} exited with ${result.status})`);
	}
	outputByScript.set(script, `\`\`\`\n${result.stdout.trim()}\n\`\`\``);
}

if (write) {
	const date = new Date().toISOString().slice(0, 10);
	const resultsPath = join(benchDir, 'RESULTS.md');
	const existing = existsSync(resultsPath) ? readFileSync(resultsPath, 'utf8') : '';
	writeFileSync(resultsPath, mergeResults(existing, {machine, date, command: 'npm run bench -- --write'}, outputByScript));
}
process.exitCode = failed ? 1 : 0;
