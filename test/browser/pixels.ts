/** Small pixel utilities for the browser tests (comparing WebGL read-backs with the source pictures). */
import type {RgbaImage, RgbImage} from '../../src/image/raster.js';

/** Drops the alpha channel. */
export function rgbFromRgba(image: RgbaImage): RgbImage {
	const pixelCount = image.width * image.height;
	const data = new Uint8Array(pixelCount * 3);
	for (let p = 0; p < pixelCount; p++) {
		data[p * 3] = image.data[p * 4];
		data[p * 3 + 1] = image.data[p * 4 + 1];
		data[p * 3 + 2] = image.data[p * 4 + 2];
	}
	return {width: image.width, height: image.height, data};
}

/** Pixels with alpha 0: nothing was drawn there when the clear colour had alpha 0. */
export function countTransparentPixels(image: RgbaImage): number {
	let count = 0;
	for (let i = 3; i < image.data.length; i += 4) if (image.data[i] === 0) count++;
	return count;
}

/** Mean absolute difference per channel sample of two same-sized buffers, 8-bit levels. */
export function meanAbsoluteDifference(a: Uint8Array, b: Uint8Array): number {
	if (a.length !== b.length) throw new Error(`buffers differ in length (${a.length} vs ${b.length})`);
	let sum = 0;
	for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
	return sum / a.length;
}
