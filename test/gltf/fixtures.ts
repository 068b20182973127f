import sharp from 'sharp';

import type {FloatImage, RgbImage} from '../../src/image/raster.js';

/**
 * A photo and its depth map from ../shared, resized so the long side is `maxSize`, the map resized to
 * match and normalized to disparity in [0, 1] (`nearIsBright` false inverts it).
 */
export async function loadPhotoWithDepth(
	photoPath: string, depthPath: string, nearIsBright: boolean, maxSize: number,
): Promise<{image: RgbImage; disparity: FloatImage}> {
	const decoded = await sharp(photoPath).resize(maxSize, maxSize, {fit: 'inside'}).removeAlpha().raw().toBuffer({resolveWithObject: true});
	const {width, height} = decoded.info;
	const map = await sharp(depthPath).resize(width, height, {fit: 'fill'})
		.extractChannel(0).toColourspace('grey16').raw({depth: 'ushort'}).toBuffer();
	const values = new Uint16Array(map.buffer, map.byteOffset, width * height);
	let min = Infinity;
	let max = -Infinity;
	for (const value of values) {
		min = Math.min(min, value);
		max = Math.max(max, value);
	}
	const data = new Float32Array(width * height);
	for (let i = 0; i < data.length; i++) {
		const normalized = (values[i] - min) / Math.max(1, max - min);
		data[i] = nearIsBright ? normalized : 1 - normalized;
	}
	return {image: {width, height, data: new Uint8Array(decoded.data)}, disparity: {width, height, data}};
}
