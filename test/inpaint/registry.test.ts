import assert from 'node:assert/strict';

import {UserError} from '../../src/errors.js';
import {CoherenceInpainter} from '../../src/inpaint/coherence.js';
import {DiffusionInpainter} from '../../src/inpaint/diffusion.js';
import type {InpaintRegion} from '../../src/inpaint/inpainter.js';
import {PatchInpainter} from '../../src/inpaint/patch.js';
import {DEFAULT_COLOR_INPAINTER, getColorInpainter, listColorInpainters, registerColorInpainter} from '../../src/inpaint/registry.js';

describe('colour inpainter registry', () => {
	it('builds the built-in inpainters by name, with their options', () => {
		assert.equal(DEFAULT_COLOR_INPAINTER, 'coherence');
		assert.ok(getColorInpainter('diffusion') instanceof DiffusionInpainter);
		const coherence = getColorInpainter('coherence', {radius: 4});
		assert.ok(coherence instanceof CoherenceInpainter);
		assert.equal((coherence as CoherenceInpainter).options.radius, 4);
		const patch = getColorInpainter('patch', {seed: 9, patchSize: 5});
		assert.ok(patch instanceof PatchInpainter);
		assert.equal((patch as PatchInpainter).options.seed, 9);
		assert.equal((patch as PatchInpainter).options.patchSize, 5);
		assert.equal(getColorInpainter('onnx', {modelPath: 'model.onnx'}).name, 'onnx');
		for (const name of ['coherence', 'diffusion', 'onnx', 'patch']) assert.ok(listColorInpainters().includes(name));
	});

	it('refuses an unknown name with a UserError listing the known ones', () => {
		assert.throws(
			() => getColorInpainter('telea'),
			(error: unknown) => error instanceof UserError && /unknown inpainter 'telea' \(known: .*coherence.*diffusion.*onnx.*patch/.test(error.message),
		);
	});

	it("refuses the 'onnx' inpainter without a model file", () => {
		assert.throws(() => getColorInpainter('onnx'), (error: unknown) => error instanceof UserError && /needs a model file/.test(error.message));
	});

	it('lets plugins register more inpainters', async () => {
		registerColorInpainter('test-grey', (options) => ({
			name: 'test-grey',
			inpaintColor: async (region: InpaintRegion) => {
				const color = Uint8Array.from(region.color);
				for (let i = 0; i < region.synthesisMask.length; i++) if (region.synthesisMask[i]) color.fill(Number(options.level ?? 128), 3 * i, 3 * i + 3);
				return color;
			},
		}));
		const inpainter = getColorInpainter('test-grey', {level: 77});
		const region: InpaintRegion = {
			width: 2,
			height: 1,
			color: new Uint8Array([1, 2, 3, 4, 5, 6]),
			disparity: new Float32Array(2),
			contextMask: new Uint8Array([1, 0]),
			synthesisMask: new Uint8Array([0, 1]),
			disparityCeiling: new Float32Array([Infinity, Infinity]),
		};
		assert.deepEqual([...(await inpainter.inpaintColor(region))], [1, 2, 3, 77, 77, 77]);
		assert.ok(listColorInpainters().includes('test-grey'));
	});
});
