import {existsSync} from 'node:fs';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';

/** Repository root. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The team's shared data folder (photos with depth, stereo pairs), beside the checkout. Override with
 * LDI_GLTF_SHARED_DIR. Never copied into the repository.
 */
export const sharedDir = process.env.LDI_GLTF_SHARED_DIR ?? resolve(repoRoot, '..', 'shared');

/**
 * Path of `relativePath` inside the shared folder; skips the calling test (with a message naming the
 * missing file) when it is absent.
 *
 * ```ts
 * it('finds edges on moon.jpg', async function () {
 *   const photo = sharedFile(this, 'photos/moon.jpg');
 * });
 * ```
 */
export function sharedFile(context: Mocha.Context, relativePath: string): string {
	const path = join(sharedDir, relativePath);
	if (!existsSync(path)) {
		console.log(`      skipped: ${path} is missing (the ../shared data folder is not beside this checkout)`);
		context.skip();
	}
	return path;
}
