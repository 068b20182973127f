/**
 * A full garbage collection between the stages of a build, where most of what a stage made has just
 * become garbage: the CLI turns it on (cli/v8-flags.ts); a library host keeps V8's own schedule unless it
 * runs with `--expose-gc` or hands a collector to {@link setGarbageCollector}.
 *
 * Why: a build's big arrays (the LDI, the region grower's, the pre-merge's WebAssembly memory) live
 * outside V8's heap, and V8 collects them only once that memory has grown by some 64 MB since its last
 * collection; until then they stay resident beside the next stage's arrays, and glibc cannot hand their
 * pages to the next stage. Measured (peak RSS of fresh 1024-px builds, median of 7, with
 * build-scene-mesh.ts' texturesBakedLater, which lets the LDI go before the glTF stage): moon 256 → 244 MB,
 * hut 247 → 235 MB with the four collections (before the frame strips, at the mesh stage, after the
 * pre-merge, before the glTF stage), ~5–15 ms of CPU each. Without the LDI's release they gained 3–8 MB.
 *
 * ```ts
 * setGarbageCollector(runInNewContext('gc'));   // after setFlagsFromString('--expose-gc')
 * collectGarbage();
 * ```
 */

let collector: (() => void) | undefined;

/** Sets what {@link collectGarbage} runs (undefined: `globalThis.gc` when the process exposes it). */
export function setGarbageCollector(gc: (() => void) | undefined): void {
	collector = gc;
}

/** A full garbage collection now, when a collector is set or exposed; nothing otherwise. */
export function collectGarbage(): void {
	const gc = collector ?? (globalThis as {gc?: () => void}).gc;
	if (typeof gc === 'function') gc();
}
