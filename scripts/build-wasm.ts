/**
 * Part of `npm run build` (and of `npm test`, through `pretest`): compiles each AssemblyScript kernel
 * assembly/NAME.ts to dist/wasm/NAME.wasm, where src/wasm/kernel.ts finds it from src (tests, via tsx)
 * and from dist (the package) alike. `-O3`, the stub runtime (the kernels manage their memory by hand
 * and free it with their instance) and no assertions.
 *
 * ```sh
 * node --import=tsx scripts/build-wasm.ts   # from the repository root; npm run build:wasm
 * ```
 */
import {readdirSync} from 'node:fs';
import {mkdir} from 'node:fs/promises';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

import asc from 'assemblyscript/asc';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Where the kernels' AssemblyScript sources are. */
export const KERNEL_SOURCE_DIR = join(root, 'assembly');
/** Where their WebAssembly goes. */
export const KERNEL_OUTPUT_DIR = join(root, 'dist', 'wasm');

/** The compiler's flags besides the input and output files. */
export const KERNEL_COMPILER_FLAGS = ['-O3', '--runtime', 'stub', '--noAssert'];

/**
 * Compiles every kernel; returns the names compiled. Throws with the compiler's messages on an error.
 *
 * ```ts
 * const names = await buildKernels();
 * ```
 */
export async function buildKernels(): Promise<string[]> {
	const names = readdirSync(KERNEL_SOURCE_DIR).filter((file) => file.endsWith('.ts')).map((file) => file.slice(0, -3)).sort();
	await mkdir(KERNEL_OUTPUT_DIR, {recursive: true});
	for (const name of names) {
		const messages: string[] = [];
		const stream = {write: (text: string | Uint8Array) => messages.push(String(text))};
		const {error} = await asc.main(
			[join(KERNEL_SOURCE_DIR, `${name}.ts`), ...KERNEL_COMPILER_FLAGS, '--outFile', join(KERNEL_OUTPUT_DIR, `${name}.wasm`)],
			{stdout: stream, stderr: stream},
		);
		if (error) throw new Error(`assembly/${name}.ts: ${error.message}\n${messages.join('')}`);
	}
	return names;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
	const names = await buildKernels();
	console.log(`WebAssembly kernels: ${names.map((name) => `dist/wasm/${name}.wasm`).join(', ')}`);
}
