/**
 * Photo arguments with quoted glob patterns expanded by tinyglobby (picomatch syntax: `*`, `?`, `**` across
 * folders, `{a,b}`, `[…]`, extglobs), for `ldi-gltf build 'photos/**\/*.{jpg,png}'` on shells that pass the
 * pattern through (quoted, or Windows). Shells expand unquoted globs themselves.
 */
import {existsSync} from 'node:fs';
import {createRequire} from 'node:module';
import {basename, dirname, isAbsolute, join, resolve} from 'node:path';

import type * as Tinyglobby from 'tinyglobby';

import {canonicalPath} from '../io/same-file.js';

// tinyglobby's CommonJS build, the copy oclif has loaded already (with fdir's) by the time a command runs:
// an ES import would load its ES build (dist/index.mjs) and fdir's a second time in every process
// (issue 15: one copy of each package at start-up).
const {glob, isDynamicPattern} = createRequire(import.meta.url)('tinyglobby') as typeof Tinyglobby;

/**
 * Each argument that names an existing path, or has no glob syntax, is kept as it is (so `photo (1).jpg` or
 * `a[1].jpg` are files, not patterns, when they exist); any other is a pattern, replaced by the files it
 * matches, sorted (paths relative to the working directory, absolute for an absolute pattern; directories
 * and names starting with a dot are not matched). A pattern that matches nothing is kept, so it fails
 * under its own name in one line, as a missing file does. A file named twice (by overlapping patterns,
 * as `p.jpg` and `./p.jpg`, or through a linked folder) is kept once, where it first appears: it was
 * refused as two photos writing the same output. A link of another name is another photo: its outputs
 * and its `{name}` depth map are its own.
 *
 * ```ts
 * await expandPhotoPatterns(['shots/**\/*.{jpg,png}', 'extra.jpg']) // ['shots/a.jpg', 'shots/day2/b.png', 'extra.jpg']
 * ```
 */
export async function expandPhotoPatterns(patterns: readonly string[], cwd = process.cwd()): Promise<string[]> {
	const inputs: string[] = [];
	for (const pattern of patterns) {
		if (!isDynamicPattern(pattern) || existsSync(resolve(cwd, pattern))) {
			inputs.push(pattern);
			continue;
		}
		const matches = await glob(pattern, {cwd, absolute: isAbsolute(pattern), onlyFiles: true, expandDirectories: false}).catch(() => []);
		inputs.push(...(matches.length > 0 ? matches.sort() : [pattern]));
	}
	const seen = new Set<string>();
	return inputs.filter((input) => {
		const path = resolve(cwd, input);
		const file = join(canonicalPath(dirname(path)), basename(path));
		if (seen.has(file)) return false;
		seen.add(file);
		return true;
	});
}
