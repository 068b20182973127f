/**
 * Supplied depth maps (`--depth FILE`): PNG (8/16-bit, grey or RGB: the first channel is read), JPEG
 * and PFM, as disparity or depth, either way round; unknown values filled from the far side; resized to
 * the photo (a map of another aspect ratio than a network's rounding explains is refused, stretched or
 * cropped: fit.ts); normalized to [0, 1].
 *
 * Conventions. `kind: 'disparity'` (default): larger = nearer. `kind: 'depth'`: larger = farther, turned
 * into disparity as 1/z. `invert`: the stored values run the other way (e.g. Google Lens Blur maps, dark =
 * near); integer maps are flipped as (2^bits − 1) − v, float maps as (min + max) − v, before `kind`
 * applies. Unknown: NaN, ±inf, depth ≤ 0, and the stored value 0 in integer maps unless the map is
 * inverted (there 0 is the nearest value: depthy's hut map stores its nearest plants as 0).
 *
 * Unknown-value filling. Considered (not built): breadth-first growth taking the minimum known neighbour
 * per ring — wide holes at an occlusion step would split half near, half far. Kept: the KITTI devkit's
 * background interpolation, per row AND per column (each run of unknowns takes the smaller of the
 * disparities that bound it), combined by taking the smaller (farther) of the two; a second round covers
 * pixels whose row and column were both empty. O(pixels). Measured: 1024×768 with 20 % unknown, 11.8 ms
 * best of 30; moon_depth_midas.png 640² 16-bit read, filled, resized to 1024² and normalized, 44 ms best
 * (bench/input.ts, 2 busy cores).
 */
import {readFile} from 'node:fs/promises';

import sharp from '../image/sharp.js';
import {fileError, UserError} from '../errors.js';
import type {FloatImage, Photo} from '../image/raster.js';
import {type DepthFit, fitDepthMap} from './fit.js';
import {resizeFloatImage, resizeFloatImageNearest} from '../image/resize.js';
import {describeSystemError} from '../io/atomic.js';
import {EXACT_STEP_SHARE, measureStepSharpness, STEP_SHARPNESS_DEFAULTS} from './step-sharpness.js';
import {finiteRange, normalizeDisparity} from './normalize.js';
import {decodePfm, isPfm} from './pfm.js';
import type {DepthEstimate, DepthSource} from './source.js';

/** Options for {@link readDepthMap}. */
export interface SuppliedDepthOptions {
	/** What the map stores: 'disparity' (larger = nearer) or 'depth' (larger = farther, converted as 1/z). */
	kind: 'disparity' | 'depth';
	/** The stored values run the other way (a disparity map where dark = near); the CLI's `--depth-invert`. */
	invert: boolean;
	/**
	 * Whether a stored 0 means "unknown". 'auto': yes for integer (PNG/JPEG) maps that are not inverted,
	 * no for inverted ones (0 is their nearest value) and for PFM (where NaN/inf mark unknowns).
	 */
	zeroIsUnknown: boolean | 'auto';
	/**
	 * A map whose aspect ratio differs from the photo's by more than a depth network's rounding (fit.ts):
	 * 'error' refuses it, 'stretch' resizes it anyway, 'crop' cuts it to the photo's aspect ratio first.
	 * The CLI's `--depth-fit`.
	 */
	fit: DepthFit;
}

export const SUPPLIED_DEPTH_DEFAULTS: SuppliedDepthOptions = {
	kind: 'disparity',
	invert: false,
	zeroIsUnknown: 'auto',
	fit: 'error',
};

/** A depth map as stored, one float per pixel, with the range of its integer codes when it has them. */
export interface RawDepthMap {
	image: FloatImage;
	/** Largest code of an integer map (255, 65535), or undefined for float maps (PFM). */
	codeMax: number | undefined;
}

/**
 * Reads a depth map file and returns normalized disparity at `target`'s size. Every failure is a
 * one-line {@link UserError} naming the file.
 *
 * ```ts
 * const estimate = await readDepthMap('shelf-depth.jpg', photo.image, {invert: true});
 * ```
 */
