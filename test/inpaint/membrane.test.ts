import assert from 'node:assert/strict';

import type {InpaintRegion} from '../../src/inpaint/inpainter.js';
import {fillMembraneInPlace, releaseMembraneKernel} from '../../src/inpaint/membrane.js';
import {solvePyramidReference} from './membrane-reference.js';
import {visitMoonRegions} from './moon-regions.js';
import {makeBandScene, type TextureKind} from './scenes.js';

/** Float values of `values` where the kernel's and the twin's fills differ in any bit, and how many were compared. */
function differences(
	values: Float32Array, channels: 1 | 3, width: number, height: number, known: Uint8Array, unknown: Uint8Array,
): {differing: number; compared: number} {
	const kernel = values.slice();
	const twin = values.slice();
	fillMembraneInPlace(kernel, channels, width, height, known, unknown);
	fillMembraneInPlace(twin, channels, width, height, known, unknown, {}, solvePyramidReference);
	const kernelBits = new Uint32Array(kernel.buffer);
	const twinBits = new Uint32Array(twin.buffer);
	let differing = 0;
	let compared = 0;
	for (let i = 0; i < unknown.length; i++) {
		if (!unknown[i]) continue;
		for (let c = 0; c < channels; c++) {
			compared++;
			if (kernelBits[i * channels + c] !== twinBits[i * channels + c]) differing++;
		}
	}
	return {differing, compared};
}

/** Float copy of a region's colours where its context is (0 elsewhere). */
function contextColors(region: InpaintRegion): Float32Array {
	const values = new Float32Array(3 * region.width * region.height);
	for (let i = 0; i < region.contextMask.length; i++) {
		if (!region.contextMask[i]) continue;
		for (let c = 0; c < 3; c++) values[3 * i + c] = region.color[3 * i + c];
	}
	return values;
}

describe('membrane solver kernel (WebAssembly)', () => {
	afterEach(releaseMembraneKernel);

	for (const texture of ['stripes', 'noise'] as TextureKind[]) {
		it(`fills a ${texture} band bit for bit as its TypeScript twin, colour and disparity`, () => {
			const {region} = makeBandScene({texture, disparitySlopeX: 0.001, seed: 5});
			const {width, height, contextMask, synthesisMask} = region;
			const colour = differences(contextColors(region), 3, width, height, contextMask, synthesisMask);
			assert.ok(colour.compared > 50_000, `${colour.compared} values compared`);
			assert.equal(colour.differing, 0);
			const disparity = differences(Float32Array.from(region.disparity), 1, width, height, contextMask, synthesisMask);
			assert.equal(disparity.differing, 0);
		});
	}

	it('fills around excluded pixels and in boxes of every size bit for bit as its twin', () => {
		let seed = 7;
		const random = (): number => {
			seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
			return seed / 2 ** 32;
		};
		let compared = 0;
		for (const [width, height] of [[1, 1], [3, 2], [9, 9], [17, 40], [130, 67]]) {
			const n = width * height;
			const known = new Uint8Array(n);
			const unknown = new Uint8Array(n);
			const values = new Float32Array(3 * n);
			for (let i = 0; i < n; i++) {
				const roll = random();
				if (roll < 0.3) {
					known[i] = 1;
					for (let c = 0; c < 3; c++) values[3 * i + c] = 255 * random();
				} else if (roll < 0.9) {
					unknown[i] = 1;
				}
			}
			const result = differences(values, 3, width, height, known, unknown);
			assert.equal(result.differing, 0, `${width}×${height}`);
			compared += result.compared;
		}
		assert.ok(compared > 5_000, `${compared} values compared`);
	});

	it('fills every region of moon.jpg\'s LDI bit for bit as its TypeScript twin', async function () {
		this.timeout(120_000);
		let compared = 0;
		let differing = 0;
		const regions = await visitMoonRegions(this, (region) => {
			const result = differences(contextColors(region), 3, region.width, region.height, region.contextMask, region.synthesisMask);
			compared += result.compared;
			differing += result.differing;
		});
		assert.ok(regions >= 10 && compared > 100_000, `${regions} regions, ${compared} values`);
		assert.equal(differing, 0, `${differing} of ${compared} values differ`);
	});
});
