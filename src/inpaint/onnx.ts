import type {InferenceSession, Tensor} from 'onnxruntime-common';

import {loadOnnxRuntime, loadOnnxSession} from '../depth/onnx.js';
import {fileError, UserError} from '../errors.js';
import {resizeFloatImage} from '../image/resize.js';
import type {ColorInpainter, InpaintRegion} from './inpainter.js';

/**
 * The `onnx` colour inpainter: a user-supplied image-inpainting network (LaMa / MI-GAN style exports)
 * applied to the crop. Contract: inputs `image` [1,3,H,W] float32 RGB in 0..1 and `mask` [1,1,H,W]
 * float32 (1 = hole), told apart by channel count (or a name containing "mask"); output [1,3,H,W] RGB,
 * in 0..1 or 0..255: with `outputRange: 'auto'` an output whose maximum exceeds 1.5 is taken as 0..255
 * (a 0..255 output of an almost black crop would be misread; set the range explicitly for such models).
 *
 * Every non-context pixel (synthesis and foreground alike) is sent as a hole with colour 0, so the network
 * never sees foreground colour. A model with a fixed H×W gets the crop resized (bilinear, the hole mask
 * dilated by the resize: any hole contribution makes a hole) and its output resized back; a model with
 * dynamic H×W gets the crop padded at the bottom and right (as holes) to a multiple of `sizeMultiple`.
 * Sessions are cached per process per model file (shared with the depth estimator's cache). Depth still
 * comes from {@link inpaintDisparity}.
 */

/** Options for {@link OnnxInpainter}. */
export interface OnnxInpainterOptions {
	/** The .onnx file of the network. Required. */
	modelPath: string;
	/** onnxruntime intra-op threads; 0 lets onnxruntime choose. */
	intraOpNumThreads: number;
	/** Dynamic-size models get sides padded up to a multiple of this (LaMa needs 8). */
	sizeMultiple: number;
	/** Range of the network's output: 'auto' detects it from the values. */
	outputRange: 'auto' | 'unit' | 'byte';
}

export const ONNX_INPAINTER_DEFAULTS: OnnxInpainterOptions = {
	modelPath: '',
	intraOpNumThreads: 0,
	sizeMultiple: 8,
	outputRange: 'auto',
};

/** The tensors of an inpainting network, read from its session. */
export interface InpaintModelIo {
	imageName: string;
	maskName: string;
	outputName: string;
	/** Fixed input size, when the model's image input has one. */
	fixedWidth?: number;
	fixedHeight?: number;
}

/**
 * Finds the image and mask inputs and the output of an inpainting network, or a one-line error naming
 * `modelPath`.
 *
 * ```ts
 * const {imageName, maskName, fixedWidth} = inpaintModelIo(session, 'lama.onnx');
 * ```
 */
export function inpaintModelIo(session: InferenceSession, modelPath: string): InpaintModelIo {
	const tensors = session.inputMetadata.filter((meta) => meta.isTensor && meta.shape.length === 4);
	const isMask = (meta: InferenceSession.ValueMetadata): boolean =>
		meta.isTensor && (meta.shape[1] === 1 || (meta.shape[1] !== 3 && /mask/i.test(meta.name)));
	const mask = tensors.find(isMask);
	const image = tensors.find((meta) => meta !== mask);
	if (session.inputMetadata.length !== 2 || !mask || !image || !image.isTensor) {
		const described = session.inputMetadata.map((meta) => `${meta.name} ${meta.isTensor ? `[${meta.shape.join(',')}]` : '(not a tensor)'}`).join(', ');
		throw fileError(modelPath, `not an inpainting model (inputs ${described}; expected image [1,3,H,W] and mask [1,1,H,W])`);
	}
	const outputName = session.outputNames[0];
	if (outputName === undefined) throw fileError(modelPath, 'model has no outputs');
	const [, , height, width] = image.shape;
	return {
		imageName: image.name,
		maskName: mask.name,
		outputName,
		fixedHeight: typeof height === 'number' && height > 0 ? height : undefined,
		fixedWidth: typeof width === 'number' && width > 0 ? width : undefined,
	};
}

/**
 * Fills synthesis pixels with the output of an ONNX inpainting network.
 *
 * ```ts
 * const inpainter = new OnnxInpainter({modelPath: 'models/lama-fp32.onnx'});
 * const color = await inpainter.inpaintColor(region);
 * ```
 */
export class OnnxInpainter implements ColorInpainter {
	readonly name = 'onnx';
	readonly options: OnnxInpainterOptions;

