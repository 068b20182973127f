/**
 * Depth sources by name. Built in: `file` (a supplied depth map), `onnx` (any local .onnx file) and one
 * source per model of models/registry.json (downloaded on first use unless offline). Plugins add their
 * own with {@link registerDepthSource}; a registered name shadows a built-in one.
 */
import {UserError} from '../errors.js';
import {ensureModel, type DownloadProgress, type DownloadResult} from './download.js';
import type {DepthFit} from './fit.js';
import {listModels, modelCacheDir, type ModelEntry} from './models.js';
import {OnnxDepthEstimator} from './onnx.js';
import {MODEL_INPUT_SPEC_DEFAULTS, type ModelInputSpec} from './preprocess.js';
import type {DepthSource} from './source.js';
import {createSuppliedDepthSource} from './supplied.js';

/** Everything a depth-source factory may use; each factory reads the fields it needs. */
export interface DepthSourceOptions {
	/** Supplied depth map file (the `file` source). */
	depthPath?: string;
	/** What a supplied map stores: disparity (larger = nearer) or depth (larger = farther). */
	depthKind: 'disparity' | 'depth';
	/** The supplied map's values run the other way (dark = near for disparity). */
	depthInvert: boolean;
	/** A supplied map of another aspect ratio than the photo's: refuse, stretch or crop it (fit.ts). */
	depthFit: DepthFit;
	/** Local .onnx file (the `onnx` source). */
	modelPath?: string;
	/** Preprocessing for the `onnx` source, and an override for registry models when set. */
	modelSpec?: ModelInputSpec;
	/** onnxruntime intra-op threads, 0 = onnxruntime's choice. */
	threads: number;
	/** Never download weights. */
	offline: boolean;
	/** Where registry models are cached. */
	cacheDir: string;
	/** Mirror base URL for downloads (see download.ts). */
	baseUrl?: string;
	/** HTTP client for downloads; Node's fetch when absent. */
	fetch?: typeof fetch;
	/** Download progress of a registry model fetched on first use. */
	onProgress?: (progress: DownloadProgress) => void;
	/** Called before a first-use download starts. */
	onDownloadStart?: (entry: ModelEntry, url: string) => void;
	/** Called after a first-use download finished. */
	onDownloaded?: (result: DownloadResult) => void;
}

export const DEPTH_SOURCE_DEFAULTS: DepthSourceOptions = {
	depthKind: 'disparity',
	depthInvert: false,
	depthFit: 'error',
	threads: 0,
	offline: false,
	cacheDir: modelCacheDir(),
};

/** Makes a depth source from options (may download, so it may be async). */
export type DepthSourceFactory = (options: DepthSourceOptions) => DepthSource | Promise<DepthSource>;

const registered = new Map<string, DepthSourceFactory>();

/**
 * Adds (or replaces) a named depth source, e.g. from a plugin.
 *
 * ```ts
 * registerDepthSource('flat', () => ({name: 'flat', estimate: async (photo) => flatEstimate(photo)}));
 * const source = await createDepthSource('flat');
 * ```
 */
export function registerDepthSource(name: string, factory: DepthSourceFactory): void {
	registered.set(name, factory);
}

function builtInFactory(name: string): DepthSourceFactory | undefined {
	if (name === 'file') {
		return (options) => {
			if (!options.depthPath) throw new UserError('the file depth source needs a depth map (--depth FILE)');
			return createSuppliedDepthSource(options.depthPath, {kind: options.depthKind, invert: options.depthInvert, fit: options.depthFit});
		};
	}
	if (name === 'onnx') {
		return (options) => {
			if (!options.modelPath) throw new UserError('the onnx depth source needs a model file (--model FILE.onnx)');
			const fileName = options.modelPath.split(/[\\/]/).pop()!;
			return new OnnxDepthEstimator(options.modelPath, {name: fileName, input: options.modelSpec ?? MODEL_INPUT_SPEC_DEFAULTS, intraOpNumThreads: options.threads});
		};
	}
	const entry = listModels().find((model) => model.name === name);
	if (!entry) return undefined;
	return async (options) => {
		const path = await ensureModel(entry, {
			cacheDir: options.cacheDir,
			offline: options.offline,
			baseUrl: options.baseUrl,
			onProgress: options.onProgress,
			onDownloadStart: options.onDownloadStart,
			onDownloaded: options.onDownloaded,
			fetch: options.fetch,
		});
		return new OnnxDepthEstimator(path, {name: entry.name, input: options.modelSpec ?? entry.input, intraOpNumThreads: options.threads});
	};
}

/** Names of every depth source: registered ones, then the built-ins. */
export function depthSourceNames(): string[] {
	const names = [...registered.keys(), 'file', 'onnx', ...listModels().map((model) => model.name)];
	return [...new Set(names)];
}

/**
 * Creates the depth source called `name` (registered, `file`, `onnx`, or a registry model, downloading
 * its weights on first use unless offline).
 *
 * ```ts
 * const source = await createDepthSource('midas-v2.1-small', {threads: 2});
 * const {disparity} = await source.estimate(photo);
 * ```
 */
export async function createDepthSource(name: string, options: Partial<DepthSourceOptions> = {}): Promise<DepthSource> {
	const factory = registered.get(name) ?? builtInFactory(name);
	if (!factory) throw new UserError(`${name}: unknown depth source (known: ${depthSourceNames().join(', ')})`);
	return factory({...DEPTH_SOURCE_DEFAULTS, ...options});
}