export async function readDepthMap(
	path: string,
	target: {width: number; height: number},
	options: Partial<SuppliedDepthOptions> = {},
): Promise<DepthEstimate> {
	const readStarted = performance.now();
	const bytes = await readDepthMapBytes(path);
	const readMs = performance.now() - readStarted;
	const estimate = await decodeDepthMap(bytes, path, target, options);
	estimate.timingsMs = {read: readMs, ...estimate.timingsMs};
	return estimate;
}

/** The bytes of the depth map file `path`; a one-line UserError naming it when it cannot be read. */
async function readDepthMapBytes(path: string): Promise<Uint8Array> {
	try {
		return await readFile(path);
	} catch (error) {
		throw fileError(path, `cannot read depth map (${describeSystemError(error)})`, error);
	}
}

/**
 * {@link readDepthMap} for bytes already in memory; `sourcePath` names the map in errors and results.
 *
 * ```ts
 * const estimate = await decodeDepthMap(pngBytes, 'depth.png', {width: 1024, height: 768});
 * ```
 */
export async function decodeDepthMap(
	bytes: Uint8Array,
	sourcePath: string,
	target: {width: number; height: number},
	options: Partial<SuppliedDepthOptions> = {},
): Promise<DepthEstimate> {
	const started = performance.now();
	const raw = await decodeRawDepthMap(bytes, sourcePath || '<depth map in memory>');
	return depthFromRawMap(raw, sourcePath, target, options, {decode: performance.now() - started});
}

/**
 * The rest of {@link decodeDepthMap} once the map is decoded: disparity, fitted to the photo's shape,
 * gaps filled, resized, normalized. `photoSize` is the photo's own size, for messages.
 */
function depthFromRawMap(
	raw: RawDepthMap, sourcePath: string, target: {width: number; height: number}, options: Partial<SuppliedDepthOptions>,
	timingsMs: Record<string, number>, photoSize: {width: number; height: number} = target,
): DepthEstimate {
	const resolved = {...SUPPLIED_DEPTH_DEFAULTS, ...options};
	const name = sourcePath || '<depth map in memory>';
	let time = performance.now();
	const lap = (step: string) => {
		const now = performance.now();
		timingsMs[step] = now - time;
		time = now;
	};
	// Cropped before the gaps are filled: what lies outside the photo must not fill what lies inside.
	const disparity = fitDepthMap(rawToDisparity(raw, resolved), target, resolved.fit, name, photoSize);
	const unknownCount = fillUnknownDisparity(disparity);
	if (unknownCount === disparity.data.length) {
		throw fileError(name, 'depth map has no known values (every pixel is 0, NaN, infinite or a depth ≤ 0)');
	}
	lap('fill');
	const resized = disparity.width === target.width && disparity.height === target.height ? disparity : resizeDepthMap(disparity, target);
	lap('resize');
	const {disparity: normalized, rawMin, rawMax} = normalizeDisparity(resized);
	lap('normalize');
	return {disparity: normalized, rawMin, rawMax, kind: 'file', source: sourcePath, timingsMs, nativeSize: {width: raw.image.width, height: raw.image.height}};
}

/**
 * `disparity` at the `target` size: a larger map whose steps are one pixel sharp (rendered, measured, true:
 * see step-sharpness.ts) is shrunk by picking samples, so that it stays exact at the working size and
 * the LDI engine cuts it where it steps; any other map by averaging (a triangle filter). A 1280-px render's
 * exact map averaged down to 1024 px spread its steps over two pixels and was handled as estimated.
 */
function resizeDepthMap(disparity: FloatImage, target: {width: number; height: number}): FloatImage {
	const shrinking = target.width <= disparity.width && target.height <= disparity.height;
	if (shrinking) {
		const [min, max] = finiteRange(disparity.data);
		const {medianShare} = measureStepSharpness(disparity, {thresholdDisparity: STEP_SHARPNESS_DEFAULTS.thresholdDisparity * (max - min)});
		if (medianShare >= EXACT_STEP_SHARE) return resizeFloatImageNearest(disparity, target.width, target.height);
	}
	return resizeFloatImage(disparity, target.width, target.height);
}

