import assert from 'node:assert/strict';

import {createFloatImage, createRgbImage} from '../../src/image/raster.js';
import {LINK_RIGHT, NO_LINK, addPixel, cutLink, ldiFromImage} from '../../src/ldi/ldi.js';
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

	it('keeps a cut that an inpainted pixel continues behind the near side', () => {
		const {ldi, width} = steppedLdi();
		addPixel(ldi, 3, 1, 0, 0, 0, 0.1, 1);
		assert.equal(relinkUnfilledCuts(ldi), 2, 'rows 0 and 2 only');
		assert.equal(ldi.links[(width + 2) * 4 + LINK_RIGHT], NO_LINK);
	});
});
