/**
 * Model input preparation for ONNX depth networks: size rule, resize, /255, mean/std, NCHW float32.
 *
 * Approaches and measurements (2-core x64, Node 20, measured while other jobs kept the load average ≈ 13,
 * so medians are pessimistic; minima of 30 runs in brackets):
 * - Input resize: sharp (libvips) `cubic` on the interleaved 8-bit RGB photo, 1024×768 → 686×518:
 *   5.6 ms median (3.5 ms).
 * - Normalization: three 256-entry lookup tables (one per channel) holding (v/255 − mean)/std computed in
 *   double precision, written planar (NCHW) in one pass: 7.1 ms median (2.4 ms) for 686×518. The values
 *   equal the reference formula rounded once to float32 (the tests compare them exactly).
 * - loadPhoto + this module at 1024×768 (bench/depth.ts): 17.8–21.2 ms median, 14.8 ms minimum — far under
 *   the 100 ms goal.
 */
import sharp from '../image/sharp.js';
import type {RgbImage} from '../image/raster.js';

/** How the network's input size is chosen from the photo's. */
export type InputSizeRule =
	/** Exactly this size (`[width, height]`), ignoring the aspect ratio (e.g. MiDaS v2.1 small: 256×256). */
	| {fixed: [number, number]}
	/** Short side scaled to `shortSide`, aspect kept, each side rounded to a multiple of `multipleOf`. */
	| {shortSide: number; multipleOf: number};

/** How a photo becomes a network input tensor (one entry of models/registry.json's `input`). */
export interface ModelInputSpec {
	/** Size rule; fixed sizes in the model's own input shape take precedence over it. */
	size: InputSizeRule;
	/** sharp kernel used to resize the photo to the input size. */
	resize: 'cubic' | 'linear' | 'lanczos3' | 'mitchell' | 'nearest';
	/** Per-channel mean (R, G, B) subtracted after dividing by 255. */
	mean: [number, number, number];
	/** Per-channel standard deviation (R, G, B) divided by after subtracting the mean. */
	std: [number, number, number];
	/** Tensor layout; only planar NCHW exists in the registry today. */
	layout: 'NCHW';
}

/**
 * Preprocessing used for an unregistered `--model FILE.onnx`: Depth Anything style (short side 518,
 * multiples of 14, bicubic, ImageNet mean/std, NCHW).
 */
export const MODEL_INPUT_SPEC_DEFAULTS: ModelInputSpec = {
	size: {shortSide: 518, multipleOf: 14},
	resize: 'cubic',
	mean: [0.485, 0.456, 0.406],
	std: [0.229, 0.224, 0.225],
	layout: 'NCHW',
};

/** Width and height in pixels. */
export interface Size {
	width: number;
	height: number;
}

/**
 * The network input size for a photo: the model's own fixed height/width when its input shape has them,
 * else the spec's rule.
 *
 * ```ts
 * modelInputSize({width: 1024, height: 768}, {shortSide: 518, multipleOf: 14}); // {width: 686, height: 518}
 * ```
 */
export function modelInputSize(photo: Size, rule: InputSizeRule, modelFixed: {width?: number; height?: number} = {}): Size {
	let size: Size;
	if ('fixed' in rule) {
		size = {width: rule.fixed[0], height: rule.fixed[1]};
	} else {
		const scale = rule.shortSide / Math.min(photo.width, photo.height);
		const snap = (side: number) => Math.max(rule.multipleOf, Math.round((side * scale) / rule.multipleOf) * rule.multipleOf);
		size = {width: snap(photo.width), height: snap(photo.height)};
	}
	return {width: modelFixed.width ?? size.width, height: modelFixed.height ?? size.height};
}

/**
 * Resizes an RGB photo to `size` with the spec's kernel and writes (v/255 − mean)/std per channel as a
 * planar NCHW float32 array of length 3·width·height.
 *
 * ```ts
 * const tensorData = await imageToTensor(photo.image, {width: 686, height: 518}, MODEL_INPUT_SPEC_DEFAULTS);
 * ```
 */
export async function imageToTensor(image: RgbImage, size: Size, spec: ModelInputSpec): Promise<Float32Array> {
	const pixels = size.width === image.width && size.height === image.height
		? image.data
		: await sharp(image.data, {raw: {width: image.width, height: image.height, channels: 3}})
			.resize(size.width, size.height, {kernel: spec.resize, fit: 'fill'})
			.raw()
			.toBuffer();
	return rgbToNormalizedPlanes(pixels, size.width * size.height, spec.mean, spec.std);
}

/** The LUT pass of {@link imageToTensor}, exported for the benchmark. */
export function rgbToNormalizedPlanes(
	rgb: Uint8Array,
	pixelCount: number,
	mean: readonly [number, number, number],
	std: readonly [number, number, number],
): Float32Array {
	const lut = new Float32Array(3 * 256);
	for (let c = 0; c < 3; c++) {
		for (let v = 0; v < 256; v++) lut[c * 256 + v] = (v / 255 - mean[c]) / std[c];
	}
	const planes = new Float32Array(3 * pixelCount);
	for (let i = 0, j = 0; i < pixelCount; i++, j += 3) {
		planes[i] = lut[rgb[j]];
		planes[pixelCount + i] = lut[256 + rgb[j + 1]];
		planes[2 * pixelCount + i] = lut[512 + rgb[j + 2]];
	}
	return planes;
}
