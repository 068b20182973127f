/**
 * Depth benchmark: model-input preparation and the overhead of OnnxDepthEstimator outside onnxruntime
 * (estimate() time minus session.run time), at 1024 px and 4096 px photos, with a generated channel-mean
 * model (so onnxruntime's own time is tiny and the figures are ours). Median of N runs after warm-up.
 *
 * Run: `node --import=tsx bench/depth.ts [runs]`
 */
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

import sharp from 'sharp';

import {OnnxDepthEstimator} from '../src/depth/onnx.js';
import {imageToTensor, MODEL_INPUT_SPEC_DEFAULTS, modelInputSize} from '../src/depth/preprocess.js';
import {loadPhoto} from '../src/image/load.js';
import {timeMedian} from './common.js';
import {channelMeanModel} from '../test/fixtures/onnx-builder.js';

const runs = Number(process.argv[2] ?? 9);


/** A photo-like JPEG: smooth gradients plus noise, so the encoder and resizers do real work. */
async function syntheticJpeg(width: number, height: number): Promise<Buffer> {
	const data = new Uint8Array(width * height * 3);
	let seed = 12345;
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			seed = (seed * 1103515245 + 12345) >>> 0;
			const noise = (seed >>> 24) & 31;
			const i = (y * width + x) * 3;
			data[i] = ((x * 255) / width + noise) & 255;
			data[i + 1] = ((y * 255) / height + noise) & 255;
			data[i + 2] = (((x + y) * 128) / (width + height) + noise) & 255;
		}
	}
	return sharp(data, {raw: {width, height, channels: 3}}).jpeg({quality: 90}).toBuffer();
}

const dir = await mkdtemp(join(tmpdir(), 'ldi-gltf-bench-depth-'));
try {
	const modelPath = join(dir, 'channel-mean.onnx');
	await writeFile(modelPath, channelMeanModel(true));
	const estimator = new OnnxDepthEstimator(modelPath, {intraOpNumThreads: 2});
	console.log(`model: generated channel-mean ONNX (dynamic input), spec: short side 518 / multiple of 14, ImageNet mean/std; sharp concurrency ${sharp.concurrency()}`);

	for (const [width, height] of [[1024, 768], [4096, 3072]] as const) {
		const jpeg = join(dir, `photo-${width}.jpg`);
		await writeFile(jpeg, await syntheticJpeg(width, height));
		const photo = await loadPhoto(jpeg, {maxSize: width});
		const size = modelInputSize(photo.image, MODEL_INPUT_SPEC_DEFAULTS.size);
		console.log(`\n${width}×${height} photo → model input ${size.width}×${size.height}`);

		await timeMedian(`loadPhoto + model input (resize, /255, mean/std, NCHW)`, runs, async () => {
			const loaded = await loadPhoto(jpeg, {maxSize: width});
			await imageToTensor(loaded.image, modelInputSize(loaded.image, MODEL_INPUT_SPEC_DEFAULTS.size), MODEL_INPUT_SPEC_DEFAULTS);
		});
		await timeMedian(`model input only (from the decoded photo)`, runs, () => imageToTensor(photo.image, size, MODEL_INPUT_SPEC_DEFAULTS));

		const steps: Record<string, number[]> = {preprocess: [], inference: [], postprocess: [], overhead: []};
		await timeMedian(`estimate() total`, runs, async () => {
			const started = performance.now();
			const estimate = await estimator.estimate(photo);
			const total = performance.now() - started;
			for (const step of ['preprocess', 'inference', 'postprocess'] as const) steps[step]!.push(estimate.timingsMs[step]!);
			steps.overhead!.push(total - estimate.timingsMs.inference!);
		});
		for (const [step, values] of Object.entries(steps)) {
			const sorted = values.slice(2).sort((a, b) => a - b);
			const label = step === 'overhead' ? 'overhead outside session.run (total − inference)' : `  ${step}${step === 'inference' ? ' (session.run, channel mean)' : ''}`;
			console.log(`${label.padEnd(66)} ${sorted[Math.floor(sorted.length / 2)]!.toFixed(1).padStart(7)} ms  (median; min ${sorted[0]!.toFixed(1)})`);
		}
	}
} finally {
	await rm(dir, {recursive: true, force: true});
}
