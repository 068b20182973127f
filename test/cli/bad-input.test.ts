import assert from 'node:assert/strict';
import {mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

import {closestFlagName} from '../../src/cli/error-report.js';
import {pngHeaderOnly} from '../fixtures/png-header.js';
import {assertOneLineError, runCli} from '../helpers/cli.js';
import {repoRoot} from '../helpers/shared.js';

const sampleDepth = join(repoRoot, 'assets', 'sample-depth.png');

/**
 * The bad photos of the foundation issue, through the real commands: each gives one stderr line naming
 * the file, a non-zero exit, no stack trace, and no output file.
 */
describe('bad photo input (CLI: depth and build)', function () {
	this.timeout(180_000);
	let directory = '';
	const cases: Array<[name: string, problem: RegExp]> = [
		['text.jpg', /not an image|unsupported/],
		['empty.jpg', /empty/],
		['truncated.jpg', /truncated|corrupt|premature/i],
		['folder.jpg', /directory/],
		['missing.jpg', /no such file/],
		['bomb.png', /pixel limit/],
	];

	before(() => {
		directory = mkdtempSync(join(tmpdir(), 'ldi-gltf-bad-input-'));
		writeFileSync(join(directory, 'text.jpg'), 'Dear diary, this is not a photo.\n');
		writeFileSync(join(directory, 'empty.jpg'), '');
		const sample = readFileSync(join(repoRoot, 'assets', 'sample.jpg'));
		writeFileSync(join(directory, 'truncated.jpg'), sample.subarray(0, Math.floor(sample.length / 2)));
		mkdirSync(join(directory, 'folder.jpg'));
		writeFileSync(join(directory, 'bomb.png'), pngHeaderOnly(30_000, 30_000));
	});
	after(() => rmSync(directory, {recursive: true, force: true}));

	for (const command of ['depth', 'build']) {
		it(`${command}: one line naming the file, non-zero exit, no output`, async () => {
			const results = await Promise.all(cases.map(([name]) => runCli(
				[command, name, '--depth', sampleDepth, '--out-dir', 'out', '--quiet'],
				{cwd: directory},
			)));
			results.forEach((result, index) => assertOneLineError(result, cases[index][0], cases[index][1]));
			const written = readdirSync(directory).filter((name) => name === 'out').flatMap(() => readdirSync(join(directory, 'out')));
			assert.deepEqual(written, [], 'no output and no temporary file left');
		});
	}

	it('--json reports an unknown flag as one small error record', async () => {
		const result = await runCli(['build', 'text.jpg', '--json', '--no-such-flag'], {cwd: directory});
		assert.equal(result.code, 2);
		assert.deepEqual(JSON.parse(result.stdout), {error: {message: 'unknown flag (see --help) (--no-such-flag)', code: 2}});
	});

	it('an unknown flag close to a real one is answered with it', async () => {
		const swapped = await runCli(['build', 'text.jpg', '--invert-depth'], {cwd: directory});
		assert.equal(swapped.code, 2);
		assert.equal(swapped.stderr.trim(), 'ldi-gltf: unknown flag, did you mean --depth-invert? (see --help) (--invert-depth)');
		const typo = await runCli(['stereo', 'text.jpg', '--json', '--divergance', '3'], {cwd: directory});
		assert.deepEqual(JSON.parse(typo.stdout), {error: {message: 'unknown flag, did you mean --divergence? (see --help) (--divergance)', code: 2}});
		assert.deepEqual(
			['--depht', '--qiet', '--out-directory', '--max-size-px'].map((flag) => closestFlagName(flag, ['depth', 'quiet', 'out', 'out-dir', 'max-size'])),
			['depth', 'quiet', undefined, undefined],
		);
	});

	it('--verbose adds the stack trace', async () => {
		const result = await runCli(['depth', 'text.jpg', '--depth', sampleDepth, '--verbose'], {cwd: directory});
		assert.notEqual(result.code, 0);
		assert.match(result.stderr, /text\.jpg/);
		assert.match(result.stderr, /\n\s+at /, 'a stack trace');
	});
});
