/**
 * Part of `npm run build`: bundles the viewer page's TypeScript (viewer/main.ts with three.js, its
 * GLTFLoader and the meshopt decoder) into one minified script, dist/viewer-page/viewer.js, which
 * `ldi-gltf view` serves and `view --export` / `build --html` inline into a self-contained page.
 *
 * ```sh
 * node --import=tsx scripts/build-viewer.ts   # from the repository root
 * ```
 */
import {mkdir, writeFile} from 'node:fs/promises';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

import {build} from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The page's entry point. */
export const VIEWER_ENTRY = join(root, 'viewer', 'main.ts');
/** Where the bundle goes (src/viewer/assets.ts reads it from there). */
export const VIEWER_BUNDLE = join(root, 'dist', 'viewer-page', 'viewer.js');

/**
 * Bundles the page and writes it to `outFile`; returns its size in bytes.
 *
 * ```ts
 * const bytes = await buildViewerBundle(VIEWER_BUNDLE);
 * ```
 */
export async function buildViewerBundle(outFile: string = VIEWER_BUNDLE): Promise<number> {
	const result = await build({
		entryPoints: [VIEWER_ENTRY],
		bundle: true,
		// A classic script: an inline module script would work too, but a classic one also runs where a
		// page's scripts are restricted to non-module ones, and nothing here needs module semantics.
		format: 'iife',
		platform: 'browser',
		// Safari 15 / iOS 15 and every current desktop browser (WebGL 2 is what three.js needs anyway).
		target: ['es2020', 'chrome90', 'firefox90', 'safari15'],
		minify: true,
		legalComments: 'eof',
		// three.js's licence comment is kept by esbuild (@license); the meshopt decoder's is a plain comment.
		banner: {js: '/*! meshoptimizer decoder: Copyright (C) 2016-2026, Arseny Kapoulkine. MIT License. */'},
		write: false,
		logLevel: 'warning',
	});
	const code = result.outputFiles[0].text;
	await mkdir(dirname(outFile), {recursive: true});
	await writeFile(outFile, code);
	return Buffer.byteLength(code);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
	const bytes = await buildViewerBundle();
	console.log(`viewer page bundle: ${VIEWER_BUNDLE} (${(bytes / 1e3).toFixed(0)} kB)`);
}
