import assert from 'node:assert/strict';

import {createFloatImage, createRgbImage} from '../../src/image/raster.js';
import {inpaintCoarseToFine} from '../../src/inpaint/coarse-to-fine.js';
import {CoherenceInpainter} from '../../src/inpaint/coherence.js';
import {DiffusionInpainter} from '../../src/inpaint/diffusion.js';
import type {ColorInpainter} from '../../src/inpaint/inpainter.js';
import {BORDER_SIDES, borderRegion, stripContextBandPixels} from '../../src/ldi/border.js';
import {type Ldi, ldiFromImage} from '../../src/ldi/ldi.js';
import {mergeRegion} from '../../src/ldi/merge.js';

/** A photo of stripes, blobs and noise on a tilted disparity ramp, with a frame border of `border` pixels. */
function texturedLdi(width: number, height: number, border: number): Ldi {
	const image = createRgbImage(width, height);
	const disparity = createFloatImage(width, height);
	let seed = 7;
	const random = (): number => {
		seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
		return seed / 2_147_483_648;
	};
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const i = y * width + x;
			const stripe = Math.sin((x + 0.6 * y) / 3) > 0 ? 90 : 0;
			const blob = Math.hypot(x - width / 3, y - height / 2) < height / 4 ? 120 : 0;
			image.data[i * 3] = Math.min(255, 40 + stripe + Math.floor(random() * 40));
			image.data[i * 3 + 1] = Math.min(255, 30 + blob + Math.floor(random() * 40));
			image.data[i * 3 + 2] = Math.min(255, 60 + (y * 2) % 100 + Math.floor(random() * 40));
			disparity.data[i] = 0.2 + 0.3 * x / width + 0.2 * y / height;
		}
	}
	return ldiFromImage(image, disparity, border);
}

/**
 * The border layer's colours after the four strips are made with a context band of `band` pixels. Wide
 * enough that the coherence inpainter's coarse pass validates its membrane share with either band (it
 * does so only with at least 1000 cells of context beyond the band it hides).
 */
async function stripColors(inpainter: ColorInpainter, band: number, coarseFactor: number): Promise<Uint8Array> {
	const ldi = texturedLdi(300, 110, 30);
	const start = ldi.count;
	for (const side of BORDER_SIDES) {
		const strip = borderRegion(ldi, side, band);
		assert.ok(strip);
		const color = await inpaintCoarseToFine(inpainter, strip.region, {fineDistancePixels: 8, coarseFactor, blendPixels: 2});
		mergeRegion(ldi, strip, strip.region.disparity, color, 1, 0.02);
	}
	return ldi.color.slice(start * 3, ldi.count * 3);
}

describe('ldi/border strips read only the band their inpainter reaches', () => {
	for (const [inpainter, coarseFactor] of [[new CoherenceInpainter(), 2], [new CoherenceInpainter(), 4], [new DiffusionInpainter(), 2]] as const) {
		it(`${inpainter.name}, coarse cells of ${coarseFactor} px: the same strips as with the full band`, async () => {
			const band = stripContextBandPixels(100, inpainter.contextReachPixels, coarseFactor);
			assert.ok(band < 100, `band ${band}`);
			assert.equal((100 - band) % coarseFactor, 0, 'the bottom and right crops keep their coarse grid');
			assert.deepEqual(await stripColors(inpainter, band, coarseFactor), await stripColors(inpainter, 100, coarseFactor));
		});
	}

	it('coherence: its fine crops cut to its reach give the same strips as crops holding all the context', async () => {
		const coherence = new CoherenceInpainter();
		const reachUnknown: ColorInpainter = {name: 'coherence, reach unknown', inpaintColor: async (region) => coherence.inpaintColor(region)};
		assert.deepEqual(await stripColors(coherence, 100, 2), await stripColors(reachUnknown, 100, 2));
	});

	it('keeps the whole band for an inpainter of unknown reach, and never widens it', () => {
		assert.equal(stripContextBandPixels(128, undefined, 2), 128);
		assert.equal(stripContextBandPixels(30, 20, 2), 30);
		assert.equal(stripContextBandPixels(128, 20, 2), 42);
		assert.equal(stripContextBandPixels(512, 20, 8), 168);
	});
});
