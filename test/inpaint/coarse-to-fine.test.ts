import assert from 'node:assert/strict';

import {inpaintCoarseToFine} from '../../src/inpaint/coarse-to-fine.js';
import {CoherenceInpainter} from '../../src/inpaint/coherence.js';
import {type ColorInpainter, createInpaintRegion, type InpaintRegion} from '../../src/inpaint/inpainter.js';

/** A frame-border strip: the top `contextRows` rows known, the rest to synthesize, like borderRegion's. */
function stripRegion(width: number, height: number, contextRows: number, colorAt: (x: number, y: number) => [number, number, number]): {region: InpaintRegion; truth: Uint8Array} {
	const region = createInpaintRegion(width, height);
	const truth = new Uint8Array(width * height * 3);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const i = y * width + x;
			truth.set(colorAt(x, y), i * 3);
			region.disparity[i] = 0.4;
			if (y < contextRows) {
				region.contextMask[i] = 1;
				region.color.set(colorAt(x, y), i * 3);
			} else {
				region.synthesisMask[i] = 1;
				region.color.set([255, 0, 255], i * 3);
			}
		}
	}
	return {region, truth};
}

/** Wraps an inpainter and counts the synthesis pixels it was asked to fill. */
function countingInpainter(inner: ColorInpainter): ColorInpainter & {synthesized: number; calls: number} {
	const counter = {
		name: inner.name,
		synthesized: 0,
		calls: 0,
		async inpaintColor(region: InpaintRegion): Promise<Uint8Array> {
			counter.calls++;
			for (const value of region.synthesisMask) counter.synthesized += value;
			return inner.inpaintColor(region);
		},
	};
	return counter;
}

function rowCorrelation(color: Uint8Array, truth: Uint8Array, width: number, y: number): number {
	let sa = 0;
	let sb = 0;
	let saa = 0;
	let sbb = 0;
	let sab = 0;
	for (let x = 0; x < width; x++) {
		const a = color[(y * width + x) * 3];
		const b = truth[(y * width + x) * 3];
		sa += a;
		sb += b;
		saa += a * a;
		sbb += b * b;
		sab += a * b;
	}
	const cov = sab / width - (sa / width) * (sb / width);
	const va = saa / width - (sa / width) ** 2;
	const vb = sbb / width - (sb / width) ** 2;
	return cov / Math.sqrt(va * vb);
}

describe('inpaintCoarseToFine', () => {
	const stripes = (x: number): [number, number, number] => (Math.floor(x / 8) % 2 ? [200, 170, 60] : [40, 60, 120]);

	it('fills the far part of a wide strip at a quarter of the work and still continues its stripes', async () => {
		const width = 160;
		const height = 100;
		const {region, truth} = stripRegion(width, height, 30, stripes);
		const direct = countingInpainter(new CoherenceInpainter());
		await direct.inpaintColor(region);
		const split = countingInpainter(new CoherenceInpainter());
		const color = await inpaintCoarseToFine(split, region, {fineDistancePixels: 16});
		assert.equal(split.calls, 2);
		// 70 synthesis rows: 20 fine (16 + the fade), 54 far at a quarter → 20 + 13.5 rows of work.
		assert.ok(split.synthesized < 0.55 * direct.synthesized, `${split.synthesized} of ${direct.synthesized} pixels`);
		for (let i = 0; i < width * height; i++) {
			if (region.synthesisMask[i]) assert.notDeepEqual([...color.subarray(i * 3, i * 3 + 3)], [255, 0, 255], `pixel ${i} left unfilled`);
		}
		// Far rows (70 px from the context) still follow the columns' stripes.
		for (const y of [60, 80, height - 1]) {
			const correlation = rowCorrelation(color, truth, width, y);
			assert.ok(correlation > 0.8, `row ${y}: correlation ${correlation.toFixed(2)} with the true stripes`);
		}
	});

	it('is the plain fill when no synthesis pixel lies past the fine zone', async () => {
		const {region} = stripRegion(60, 50, 20, stripes);
		const plain = await new CoherenceInpainter().inpaintColor(region);
		const counter = countingInpainter(new CoherenceInpainter());
		const color = await inpaintCoarseToFine(counter, region, {fineDistancePixels: 40});
		assert.equal(counter.calls, 1);
		assert.deepEqual(color, plain);
	});

	it('carries a flat colour through both resolutions exactly', async () => {
		const {region} = stripRegion(90, 80, 20, () => [120, 80, 40]);
		const color = await inpaintCoarseToFine(new CoherenceInpainter(), region, {fineDistancePixels: 10});
		for (let i = 0; i < 90 * 80; i++) assert.deepEqual([...color.subarray(i * 3, i * 3 + 3)], [120, 80, 40], `pixel ${i}`);
	});

	it('fades the coarse fill in: the step across the fine zone\'s edge is smaller than without the fade', async () => {
		const width = 160;
		const {region} = stripRegion(width, 90, 30, (x, y) => [(x * 7 + y * 3) % 256, (x * 13) % 256, (y * 11 + x) % 256]);
		const stepAcross = (color: Uint8Array, y: number): number => {
			let sum = 0;
			for (let x = 0; x < width; x++) for (let c = 0; c < 3; c++) sum += Math.abs(color[((y + 1) * width + x) * 3 + c] - color[(y * width + x) * 3 + c]);
			return sum / width;
		};
		// The fine zone ends 12 px past the context (row 41); the fade spans rows 42–45.
		const hard = await inpaintCoarseToFine(new CoherenceInpainter(), region, {fineDistancePixels: 12, blendPixels: 0});
		const faded = await inpaintCoarseToFine(new CoherenceInpainter(), region, {fineDistancePixels: 12, blendPixels: 4});
		let hardWorst = 0;
		let fadedWorst = 0;
		for (let y = 38; y < 50; y++) {
			hardWorst = Math.max(hardWorst, stepAcross(hard, y));
			fadedWorst = Math.max(fadedWorst, stepAcross(faded, y));
		}
		assert.ok(fadedWorst < hardWorst, `largest row step faded ${fadedWorst.toFixed(1)}, hard ${hardWorst.toFixed(1)}`);
	});
});
