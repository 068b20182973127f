import {existsSync, readFileSync, statSync} from 'node:fs';
import {homedir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';

import {fileError, UserError} from '../errors.js';
import type {ModelInputSpec} from './preprocess.js';

/** One downloadable depth model, as listed in models/registry.json. */
export interface ModelEntry {
	/** Registry name used by `--model NAME` and `models pull NAME`. */
	name: string;
	description: string;
	/** Where the weights are downloaded from. */
	url: string;
	/** File name inside the cache directory. */
	file: string;
	/** SPDX licence of the weights. */
	licence: string;
	homepage?: string;
	/** Approximate size in bytes, for listings and progress before the server says (null if unknown). */
	bytes: number | null;
	/** Exact size in bytes, checked after download (null if not yet recorded). */
	exactBytes: number | null;
	/** Lower-case hex sha256 of the file, checked after download (null if not yet recorded). */
	sha256: string | null;
	/** How a photo becomes the model's input tensor. */
	input: ModelInputSpec;
	/** What the output means; every registered model outputs relative disparity (larger = nearer). */
	output: {kind: 'disparity'};
}

/** The parsed registry file. */
export interface ModelRegistry {
	/** Name of the model used when no `--model` / `--depth` is given. */
	default: string;
	models: ModelEntry[];
}

/** models/registry.json, two levels above both src/depth and dist/depth. */
export const MODEL_REGISTRY_PATH = fileURLToPath(new URL('../../models/registry.json', import.meta.url));

let cached: {path: string; registry: ModelRegistry} | undefined;

/**
 * Reads and checks a model registry file, parsed once per process: by default the one
 * `LDI_GLTF_MODEL_REGISTRY` names (a pipeline's own models, same format), else the package's own.
 *
 * ```ts
 * const {default: name, models} = loadModelRegistry();
 * ```
 */
export function loadModelRegistry(path = process.env.LDI_GLTF_MODEL_REGISTRY || MODEL_REGISTRY_PATH): ModelRegistry {
	if (cached?.path === path) return cached.registry;
	let registry: ModelRegistry;
	try {
		registry = JSON.parse(readFileSync(path, 'utf8')) as ModelRegistry;
	} catch (error) {
		throw fileError(path, `cannot read the model registry (${error instanceof Error ? error.message : String(error)})`, error);
	}
	if (!Array.isArray(registry.models) || typeof registry.default !== 'string') {
		throw fileError(path, 'not a model registry (needs "default" and "models")');
	}
	for (const entry of registry.models) {
		if (!entry.name || !entry.url || !entry.file || !entry.input?.size) throw fileError(path, `model entry ${JSON.stringify(entry.name)} lacks name, url, file or input.size`);
		entry.sha256 ??= null;
		entry.exactBytes ??= null;
		if (entry.sha256 !== null && !/^[0-9a-f]{64}$/.test(entry.sha256)) throw fileError(path, `model entry ${JSON.stringify(entry.name)}: sha256 must be 64 lower-case hex digits or null`);
		if (entry.exactBytes !== null && !(Number.isSafeInteger(entry.exactBytes) && entry.exactBytes > 0)) throw fileError(path, `model entry ${JSON.stringify(entry.name)}: exactBytes must be a positive integer or null`);
	}
	cached = {path, registry};
	return registry;
}

/**
 * Every registered model.
 *
 * ```ts
 * for (const model of listModels()) console.log(model.name, model.licence);
 * ```
 */
export function listModels(): ModelEntry[] {
	return loadModelRegistry().models;
}

/** Name of the default model (Depth Anything V2 Small). */
export function defaultModelName(): string {
	return loadModelRegistry().default;
}

/**
 * The registry entry called `name`, or a one-line error listing the known names.
 *
 * ```ts
 * const entry = findModel('midas-v2.1-small');
 * ```
 */
export function findModel(name: string): ModelEntry {
	const models = listModels();
	const entry = models.find((model) => model.name === name);
	if (!entry) throw new UserError(`${name}: unknown model (known: ${models.map((model) => model.name).join(', ')}; or give a .onnx file path)`);
	return entry;
}

/** What {@link modelCacheDir} looks at; defaults to this process's. */
export interface CacheDirContext {
	env: NodeJS.ProcessEnv;
	platform: NodeJS.Platform;
	home: string;
}

/**
 * Where downloaded weights live: `LDI_GLTF_CACHE_DIR` when set, else the user cache directory —
 * `$XDG_CACHE_HOME/ldi-gltf/models` or `~/.cache/ldi-gltf/models` on Linux and others,
 * `~/Library/Caches/ldi-gltf/models` on macOS, `%LOCALAPPDATA%\ldi-gltf\models` on Windows.
 *
 * ```ts
 * modelCacheDir(); // '/home/me/.cache/ldi-gltf/models'
 * ```
 */
export function modelCacheDir(context: Partial<CacheDirContext> = {}): string {
	const env = context.env ?? process.env;
	const platform = context.platform ?? process.platform;
	const home = context.home ?? homedir();
	if (env.LDI_GLTF_CACHE_DIR) return env.LDI_GLTF_CACHE_DIR;
	if (platform === 'darwin') return join(home, 'Library', 'Caches', 'ldi-gltf', 'models');
	if (platform === 'win32') return join(env.LOCALAPPDATA ?? join(home, 'AppData', 'Local'), 'ldi-gltf', 'models');
	return join(env.XDG_CACHE_HOME || join(home, '.cache'), 'ldi-gltf', 'models');
}

/**
 * Path the weights of model `name` have (or will have) once installed.
 *
 * ```ts
 * modelPath('depth-anything-v2-small'); // '~/.cache/ldi-gltf/models/depth-anything-v2-small.onnx'
 * ```
 */
export function modelPath(name: string, cacheDir = modelCacheDir()): string {
	return join(cacheDir, findModel(name).file);
}

/**
 * Whether model `name` is downloaded: its file exists (and has the exact size when the registry knows it).
 * Downloads only ever rename complete, verified files into place, so existence is the real signal.
 *
 * ```ts
 * if (!isInstalled('midas-v2.1-small')) await downloadModel(findModel('midas-v2.1-small'));
 * ```
 */
export function isInstalled(name: string, cacheDir = modelCacheDir()): boolean {
	return isEntryInstalled(findModel(name), cacheDir);
}

/** {@link isInstalled} for an entry that need not be in the package registry (a plugin's, a test's). */
export function isEntryInstalled(entry: ModelEntry, cacheDir = modelCacheDir()): boolean {
	const path = join(cacheDir, entry.file);
	if (!existsSync(path)) return false;
	return entry.exactBytes === null || statSync(path).size === entry.exactBytes;
}
