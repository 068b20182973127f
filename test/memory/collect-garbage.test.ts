import assert from 'node:assert/strict';

import {applyCliV8Flags} from '../../src/cli/v8-flags.js';
import {collectGarbage, setGarbageCollector} from '../../src/memory/collect-garbage.js';

describe('collectGarbage', () => {
	afterEach(() => setGarbageCollector(undefined));

	it('runs the collector it is given', () => {
		let runs = 0;
		setGarbageCollector(() => runs++);
		collectGarbage();
		collectGarbage();
		assert.equal(runs, 2);
	});

	it('gets a working collector from the CLI flags without exposing gc in this scope', () => {
		applyCliV8Flags();
		const hadGc = typeof (globalThis as {gc?: unknown}).gc === 'function';
		let target: object | undefined = {big: new Float64Array(1 << 16)};
		const ref = new WeakRef(target);
		target = undefined;
		return new Promise<void>((resolve) => {
			// WeakRef targets live until the end of the job that made them.
			setImmediate(() => {
				collectGarbage();
				assert.equal(ref.deref(), undefined);
				assert.equal(typeof (globalThis as {gc?: unknown}).gc === 'function', hadGc);
				resolve();
			});
		});
	});
});
