import assert from 'node:assert/strict';

import {DiffusionInpainter, diffuseColor} from '../../src/inpaint/diffusion.js';
import {fillMembrane, fillMembraneInPlace} from '../../src/inpaint/membrane.js';
import {countMagenta, makeBandScene} from './scenes.js';

describe('fillMembrane', () => {
	it('reproduces a linear ramp across the hole (a harmonic function) within a grey level', () => {
		const width = 120;
		const height = 90;
		const values = new Float32Array(width * height);
		const known = new Uint8Array(width * height);
		const unknown = new Uint8Array(width * height);
		for (let y = 0; y < height; y++) {
			for (let x = 0; x < width; x++) {
				const i = y * width + x;
				const inHole = x >= 30 && x < 90 && y >= 20 && y < 70;
				if (inHole) unknown[i] = 1;
				else {
					known[i] = 1;
					values[i] = 2 * x + y;
				}
			}
		}
		const filled = fillMembrane(values, 1, width, height, known, unknown);
		let worst = 0;
		for (let i = 0; i < filled.length; i++) if (unknown[i]) worst = Math.max(worst, Math.abs(filled[i] - (2 * (i % width) + Math.floor(i / width))));
		assert.ok(worst < 1, `max error ${worst}`);
	});

	it('treats pixels in neither mask as a wall it never reads through', () => {
		// Known 0 on the left, known 100 on the right, separated by a wall except through the hole's left side.
		const width = 30;
		const height = 10;
		const values = new Float32Array(width * height);
		const known = new Uint8Array(width * height);
		const unknown = new Uint8Array(width * height);
		for (let y = 0; y < height; y++) {
			for (let x = 0; x < width; x++) {
				const i = y * width + x;
				if (x < 5) known[i] = 1;
				else if (x < 20) unknown[i] = 1;
				else if (x >= 25) {
					known[i] = 1;
					values[i] = 100;
				}
			}
		}
		const filled = fillMembrane(values, 1, width, height, known, unknown);
		for (let i = 0; i < filled.length; i++) if (unknown[i]) assert.ok(Math.abs(filled[i]) < 1e-3, `pixel ${i}: ${filled[i]}`);
	});

	it('in place: changes only the unknown pixels and reads only the known ones next to them', () => {
		const {region} = makeBandScene({texture: 'noise', width: 80, height: 60, contextEnd: 40, synthesisEnd: 60});
		const {width, height, contextMask, synthesisMask} = region;
		const values = new Float32Array(width * height);
		for (let i = 0; i < values.length; i++) values[i] = contextMask[i] ? region.color[3 * i] : -5;
		const expected = fillMembrane(values, 1, width, height, contextMask, synthesisMask);
		// Context pixels two or more columns away from the hole are never read: poison them.
		const poisoned = Float32Array.from(values);
		for (let i = 0; i < poisoned.length; i++) if (contextMask[i] && i % width < 38) poisoned[i] = Number.NaN;
		fillMembraneInPlace(poisoned, 1, width, height, contextMask, synthesisMask);
		for (let i = 0; i < poisoned.length; i++) {
			if (synthesisMask[i]) assert.ok(Math.abs(poisoned[i] - expected[i]) < 1e-4, `pixel ${i}: ${poisoned[i]} vs ${expected[i]}`);
			else if (!contextMask[i]) assert.equal(poisoned[i], -5);
		}
	});

	it('uses the fallback value when nothing is known, and copies known pixels', () => {
		const filled = fillMembrane(new Float32Array(3 * 4), 3, 2, 2, new Uint8Array(4), new Uint8Array([1, 1, 0, 1]), {fallbackValue: 7});
		assert.deepEqual([...filled], [7, 7, 7, 7, 7, 7, 0, 0, 0, 7, 7, 7]);
	});
});

describe('diffusion inpainter', () => {
	it('never reads colour outside the context (no magenta) and fills every synthesis pixel smoothly', async () => {
		const {region} = makeBandScene({texture: 'noise'});
		const color = await new DiffusionInpainter().inpaintColor(region);
		assert.equal(countMagenta(color, region.synthesisMask), 0);
		// Smooth: neighbouring synthesis pixels deep inside the band differ by little.
		let worstStep = 0;
		for (let y = 0; y < region.height; y++) {
			for (let x = 140; x < 178; x++) {
				const i = 3 * (y * region.width + x);
				for (let c = 0; c < 3; c++) worstStep = Math.max(worstStep, Math.abs(color[i + c] - color[i + 3 + c]));
			}
		}
		assert.ok(worstStep <= 6, `largest step ${worstStep}`);
	});

	it('copies every pixel outside the synthesis region', () => {
		const {region} = makeBandScene({texture: 'stripes'});
		const color = diffuseColor(region);
		for (let i = 0; i < region.synthesisMask.length; i++) {
			if (region.synthesisMask[i]) continue;
			for (let c = 0; c < 3; c++) assert.equal(color[3 * i + c], region.color[3 * i + c]);
		}
	});

	it('fills a flat background exactly', () => {
		const {region, truthColor} = makeBandScene({texture: 'flat'});
		const color = diffuseColor(region);
		for (let i = 0; i < region.synthesisMask.length; i++) {
			if (region.synthesisMask[i]) for (let c = 0; c < 3; c++) assert.equal(color[3 * i + c], truthColor[3 * i + c]);
		}
	});
});
