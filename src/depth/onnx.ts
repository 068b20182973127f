/**
 * Monocular depth with an ONNX network run by onnxruntime-node (native, CPU) or, when that package is
 * absent or its addon does not load, onnxruntime-web (WebAssembly, CPU): photo → input tensor per the
 * model's spec → session.run → output plane resized back to the photo → min-max normalized disparity.
 *
 * Tensor names and shapes come from the session (exports differ: `pixel_values` → `predicted_depth`,
 * `image` → `depth`, `input` → `depth`): the first 4-D input with 3 (or symbolic) channels, the first
 * output, [1,H,W] or [1,1,H,W]. A fixed H×W in the input shape beats the spec's size rule.
 *
 * Measured with bench/depth.ts (2-core x64, a generated channel-mean model so onnxruntime's own time is
 * ~2 ms, while other jobs kept the load average ≈ 13: medians are pessimistic, minima in brackets):
 * overhead outside session.run at a 1024×768 photo 84 ms median (42 ms) — preprocess 19 ms (6 ms),
 * postprocess 61 ms (26 ms); at a 4096×3072 photo (--max-size 4096) 724 ms (535 ms), nearly all in
 * postprocess: resizing the output plane to 12.6 MP and normalizing it (each a full pass over 50 MB).
 * Sessions are cached per (model path, thread count): creating one for the real MiDaS graph costs
 * ~145 ms (../shared/models/MODELS.md), so a process estimating several photos pays it once.
 * Tried: sharp for the output resize — it does not resample 1-channel float32 raw input (3 zero channels
 * came back), hence src/image/resize.ts's triangle filter, which also cannot overshoot at depth steps.
 */
import type {Stats} from 'node:fs';
import {readFile, stat} from 'node:fs/promises';
import {availableParallelism} from 'node:os';
import {resolve} from 'node:path';

import type {InferenceSession, Tensor} from 'onnxruntime-common';

import {fileError} from '../errors.js';
import type {FloatImage, Photo} from '../image/raster.js';
import {resizeFloatImage} from '../image/resize.js';
import {describeSystemError} from '../io/atomic.js';
import {normalizeDisparity} from './normalize.js';
import {imageToTensor, MODEL_INPUT_SPEC_DEFAULTS, modelInputSize, type ModelInputSpec} from './preprocess.js';
import type {DepthEstimate, DepthSource} from './source.js';

/** Options for {@link OnnxDepthEstimator}. */
export interface OnnxDepthOptions {
	/** Name reported as the estimate's `source` (registry name, or the file name for `--model FILE.onnx`). */
	name: string;
	/** How photos become input tensors. */
	input: ModelInputSpec;
	/** onnxruntime intra-op threads; 0 lets onnxruntime choose (one per physical core). */
	intraOpNumThreads: number;
}

export const ONNX_DEPTH_DEFAULTS: OnnxDepthOptions = {
	name: 'onnx',
	input: MODEL_INPUT_SPEC_DEFAULTS,
	intraOpNumThreads: 0,
};

/** The tensors of a loaded depth model, read from its session. */
export interface DepthModelIo {
	inputName: string;
	outputName: string;
	/** Fixed input height/width when the model's input shape has them. */
	fixedHeight?: number;
	fixedWidth?: number;
}

const sessions = new Map<string, Promise<InferenceSession>>();

/** The two onnxruntime packages ldi-gltf can run models with. */
export type OnnxBackend = 'onnxruntime-node' | 'onnxruntime-web';

/** What {@link loadOnnxRuntime} hands back: the classes of whichever package loaded, and its name. */
export interface OnnxRuntime {
	backend: OnnxBackend;
	InferenceSession: typeof InferenceSession;
	Tensor: typeof Tensor;
}

/**
 * The environment variable that pins the runtime: `node` (onnxruntime-node only, an error when it does
 * not load) or `web` (onnxruntime-web only). Unset or anything else: native first, WebAssembly fallback.
 */
export const ONNX_RUNTIME_ENV = 'LDI_GLTF_ONNX_RUNTIME';

const runtimes = new Map<string, Promise<OnnxRuntime>>();

async function importNode(): Promise<OnnxRuntime> {
	const ort = await import('onnxruntime-node');
	return {backend: 'onnxruntime-node', InferenceSession: ort.InferenceSession, Tensor: ort.Tensor};
}

async function importWeb(): Promise<OnnxRuntime> {
	const ort = await import('onnxruntime-web');
	return {backend: 'onnxruntime-web', InferenceSession: ort.InferenceSession, Tensor: ort.Tensor};
}

async function importRuntime(preference: string): Promise<OnnxRuntime> {
	if (preference === 'web') return importWeb();
	if (preference === 'node') return importNode();
	try {
		return await importNode();
	} catch {
		// onnxruntime-node is an optional dependency: npm drops it when its install script fails (it
		// downloads CUDA libraries on linux-x64), and its native addon may not load on this platform.
		return importWeb();
	}
}

