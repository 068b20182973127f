import assert from 'node:assert/strict';

import {transportColor} from '../../src/inpaint/coherence.js';
import {inpaintDisparity} from '../../src/inpaint/depth.js';
import type {InpaintRegion} from '../../src/inpaint/inpainter.js';
import {transportReference} from './coherence-transport-reference.js';
import {visitMoonRegions} from './moon-regions.js';
import {makeBandScene, type TextureKind} from './scenes.js';

/** Indices where the kernel's and the twin's filled boxes differ in any bit (both copied: the work array is shared). */
function differences(region: InpaintRegion): {pixels: number; compared: number} {
	const kernel = transportColor(region)?.values.slice();
	const twin = transportColor(region, {}, transportReference)?.values.slice();
	assert.equal(kernel?.length, twin?.length);
	if (!kernel || !twin) return {pixels: 0, compared: 0};
	const kernelBits = new Uint32Array(kernel.buffer);
	const twinBits = new Uint32Array(twin.buffer);
	let pixels = 0;
	for (let i = 0; i < kernelBits.length; i++) if (kernelBits[i] !== twinBits[i]) pixels++;
	return {pixels, compared: kernelBits.length};
}

describe('coherence transport kernel (WebAssembly)', () => {
	for (const texture of ['stripes', 'checker', 'noise', 'flat'] as TextureKind[]) {
		it(`fills a ${texture} band bit for bit as its TypeScript twin`, () => {
			const {region} = makeBandScene({texture, disparitySlopeX: 0.001, seed: 3});
			region.disparity = inpaintDisparity(region);
			const {pixels, compared} = differences(region);
			assert.ok(compared > 10_000, `${compared} values compared`);
			assert.equal(pixels, 0);
		});
	}

	it('fills every region of moon.jpg\'s LDI bit for bit as its TypeScript twin', async function () {
		this.timeout(120_000);
		let compared = 0;
		let differing = 0;
		const regions = await visitMoonRegions(this, (region) => {
			const result = differences(region);
			compared += result.compared;
			differing += result.pixels;
		});
		assert.ok(regions >= 10 && compared > 100_000, `${regions} regions, ${compared} values`);
		assert.equal(differing, 0, `${differing} of ${compared} values differ`);
	});
});
