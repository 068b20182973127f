import assert from 'node:assert/strict';

import {createFloatImage, createRgbImage} from '../../src/image/raster.js';
import {LINK_DOWN, LINK_RIGHT, NO_LINK, addPixel, cutLink, ldiFromImage, linkPixels} from '../../src/ldi/ldi.js';
import {relinkUnfilledCuts} from '../../src/ldi/relink-unfilled-cuts.js';

describe('ldi/relinkUnfilledCuts', () => {
	function steppedLdi() {
		const width = 6;
		const height = 3;
		const disparity = createFloatImage(width, height);
		for (let i = 0; i < width * height; i++) disparity.data[i] = i % width < 3 ? 0.1 : 0.9;
		const ldi = ldiFromImage(createRgbImage(width, height), disparity);
		for (let y = 0; y < height; y++) cutLink(ldi, y * width + 2, LINK_RIGHT);
		return {ldi, width, height};
	}

	it('re-links a cut with no inpainted surface behind its near side', () => {
		const {ldi, width, height} = steppedLdi();
		assert.equal(relinkUnfilledCuts(ldi), height);
		for (let y = 0; y < height; y++) assert.equal(ldi.links[(y * width + 2) * 4 + LINK_RIGHT], y * width + 3);
	});

	it('keeps a cut that an inpainted band continues behind the near side', () => {
		const {ldi, width} = steppedLdi();
		// The band's pixel behind (3, 1) links back to the band's own pixel at the far side's position.
		const farCopy = addPixel(ldi, 2, 1, 0, 0, 0, 0.1, 1);
		const hidden = addPixel(ldi, 3, 1, 0, 0, 0, 0.1, 1);
		linkPixels(ldi, farCopy, hidden, LINK_RIGHT);
		assert.equal(relinkUnfilledCuts(ldi), 2, 'rows 0 and 2 only');
		assert.equal(ldi.links[(width + 2) * 4 + LINK_RIGHT], NO_LINK);
	});

	it('re-links a cut where an inpainted band ends at the near side without reaching back', () => {
		const {ldi, width, height} = steppedLdi();
		// A band passing (3, 1) from below: linked up and down, not towards the far side.
		const below = addPixel(ldi, 3, 2, 0, 0, 0, 0.1, 1);
		const hidden = addPixel(ldi, 3, 1, 0, 0, 0, 0.1, 1);
		linkPixels(ldi, hidden, below, LINK_DOWN);
		assert.equal(relinkUnfilledCuts(ldi), height);
		assert.equal(ldi.links[(width + 2) * 4 + LINK_RIGHT], width + 3);
	});
});