/**
 * Decodes a depth map file's bytes as stored (PFM, or any image sharp reads, first channel, 8 or 16
 * bits), without interpreting the values. EXIF orientation is applied, ICC profiles are ignored (the
 * values are data, not colour).
 *
 * ```ts
 * const {image, codeMax} = await decodeRawDepthMap(bytes, 'depth.png');
 * ```
 */
export async function decodeRawDepthMap(bytes: Uint8Array, name: string): Promise<RawDepthMap> {
	if (bytes.length === 0) throw fileError(name, 'empty file');
	if (isPfm(bytes)) {
		try {
			return {image: decodePfm(bytes), codeMax: undefined};
		} catch (error) {
			throw fileError(name, `cannot read depth map (${(error as Error).message})`, error);
		}
	}
	try {
		const input = sharp(bytes, {failOn: 'error', ignoreIcc: true, autoOrient: true});
		const metadata = await input.metadata();
		if (metadata.depth === 'ushort') {
			const {data, info} = await input
				.toColourspace(metadata.channels >= 3 ? 'rgb16' : 'grey16')
				.raw({depth: 'ushort'})
				.toBuffer({resolveWithObject: true});
			const codes = new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2);
			return {image: firstChannel(codes, info.width, info.height, info.channels), codeMax: 65535};
		}
		if (metadata.depth !== 'uchar') throw fileError(name, `cannot read depth map (${metadata.depth} samples; use 8/16-bit PNG or PFM)`);
		const {data, info} = await input.extractChannel(0).raw({depth: 'uchar'}).toBuffer({resolveWithObject: true});
		return {image: firstChannel(data, info.width, info.height, info.channels), codeMax: 255};
	} catch (error) {
		if (error instanceof UserError) throw error;
		const message = error instanceof Error ? error.message.split('\n')[0]!.trim() : String(error);
		if (/unsupported image format/i.test(message)) throw fileError(name, 'cannot read depth map (not an image or PFM)', error);
		throw fileError(name, `cannot read depth map (${message})`, error);
	}
}

function firstChannel(codes: ArrayLike<number>, width: number, height: number, channels: number): FloatImage {
	const data = new Float32Array(width * height);
	for (let i = 0, j = 0; i < data.length; i++, j += channels) data[i] = codes[j]!;
	return {width, height, data};
}

/**
 * Stored values → raw disparity (larger = nearer) with NaN marking unknown pixels, per `kind`, `invert`
 * and `zeroIsUnknown` (see {@link SuppliedDepthOptions}).
 *
 * ```ts
 * const disparity = rawToDisparity(await decodeRawDepthMap(bytes, 'd.png'), {...SUPPLIED_DEPTH_DEFAULTS, kind: 'depth'});
 * ```
 */
export function rawToDisparity(raw: RawDepthMap, options: SuppliedDepthOptions): FloatImage {
	const {kind, invert} = options;
	const source = raw.image.data;
	const zeroIsUnknown = options.zeroIsUnknown === 'auto' ? raw.codeMax !== undefined && !invert : options.zeroIsUnknown;
	let flipSum = raw.codeMax ?? 0;
	if (invert && raw.codeMax === undefined) {
		let min = Infinity;
		let max = -Infinity;
		for (let i = 0; i < source.length; i++) {
			const value = source[i]!;
			if (!Number.isFinite(value) || (zeroIsUnknown && value === 0)) continue;
			if (value < min) min = value;
			if (value > max) max = value;
		}
		flipSum = min + max;
	}
	const data = new Float32Array(source.length);
	const isDepth = kind === 'depth';
	for (let i = 0; i < source.length; i++) {
		let value = source[i]!;
		if (!Number.isFinite(value) || (zeroIsUnknown && value === 0)) {
			data[i] = NaN;
			continue;
		}
		if (invert) value = flipSum - value;
		if (isDepth) value = value > 0 ? 1 / value : NaN;
		data[i] = value;
	}
	return {width: raw.image.width, height: raw.image.height, data};
}

