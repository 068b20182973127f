/**
 * Picks the depth source from command options, the same way for `depth`, `build`, `stereo` and `render`:
 * `--depth FILE` wins (a supplied map, no model); else `--model` as a local .onnx file (preprocessing from
 * `--model-spec` / `--model-size` / `--model-mean` / `--model-std`, defaulting to Depth Anything style);
 * else `--model` as a registry name; else the registry's default model.
 */
import {existsSync} from 'node:fs';
import {readFile} from 'node:fs/promises';

import {fileError, usageError} from '../errors.js';
import {describeSystemError} from '../io/atomic.js';
import {defaultModelName, listModels} from './models.js';
import {MODEL_INPUT_SPEC_DEFAULTS, type InputSizeRule, type ModelInputSpec} from './preprocess.js';
import {createDepthSource, DEPTH_SOURCE_DEFAULTS, type DepthSourceOptions} from './registry.js';
import type {DepthSource} from './source.js';

/** Options for {@link resolveDepthSource}: the depth flags of a command, parsed. */
export interface ResolveDepthOptions extends DepthSourceOptions {
	/** Registry model name or .onnx file path; the registry's default when absent. */
	model?: string;
	/** JSON file with a (partial) {@link ModelInputSpec} for a `--model FILE.onnx`. */
	modelSpecPath?: string;
	/** `--model-size`: `518` (short side, multiples of 14) or `256x256` (fixed width × height). */
	modelSize?: string;
	/** `--model-mean`: one or three comma-separated numbers. */
	modelMean?: string;
	/** `--model-std`: one or three comma-separated numbers. */
	modelStd?: string;
}

export const RESOLVE_DEPTH_DEFAULTS: ResolveDepthOptions = {...DEPTH_SOURCE_DEFAULTS};

/** The chosen source and how to describe it (`--json`'s `source` and `model`). */
export interface ResolvedDepthSource {
	source: DepthSource;
	/** 'file' for a supplied map, 'model' for an ONNX network, or a plugin's source name. */
	kind: 'file' | 'model';
	/** Registry name, .onnx path, or the supplied map's path. */
	model: string;
}

/** Whether `--model VALUE` names a file rather than a registry entry. */
export function isModelFile(value: string): boolean {
	return /\.onnx$/i.test(value) || value.includes('/') || value.includes('\\') || existsSync(value);
}

/**
 * Parses `--model-size`: `518` → short side 518 rounded to multiples of 14; `256x256` → fixed W×H.
 *
 * ```ts
 * parseModelSize('384x384'); // {fixed: [384, 384]}
 * ```
 */
export function parseModelSize(text: string): InputSizeRule {
	const fixed = /^(\d+)x(\d+)$/i.exec(text.trim());
	if (fixed && isModelInputSide(Number(fixed[1])) && isModelInputSide(Number(fixed[2]))) return {fixed: [Number(fixed[1]), Number(fixed[2])]};
	if (/^\d+$/.test(text.trim()) && isModelInputSide(Number(text))) return {shortSide: Number(text), multipleOf: 14};
	throw usageError(`--model-size ${text}`, `expected a short side (518) or WIDTHxHEIGHT (256x256), 1 to ${MAX_MODEL_INPUT_SIDE} px`);
}

/**
 * Largest side of a network's input: depth networks take 256–1536 px; `--model-size 0x0` failed inside
 * sharp (an internal error), and 100000x100000 would be a 120 GB tensor.
 */
const MAX_MODEL_INPUT_SIDE = 4096;

function isModelInputSide(value: number): boolean {
	return Number.isInteger(value) && value >= 1 && value <= MAX_MODEL_INPUT_SIDE;
}

/**
 * Parses `--model-mean` / `--model-std`: one number for all channels, or three (R,G,B). Standard
 * deviations must be positive: pixels are divided by them (a 0 made every input, and so the model's output,
 * NaN, reported as the model's fault).
 */
export function parseChannelTriple(text: string, flag: string): [number, number, number] {
	const values = text.split(',').map((part) => Number(part.trim()));
	if ((values.length === 1 || values.length === 3) && values.every((value) => Number.isFinite(value))) {
		const triple: [number, number, number] = values.length === 1 ? [values[0]!, values[0]!, values[0]!] : [values[0]!, values[1]!, values[2]!];
		if (flag === '--model-std' && !triple.every((value) => value > 0)) throw usageError(`${flag} ${text}`, 'standard deviations must be positive');
		return triple;
	}
	throw usageError(`${flag} ${text}`, 'expected one or three comma-separated numbers');
}

