import type {Photo} from './raster.js';
import {workingSize} from './load.js';
import sharp from './sharp.js';

/**
 * `photo` with its long side at most `maxSize` pixels (lanczos3, like decoding at that size), the same
 * camera; `photo` itself when it is no larger. The field of view is an angle and stays as it is.
 *
 * ```ts
 * const ldiPhoto = await shrinkPhoto(photo, 2048);
 * ```
 */
export async function shrinkPhoto(photo: Photo, maxSize: number): Promise<Photo> {
	const {width, height, data} = photo.image;
	const target = workingSize(width, height, maxSize);
	if (target.width === width && target.height === height) return photo;
	const shrunk = await sharp(data, {raw: {width, height, channels: 3}})
		.resize({width: target.width, height: target.height, fit: 'fill', kernel: 'lanczos3'})
		.raw()
		.toBuffer();
	return {...photo, image: {width: target.width, height: target.height, data: new Uint8Array(shrunk.buffer, shrunk.byteOffset, shrunk.byteLength)}};
}
