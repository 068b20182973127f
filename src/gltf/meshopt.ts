import type {MeshoptDecoder} from 'meshoptimizer/decoder';
import type {MeshoptEncoder} from 'meshoptimizer/encoder';

/**
 * meshoptimizer's encoder and decoder, each imported on first use and ready (WebAssembly compiled)
 * when the promise resolves. Importing either module unpacks and compiles its WebAssembly at once, so a
 * static import made every process pay for both at start-up, `build` for a decoder it never uses (the
 * start-up of issue 15: see src/cli/startup-trace.ts).
 *
 * ```ts
 * const encoder = await meshoptEncoder();
 * const [remap, unique] = encoder.reorderMesh(indices, true, true);
 * ```
 */
let encoder: Promise<typeof MeshoptEncoder> | undefined;
let decoder: Promise<typeof MeshoptDecoder> | undefined;

/** meshoptimizer's encoder, ready to use (imported and compiled once per thread). */
export function meshoptEncoder(): Promise<typeof MeshoptEncoder> {
	encoder ??= import('meshoptimizer/encoder').then(async (module) => {
		await module.MeshoptEncoder.ready;
		return module.MeshoptEncoder;
	});
	return encoder;
}

/** meshoptimizer's decoder, ready to use (imported and compiled once per thread). */
export function meshoptDecoder(): Promise<typeof MeshoptDecoder> {
	decoder ??= import('meshoptimizer/decoder').then(async (module) => {
		await module.MeshoptDecoder.ready;
		return module.MeshoptDecoder;
	});
	return decoder;
}
