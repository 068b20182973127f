import assert from 'node:assert/strict';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

import {UserError} from '../../src/errors.js';
import {OnnxInpainter} from '../../src/inpaint/onnx.js';
import {buildModel, channelMeanModel, type Dim} from '../fixtures/onnx-builder.js';
import {countMagenta, makeBandScene} from './scenes.js';

/**
 * An inpainting-shaped model: output = (image · (1 − mask) + mask · fill) · scale, inputs image
 * [1,3,H,W] and mask [1,1,H,W].
 */
function constantFillModel(fill: number, scale: number, size: [Dim, Dim] = ['height', 'width']): Uint8Array {
	const [h, w] = size;
	return buildModel({
		inputs: [
			{name: 'image', shape: [1, 3, h, w]},
			{name: 'mask', shape: [1, 1, h, w]},
		],
		outputs: [{name: 'inpainted', shape: [1, 3, h, w]}],
		initializers: [
			{name: 'one', dims: [], values: [1]},
			{name: 'fill', dims: [], values: [fill]},
			{name: 'scale', dims: [], values: [scale]},
		],
		nodes: [
			{opType: 'Sub', inputs: ['one', 'mask'], outputs: ['keep']},
			{opType: 'Mul', inputs: ['image', 'keep'], outputs: ['kept']},
			{opType: 'Mul', inputs: ['mask', 'fill'], outputs: ['filled']},
			{opType: 'Add', inputs: ['kept', 'filled'], outputs: ['unscaled']},
			{opType: 'Mul', inputs: ['unscaled', 'scale'], outputs: ['inpainted']},
		],
	});
}

/** Output = the image input as it was fed (mask · 0 added so the mask input is used). */
function passThroughModel(): Uint8Array {
	return buildModel({
		inputs: [
			{name: 'img', shape: [1, 3, 'height', 'width']},
			{name: 'hole_mask', shape: [1, 1, 'height', 'width']},
		],
		outputs: [{name: 'out', shape: [1, 3, 'height', 'width']}],
		initializers: [{name: 'zero', dims: [], values: [0]}],
		nodes: [
			{opType: 'Mul', inputs: ['hole_mask', 'zero'], outputs: ['nothing']},
			{opType: 'Add', inputs: ['img', 'nothing'], outputs: ['out']},
		],
	});
}

describe('onnx inpainter', () => {
	let directory: string;
	const modelFile = (name: string, bytes: Uint8Array): string => {
		const path = join(directory, name);
		writeFileSync(path, bytes);
		return path;
	};

	before(() => {
		directory = mkdtempSync(join(tmpdir(), 'ldi-inpaint-onnx-'));
	});
	after(() => rmSync(directory, {recursive: true, force: true}));

	it('runs a dynamic-size model on the crop (padded to a multiple of 8) and writes its output into the hole', async () => {
		const path = modelFile('fill-half.onnx', constantFillModel(0.5, 1));
		const {region} = makeBandScene({texture: 'noise', width: 61, height: 45, contextEnd: 30, synthesisEnd: 50});
		const color = await new OnnxInpainter({modelPath: path}).inpaintColor(region);
		for (let i = 0; i < region.synthesisMask.length; i++) {
			for (let c = 0; c < 3; c++) {
				// 0.5 in 0..1 → 127.5 → 128; every other pixel is the input's.
				assert.equal(color[3 * i + c], region.synthesisMask[i] ? 128 : region.color[3 * i + c], `pixel ${i}`);
			}
		}
	});

	it('sends every non-context pixel as a hole with colour 0, so foreground colour never reaches the network', async () => {
		const path = modelFile('pass-through.onnx', passThroughModel());
		const {region} = makeBandScene({texture: 'stripes', width: 40, height: 32, contextEnd: 20, synthesisEnd: 30});
		const color = await new OnnxInpainter({modelPath: path}).inpaintColor(region);
		assert.equal(countMagenta(color, region.synthesisMask), 0);
		for (let i = 0; i < region.synthesisMask.length; i++) if (region.synthesisMask[i]) assert.deepEqual([...color.subarray(3 * i, 3 * i + 3)], [0, 0, 0]);
	});

	it('resizes the crop to a fixed-size model and back, and detects a 0..255 output', async () => {
		const path = modelFile('fixed-32-bytes.onnx', constantFillModel(0.25, 255, [32, 32]));
		const {region} = makeBandScene({texture: 'flat', width: 64, height: 48, contextEnd: 24, synthesisEnd: 56});
		const color = await new OnnxInpainter({modelPath: path}).inpaintColor(region);
		for (let y = 0; y < region.height; y++) {
			// Away from the hole's border the resampled fill is exact: 0.25 · 255 = 63.75 → 64.
			for (let x = 28; x < 52; x++) {
				const i = y * region.width + x;
				assert.deepEqual([...color.subarray(3 * i, 3 * i + 3)], [64, 64, 64], `(${x}, ${y})`);
			}
		}
		assert.equal(countMagenta(color, region.synthesisMask), 0);
	});

	it('refuses a model that is not an inpainting network and a missing file, naming the file', async () => {
		const {region} = makeBandScene({width: 16, height: 16, contextEnd: 8, synthesisEnd: 12});
		const depthLike = modelFile('depth.onnx', channelMeanModel(true));
		await assert.rejects(
			new OnnxInpainter({modelPath: depthLike}).inpaintColor(region),
			(error: unknown) => error instanceof UserError && error.message.startsWith(`${depthLike}: not an inpainting model`),
		);
		const missing = join(directory, 'missing.onnx');
		await assert.rejects(
			new OnnxInpainter({modelPath: missing}).inpaintColor(region),
			(error: unknown) => error instanceof UserError && error.message.startsWith(`${missing}: `) && !error.message.includes('\n'),
		);
	});
});
