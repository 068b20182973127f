/**
 * KTX2 (Basis Universal) texture encoding, for KHR_texture_basisu. Loaded only when a KTX2 texture is
 * asked for (gltf/texture-encode.ts imports it then): the encoder's WebAssembly is 2.5 MB and compiles
 * when loaded.
 *
 * The encoder is Basis Universal 2.5 compiled to WebAssembly as the `ktx2-encoder` npm package ships
 * it (MIT, no native code, no download). Its own entry point (`encodeToKTX2`) prints the encoder's
 * status lines on stdout, which would corrupt `--json`, and wants an image decoder; this module drives
 * the same WebAssembly module directly with raw RGBA and the status output off.
 *
 * Measured on moon.jpg at 1024 × 1024 (the shared, loaded 2-core box; PSNR of the transcoded top level
 * against the source; mipmaps included; one thread):
 * - UASTC + Zstandard: effort 0 1.32 MB 37.7 dB 2.0 s CPU; effort 1 1.35 MB 38.0 dB 3.2 s; effort 2
 *   1.36 MB 38.1 dB 9.1 s; effort 1 with RDO (λ 1) 1.28 MB 37.4 dB 21 s (rejected: 7× the time for 5 %).
 * - ETC1S: quality 128 183 kB 25.7 dB 7.3 s; 200 252 kB 27.4 dB 5.8 s; 255 282 kB 28.5 dB 6.6 s.
 * - For comparison (sharp): WebP q90 433 kB 37.2 dB, JPEG q90 508 kB 36.6 dB.
 * Tried and not kept: encoding on a worker thread, so that the meshing the pipeline overlaps texture
 * encoding with is not stalled: whole moon build, alternating, median of 4 (load average 9–10): wall 12.9
 * → 12.6 s (within the noise), CPU 9.2 → 9.4 s (a second compile of the WebAssembly, the worker's start).
 */
import {existsSync} from 'node:fs';
import {createRequire} from 'node:module';
import {join} from 'node:path';
import {pathToFileURL} from 'node:url';

import type {RgbaImage} from '../image/raster.js';

/** Basis Universal's two codecs for colour textures. */
export type Ktx2Mode = 'uastc' | 'etc1s';

/** Options for {@link encodeKtx2}. */
export interface Ktx2Options {
	/**
	 * 'uastc': 8 bits per texel before Zstandard, transcodes to BC7 / ASTC 4×4 (1 byte per texel on the
	 * GPU), near WebP q90 in quality. 'etc1s': far smaller files, transcodes to BC1 / ETC1 (half a byte
	 * per texel), visibly blockier (~10 dB below UASTC on photos).
	 */
	mode: Ktx2Mode;
	/**
	 * 1–100, the same scale as WebP/JPEG quality. ETC1S: Basis quality level round(quality × 2.55).
	 * UASTC: encoder effort, which buys little quality for much time: below 95 → 0, 95–99 → 1, 100 → 2
	 * (so by default layer 0, the photo, at 90 + 8, gets effort 1 and the inpainted layers effort 0).
	 */
	quality: number;
	/** Store a full mip chain (the glTF sampler asks for trilinear filtering, and GPUs cannot make mips of compressed textures). */
	mipmaps: boolean;
}

export const KTX2_DEFAULTS: Ktx2Options = {mode: 'uastc', quality: 90, mipmaps: true};

/** The part of the Emscripten-built `BasisEncoder` class this module uses. */
interface BasisEncoder {
	setSliceSourceImage(slice: number, rgba: Uint8Array, width: number, height: number, sourceType: number): boolean;
	setCreateKTX2File(ktx2: boolean): void;
	setUASTC(uastc: boolean): void;
	setPackUASTCFlags(effort: number): void;
	setKTX2UASTCSupercompression(zstd: boolean): void;
	setQualityLevel(level: number): void;
	setPerceptual(perceptual: boolean): void;
	setKTX2AndBasisSRGBTransferFunc(srgb: boolean): void;
	setMipSRGB(srgb: boolean): void;
	setMipGen(mipmaps: boolean): void;
	setCheckForAlpha(check: boolean): void;
	setStatusOutput(print: boolean): void;
	setDebug(debug: boolean): void;
	encode(output: Uint8Array): number;
	delete(): void;
}

interface BasisModule {
	BasisEncoder: new () => BasisEncoder;
	initializeBasis(): void;
}

