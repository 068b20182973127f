import {join} from 'node:path';

import sharp from '../image/sharp.js';
import type {DebugImage} from '../ldi/debug.js';
import {writeFileAtomic} from './atomic.js';

/**
 * Encodes one debug raster as PNG: 16-bit grey for Uint16Array data, 8-bit otherwise.
 *
 * ```ts
 * const png = await encodeDebugImage(images[0]);
 * ```
 */
export async function encodeDebugImage(image: DebugImage): Promise<Uint8Array> {
	const raw = {width: image.width, height: image.height, channels: image.channels};
	if (image.data instanceof Uint16Array) {
		return sharp(image.data, {raw}).toColourspace('grey16').png().toBuffer();
	}
	return sharp(image.data, {raw}).png().toBuffer();
}

/**
 * Writes the debug images of buildLdi into `directory` (created when missing), each atomically under its
 * contract name (disparity-filtered.png, edges.png, regions.png, layer-<k>-color.png, …). Returns the
 * paths written.
 *
 * ```ts
 * const {debug} = await buildLdi(image, disparity, {debug: true});
 * await writeDebugImages('out/debug', debug ?? []);
 * ```
 */
export async function writeDebugImages(directory: string, images: readonly DebugImage[]): Promise<string[]> {
	const paths: string[] = [];
	for (const image of images) {
		const path = join(directory, image.fileName);
		await writeFileAtomic(path, await encodeDebugImage(image));
		paths.push(path);
	}
	return paths;
}
