import assert from 'node:assert/strict';

import {createFloatImage, createRgbImage} from '../../src/image/raster.js';
import {borderRegion} from '../../src/ldi/border.js';
import {LINK_DOWN, NO_LINK, ldiFromImage, pixelAt} from '../../src/ldi/ldi.js';
import {mergeRegion} from '../../src/ldi/merge.js';

/** An LDI whose disparity steps from 0.2 to 0.8 between rows 2 and 3, a step that meets the right frame. */
function steppedLdi(): ReturnType<typeof ldiFromImage> {
	const width = 8;
	const height = 6;
	const disparity = createFloatImage(width, height);
	for (let i = 0; i < width * height; i++) disparity.data[i] = i < 3 * width ? 0.2 : 0.8;
	return ldiFromImage(createRgbImage(width, height), disparity, 3);
}

describe('ldi/border strips link across depth steps', () => {
	it('links the strip pixels on both sides of a step that continues out of the frame', () => {
		const ldi = steppedLdi();
		const strip = borderRegion(ldi, 'right', 4);
		assert.ok(strip?.linkAcrossSteps, 'a border strip asks for it');
		mergeRegion(ldi, strip, strip.region.disparity, strip.region.color, 1, 0.02);
		for (let x = ldi.width; x < ldi.width + ldi.border; x++) {
			const above = pixelAt(ldi, x, 2);
			const below = pixelAt(ldi, x, 3);
			assert.equal(ldi.links[above * 4 + LINK_DOWN], below, `column ${x}: nothing lies behind the strip, so no cut`);
		}
	});

	it('keeps the step cut in an edge region (something is inpainted behind it)', () => {
		const ldi = steppedLdi();
		const strip = borderRegion(ldi, 'right', 4);
		assert.ok(strip);
		mergeRegion(ldi, {...strip, linkAcrossSteps: false}, strip.region.disparity, strip.region.color, 1, 0.02);
		const x = ldi.width + 1;
		assert.equal(ldi.links[pixelAt(ldi, x, 2) * 4 + LINK_DOWN], NO_LINK);
	});
});