	constructor(options: Partial<OnnxInpainterOptions> = {}) {
		this.options = {...ONNX_INPAINTER_DEFAULTS, ...options};
		if (!this.options.modelPath) {
			throw new UserError("the 'onnx' inpainter needs a model file (an image-inpainting network such as a LaMa export)");
		}
	}

	async inpaintColor(region: InpaintRegion): Promise<Uint8Array> {
		const {modelPath, intraOpNumThreads} = this.options;
		const session = await loadOnnxSession(modelPath, intraOpNumThreads);
		const io = inpaintModelIo(session, modelPath);
		const {width, height} = region;
		const fixed = io.fixedWidth !== undefined && io.fixedHeight !== undefined;
		const multiple = Math.max(1, this.options.sizeMultiple);
		const modelWidth = fixed ? io.fixedWidth! : Math.ceil(width / multiple) * multiple;
		const modelHeight = fixed ? io.fixedHeight! : Math.ceil(height / multiple) * multiple;

		const pixelCount = width * height;
		const planes = [0, 1, 2].map(() => new Float32Array(pixelCount));
		const hole = new Float32Array(pixelCount);
		for (let i = 0; i < pixelCount; i++) {
			if (region.contextMask[i]) {
				for (let c = 0; c < 3; c++) planes[c][i] = region.color[3 * i + c] / 255;
			} else {
				hole[i] = 1;
			}
		}
		const modelPixels = modelWidth * modelHeight;
		const imageData = new Float32Array(3 * modelPixels);
		const maskData = new Float32Array(modelPixels);
		if (fixed) {
			for (let c = 0; c < 3; c++) {
				imageData.set(resizeFloatImage({width, height, data: planes[c]}, modelWidth, modelHeight).data, c * modelPixels);
			}
			const resizedHole = resizeFloatImage({width, height, data: hole}, modelWidth, modelHeight).data;
			for (let i = 0; i < modelPixels; i++) {
				maskData[i] = resizedHole[i] > 0 ? 1 : 0;
				// Hole pixels carry colour 0 whatever the resize blended into them.
				if (maskData[i]) for (let c = 0; c < 3; c++) imageData[c * modelPixels + i] = 0;
			}
		} else {
			maskData.fill(1);
			for (let y = 0; y < height; y++) {
				for (let x = 0; x < width; x++) {
					const from = y * width + x;
					const to = y * modelWidth + x;
					maskData[to] = hole[from];
					for (let c = 0; c < 3; c++) imageData[c * modelPixels + to] = planes[c][from];
				}
			}
		}

		const {Tensor} = await loadOnnxRuntime();
		let results: InferenceSession.OnnxValueMapType;
		try {
			results = await session.run(
				{
					[io.imageName]: new Tensor('float32', imageData, [1, 3, modelHeight, modelWidth]),
					[io.maskName]: new Tensor('float32', maskData, [1, 1, modelHeight, modelWidth]),
				},
				[io.outputName],
			);
		} catch (error) {
			throw fileError(modelPath, `inpainting failed (${(error instanceof Error ? error.message : String(error)).split('\n')[0]})`, error);
		}
		const output = results[io.outputName] as Tensor;
		const dims = output.dims;
		if (output.type !== 'float32' || dims.length !== 4 || dims[0] !== 1 || dims[1] !== 3) {
			throw fileError(modelPath, `model output is not an image (${output.type} [${dims.join(',')}]; expected float32 [1,3,H,W])`);
		}
		const outputHeight = dims[2];
		const outputWidth = dims[3];
		const outputData = output.data as Float32Array;
		const outputPixels = outputWidth * outputHeight;

		let scale = this.options.outputRange === 'byte' ? 1 : 255;
		if (this.options.outputRange === 'auto') {
			let maximum = -Infinity;
			for (let i = 0; i < outputData.length; i++) if (outputData[i] > maximum) maximum = outputData[i];
			if (maximum > 1.5) scale = 1;
		}

		const result = Uint8Array.from(region.color);
		for (let c = 0; c < 3; c++) {
			let plane = outputData.subarray(c * outputPixels, (c + 1) * outputPixels);
			let planeWidth = outputWidth;
			if (fixed || outputWidth < width || outputHeight < height) {
				plane = resizeFloatImage({width: outputWidth, height: outputHeight, data: plane}, width, height).data;
				planeWidth = width;
			}
			for (let y = 0; y < height; y++) {
				for (let x = 0; x < width; x++) {
					const i = y * width + x;
					if (!region.synthesisMask[i]) continue;
					const value = Math.round(plane[y * planeWidth + x] * scale);
					result[3 * i + c] = value > 255 ? 255 : value > 0 ? value : 0;
				}
			}
		}
		return result;
	}
}
