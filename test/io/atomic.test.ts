import assert from 'node:assert/strict';
import {mkdtempSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

import {UserError} from '../../src/errors.js';
import {writeFileAtomic} from '../../src/io/atomic.js';

describe('writeFileAtomic', () => {
	let directory = '';
	before(() => {
		directory = mkdtempSync(join(tmpdir(), 'ldi-gltf-atomic-'));
	});
	after(() => rmSync(directory, {recursive: true, force: true}));

	it('a parent that is a file: the write\'s one-line error, not the failed clean-up\'s', async () => {
		writeFileSync(join(directory, 'photo.jpg'), 'not a folder');
		const output = join(directory, 'photo.jpg', 'scene.glb');
		await assert.rejects(writeFileAtomic(output, new Uint8Array(4), {createDirectory: false}), (error: unknown) => {
			assert.ok(error instanceof UserError, String(error));
			assert.equal(error.message, `${output}: cannot write (a parent is not a directory)`);
			return true;
		});
		assert.deepEqual(readdirSync(directory), ['photo.jpg']);
	});
});
