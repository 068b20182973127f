/**
 * `LDI_GLTF_TRACE_STARTUP=1`: a command prints, once, on stderr, how much CPU (user + system, all
 * threads, from the start of the process) and wall time it spent before its first pixel of work, e.g.
 * `ldi-gltf startup: cpu 251 ms (user 203, sys 48), wall 262 ms, before decode`. This is what issue 15's
 * start-up target (≤ 0.3 s of CPU) is measured with: Node's own bootstrap, oclif, loading the command's
 * modules and parsing its flags, everything up to the first stage of the pipeline (`build` calls it from
 * its stage callback; bench/startup.ts prints the figure beside what cannot be cut from it).
 *
 * What a build loaded before its first pixel, and now loads where it is used or not at all (moon.jpg with
 * its depth map, fresh processes alternating on the shared 2-core box, load average 7, median of 11:
 * 744 → 566 ms of CPU before the first pixel):
 * - @gltf-transform/functions (with ndarray, whose operations are generated as code when loaded,
 *   ndarray-pixels, ktx-parse): 65–135 ms of CPU, and it is not loaded at all when dedup and prune have
 *   nothing to do, which is always for sceneToDocument's documents (gltf/dedup-prune.ts);
 * - glTF-Transform core and extensions and meshoptimizer's encoder: at the glTF stage
 *   (pipeline/encode-scene.ts); meshoptimizer's simplifier: at the mesh stage (mesh/simplify.ts); its
 *   decoder and the glTF reader: for `.glb` inputs only (pipeline/scene-input.ts); each meshoptimizer
 *   module unpacks and compiles its WebAssembly when imported;
 * - the software renderer (render/stereo.ts, rasterize.ts), for one formula exact-disparity mode needs
 *   (now in pipeline/exact-disparity.ts); the photo pool (--jobs > 1) and the viewer page (--html);
 * - oclif through '@oclif/core' (the index, which also loads what only other entry points use and checks
 *   the Node version with semver): bin/run.js and the commands import the subpaths (execute, command,
 *   flags, errors, args), 632 → 582 ms, median of 9.
 * sharp is loaded once, as ES module (dist/index.mjs), by this code and by @gltf-transform/functions'
 * ndarray-pixels alike; its CommonJS copy (dist/index.cjs) was never loaded: in the issue's profile
 * @gltf-transform/functions paid for loading sharp when it happened to import it first. tinyglobby (and
 * fdir) were loaded twice, CommonJS by oclif and ES module by cli/globs.ts, which now requires oclif's
 * copy; no other package is loaded from both of its builds.
 *
 * What is left, same run: Node alone ~110 ms; Node with oclif's execute() and sharp ~450 ms (sharp's
 * libvips initialisation and its semver, oclif's ~100 CommonJS files); the build's own ~75 modules (the LDI
 * engine is loaded for the defaults of the flags) with oclif's config, parsing and the photo's header
 * ~110 ms. The I/O floor's own imports (sharp, glTF-Transform core and extensions, meshoptimizer's
 * encoder) cost ~400 ms there. Tried without gain: Node 22's compile cache (NODE_COMPILE_CACHE, 521 → 512
 * ms, within the noise), `--min-semi-space-size=16` and `--no-lazy-feedback-allocation` (both slower).
 */

let reported = false;

/**
 * Prints the start-up figure the first time it is called in a process when `LDI_GLTF_TRACE_STARTUP` is
 * set (any value but '' or '0'); otherwise does nothing.
 *
 * ```ts
 * markFirstPixel('decode');
 * ```
 */
export function markFirstPixel(stage: string): void {
	if (reported) return;
	reported = true;
	const flag = process.env.LDI_GLTF_TRACE_STARTUP;
	if (flag === undefined || flag === '' || flag === '0') return;
	const {user, system} = process.cpuUsage();
	const ms = (micros: number): string => (micros / 1000).toFixed(0);
	process.stderr.write(`ldi-gltf startup: cpu ${ms(user + system)} ms (user ${ms(user)}, sys ${ms(system)}), wall ${performance.now().toFixed(0)} ms, before ${stage}\n`);
}
