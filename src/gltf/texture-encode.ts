import sharp from '../image/sharp.js';
import type {RgbaImage} from '../image/raster.js';
import type {Ktx2Mode} from './ktx2-encode.js';

/** Image formats a layer texture can be stored in. */
export type TextureFormat = 'webp' | 'jpeg' | 'png' | 'ktx2';

/** Options for {@link encodeTexture}. */
export interface EncodeTextureOptions {
	format: TextureFormat;
	/** Lossy quality 1–100 (WebP, JPEG, KTX2: see gltf/ktx2-encode.ts for its meaning there); PNG ignores it. */
	quality: number;
	/** KTX2's codec (Basis Universal UASTC or ETC1S); other formats ignore it. */
	ktx2Mode: Ktx2Mode;
}

export const ENCODE_TEXTURE_DEFAULTS: EncodeTextureOptions = {format: 'webp', quality: 90, ktx2Mode: 'uastc'};

/** MIME type glTF records for each texture format. */
/**
 * The default of SceneToDocumentOptions.layerZeroQualityBoost (measured there), here so that a texture
 * encoder can be made without loading the glTF document code (see encode-scene.ts).
 */
export const LAYER_ZERO_QUALITY_BOOST = 8;

export const TEXTURE_MIME_TYPES: Record<TextureFormat, string> = {
	webp: 'image/webp',
	jpeg: 'image/jpeg',
	png: 'image/png',
	ktx2: 'image/ktx2',
};

/**
 * Encodes a layer texture with sharp, or KTX2 with Basis Universal (its module is imported only then:
 * it costs start-up time that no other format needs). The alpha channel is dropped: materials are
 * opaque, alpha only marks unused texels in memory, and storing it would cost bytes for nothing.
 *
 * ```ts
 * const bytes = await encodeTexture(layer.texture, {format: 'webp', quality: 90});
 * ```
 */
export async function encodeTexture(image: RgbaImage, options: Partial<EncodeTextureOptions> = {}): Promise<Uint8Array> {
	const {format, quality, ktx2Mode} = {...ENCODE_TEXTURE_DEFAULTS, ...options};
	if (format === 'ktx2') return (await import('./ktx2-encode.js')).encodeKtx2(image, {mode: ktx2Mode, quality});
	const pipeline = sharp(image.data, {raw: {width: image.width, height: image.height, channels: 4}}).removeAlpha();
	const encoded = format === 'webp'
		? pipeline.webp({quality, effort: 2, smartSubsample: true})
		: format === 'jpeg'
			? pipeline.jpeg({quality, mozjpeg: false, chromaSubsampling: quality >= 90 ? '4:4:4' : '4:2:0'})
			: pipeline.png({compressionLevel: 6});
	const buffer = await encoded.toBuffer();
	return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/**
 * Encodes layer textures once each, starting when asked: the pipeline starts every layer's encoding as
 * soon as its texture is baked, so sharp's threads encode on the second core while the main thread
 * simplifies meshes, and the glTF stage then only awaits the bytes. Layer 0 (the photo, the texture
 * the original view shows) gets `layerZeroQualityBoost` more quality.
 *
 * ```ts
 * const encoder = new LayerTextureEncoder({format: 'webp', quality: 90, layerZeroQualityBoost: 8});
 * void encoder.encode(0, photoTexture);          // starts now
 * const bytes = await encoder.encode(0, photoTexture); // same promise
 * ```
 */
export class LayerTextureEncoder {
	readonly format: TextureFormat;
	private readonly quality: number;
	private readonly ktx2Mode: Ktx2Mode;
	private readonly layerZeroQualityBoost: number;
	private readonly started = new Map<RgbaImage, Promise<Uint8Array>>();

	constructor(options: Omit<EncodeTextureOptions, 'ktx2Mode'> & Partial<EncodeTextureOptions> & {layerZeroQualityBoost: number}) {
		this.format = options.format;
		this.quality = options.quality;
		this.ktx2Mode = options.ktx2Mode ?? ENCODE_TEXTURE_DEFAULTS.ktx2Mode;
		this.layerZeroQualityBoost = options.layerZeroQualityBoost;
	}

	/**
	 * The encoded bytes of layer `layerIndex`'s texture `image`, encoding it on the first call only. Not
	 * `async`: the stored promise itself is returned, so a caller that starts an encoding and drops the
	 * promise (`void encoder.encode(…)`) leaves no second, unhandled rejection behind if it fails.
	 */
	encode(layerIndex: number, image: RgbaImage): Promise<Uint8Array> {
		let encoding = this.started.get(image);
		if (!encoding) {
			const quality = layerIndex === 0 ? Math.min(100, this.quality + this.layerZeroQualityBoost) : this.quality;
			encoding = encodeTexture(image, {format: this.format, quality, ktx2Mode: this.ktx2Mode});
			// Started early, awaited late: a failure must not surface as an unhandled rejection meanwhile.
			encoding.catch(() => undefined);
			this.started.set(image, encoding);
		}
		return encoding;
	}
}
