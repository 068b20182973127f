import assert from 'node:assert/strict';

import sharp from 'sharp';

import {type CoarseToFineOptions, inpaintCoarseToFine} from '../../src/inpaint/coarse-to-fine.js';
import {CoherenceInpainter} from '../../src/inpaint/coherence.js';
import {createInpaintRegion, type InpaintRegion} from '../../src/inpaint/inpainter.js';
import {BORDER_SIDES, borderRegion} from '../../src/ldi/border.js';
import {ldiFromImage} from '../../src/ldi/ldi.js';
import {sharedFile} from '../helpers/shared.js';
import {inpaintCoarseToFineReference} from './coarse-to-fine-reference.js';

/** Fills `region` with the kernel and with its TypeScript twin and asserts the same colours. */
async function assertSameFill(region: InpaintRegion, options: Partial<CoarseToFineOptions>, what: string): Promise<void> {
	const kernel = await inpaintCoarseToFine(new CoherenceInpainter(), region, options);
	const reference = await inpaintCoarseToFineReference(new CoherenceInpainter(), region, options);
	assert.equal(kernel.length, reference.length, `${what}: length`);
	const differing = kernel.findIndex((value, i) => value !== reference[i]);
	assert.equal(differing, -1, `${what}: byte ${differing} is ${kernel[differing]}, the twin's ${reference[differing]}`);
}

/**
 * A strip of noisy stripes with its context on the side `contextSide` (`contextDepth` pixels deep, the rest
 * to synthesize), a disparity ramp with a step, and a ceiling over part of it.
 */
function generatedStrip(width: number, height: number, contextDepth: number, contextSide: 'top' | 'left'): InpaintRegion {
	const region = createInpaintRegion(width, height);
	let seed = 12_345;
	const noise = (): number => {
		seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
		return seed % 31;
	};
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const i = y * width + x;
			const depth = contextSide === 'top' ? y : x;
			region.disparity[i] = (x < width / 3 ? 0.6 : 0.25) + 0.001 * y;
			if (x > width / 2) region.disparityCeiling[i] = 0.5;
			if (depth < contextDepth) {
				region.contextMask[i] = 1;
				const stripe = Math.floor((x + y / 3) / 7) % 2;
				region.color.set([stripe ? 210 : 40, 90 + noise(), stripe ? 60 : 180], i * 3);
			} else {
				region.synthesisMask[i] = 1;
			}
		}
	}
	return region;
}

describe('inpaintCoarseToFine kernel', () => {
	it('fills generated strips exactly as its TypeScript twin (fine zones, factors, fades, odd sizes)', async () => {
		for (const [width, height, depth, side, options] of [
			[97, 61, 20, 'top', {fineDistancePixels: 12}],
			[64, 90, 24, 'left', {fineDistancePixels: 8, coarseFactor: 3, blendPixels: 5}],
			[131, 47, 9, 'top', {fineDistancePixels: 4, coarseFactor: 2, blendPixels: 0}],
		] as const) {
			await assertSameFill(generatedStrip(width, height, depth, side), options, `${width}×${height}, ${side}`);
		}
	});

	it('fills a strip with no context (only the coarse pass) and a strip with no far pixel as its twin', async () => {
		const blind = generatedStrip(40, 30, 0, 'top');
		await assertSameFill(blind, {fineDistancePixels: 6}, 'no context');
		await assertSameFill(generatedStrip(50, 30, 20, 'top'), {fineDistancePixels: 32}, 'no far pixel');
	});

	it('fills the frame strips of moon.jpg at 512 px exactly as its TypeScript twin', async function () {
		this.timeout(60_000);
		const photoPath = sharedFile(this, 'photos/moon.jpg');
		const depthPath = sharedFile(this, 'photos/moon_depth_midas.png');
		const photo = await sharp(photoPath).resize({width: 512, height: 512, fit: 'inside'}).removeAlpha().raw().toBuffer({resolveWithObject: true});
		const {width, height} = photo.info;
		const depth = await sharp(depthPath).resize(width, height, {fit: 'fill'}).toColourspace('b-w').raw().toBuffer();
		const disparity = Float32Array.from(depth, (value) => value / 255);
		const ldi = ldiFromImage({width, height, data: new Uint8Array(photo.data)}, {width, height, data: disparity}, 50);
		for (const side of BORDER_SIDES) {
			const strip = borderRegion(ldi, side, 64);
			assert.ok(strip, `${side}: no strip`);
			await assertSameFill(strip.region, {fineDistancePixels: 16}, side);
		}
	});
});
