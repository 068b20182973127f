import assert from 'node:assert/strict';

import {LINK_LEFT, LINK_UP, addPixel, createLdi, ldiCapacity, ldiFromImage, linkPixels, pixelAt} from '../../src/ldi/ldi.js';
import {linkProblems} from './scenes.js';

describe('ldiFromImage', () => {
	it('equals the LDI built pixel by pixel with addPixel and linkPixels', () => {
		const width = 7;
		const height = 5;
		const border = 2;
		const rgb = new Uint8Array(width * height * 3).map((_, i) => (i * 11) & 255);
		const disparity = new Float32Array(width * height).map((_, i) => i / 40);
		const fast = ldiFromImage({width, height, data: rgb}, {width, height, data: disparity}, border);
		const slow = createLdi(width, height, border, ldiCapacity(width, height, border));
		for (let y = 0; y < height; y++) {
			for (let x = 0; x < width; x++) {
				const i = y * width + x;
				addPixel(slow, x, y, rgb[i * 3], rgb[i * 3 + 1], rgb[i * 3 + 2], disparity[i], 0);
				if (x > 0) linkPixels(slow, i, i - 1, LINK_LEFT);
				if (y > 0) linkPixels(slow, i, i - width, LINK_UP);
			}
		}
		assert.deepEqual(fast, slow);
		assert.equal(pixelAt(fast, 3, 4), 4 * width + 3);
		assert.equal(pixelAt(fast, -1, 0), -1);
		assert.deepEqual(linkProblems(fast), []);
	});
});

describe('createLdi', () => {
	it('refuses a lattice beyond its 16-bit coordinates, and stores the extremes it accepts', () => {
		assert.throws(() => createLdi(32_700, 2, 100), /does not fit 16-bit coordinates/);
		const ldi = createLdi(32_700, 2, 67, 4);
		const corner = addPixel(ldi, 32_700 - 1 + 67, -67, 1, 2, 3, 0.5, 0);
		assert.equal(ldi.x[corner], 32_766);
		assert.equal(ldi.y[corner], -67);
	});
});
