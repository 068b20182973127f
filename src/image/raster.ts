/**
 * Raster types shared by every stage. Pixels are row-major, top-left origin, interleaved channels,
 * so a buffer can go to and from sharp's `raw` format without copying.
 */

/** 8-bit sRGB image, 3 interleaved channels (`data.length === width * height * 3`). */
export interface RgbImage {
	width: number;
	height: number;
	data: Uint8Array;
}

/** 8-bit sRGB image with straight alpha, 4 interleaved channels (`data.length === width * height * 4`). */
export interface RgbaImage {
	width: number;
	height: number;
	data: Uint8Array;
}

/** One float per pixel (`data.length === width * height`), e.g. disparity. */
export interface FloatImage {
	width: number;
	height: number;
	data: Float32Array;
}

/** A decoded, oriented, resized photo and the camera it was taken with. */
export interface Photo {
	/** The pixels after EXIF orientation and resizing to the working size. */
	image: RgbImage;
	/** Vertical field of view of the camera, radians. */
	fovYRadians: number;
	/** Where the field of view came from. */
	fovSource: 'exif' | 'default' | 'option';
	/** File the photo was read from ('' when it came from memory). */
	sourcePath: string;
	/** Size of the decoded photo before resizing (after orientation). */
	originalWidth: number;
	originalHeight: number;
}

export function createRgbImage(width: number, height: number): RgbImage {
	return {width, height, data: new Uint8Array(width * height * 3)};
}

export function createRgbaImage(width: number, height: number): RgbaImage {
	return {width, height, data: new Uint8Array(width * height * 4)};
}

export function createFloatImage(width: number, height: number): FloatImage {
	return {width, height, data: new Float32Array(width * height)};
}
