import type {FloatImage, Photo} from '../image/raster.js';

/** What every depth source returns: disparity at the photo's size plus where it came from. */
export interface DepthEstimate {
	/** Disparity normalized to [0, 1] (min → 0, max → 1), larger = nearer, at the photo's working size. */
	disparity: FloatImage;
	/**
	 * Raw disparity that normalized 0 and 1 stand for, in the source's units (model output units, or the
	 * map's value after `--depth-kind` conversion), so raw = rawMin + d * (rawMax - rawMin).
	 */
	rawMin: number;
	rawMax: number;
	/** 'model' for an ONNX estimator, 'file' for a supplied map. */
	kind: 'model' | 'file';
	/** Registry name or file name of the model, or the path of the supplied map. */
	source: string;
	/** For models: the onnxruntime package that ran it ('onnxruntime-node' native, 'onnxruntime-web' WebAssembly). */
	runtime?: string;
	/** Milliseconds per step (e.g. preprocess, inference, postprocess, read). */
	timingsMs: Record<string, number>;
	/**
	 * Size of the map as the source made it, before resizing to the photo (a model's output, the file's
	 * pixels): an upscaled map blurs and shifts its steps by about one of its own samples, which the LDI's
	 * edge snapping must reach. Absent: the photo's size.
	 */
	nativeSize?: {width: number; height: number};
}

/** A named way of getting disparity for a photo (an ONNX model, a supplied map, a plugin's). */
export interface DepthSource {
	readonly name: string;
	estimate(photo: Photo): Promise<DepthEstimate>;
	/**
	 * Starts the work that needs no photo (reading and decoding a supplied map), so it runs on sharp's
	 * threads while the photo decodes; `estimate` works without it.
	 */
	prepare?(): void;
}
