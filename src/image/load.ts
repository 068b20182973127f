/**
 * Photo input: decode any format sharp reads (JPEG, PNG, WebP, TIFF, AVIF, GIF; 8/16-bit; grey, RGB,
 * CMYK; with or without alpha), apply the EXIF orientation, convert to 8-bit sRGB RGB, resize to the
 * working size and attach the camera's field of view.
 *
 * Decisions: alpha is flattened onto WHITE by default (a cut-out product shot reads as "on a page", and a
 * white surround stays far in depth estimates more often than black does; `background: 'black'` is
 * there for the other case). Resizing uses lanczos3, never upscales. Broken pixel data is an error
 * (sharp `failOn: 'error'`), so a truncated JPEG never becomes a grey half image.
 *
 * Measured (bench/input.ts, median of 21 [best], on 2 cores shared with other jobs, load average ~14):
 * 1024×768 JPEG 14.8 ms [6.7]; 4096×3072 JPEG → 1024×768 72.7 ms [47.5], against 108 ms [73] to decode it
 * at full size (sharp's JPEG shrink-on-load does most of the reduction); moon.jpg 2100² → 1024² 41.4 ms.
 */
import {readFile} from 'node:fs/promises';

import type {Metadata, OutputInfo} from 'sharp';

import sharp from './sharp.js';
import {fileError, UserError} from '../errors.js';
import {describeSystemError} from '../io/atomic.js';
import {DEFAULT_LONG_SIDE_FOV_DEGREES, fovYFromFocalLength35mm, fovYFromLongSideFov, readFocalLength35mm} from './fov.js';
import type {Photo} from './raster.js';

/** Options for {@link loadPhoto} and {@link decodePhoto}. */
export interface LoadPhotoOptions {
	/** Longest side of the working image, pixels. Larger photos are shrunk (lanczos3); smaller ones are kept. */
	maxSize: number;
	/**
	 * Largest accepted photo, in pixels (width × height before resizing), against decompression bombs.
	 * `0` removes the limit.
	 */
	pixelLimit: number;
	/**
	 * Field of view across the photo's LONG side, degrees; overrides EXIF and the default. Undefined: use
	 * the EXIF 35 mm-equivalent focal length, else {@link DEFAULT_LONG_SIDE_FOV_DEGREES}.
	 */
	fovDegrees: number | undefined;
	/** Colour transparent pixels are flattened onto. */
	background: 'white' | 'black';
}

export const LOAD_PHOTO_DEFAULTS: LoadPhotoOptions = {
	maxSize: 1024,
	pixelLimit: 100_000_000,
	fovDegrees: undefined,
	background: 'white',
};

/**
 * The smallest and most elongated photo ldi-gltf builds a scene from (decoding alone takes any size). Below 16 px on the working image's
 * short side there is too little for the depth-edge filters (7-px windows, 10-px edge segments) and the
 * meshes (a 1-px strip has no 2×2 block to triangulate, so a 1×4000 photo once gave a scene without its
 * photo layer); beyond 16:1 the frame extension and the texture atlas are mostly border.
 */
export const PHOTO_SIZE_LIMITS = {
	/** Shortest side of the working image (after --max-size), pixels. */
	minSide: 16,
	/** Long side over short side. */
	maxAspectRatio: 16,
	/** Longest side of the working image, pixels: the LDI stores coordinates, frame extension included, in 16 bits. */
	maxSide: 16_384,
} as const;

/** The working size of a `width`×`height` photo: the long side at most `maxSize`, never enlarged. */
export function workingSize(width: number, height: number, maxSize: number): {width: number; height: number} {
	const scale = Math.min(1, maxSize / Math.max(width, height));
	return {width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale))};
}

/**
 * Refuses a photo outside {@link PHOTO_SIZE_LIMITS} (sizes after EXIF orientation) with a one-line error.
 *
 * ```ts
 * checkPhotoSize('strip.png', 4000, 1, 1024); // throws 'strip.png: photo is 4000x1 …'
 * ```
 */
export function checkPhotoSize(name: string, width: number, height: number, maxSize: number): void {
	const {minSide, maxAspectRatio, maxSide} = PHOTO_SIZE_LIMITS;
	const ratio = Math.max(width, height) / Math.max(1, Math.min(width, height));
	if (ratio > maxAspectRatio) {
		throw fileError(name, `photo is ${width}x${height}, more elongated than ${maxAspectRatio}:1 (the most ldi-gltf builds a scene from)`);
	}
	const working = workingSize(width, height, maxSize);
	if (Math.min(working.width, working.height) < minSide) {
		const at = working.width === width && working.height === height ? '' : ` at --max-size ${maxSize} (${working.width}x${working.height})`;
		throw fileError(name, `photo is ${width}x${height}${at}, smaller than ${minSide} px on its short side (the least ldi-gltf builds a scene from)`);
	}
	if (Math.max(working.width, working.height) > maxSide) {
		throw fileError(name, `photo is ${working.width}x${working.height} at --max-size ${maxSize}, larger than ${maxSide} px on its long side (the most ldi-gltf builds a scene from; lower --max-size)`);
	}
}

/**
 * Checks a photo file for a scene cheaply, from its header only: readable, not empty, an image, within
 * the pixel limit and {@link PHOTO_SIZE_LIMITS}. Commands run it before looking up (or downloading) a depth model, so a
 * wrong file fails at once; broken pixel data is found by {@link loadPhoto} later.
 *
 * ```ts
 * await probePhoto('holiday.jpg', {maxSize: 1024}); // throws 'holiday.jpg: not an image (unsupported format)'
 * ```
 */
