/**
 * Loads a WebAssembly kernel that `npm run build:wasm` compiled from assembly/NAME.ts (AssemblyScript)
 * to dist/wasm/NAME.wasm. The same relative path finds it from src/wasm (tests, via tsx) and from
 * dist/wasm (the package). Each module is read and compiled once per process, synchronously, the first
 * time a kernel is needed (~3 ms for a few kB; nothing is loaded before that, so start-up is unchanged);
 * each call gets its own instance, whose memory is released with it, so nothing outlives its stage.
 */
import {readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';

import {fileError} from '../errors.js';
import {describeSystemError} from '../io/atomic.js';

const modules = new Map<string, WebAssembly.Module>();

/** What every kernel instance exports besides its own functions. */
export interface KernelInstance {
	memory: WebAssembly.Memory;
}

/**
 * A new instance of kernel `name` (fresh memory); the module is compiled on first use and kept.
 *
 * ```ts
 * const kernel = instantiateKernel<BilateralMedianKernel>('bilateral-median');
 * const pointer = kernel.allocate(1024);
 * ```
 */
export function instantiateKernel<Exports extends KernelInstance>(name: string): Exports {
	let module = modules.get(name);
	if (module === undefined) {
		const path = fileURLToPath(new URL(`../../dist/wasm/${name}.wasm`, import.meta.url));
		let bytes: Uint8Array<ArrayBuffer>;
		try {
			bytes = new Uint8Array(readFileSync(path));
		} catch (error) {
			throw fileError(path, `cannot read this WebAssembly kernel (${describeSystemError(error)}; run npm run build:wasm)`, error);
		}
		module = new WebAssembly.Module(bytes);
		modules.set(name, module);
	}
	return new WebAssembly.Instance(module, {env: {abort: kernelAbort}}).exports as unknown as Exports;
}

/** AssemblyScript's abort import: called when a kernel runs out of memory (4 GB). */
function kernelAbort(): never {
	throw new RangeError('a WebAssembly kernel ran out of memory');
}

const WASM_PAGE_BYTES = 65_536;

/**
 * Arrays laid out one after another in a kernel's memory from its heap base, 16-byte aligned: for a
 * kernel whose instance serves every call, its memory grown to the largest call so far.
 *
 * ```ts
 * const layout = new KernelLayout(kernel.heapBase());
 * const valuesAt = layout.take(4 * n);
 * layout.reserve(kernel.memory);
 * new Float32Array(kernel.memory.buffer, valuesAt, n).set(values);
 * ```
 */
export class KernelLayout {
	private next: number;

	constructor(heapBase: number) {
		this.next = align16(heapBase);
	}

	/** Where the next array would start: the end of those taken so far. */
	get end(): number {
		return this.next;
	}

	/** Where an array of `bytes` starts (a byte offset into the kernel's memory). */
	take(bytes: number): number {
		const at = this.next;
		this.next = align16(this.next + bytes);
		return at;
	}

	/** Grows `memory` to hold every array taken; true when it grew (views taken before are then detached). */
	reserve(memory: WebAssembly.Memory): boolean {
		const missing = this.next - memory.buffer.byteLength;
		if (missing <= 0) return false;
		memory.grow(Math.ceil(missing / WASM_PAGE_BYTES));
		return true;
	}
}

function align16(bytes: number): number {
	return (bytes + 15) & ~15;
}
