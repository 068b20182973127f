/**
 * The last step of `npm run build`: writes oclif.manifest.json, from which oclif reads the command ids
 * and flags instead of importing every command module at start-up (`ldi-gltf --version` 0.30 → 0.14 s;
 * each command's own start-up likewise loses the other commands' imports). oclif's own
 * `oclif manifest` also records each command's compiled file, which oclif then loads directly, so
 * bin/dev.js would run a stale dist/ instead of src/ (and tests could pass on old code): those two
 * fields are dropped here, and oclif finds the command module through its TypeScript-aware lookup.
 *
 * ```sh
 * node --import=tsx scripts/oclif-manifest.ts   # after tsc, from the repository root
 * ```
 */
import {execFileSync} from 'node:child_process';
import {readFileSync, writeFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const oclifCli = join(dirname(createRequire(import.meta.url).resolve('oclif/package.json')), 'bin', 'run.js');
// No update check: it would reach the registry and print a warning on every build.
execFileSync(process.execPath, [oclifCli, 'manifest'], {cwd: root, stdio: ['ignore', 'ignore', 'inherit'], env: {...process.env, OCLIF_SKIP_NEW_VERSION_CHECK: 'true'}});
const path = join(root, 'oclif.manifest.json');
const manifest = JSON.parse(readFileSync(path, 'utf8')) as {commands: Record<string, Record<string, unknown>>};
for (const command of Object.values(manifest.commands)) {
	delete command.relativePath;
	delete command.isESM;
}
writeFileSync(path, `${JSON.stringify(manifest, null, 2)}\n`);
