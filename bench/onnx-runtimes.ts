/**
 * onnxruntime-node (native) against onnxruntime-web (WebAssembly, the fallback when the native package is
 * not installed) on a generated convolution stack: `image` [1,3,256,256] → 5 × (Conv 3×3, 32 channels,
 * Relu) → Conv 1×1 → [1,1,256,256], ≈ 2.4 G multiply-adds, the order of MiDaS v2.1 small. Each runtime and
 * thread count runs in its own process (onnxruntime-web's thread count is a process-wide setting), through
 * loadOnnxSession, as the depth estimator does. Prints import, session creation and the median of N runs
 * after 2 warm-up runs.
 *
 * Run: `node --import=tsx bench/onnx-runtimes.ts [runs]`
 */
import {execFileSync} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';

import {loadOnnxRuntime, loadOnnxSession, ONNX_RUNTIME_ENV} from '../src/depth/onnx.js';
import {convStackModel} from '../test/fixtures/onnx-builder.js';

const [runtimeArg, threadsArg, runsArg] = process.argv.slice(2);

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)]!;
}

async function measure(threads: number, runs: number): Promise<void> {
	const directory = mkdtempSync(join(tmpdir(), 'ldi-ort-bench-'));
	try {
		const path = join(directory, 'conv.onnx');
		writeFileSync(path, convStackModel());
		const started = performance.now();
		const {backend, Tensor} = await loadOnnxRuntime();
		const imported = performance.now();
		const session = await loadOnnxSession(path, threads);
		const created = performance.now();
		const input = new Tensor('float32', new Float32Array(3 * 256 * 256).fill(0.5), [1, 3, 256, 256]);
		const times: number[] = [];
		for (let i = 0; i < runs + 2; i++) {
			const start = performance.now();
			await session.run({image: input});
			if (i >= 2) times.push(performance.now() - start);
		}
		console.log(`${backend.padEnd(16)} threads ${threads}: import ${(imported - started).toFixed(0)} ms, session ${(created - imported).toFixed(0)} ms, run median ${median(times).toFixed(1)} ms (min ${Math.min(...times).toFixed(1)}, ${runs} runs)`);
	} finally {
		rmSync(directory, {recursive: true, force: true});
	}
}

if (runtimeArg && threadsArg) {
	process.env[ONNX_RUNTIME_ENV] = runtimeArg;
	await measure(Number(threadsArg), Number(runsArg ?? 9));
} else {
	const runs = runtimeArg ?? '9';
	for (const runtime of ['node', 'web']) {
		for (const threads of ['1', '2']) {
			execFileSync(process.execPath, ['--import=tsx', fileURLToPath(import.meta.url), runtime, threads, runs], {stdio: 'inherit'});
		}
	}
}
