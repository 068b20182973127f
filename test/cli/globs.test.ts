import assert from 'node:assert/strict';
import {mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, relative} from 'node:path';

import {expandPhotoPatterns} from '../../src/cli/globs.js';
import {assertOneLineError, runCli} from '../helpers/cli.js';
import {repoRoot} from '../helpers/shared.js';

const samplePhoto = join(repoRoot, 'assets', 'sample.jpg');
const sampleDepth = join(repoRoot, 'assets', 'sample-depth.png');

describe('build photo patterns (tinyglobby)', function () {
	this.timeout(180_000);
	let directory = '';
	before(() => {
		directory = mkdtempSync(join(tmpdir(), 'ldi-gltf-globs-'));
		// shots/a.jpg, shots/b.png, shots/day2/c.jpg, shots/day2/deep/d.jpg, and things no pattern should take.
		for (const path of ['shots/day2/deep', 'shots/folder.jpg']) mkdirSync(join(directory, path), {recursive: true});
		for (const path of ['shots/a.jpg', 'shots/b.png', 'shots/notes.txt', 'shots/day2/c.jpg', 'shots/day2/deep/d.jpg', 'shots/.hidden.jpg', 'odd[1].jpg', 'photo (1).jpg']) {
			writeFileSync(join(directory, path), readFileSync(samplePhoto));
		}
		for (const name of ['a', 'b', 'c', 'd']) writeFileSync(join(directory, `${name}-depth.png`), readFileSync(sampleDepth));
	});
	after(() => rmSync(directory, {recursive: true, force: true}));

	const expand = (patterns: string[]) => expandPhotoPatterns(patterns, directory);

	it('`*` and `?` in the file name, as before (sorted, files only, no dot files)', async () => {
		assert.deepEqual(await expand(['shots/*.jpg']), ['shots/a.jpg']);
		assert.deepEqual(await expand(['shots/?.*']), ['shots/a.jpg', 'shots/b.png']);
	});

	it('`**` crosses folders at any depth', async () => {
		assert.deepEqual(await expand(['shots/**/*.jpg']), ['shots/a.jpg', 'shots/day2/c.jpg', 'shots/day2/deep/d.jpg']);
		assert.deepEqual(await expand(['**/d.jpg']), ['shots/day2/deep/d.jpg']);
	});

	it('`{a,b}` alternatives and `[…]` classes', async () => {
		assert.deepEqual(await expand(['shots/*.{jpg,png}']), ['shots/a.jpg', 'shots/b.png']);
		assert.deepEqual(await expand(['shots/{a,b}.*']), ['shots/a.jpg', 'shots/b.png']);
		assert.deepEqual(await expand(['shots/**/[cd].jpg']), ['shots/day2/c.jpg', 'shots/day2/deep/d.jpg']);
	});

	it('plain paths are kept as they are, existing names with glob characters too; order of arguments kept', async () => {
		assert.deepEqual(await expand(['missing.jpg', 'shots/a.jpg', 'odd[1].jpg', 'photo (1).jpg']), ['missing.jpg', 'shots/a.jpg', 'odd[1].jpg', 'photo (1).jpg']);
		assert.deepEqual(await expand(['shots/b.png', 'shots/*.jpg']), ['shots/b.png', 'shots/a.jpg']);
	});

	it('a photo named twice (overlapping patterns, ./ or a linked folder) is kept once, where it first appears; a link of another name is another photo', async () => {
		symlinkSync('shots/a.jpg', join(directory, 'link-to-a.jpg'));
		symlinkSync('shots', join(directory, 'shots-link'));
		assert.deepEqual(
			await expand(['shots/*.jpg', 'shots/?.*', './shots/a.jpg', 'shots-link/a.jpg', 'link-to-a.jpg', 'shots/a.jpg']),
			['shots/a.jpg', 'shots/b.png', 'link-to-a.jpg'],
		);
		const result = await runCli(['build', 'shots/a.jpg', './shots/a.jpg', '--depth', `${directory}/{name}-depth.png`, '--out-dir', join(directory, 'twice'), '--max-size', '64', '--json'], {cwd: directory});
		assert.equal(result.code, 0, result.stderr);
		assert.equal((JSON.parse(result.stdout) as unknown[]).length, 1, 'one photo built');
	});

	it('a pattern that matches nothing is kept (it then fails under its own name); an absolute pattern gives absolute paths', async () => {
		assert.deepEqual(await expand(['shots/*.webp', 'nowhere/**/*.jpg']), ['shots/*.webp', 'nowhere/**/*.jpg']);
		assert.deepEqual(await expand([join(directory, 'shots', '*.{jpg,png}')]), [join(directory, 'shots', 'a.jpg'), join(directory, 'shots', 'b.png')]);
	});

	it('CLI: `build \'shots/**/*.{jpg,png}\'` builds every match; a pattern matching nothing fails in one line naming it', async () => {
		const outDir = join(directory, 'out');
		const result = await runCli(['build', 'shots/**/*.{jpg,png}', '--depth', `${directory}/{name}-depth.png`, '--out-dir', outDir, '--max-size', '64', '--json', '--jobs', '2'], {cwd: directory});
		assert.equal(result.code, 0, result.stderr);
		const records = JSON.parse(result.stdout) as {input: string; outputs: string[]; error?: unknown}[];
		assert.deepEqual(records.map((record) => relative(directory, record.input)), ['shots/a.jpg', 'shots/b.png', 'shots/day2/c.jpg', 'shots/day2/deep/d.jpg']);
		assert.ok(records.every((record) => record.error === undefined && record.outputs.length === 1));

		const none = await runCli(['build', 'shots/**/*.webp', '--depth', sampleDepth, '--out-dir', outDir], {cwd: directory});
		assertOneLineError(none, 'shots/**/*.webp', /no such file/);
	});
});
