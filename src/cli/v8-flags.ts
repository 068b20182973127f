import {setFlagsFromString} from 'node:v8';

/**
 * V8 settings for the CLI process, applied by every command (BaseCommand.init) once its modules are
 * loaded; the library never changes flags of the process it is loaded into.
 *
 * A build is one pass over a megapixel photo: most of its hot loops run once, over a million pixels or
 * triangles, inside a function called once. V8 moves such a loop to optimized code by on-stack
 * replacement (OSR), compiled by default on a background thread while the loop goes on in the
 * interpreter. On 2 cores that thread competes with sharp's encoders, the simplification worker and
 * the other compile jobs, so a loop often runs long, slowly, before its optimized code is ready.
 * `--no-concurrent-osr` compiles the loop on the spot instead, a few milliseconds, then runs it
 * optimized. moon.jpg's build in one process (sampling heap profiler): 209 → 140 MB of JS allocations
 * (numbers boxed by unoptimized code); main-thread garbage collection in the CPU profile 175 → 92 ms.
 *
 * Measured (whole `ldi-gltf build` process, supplied depth, 1024 px, the settings alternating in fresh
 * processes, median of 7–9): moon 2433 → 2329 ms, depthy_hut 2582 → 2512 ms, depthy_shelf 1750 → 1635
 * ms. Tried on top of it, no change beyond the noise (±50 ms): `--interrupt-budget=32768`,
 * `--ticks-before-optimization=1`, `--max-inlined-bytecode-size-cumulative=460`,
 * `--wasm-tiering-budget` 100 000 and 300 000. Slower: `--no-concurrent-recompilation` (every
 * optimization on the main thread, 2473 → 2652 ms). Earlier sessions found no gain in the semi-space
 * size, inlining limits, Maglev or `--no-wasm-dynamic-tiering`.
 *
 * Other process-level settings measured (moon, fresh processes alternating): `--initial-old-space-size=128`
 * 2492 → 2397 ms (median of 9) but hut 2696 → 2685, and heap sizes cannot be set once the process runs;
 * glibc's `GLIBC_TUNABLES=glibc.malloc.hugetlb=1` (the build touches ~143 k fresh pages, ~0.35 s of
 * system time) halves the page faults but doubles the system time, slower; a larger
 * `glibc.malloc.mmap_threshold`: no change. Importing @gltf-transform/functions (30 ms at start-up,
 * most of it ndarray's code generation) only when the glTF stage starts: no change, the main thread is
 * never idle to absorb it (it is now not imported at all when dedup and prune have nothing to do:
 * src/gltf/dedup-prune.ts). Bundling dist/ into one file (esbuild) cuts loading the build command's own
 * modules from 48 to 26 ms: not worth a bundler in the build.
 *
 * What the JIT costs (moon.jpg, `--trace-opt`, one build): 328 TurboFan compiles, 0.90 s of compile
 * time in all: 0.47 s in 204 on-stack replacements (on the thread whose loop waits: this one, or the
 * pre-merge worker), 0.44 s in 124 background jobs on the second core; 116 deoptimizations, nearly all
 * "insufficient type feedback" where a function compiled while in its first loop reaches code that had
 * not run yet. No single function takes more than 25 ms (the largest: emitLeaves, searchField,
 * mergeLevel, collectLeaves), so there is no one compile to avoid. Over five builds the process spent
 * 3.2–3.4 s of CPU (user + system) in 2.15–2.31 s of wall time.
 *
 * `--no-liftoff`: WebAssembly is compiled by TurboFan when instantiated instead of by the baseline
 * compiler first. A kernel runs one long call per region or band, and V8 never moves a running wasm call
 * to optimized code, so with Liftoff the first calls of meshoptimizer's simplifier and the transport
 * kernel ran unoptimized to the end. The modules are small (compiling them all eagerly: a few ms).
 * moon, fresh processes alternating (2026-12-07, median of 5): CPU 4.74 → 4.43 s.
 *
 * `--no-turbo-loop-peeling`: TurboFan copies a loop's first iteration out of the loop before optimizing
 * it, which a loop that runs once over a megapixel does not repay: a fresh build compiles ~340 functions
 * (0.9–1.8 s of compile time, the largest single cost of a fresh process) and most are such loops.
 * Fresh processes alternating, median of 9 (2026-12-07, load average ~5): CPU moon 4.27 → 3.91 s
 * (pairwise 0.940), hut 4.27 → 4.23 s (0.982). Tried the same day without gain: `--no-turbo-inlining`
 * (0.997), `--max-inlined-bytecode-size=120` (1.036), `VIPS_CONCURRENCY=1` (1.007, same peak RSS).
 */
export const CLI_V8_FLAGS: readonly string[] = ['--no-concurrent-osr', '--no-liftoff', '--no-turbo-loop-peeling'];

/**
 * Applies {@link CLI_V8_FLAGS} to this process (all its threads). For processes that run one command
 * and exit; a long-lived host keeps V8's defaults.
 *
 * ```ts
 * applyCliV8Flags();
 * await execute({dir: import.meta.url});
 * ```
 */
export function applyCliV8Flags(): void {
	for (const flag of CLI_V8_FLAGS) setFlagsFromString(flag);
}
