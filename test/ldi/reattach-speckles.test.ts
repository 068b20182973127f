import assert from 'node:assert/strict';

import {createFloatImage, createRgbImage} from '../../src/image/raster.js';
import {LINK_DOWN, LINK_LEFT, LINK_RIGHT, LINK_UP, NO_LINK, cutLink, ldiFromImage} from '../../src/ldi/ldi.js';
import {reattachStripPixels} from '../../src/ldi/reattach-strips.js';
import {triangulateLdi} from '../../src/mesh/triangulate.js';

describe('ldi/reattachStripPixels on a speckle', () => {
	it('joins a pixel cut on all four sides on both axes, so it forms a triangle', () => {
		const width = 5;
		const height = 5;
		const disparity = createFloatImage(width, height);
		disparity.data.fill(0.1);
		const p = 2 * width + 2;
		disparity.data[p] = 0.5;
		disparity.data[p + 1] = 0.9;
		disparity.data[p + width] = 0.8;
		const ldi = ldiFromImage(createRgbImage(width, height), disparity);
		for (const direction of [LINK_LEFT, LINK_UP, LINK_RIGHT, LINK_DOWN]) cutLink(ldi, p, direction);

		assert.equal(reattachStripPixels(ldi), 1);
		assert.equal(ldi.links[p * 4 + LINK_RIGHT], p + 1, 'horizontally to the nearer side (0.9 vs 0.1)');
		assert.equal(ldi.links[p * 4 + LINK_DOWN], p + width, 'vertically to the nearer side (0.8 vs 0.1)');
		assert.equal(ldi.links[p * 4 + LINK_LEFT], NO_LINK);
		assert.equal(ldi.links[p * 4 + LINK_UP], NO_LINK);
		const used = triangulateLdi(ldi).some((layer) => layer.vertexPixels.includes(p));
		assert.ok(used, 'the speckle is a corner of a triangle');
	});
});
