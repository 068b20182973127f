import assert from 'node:assert/strict';

import {evaluatePlane, fitContextPlane, inpaintDisparity} from '../../src/inpaint/depth.js';
import {makeBandScene} from './scenes.js';

function maxSynthesisError(result: Float32Array, truth: Float32Array, mask: Uint8Array): number {
	let worst = 0;
	for (let i = 0; i < mask.length; i++) if (mask[i]) worst = Math.max(worst, Math.abs(result[i] - truth[i]));
	return worst;
}

describe('inpaintDisparity', () => {
	it('continues a slanted background plane behind the occluder', () => {
		const {region, truthDisparity} = makeBandScene({disparitySlopeX: 0.001, disparitySlopeY: 0.0004, disparityBase: 0.2});
		const result = inpaintDisparity(region);
		// The truth rises by 0.06 across the 60-px band: a flat or membrane fill misses by several hundredths.
		assert.ok(maxSynthesisError(result, truthDisparity, region.synthesisMask) < 1e-3);
	});

	it('keeps the slope when the context holds outliers (robust fit)', () => {
		const maxError = (robustIterations: number): number => {
			const {region, truthDisparity} = makeBandScene({disparitySlopeX: 0.0015, disparityBase: 0.1});
			// A nearer strip inside the context, next to the band: about a fifth of the fit samples.
			for (let y = 50; y < 250; y++) for (let x = 106; x < 112; x++) region.disparity[y * region.width + x] = 0.6;
			const result = inpaintDisparity(region, {robustIterations});
			return maxSynthesisError(result, truthDisparity, region.synthesisMask);
		};
		const robust = maxError(5);
		const ordinary = maxError(0);
		assert.ok(robust < 0.01, `robust max error ${robust}`);
		assert.ok(ordinary > 3 * robust, `ordinary least squares ${ordinary} should be clearly worse than ${robust}`);
	});

	it('stays at or below the ceiling everywhere in the synthesis region', () => {
		// A background rising steeply towards the occluder would pass in front of it if extrapolated.
		const {region} = makeBandScene({disparitySlopeX: 0.006, disparityBase: 0.1, foregroundDisparity: 0.8, ceilingMargin: 0.05});
		const result = inpaintDisparity(region);
		let clamped = 0;
		for (let i = 0; i < result.length; i++) {
			if (!region.synthesisMask[i]) continue;
			assert.ok(result[i] <= region.disparityCeiling[i], `pixel ${i}: ${result[i]} > ${region.disparityCeiling[i]}`);
			assert.ok(result[i] >= 0);
			if (result[i] === region.disparityCeiling[i]) clamped++;
		}
		assert.ok(clamped > 0, 'the test should exercise the ceiling');
	});

	it('reads disparity only from the context', () => {
		const a = makeBandScene({disparitySlopeY: 0.001});
		const b = makeBandScene({disparitySlopeY: 0.001});
		for (let i = 0; i < b.region.disparity.length; i++) if (!b.region.contextMask[i]) b.region.disparity[i] = i % 2 ? 1e6 : Number.NaN;
		const resultA = inpaintDisparity(a.region);
		const resultB = inpaintDisparity(b.region);
		for (let i = 0; i < resultA.length; i++) if (a.region.synthesisMask[i]) assert.equal(resultB[i], resultA[i]);
	});

	it('copies every non-synthesis pixel unchanged', () => {
		const {region} = makeBandScene({disparitySlopeX: 0.001});
		const result = inpaintDisparity(region);
		for (let i = 0; i < result.length; i++) if (!region.synthesisMask[i]) assert.equal(result[i], region.disparity[i]);
	});

	it('handles a region without context and a one-pixel context line', () => {
		const empty = makeBandScene({width: 20, height: 10, contextEnd: 0, synthesisEnd: 10});
		const filled = inpaintDisparity(empty.region, {minDisparity: 0.05});
		for (let i = 0; i < filled.length; i++) if (empty.region.synthesisMask[i]) assert.equal(filled[i], Math.fround(0.05));

		const line = makeBandScene({width: 20, height: 10, contextEnd: 1, synthesisEnd: 10, disparitySlopeY: 0.01});
		const plane = fitContextPlane(line.region);
		assert.ok(Math.abs(plane.slopeY - 0.01) < 1e-4, `slopeY ${plane.slopeY}`);
		assert.ok(Math.abs(plane.slopeX) < 1e-6, 'the undetermined slope across the line is 0');
		assert.ok(Math.abs(evaluatePlane(plane, 5, 5) - (0.3 + 0.05)) < 1e-4);
	});

	it('handles a 1×1 region', () => {
		const one = makeBandScene({width: 1, height: 1, contextEnd: 0, synthesisEnd: 1});
		assert.equal(inpaintDisparity(one.region).length, 1);
	});
});