/**
 * The onnxruntime to run models with, loaded on first use: builds with a supplied depth map and the
 * built-in inpainters never need it, and loading the native addon costs ~20–40 ms of start-up.
 * onnxruntime-node (native) when it is installed and loads, else onnxruntime-web (WebAssembly, always
 * installed; ~7× slower on convolutions, see bench/onnx-runtimes.ts). {@link ONNX_RUNTIME_ENV} pins one.
 */
export function loadOnnxRuntime(): Promise<OnnxRuntime> {
	const preference = process.env[ONNX_RUNTIME_ENV]?.trim().toLowerCase() ?? '';
	let runtime = runtimes.get(preference);
	if (!runtime) {
		runtime = importRuntime(preference);
		runtime.catch(() => runtimes.delete(preference));
		runtimes.set(preference, runtime);
	}
	return runtime;
}

/**
 * Drops the first line of onnxruntime's message down to its reason ("Protobuf parsing failed."), also
 * without the source location and C++ signature some of its messages start with
 * (`/onnxruntime_src/…/model.cc:187 onnxruntime::Model::Model(…) ModelProto does not have a graph`).
 */
export function onnxReason(error: unknown): string {
	const message = (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
	// onnxruntime-web: "Can't create a session. ERROR_CODE: 7, ERROR_MESSAGE: Failed to load model because …"
	return message.replace(/^.*?ERROR_MESSAGE:\s*/, '').replace(/^.*?failed:\s*/, '').replace(/^\S+:\d+ [\w:~]+\(.*\)\s+/, '').replace(/\.$/, '').trim() || message;
}

let webThreadsSet = false;

async function createSession(modelPath: string, intraOpNumThreads: number): Promise<InferenceSession> {
	let stats: Stats;
	try {
		stats = await stat(modelPath);
	} catch (error) {
		throw fileError(modelPath, `cannot read the model (${describeSystemError(error)})`, error);
	}
	if (!stats.isFile()) throw fileError(modelPath, 'cannot read the model (is a directory)');
	// onnxruntime's own words for it name a C++ constructor ("ModelProto does not have a graph").
	if (stats.size === 0) throw fileError(modelPath, 'not a valid ONNX model (empty file)');
	const runtime = await loadOnnxRuntime();
	try {
		if (runtime.backend === 'onnxruntime-web') {
			// onnxruntime-web reads no files in Node and takes its thread count from a global set before
			// its first session; sessions of other thread counts then share it.
			const ort = await import('onnxruntime-web');
			if (!webThreadsSet) {
				ort.env.wasm.numThreads = intraOpNumThreads > 0 ? intraOpNumThreads : Math.max(1, Math.min(4, availableParallelism()));
				webThreadsSet = true;
			}
			return await runtime.InferenceSession.create(await readFile(modelPath), {executionProviders: ['wasm'], graphOptimizationLevel: 'all'});
		}
		return await runtime.InferenceSession.create(modelPath, {
			executionProviders: ['cpu'],
			graphOptimizationLevel: 'all',
			intraOpNumThreads,
			interOpNumThreads: 1,
			// Errors only: onnxruntime writes its warnings (unused initializers of exported models, lenient
			// shape merges) straight to stderr in colour, past --quiet and the one-line error format.
			logSeverityLevel: 3,
		});
	} catch (error) {
		throw fileError(modelPath, `not a valid ONNX model (${onnxReason(error)})`, error);
	}
}

/**
 * The onnxruntime session for a model file, created once per process per (path, thread count) and
 * reused. Errors are one-line, naming the file.
 *
 * ```ts
 * const session = await loadOnnxSession('models/midas.onnx', 2);
 * ```
 */
export function loadOnnxSession(modelPath: string, intraOpNumThreads = 0): Promise<InferenceSession> {
	const key = `${resolve(modelPath)}\0${intraOpNumThreads}\0${process.env[ONNX_RUNTIME_ENV] ?? ''}`;
	let session = sessions.get(key);
	if (!session) {
		session = createSession(modelPath, intraOpNumThreads);
		// A failed load is not cached: the user may fix the file and retry in the same process.
		session.catch(() => sessions.delete(key));
		sessions.set(key, session);
	}
	return session;
}

/**
 * Finds the image input and the depth output of a session, or a one-line error naming `modelPath` when
 * the model takes no image tensor ([N,3,H,W] float32).
 *
 * ```ts
 * const {inputName, outputName, fixedWidth} = depthModelIo(session, 'model.onnx');
 * ```
 */
export function depthModelIo(session: InferenceSession, modelPath: string): DepthModelIo {
	// Channels first: dim 1 is 3, or symbolic while the last dim is not 3 (that would be NHWC).
	const input = session.inputMetadata.find((meta) => meta.isTensor && meta.shape.length === 4
		&& (meta.shape[1] === 3 || (typeof meta.shape[1] === 'string' && meta.shape[3] !== 3)));
	if (!input || !input.isTensor) {
		const described = session.inputMetadata.map((meta) => `${meta.name} ${meta.isTensor ? `[${meta.shape.join(',')}]` : '(not a tensor)'}`).join(', ');
		throw fileError(modelPath, `model input is not an image tensor (has ${described}; expected NCHW [1,3,H,W] float32)`);
	}
	if (input.type !== 'float32') throw fileError(modelPath, `model input ${input.name} is ${input.type}, expected float32`);
	const outputName = session.outputNames[0];
	if (outputName === undefined) throw fileError(modelPath, 'model has no outputs');
	const [, , height, width] = input.shape;
	return {
		inputName: input.name,
		outputName,
		fixedHeight: typeof height === 'number' && height > 0 ? height : undefined,
		fixedWidth: typeof width === 'number' && width > 0 ? width : undefined,
	};
}

/** The output plane of a depth model as a FloatImage, for [H,W], [1,H,W] and [1,1,H,W] outputs. */
function outputPlane(tensor: Tensor, modelPath: string): FloatImage {
	const dims = tensor.dims;
	const leading = dims.slice(0, -2);
	if (dims.length < 2 || dims.length > 4 || leading.some((dim) => dim !== 1) || tensor.type !== 'float32') {
		throw fileError(modelPath, `model output is not a depth map (${tensor.type} [${dims.join(',')}]; expected float32 [1,H,W] or [1,1,H,W])`);
	}
	return {width: dims[dims.length - 1]!, height: dims[dims.length - 2]!, data: tensor.data as Float32Array};
}

/**
 * A {@link DepthSource} running an ONNX depth network. The session is shared by every estimator of the
 * same model file and thread count in the process.
 *
 * ```ts
 * const estimator = new OnnxDepthEstimator('~/.cache/ldi-gltf/models/midas-v2.1-small.onnx', {
 *   name: 'midas-v2.1-small', input: findModel('midas-v2.1-small').input, intraOpNumThreads: 2,
 * });
 * const {disparity, timingsMs} = await estimator.estimate(photo);
 * ```
 */
export class OnnxDepthEstimator implements DepthSource {
	readonly name: string;
	readonly modelPath: string;
	readonly options: OnnxDepthOptions;

	constructor(modelPath: string, options: Partial<OnnxDepthOptions> = {}) {
		this.options = {...ONNX_DEPTH_DEFAULTS, ...options};
		this.name = this.options.name;
		this.modelPath = modelPath;
	}

	/** Loads (or reuses) the session and checks its tensors; `estimate` does this on first use. */
	async prepare(): Promise<{session: InferenceSession; io: DepthModelIo}> {
		const session = await loadOnnxSession(this.modelPath, this.options.intraOpNumThreads);
		return {session, io: depthModelIo(session, this.modelPath)};
	}

	async estimate(photo: Photo): Promise<DepthEstimate> {
		const started = performance.now();
		const {session, io} = await this.prepare();
		const loaded = performance.now();
		const size = modelInputSize(photo.image, this.options.input.size, {width: io.fixedWidth, height: io.fixedHeight});
		const tensorData = await imageToTensor(photo.image, size, this.options.input);
		const {Tensor, backend} = await loadOnnxRuntime();
		const input = new Tensor('float32', tensorData, [1, 3, size.height, size.width]);
		const prepared = performance.now();
		let results: InferenceSession.OnnxValueMapType;
		try {
			results = await session.run({[io.inputName]: input}, [io.outputName]);
		} catch (error) {
			throw fileError(this.modelPath, `inference failed (${onnxReason(error)})`, error);
		}
		const inferred = performance.now();
		const plane = outputPlane(results[io.outputName] as Tensor, this.modelPath);
		for (let i = 0; i < plane.data.length; i++) {
			if (!Number.isFinite(plane.data[i])) throw fileError(this.modelPath, 'model output has non-finite values (NaN or inf)');
		}
		const {disparity, rawMin, rawMax} = normalizeDisparity(resizeFloatImage(plane, photo.image.width, photo.image.height));
		const finished = performance.now();
		return {
			disparity,
			rawMin,
			rawMax,
			kind: 'model',
			source: this.name,
			nativeSize: {width: plane.width, height: plane.height},
			runtime: backend,
			timingsMs: {
				session: loaded - started,
				preprocess: prepared - loaded,
				inference: inferred - prepared,
				postprocess: finished - inferred,
			},
		};
	}
}
