import assert from 'node:assert/strict';

import {InferenceSession, Tensor} from 'onnxruntime-node';

import {buildModel, channelMeanModel, channelSelectModel, vectorModel} from '../fixtures/onnx-builder.js';

const input = new Tensor('float32', Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]), [1, 3, 2, 2]);

describe('onnx-builder (test fixture)', () => {
	it('writes a dynamic channel-mean model onnxruntime runs', async () => {
		const session = await InferenceSession.create(channelMeanModel(true));
		assert.deepEqual(session.inputMetadata[0], {name: 'image', isTensor: true, type: 'float32', shape: [1, 3, 'height', 'width']});
		const output = (await session.run({image: input})).depth;
		assert.deepEqual(output.dims, [1, 2, 2]);
		assert.deepEqual(Array.from(output.data as Float32Array), [5, 6, 7, 8]);
	});

	it('writes fixed shapes and a kept channel axis', async () => {
		const fixed = await InferenceSession.create(channelMeanModel(false));
		assert.deepEqual((fixed.inputMetadata[0] as {shape: unknown}).shape, [1, 3, 256, 256]);
		const kept = await InferenceSession.create(channelMeanModel([2, 2], {keepChannelAxis: true}));
		assert.deepEqual((await kept.run({image: input})).depth.dims, [1, 1, 2, 2]);
	});

	it('writes int64 initializers and int attributes (Gather of one channel)', async () => {
		const session = await InferenceSession.create(channelSelectModel(2));
		assert.deepEqual(Array.from((await session.run({pixel_values: input})).predicted_depth.data as Float32Array), [9, 10, 11, 12]);
	});

	it('writes float initializers, several inputs and a newer opset (image × mask × 0.5)', async () => {
		const bytes = buildModel({
			opset: 17,
			inputs: [{name: 'image', shape: [1, 3, 'h', 'w']}, {name: 'mask', shape: [1, 1, 'h', 'w']}],
			outputs: [{name: 'result', shape: [1, 3, 'h', 'w']}],
			initializers: [{name: 'half', dims: [1], values: [0.5]}],
			nodes: [
				{opType: 'Mul', inputs: ['image', 'mask'], outputs: ['masked']},
				{opType: 'Mul', inputs: ['masked', 'half'], outputs: ['result']},
			],
		});
		const session = await InferenceSession.create(bytes);
		const mask = new Tensor('float32', Float32Array.from([1, 0, 1, 0]), [1, 1, 2, 2]);
		const result = (await session.run({image: input, mask})).result.data as Float32Array;
		assert.deepEqual(Array.from(result), [0.5, 0, 1.5, 0, 2.5, 0, 3.5, 0, 4.5, 0, 5.5, 0]);
	});

	it('writes float attributes (LeakyRelu alpha) and a non-image vector model', async () => {
		const leaky = buildModel({
			inputs: [{name: 'x', shape: [2]}],
			outputs: [{name: 'y', shape: [2]}],
			nodes: [{opType: 'LeakyRelu', inputs: ['x'], outputs: ['y'], attributes: {alpha: 0.25}}],
		});
		const session = await InferenceSession.create(leaky);
		const y = (await session.run({x: new Tensor('float32', Float32Array.from([-4, 4]), [2])})).y.data as Float32Array;
		assert.deepEqual(Array.from(y), [-1, 4]);
		const vector = await InferenceSession.create(vectorModel(4));
		assert.deepEqual((vector.inputMetadata[0] as {shape: unknown}).shape, [1, 4]);
	});
});
