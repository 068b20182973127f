import {setFlagsFromString} from 'node:v8';
import {runInNewContext} from 'node:vm';

import {setGarbageCollector} from '../memory/collect-garbage.js';

/**
 * V8 settings for the CLI process, applied by every command (BaseCommand.init); the library never changes
 * the flags of a process it is loaded into. A build's hot loops mostly run once, over a megapixel, so a
 * fresh process spends more on V8's optimizing compiler (~300 compiles, 0.7–0.9 s) than on many loops:
 * - `--no-concurrent-osr`: a running loop is compiled on the spot instead of waiting, in the interpreter,
 *   for the busy second core (moon 2433 → 2329 ms wall, median of 9).
 * - `--no-liftoff`: a wasm kernel's long call runs optimized from its start (V8 never tiers up a running
 *   wasm call): moon CPU 4.74 → 4.43 s.
 * - `--no-turbo-loop-peeling`: a loop run once does not repay its peeled copy: moon CPU 4.27 → 3.91 s.
 * No gain beyond the noise: interrupt budget, inlining limits, Maglev, `--no-turbo-inlining`,
 * `--no-turbo-escape`, `--single-threaded-gc`, `--always-sparkplug`, heap sizes, glibc malloc tunables.
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
	exposeGarbageCollector();
}

/**
 * Hands V8's full collection to the build's stages (memory/collect-garbage.ts): `--expose-gc` set for a
 * moment, a fresh context's `gc` taken, the flag unset (as Jest's leak detector does); this process's
 * own global scope gets no `gc`.
 */
function exposeGarbageCollector(): void {
	setFlagsFromString('--expose-gc');
	try {
		setGarbageCollector(runInNewContext('gc') as () => void);
	} finally {
		setFlagsFromString('--no-expose-gc');
	}
}