function isTriple(value: unknown): value is [number, number, number] {
	return Array.isArray(value) && value.length === 3 && value.every((v) => typeof v === 'number' && Number.isFinite(v));
}

function isSizeRule(value: unknown): value is InputSizeRule {
	const rule = value as Record<string, unknown>;
	if (!rule || typeof rule !== 'object') return false;
	if ('fixed' in rule) return Array.isArray(rule.fixed) && rule.fixed.length === 2 && rule.fixed.every((v) => isModelInputSide(v as number));
	return isModelInputSide(rule.shortSide as number) && Number.isInteger(rule.multipleOf) && (rule.multipleOf as number) > 0;
}

/**
 * Reads a `--model-spec` JSON file: any of `size` ({"fixed": [w, h]} or {"shortSide": n, "multipleOf": m}),
 * `resize` (sharp kernel), `mean`, `std` (three numbers each), `layout` ("NCHW"), over the defaults.
 *
 * ```ts
 * const spec = await readModelSpecFile('midas.json'); // {"size": {"fixed": [256, 256]}}
 * ```
 */
export async function readModelSpecFile(path: string, base: ModelInputSpec = MODEL_INPUT_SPEC_DEFAULTS): Promise<ModelInputSpec> {
	let parsed: Record<string, unknown>;
	try {
		parsed = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
	} catch (error) {
		const reason = error instanceof SyntaxError ? `not valid JSON: ${error.message}` : describeSystemError(error);
		throw fileError(path, `cannot read the model spec (${reason})`, error);
	}
	if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw fileError(path, 'model spec must be a JSON object');
	const spec: ModelInputSpec = {...base};
	for (const [key, value] of Object.entries(parsed)) {
		if (key === 'size' && isSizeRule(value)) spec.size = value;
		else if (key === 'mean' && isTriple(value)) spec.mean = value;
		else if (key === 'std' && isTriple(value) && value.every((v) => v > 0)) spec.std = value;
		else if (key === 'resize' && typeof value === 'string' && ['cubic', 'linear', 'lanczos3', 'mitchell', 'nearest'].includes(value)) spec.resize = value as ModelInputSpec['resize'];
		else if (key === 'layout' && value === 'NCHW') spec.layout = 'NCHW';
		else throw fileError(path, `model spec: bad or unknown field "${key}" (${JSON.stringify(value)})`);
	}
	return spec;
}

async function modelSpecFromOptions(options: ResolveDepthOptions, base: ModelInputSpec): Promise<ModelInputSpec> {
	const spec = options.modelSpecPath ? await readModelSpecFile(options.modelSpecPath, base) : {...base};
	if (options.modelSize) spec.size = parseModelSize(options.modelSize);
	if (options.modelMean) spec.mean = parseChannelTriple(options.modelMean, '--model-mean');
	if (options.modelStd) spec.std = parseChannelTriple(options.modelStd, '--model-std');
	return spec;
}

function hasSpecOverrides(options: ResolveDepthOptions): boolean {
	return Boolean(options.modelSpecPath || options.modelSize || options.modelMean || options.modelStd);
}

/**
 * The depth source for a command's options. Registry models are downloaded here on first use (with
 * `onProgress`) unless offline.
 *
 * ```ts
 * const {source, model} = await resolveDepthSource({model: 'midas-v2.1-small', threads: 2, offline: false});
 * const estimate = await source.estimate(photo);
 * ```
 */
export async function resolveDepthSource(options: Partial<ResolveDepthOptions> = {}): Promise<ResolvedDepthSource> {
	const resolved: ResolveDepthOptions = {...RESOLVE_DEPTH_DEFAULTS, ...options};
	if (resolved.depthPath) {
		return {source: await createDepthSource('file', resolved), kind: 'file', model: resolved.depthPath};
	}
	const model = resolved.model ?? defaultModelName();
	if (isModelFile(model)) {
		const modelSpec = await modelSpecFromOptions(resolved, MODEL_INPUT_SPEC_DEFAULTS);
		return {source: await createDepthSource('onnx', {...resolved, modelPath: model, modelSpec}), kind: 'model', model};
	}
	if (model === 'file' || model === 'onnx') throw usageError(`--model ${model}`, 'give a registry model name or a .onnx file');
	const registryOptions = hasSpecOverrides(resolved) ? {...resolved, modelSpec: await modelSpecFromOptions(resolved, listModels().find((entry) => entry.name === model)?.input ?? MODEL_INPUT_SPEC_DEFAULTS)} : resolved;
	return {source: await createDepthSource(model, registryOptions), kind: 'model', model};
}