type BasisFactory = (moduleOverrides: {print: (line: string) => void; printErr: (line: string) => void}) => Promise<BasisModule>;

/** `setSliceSourceImage`'s source type for raw 32-bit RGBA. */
const SOURCE_RAW_RGBA = 0;

/** Room for the KTX2 header, level index and key/value data beyond the texel data. */
const HEADER_SLACK_BYTES = 64 * 1024;

/** UASTC encoder effort (0–4) for a 1–100 quality. */
function uastcEffort(quality: number): number {
	return quality >= 100 ? 2 : quality >= 95 ? 1 : 0;
}

let basisModule: Promise<BasisModule> | undefined;

/**
 * Path of the package's Emscripten module. Its `exports` name neither that file nor package.json, so
 * it is looked up in the folders Node would search for the package (import.meta.resolve is missing
 * where tsx compiles this module, in the tests).
 */
function basisEncoderPath(): string {
	const searched = createRequire(import.meta.url).resolve.paths('ktx2-encoder') ?? [];
	for (const folder of searched) {
		const path = join(folder, 'ktx2-encoder', 'dist', 'basis', 'basis_encoder.js');
		if (existsSync(path)) return path;
	}
	throw new Error(`the ktx2-encoder package is not installed (looked in ${searched.join(', ')})`);
}

/**
 * The WebAssembly encoder module, loaded and initialised once per thread; the package version is pinned in package.json,
 * since this reaches past its exports.
 */
function loadBasis(): Promise<BasisModule> {
	basisModule ??= (async () => {
		const factory = (await import(pathToFileURL(basisEncoderPath()).href) as {default: BasisFactory}).default;
		const silent = (): void => undefined;
		const basis = await factory({print: silent, printErr: silent});
		basis.initializeBasis();
		return basis;
	})();
	return basisModule;
}

/**
 * Encodes an opaque sRGB texture as a KTX2 file (Basis Universal, UASTC with Zstandard or ETC1S),
 * mipmapped, ready for KHR_texture_basisu. Alpha is ignored (materials are opaque). Width and height
 * must be multiples of 4 (KHR_texture_basisu requires it; build with `sizeMultiple: 4` texture options).
 * Synchronous WebAssembly once loaded: it occupies the calling thread for the whole encode.
 *
 * ```ts
 * const ktx2 = await encodeKtx2(texture, {mode: 'uastc', quality: 90});
 * ```
 */
export async function encodeKtx2(image: RgbaImage, options: Partial<Ktx2Options> = {}): Promise<Uint8Array> {
	const {mode, quality, mipmaps} = {...KTX2_DEFAULTS, ...options};
	const {width, height} = image;
	if (width % 4 !== 0 || height % 4 !== 0) throw new Error(`KTX2 textures must be multiples of 4 texels wide and high (KHR_texture_basisu), not ${width} × ${height}`);
	const basis = await loadBasis();
	const encoder = new basis.BasisEncoder();
	try {
		encoder.setStatusOutput(false);
		encoder.setDebug(false);
		encoder.setCreateKTX2File(true);
		encoder.setCheckForAlpha(false);
		encoder.setPerceptual(true);
		encoder.setKTX2AndBasisSRGBTransferFunc(true);
		encoder.setMipSRGB(true);
		encoder.setMipGen(mipmaps);
		if (mode === 'uastc') {
			encoder.setUASTC(true);
			encoder.setPackUASTCFlags(uastcEffort(quality));
			encoder.setKTX2UASTCSupercompression(true);
		} else {
			encoder.setUASTC(false);
			encoder.setQualityLevel(Math.max(1, Math.min(255, Math.round(quality * 2.55))));
		}
		if (encoder.setSliceSourceImage(0, image.data, width, height, SOURCE_RAW_RGBA) === false) {
			throw new Error(`the KTX2 encoder refused the ${width} × ${height} source image`);
		}
		// A level's UASTC data is 1 byte per texel before Zstandard; the mip chain adds a third.
		const output = new Uint8Array(Math.ceil(width * height * (mipmaps ? 4 / 3 : 1)) + HEADER_SLACK_BYTES);
		const byteLength = encoder.encode(output);
		if (byteLength <= 0) throw new Error(`the KTX2 encoder failed on a ${width} × ${height} texture`);
		return output.slice(0, byteLength);
	} finally {
		encoder.delete();
	}
}
