import assert from 'node:assert/strict';

import {createFloatImage, createRgbImage} from '../../src/image/raster.js';
import {LINK_DOWN, LINK_LEFT, LINK_RIGHT, LINK_UP, NO_LINK, cutLink, ldiFromImage} from '../../src/ldi/ldi.js';
import {reattachStripPixels} from '../../src/ldi/reattach-strips.js';
import {triangulateLdi} from '../../src/mesh/triangulate.js';

/** Pixels of `ldi` that no triangle of any layer uses. */
function pixelsInNoTriangle(ldi: ReturnType<typeof ldiFromImage>): number {
	const used = new Uint8Array(ldi.count);
	for (const layer of triangulateLdi(ldi)) {
		for (let i = 0; i < layer.indices.length; i++) used[layer.vertexPixels[layer.indices[i]]] = 1;
	}
	return used.reduce((sum, flag) => sum + (flag ? 0 : 1), 0);
}

describe('ldi/reattachStripPixels', () => {
	it('joins a one-pixel ramp column cut on both sides to the side nearer in disparity', () => {
		const width = 6;
		const height = 4;
		const disparity = createFloatImage(width, height);
		for (let y = 0; y < height; y++) {
			for (let x = 0; x < width; x++) disparity.data[y * width + x] = x < 3 ? 0.1 : x === 3 ? 0.7 : 0.9;
		}
		const ldi = ldiFromImage(createRgbImage(width, height), disparity);
		for (let y = 0; y < height; y++) {
			cutLink(ldi, y * width + 2, LINK_RIGHT);
			cutLink(ldi, y * width + 3, LINK_RIGHT);
		}
		assert.equal(pixelsInNoTriangle(ldi), height, 'the strip is dropped by the mesh before');

		assert.equal(reattachStripPixels(ldi), height);
		for (let y = 0; y < height; y++) {
			const p = y * width + 3;
			assert.equal(ldi.links[p * 4 + LINK_RIGHT], p + 1, 'joined to the nearer (0.9) side');
			assert.equal(ldi.links[p * 4 + LINK_LEFT], NO_LINK, 'the cut to the far side stays');
		}
		assert.equal(pixelsInNoTriangle(ldi), 0);
	});

	it('leaves a one-pixel protrusion of the near side (a disc\'s tangent pixel) cut from the background beside it', () => {
		// A near block (0.9) from (2, 3) to (6, 5) whose top row is one pixel, (4, 2), on a background of 0.1.
		const width = 9;
		const height = 8;
		const disparity = createFloatImage(width, height);
		for (let y = 0; y < height; y++) {
			for (let x = 0; x < width; x++) disparity.data[y * width + x] = (y >= 3 && y <= 5 && x >= 2 && x <= 6) || (y === 2 && x === 4) ? 0.9 : 0.1;
		}
		const ldi = ldiFromImage(createRgbImage(width, height), disparity);
		for (let p = 0; p < width * height; p++) {
			for (const direction of [LINK_RIGHT, LINK_DOWN]) {
				const q = ldi.links[p * 4 + direction];
				if (q !== NO_LINK && Math.abs(disparity.data[p] - disparity.data[q]) > 0.02) cutLink(ldi, p, direction);
			}
		}
		const tip = 2 * width + 4;
		assert.equal(ldi.links[tip * 4 + LINK_DOWN], tip + width);

		assert.equal(reattachStripPixels(ldi), 0);
		// Joined to either side, the tip would take the background pixel's link that the inpainted
		// pixel behind the tip needs: that cell's corner then went missing from every layer.
		assert.equal(ldi.links[tip * 4 + LINK_LEFT], NO_LINK);
		assert.equal(ldi.links[tip * 4 + LINK_RIGHT], NO_LINK);
		assert.equal(ldi.links[tip * 4 + LINK_UP], NO_LINK);
		assert.equal(ldi.links[(tip - 1) * 4 + LINK_RIGHT], NO_LINK);
		assert.equal(ldi.links[(tip + 1) * 4 + LINK_LEFT], NO_LINK);
	});

	it('leaves pixels that can already form triangles alone', () => {
		const disparity = createFloatImage(4, 4);
		const ldi = ldiFromImage(createRgbImage(4, 4), disparity);
		assert.equal(reattachStripPixels(ldi), 0);
	});
});
