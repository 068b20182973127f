import assert from 'node:assert/strict';

import {createFloatImage, createRgbImage} from '../../src/image/raster.js';
import {createInpaintRegion} from '../../src/inpaint/inpainter.js';
import {LINK_LEFT, LINK_RIGHT, NO_LINK, addPixel, ldiFromImage, pixelAt} from '../../src/ldi/ldi.js';
import {mergeRegion} from '../../src/ldi/merge.js';
import type {EdgeRegion} from '../../src/ldi/regions.js';

describe('ldi/mergeRegion where two bands meet', () => {
	it('links a new pixel past a step inside its region to an earlier band that continues it', () => {
		const disparity = createFloatImage(4, 1);
		disparity.data.fill(0.9);
		const ldi = ldiFromImage(createRgbImage(4, 1), disparity);
		// An earlier region's band at (2, 0), behind the photo.
		const earlier = addPixel(ldi, 2, 0, 0, 0, 0, 0.30, 1);
		// This region makes (1, 0) at 0.31 and (2, 0) at 0.5: a step of 0.19 between its own pixels.
		const region = createInpaintRegion(2, 1);
		region.synthesisMask.fill(1);
		const edgeRegion: EdgeRegion = {
			region, depthRegion: region, originX: 1, originY: 0,
			newPixelMask: Uint8Array.from([1, 1]), contextPixel: Int32Array.from([-1, -1]), newPixelCount: 2,
		};
		const filled = Float32Array.from([0.31, 0.5]);
		assert.equal(mergeRegion(ldi, edgeRegion, filled, new Uint8Array(6), 2, 0.02), 2);
		const left = ldi.count - 2;
		const right = ldi.count - 1;
		assert.equal(ldi.links[left * 4 + LINK_RIGHT], earlier, 'joined to the earlier band (0.01 apart)');
		assert.equal(ldi.links[earlier * 4 + LINK_LEFT], left);
		assert.equal(ldi.links[right * 4 + LINK_LEFT], NO_LINK, 'the step inside the region stays cut');
		assert.notEqual(pixelAt(ldi, 2, 0), right, 'the photo pixel stays first at its position');
	});
});
