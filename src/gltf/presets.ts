import type {TextureFormat} from './texture-encode.js';

/** Engines the output can be tuned for. */
export type PresetName = 'three' | 'babylon' | 'unity' | 'generic';

export const PRESET_NAMES: readonly PresetName[] = ['three', 'babylon', 'unity', 'generic'];

/** What a preset decides. */
export interface Preset {
	name: PresetName;
	/** Texture image format. */
	textureFormat: TextureFormat;
	/** Round inpainted-layer atlases (and a padded layer 0) up to powers of two. */
	powerOfTwo: boolean;
	/**
	 * Whether EXT_meshopt_compression is listed in `extensionsRequired`. glTF-Transform writes the
	 * fallback buffer of EXT_meshopt_compression without data (only its byteLength), so a file that
	 * marked the extension optional would look loadable to a decoder-less tool and then read zeros:
	 * every preset therefore marks it required, and tools without a meshopt decoder get the plain
	 * output of `compress: false` instead.
	 */
	meshoptRequired: boolean;
	/** One line on why. */
	description: string;
}

/**
 * The presets:
 * - `three`: WebP (GLTFLoader decodes it through the browser), non-power-of-two textures (WebGL 2),
 *   meshopt required (GLTFLoader.setMeshoptDecoder).
 * - `babylon`: the same; Babylon.js ships EXT_meshopt_compression and EXT_texture_webp loaders.
 * - `unity`: JPEG (glTFast does not decode WebP), power-of-two textures (mipmaps and GPU texture
 *   compression on older targets want them), meshopt required (glTFast decodes it with the
 *   com.unity.meshopt.decompress package).
 * - `generic`: JPEG, non-power-of-two, meshopt required; use `compress: false` for tools without a
 *   meshopt decoder.
 *
 * KTX2 (Basis Universal, `textureFormat: 'ktx2'`) is in no preset, measured on moon, depthy_shelf and
 * depthy_hut (bench/ktx2.ts, three.js render against the photo): UASTC needs 4× less GPU memory than
 * WebP or JPEG (1 byte per texel as BC7/ASTC against 4 as RGBA8) at WebP q90's quality (35.2/45.7/41.0 dB
 * against 36.3/45.6/41.2), but the babylon preset cannot promise it loads: Babylon.js fetches its KTX2
 * decoder from its CDN and no npm package ships it; and it makes files 1.6–2× larger and adds 1–3 s of
 * encoding CPU to a build. Against the unity preset's JPEG (38.1/53.2/45.2 dB) UASTC is 3–8 dB worse,
 * so not at equal quality; ETC1S is 7–8 dB below WebP. Ask for it with `--texture-format ktx2`.
 */
export const PRESETS: Record<PresetName, Preset> = {
	three: {
		name: 'three', textureFormat: 'webp', powerOfTwo: false, meshoptRequired: true,
		description: 'three.js GLTFLoader + MeshoptDecoder: WebP, any texture size',
	},
	babylon: {
		name: 'babylon', textureFormat: 'webp', powerOfTwo: false, meshoptRequired: true,
		description: 'Babylon.js glTF loader: WebP, any texture size',
	},
	unity: {
		name: 'unity', textureFormat: 'jpeg', powerOfTwo: true, meshoptRequired: true,
		description: 'Unity glTFast (+ com.unity.meshopt.decompress): JPEG, power-of-two textures',
	},
	generic: {
		name: 'generic', textureFormat: 'jpeg', powerOfTwo: false, meshoptRequired: true,
		description: 'any glTF 2.0 loader with a meshopt decoder: JPEG, any texture size',
	},
};

/**
 * The preset called `name`.
 *
 * ```ts
 * const {textureFormat, powerOfTwo} = presetByName('unity');   // 'jpeg', true
 * ```
 */
export function presetByName(name: PresetName): Preset {
	return PRESETS[name];
}