/**
 * Fills NaN pixels in place from the far side: each run of NaNs along a row takes the smaller of the
 * two disparities bounding it (the one it touches at an image border), likewise along columns, and a
 * pixel gets the smaller of its row and column results. Returns how many pixels were unknown; when that
 * equals the pixel count nothing could be filled.
 *
 * ```ts
 * const unknownCount = fillUnknownDisparity(disparity); // 0 holes at an edge now hold the background value
 * ```
 */
export function fillUnknownDisparity(image: FloatImage): number {
	const {width, height, data} = image;
	let unknownCount = 0;
	for (let i = 0; i < data.length; i++) if (data[i] !== data[i]) unknownCount++;
	if (unknownCount === 0 || unknownCount === data.length) return unknownCount;

	let remaining = unknownCount;
	const alongRows = new Float32Array(data.length);
	const alongColumns = new Float32Array(data.length);
	while (remaining > 0) {
		alongRows.set(data);
		alongColumns.set(data);
		for (let y = 0; y < height; y++) fillRuns(alongRows, y * width, 1, width);
		for (let x = 0; x < width; x++) fillRuns(alongColumns, x, width, height);
		remaining = 0;
		for (let i = 0; i < data.length; i++) {
			if (data[i] === data[i]) continue;
			const rowValue = alongRows[i]!;
			const columnValue = alongColumns[i]!;
			// NaN compares false, so each test also picks the defined one when only one is.
			const value = columnValue < rowValue || rowValue !== rowValue ? columnValue : rowValue;
			data[i] = value;
			if (value !== value) remaining++;
		}
	}
	return unknownCount;
}

/**
 * Background fill of NaN runs along one line of `count` samples spaced `stride` apart: a run takes the
 * smaller of the two values bounding it, or the one it touches at the border. (Strided column walks
 * measured as fast as row walks here: 2.5 vs 3.6 ms for 1024×768.)
 */
function fillRuns(line: Float32Array, offset: number, stride: number, count: number): void {
	let previous = NaN;
	let runStart = -1;
	for (let k = 0; k < count; k++) {
		const value = line[offset + k * stride]!;
		if (value !== value) {
			if (runStart < 0) runStart = k;
			continue;
		}
		if (runStart >= 0) {
			const fill = previous < value ? previous : value;
			for (let r = runStart; r < k; r++) line[offset + r * stride] = fill;
			runStart = -1;
		}
		previous = value;
	}
	if (runStart >= 0 && previous === previous) for (let r = runStart; r < count; r++) line[offset + r * stride] = previous;
}

/**
 * A {@link DepthSource} that reads the same supplied map for whatever photo it is given, resizing it to
 * the photo's working size.
 *
 * ```ts
 * const source = createSuppliedDepthSource('photo-depth.png', {kind: 'depth'});
 * const estimate = await source.estimate(photo);
 * ```
 */
export function createSuppliedDepthSource(path: string, options: Partial<SuppliedDepthOptions> = {}): DepthSource {
	// Read and decoded once, as soon as asked (prepare), whatever photos follow.
	let decoded: Promise<{raw: RawDepthMap; timingsMs: Record<string, number>}> | undefined;
	const decode = (): Promise<{raw: RawDepthMap; timingsMs: Record<string, number>}> => {
		decoded ??= (async () => {
			const started = performance.now();
			const bytes = await readDepthMapBytes(path);
			const read = performance.now() - started;
			const raw = await decodeRawDepthMap(bytes, path);
			return {raw, timingsMs: {read, decode: performance.now() - started - read}};
		})();
		// Started early, awaited by estimate: a failure must not surface as an unhandled rejection meanwhile.
		decoded.catch(() => undefined);
		return decoded;
	};
	return {
		name: 'file',
		prepare: () => void decode(),
		estimate: async (photo: Photo) => {
			const {raw, timingsMs} = await decode();
			return depthFromRawMap(raw, path, photo.image, options, {...timingsMs}, photoSize(photo));
		},
	};
}

/** The photo's own size (before resizing to the working size) when known, for messages. */
function photoSize(photo: Photo): {width: number; height: number} {
	return photo.originalWidth > 0 && photo.originalHeight > 0 ? {width: photo.originalWidth, height: photo.originalHeight} : photo.image;
}
