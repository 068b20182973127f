import assert from 'node:assert/strict';

import {growBounds, maskBounds} from '../../src/inpaint/bounds.js';

describe('mask bounds', () => {
	it('bounds the set pixels, grown and clipped to the crop', () => {
		const width = 10;
		const mask = new Uint8Array(width * 6);
		mask[2 * width + 3] = 1;
		mask[4 * width + 7] = 1;
		assert.deepEqual(maskBounds(mask, width, 6, 0), {left: 3, top: 2, right: 7, bottom: 4});
		assert.deepEqual(maskBounds(mask, width, 6, 2), {left: 1, top: 0, right: 9, bottom: 5});
		assert.equal(maskBounds(new Uint8Array(12), 4, 3, 1), undefined);
	});

	it('grows bounds without leaving the crop', () => {
		assert.deepEqual(growBounds({left: 0, top: 1, right: 4, bottom: 4}, 3, 6, 5), {left: 0, top: 0, right: 5, bottom: 4});
	});
});
