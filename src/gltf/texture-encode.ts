import sharp from 'sharp';

import type {RgbaImage} from '../image/raster.js';

/** Image formats a layer texture can be stored in. */
export type TextureFormat = 'webp' | 'jpeg' | 'png';

/** Options for {@link encodeTexture}. */
export interface EncodeTextureOptions {
	format: TextureFormat;
	/** Lossy quality 1–100 (WebP, JPEG); PNG ignores it. */
	quality: number;
}

export const ENCODE_TEXTURE_DEFAULTS: EncodeTextureOptions = {format: 'webp', quality: 90};

/** MIME type glTF records for each texture format. */
export const TEXTURE_MIME_TYPES: Record<TextureFormat, string> = {
	webp: 'image/webp',
	jpeg: 'image/jpeg',
	png: 'image/png',
};

/**
 * Encodes a layer texture with sharp. The alpha channel is dropped: materials are opaque, alpha only
 * marks unused texels in memory, and storing it would cost bytes for nothing.
 *
 * ```ts
 * const bytes = await encodeTexture(layer.texture, {format: 'webp', quality: 90});
 * ```
 */
export async function encodeTexture(image: RgbaImage, options: Partial<EncodeTextureOptions> = {}): Promise<Uint8Array> {
	const {format, quality} = {...ENCODE_TEXTURE_DEFAULTS, ...options};
	const pipeline = sharp(image.data, {raw: {width: image.width, height: image.height, channels: 4}}).removeAlpha();
	const encoded = format === 'webp'
		? pipeline.webp({quality, effort: 2, smartSubsample: true})
		: format === 'jpeg'
			? pipeline.jpeg({quality, mozjpeg: false, chromaSubsampling: quality >= 90 ? '4:4:4' : '4:2:0'})
			: pipeline.png({compressionLevel: 6});
	const buffer = await encoded.toBuffer();
	return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
