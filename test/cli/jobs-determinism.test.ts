import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

import {runCli} from '../helpers/cli.js';
import {sharedFile} from '../helpers/shared.js';

/**
 * `build --jobs 2` writes the very bytes of `--jobs 1`. Real photos with their real depth maps, because
 * the difference this keeps fixed only showed on them: on the main thread layer 0 of a photo from 512²
 * pixels was simplified in two parts (one on a helper thread), inside a `--jobs` worker whole, so
 * depthy_shelf got 149,468 triangles alone and 148,582 in a batch. 700 px is the smallest `--max-size`
 * at which both photos reach 512² pixels (depthy_hut: 396 × 700).
 */
describe('ldi-gltf build --jobs (CLI)', function () {
	this.timeout(180_000);
	let workDir = '';
	before(() => {
		workDir = mkdtempSync(join(tmpdir(), 'ldi-gltf-jobs-'));
	});
	after(() => rmSync(workDir, {recursive: true, force: true}));

	it('gives byte-identical outputs with --jobs 2 and --jobs 1 (depthy_shelf and depthy_hut at 700 px)', async function () {
		const photos = ['photos/depthy_shelf.jpg', 'photos/depthy_hut.jpg'].map((path) => sharedFile(this, path));
		for (const name of ['photos/depthy_shelf_depth.jpg', 'photos/depthy_hut_depth.jpg']) sharedFile(this, name);
		// Google Camera depth maps: dark = near.
		const common = ['--depth', '{dir}/{name}_depth.jpg', '--depth-invert', '--max-size', '700', '--json'];
		const runs = [];
		for (const jobs of ['1', '2']) {
			const result = await runCli(['build', ...photos, '--out-dir', join(workDir, `jobs-${jobs}`), '--jobs', jobs, ...common], {cwd: workDir});
			assert.equal(result.code, 0, result.stderr);
			runs.push(JSON.parse(result.stdout) as Array<{triangles: number}>);
		}
		assert.deepEqual(runs[1].map((record) => record.triangles), runs[0].map((record) => record.triangles), 'triangles per photo');
		for (const name of ['depthy_shelf.glb', 'depthy_hut.glb']) {
			const [serial, parallel] = ['1', '2'].map((jobs) => readFileSync(join(workDir, `jobs-${jobs}`, name)));
			assert.ok(serial.equals(parallel), `${name}: ${serial.length} bytes with --jobs 1, ${parallel.length} with --jobs 2, not the same`);
		}
	});
});