export async function probePhoto(path: string, options: Partial<LoadPhotoOptions> = {}): Promise<void> {
	const {maxSize, pixelLimit} = {...LOAD_PHOTO_DEFAULTS, ...options};
	let bytes: Uint8Array;
	try {
		bytes = await readFile(path);
	} catch (error) {
		throw fileError(path, `cannot read (${describeSystemError(error)})`, error);
	}
	const metadata = await readMetadata(bytes, path, pixelLimit);
	checkPhotoSize(path, metadata.autoOrient.width, metadata.autoOrient.height, maxSize);
}

async function readMetadata(bytes: Uint8Array, name: string, pixelLimit: number): Promise<Metadata> {
	if (bytes.length === 0) throw fileError(name, 'empty file');
	let metadata: Metadata;
	try {
		metadata = await sharp(bytes, {failOn: 'error', limitInputPixels: false}).metadata();
	} catch (error) {
		throw decodeError(name, error);
	}
	const pixels = metadata.width * metadata.height;
	if (pixelLimit > 0 && pixels > pixelLimit) {
		throw fileError(
			name,
			`image is ${metadata.width}x${metadata.height} (${megapixels(pixels)} MP), above the pixel limit of ${megapixels(pixelLimit)} MP`,
		);
	}
	return metadata;
}

/**
 * Reads and decodes a photo file into the working {@link Photo}. Every failure is a one-line
 * {@link UserError} naming the file (missing, a directory, empty, not an image, truncated, too large).
 *
 * ```ts
 * const photo = await loadPhoto('holiday.jpg', {maxSize: 1024});
 * console.log(photo.image.width, photo.fovYRadians);
 * ```
 */
export async function loadPhoto(path: string, options: Partial<LoadPhotoOptions> = {}): Promise<Photo> {
	let bytes: Uint8Array;
	try {
		bytes = await readFile(path);
	} catch (error) {
		throw fileError(path, `cannot read (${describeSystemError(error)})`, error);
	}
	return decodePhoto(bytes, path, options);
}

/**
 * Decodes photo bytes already in memory; `sourcePath` names the photo in errors and in the result.
 *
 * ```ts
 * const photo = await decodePhoto(uploadedBytes, 'upload.jpg', {maxSize: 768});
 * ```
 */
export async function decodePhoto(bytes: Uint8Array, sourcePath: string, options: Partial<LoadPhotoOptions> = {}): Promise<Photo> {
	const {maxSize, pixelLimit, fovDegrees, background} = {...LOAD_PHOTO_DEFAULTS, ...options};
	const name = sourcePath || '<photo in memory>';
	if (!(maxSize >= 1) || !Number.isInteger(maxSize)) throw new UserError(`max size ${maxSize}: must be a positive whole number of pixels`);
	if (fovDegrees !== undefined && !(fovDegrees > 0 && fovDegrees < 180)) {
		throw new UserError(`fov ${fovDegrees}: must be between 0 and 180 degrees (exclusive)`);
	}
	const metadata = await readMetadata(bytes, name, pixelLimit);

	let decoded: {data: Buffer; info: OutputInfo};
	try {
		decoded = await sharp(bytes, {failOn: 'error', limitInputPixels: pixelLimit > 0 ? pixelLimit : false, autoOrient: true})
			.flatten({background: background === 'white' ? '#ffffff' : '#000000'})
			.resize({width: maxSize, height: maxSize, fit: 'inside', withoutEnlargement: true, kernel: 'lanczos3'})
			.toColourspace('srgb')
			.removeAlpha()
			.raw({depth: 'uchar'})
			.toBuffer({resolveWithObject: true});
	} catch (error) {
		throw decodeError(name, error);
	}
	const {width, height, channels} = decoded.info;
	if (channels !== 3) throw fileError(name, `decoded to ${channels} channels, expected RGB`);

	let fovYRadians: number;
	let fovSource: Photo['fovSource'];
	const focalLength35mm = metadata.exif ? readFocalLength35mm(metadata.exif) : undefined;
	if (fovDegrees !== undefined) {
		fovYRadians = fovYFromLongSideFov(fovDegrees, width, height);
		fovSource = 'option';
	} else if (focalLength35mm !== undefined) {
		fovYRadians = fovYFromFocalLength35mm(focalLength35mm, width, height);
		fovSource = 'exif';
	} else {
		fovYRadians = fovYFromLongSideFov(DEFAULT_LONG_SIDE_FOV_DEGREES, width, height);
		fovSource = 'default';
	}

	return {
		image: {width, height, data: new Uint8Array(decoded.data.buffer, decoded.data.byteOffset, decoded.data.byteLength)},
		fovYRadians,
		fovSource,
		sourcePath,
		originalWidth: metadata.autoOrient.width,
		originalHeight: metadata.autoOrient.height,
	};
}

function megapixels(pixels: number): string {
	return String(Number((pixels / 1e6).toPrecision(3)));
}

/** Turns sharp's decoder messages into the one-line problem users see. */
function decodeError(name: string, error: unknown): UserError {
	const message = error instanceof Error ? error.message : String(error);
	if (/unsupported image format|bad seek|not a known file format/i.test(message)) return fileError(name, 'not an image (unsupported format)', error);
	if (/pixel limit/i.test(message)) return fileError(name, 'image is above the pixel limit', error);
	if (/premature end|truncated|end of file|unexpected end/i.test(message)) return fileError(name, `truncated image (${firstLine(message)})`, error);
	return fileError(name, `cannot decode image (${firstLine(message)})`, error);
}

function firstLine(message: string): string {
	return message.split('\n')[0]!.trim();
}
