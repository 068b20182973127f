import type {Document} from '@gltf-transform/core';
import {EXTMeshoptCompression} from '@gltf-transform/extensions';

import {mayDedupOrPrune} from './dedup-prune.js';
import {meshoptEncoder} from './meshopt.js';
import {presetByName, type PresetName} from './presets.js';
import {quantizeScene} from './quantize.js';
import {reorderPrimitives} from './reorder.js';

/**
 * Optimization of a built document: dedup and prune (skipped when they would change nothing, see
 * dedup-prune.ts); with `compress`, vertex-cache/fetch reorder
 * (meshoptimizer), KHR_mesh_quantization and EXT_meshopt_compression.
 *
 * Quantization (KHR_mesh_quantization): 16-bit positions on one grid for the whole scene, 16-bit UVs.
 * 14-bit positions (glTF-Transform's default) over the default 10 m depth range move a vertex at 1 m by
 * up to ~0.6 pixel at 1024 px (texture shear in the original view); 16 bits keep it near 0.2 pixel. 12-bit
 * UVs would put texels off by up to 0.25 texel at 1024 px and 1 texel at 4096 px. Measured on moon.jpg
 * at 1024 px through buildLdi, own renderer from the photo's camera without gap filling:
 * - per-mesh quantization volumes (before): 275 empty pixels (216 of them on the frame): layers sharing a
 *   stitch seam were quantized on different grids, so seams cracked, and seams run through pixel centres;
 * - one scene-wide grid (now): the frame ring closes (0 empty there), 33 empty pixels remain (7 of them
 *   are the LDI's own gaps), 35.8 dB; three.js from the same file: 33.0 dB;
 * - float32 positions (`quantizePositionBits: 0`): 7 empty pixels, 37.3 dB, but +310 kB (1.79 MB vs
 *   1.48 MB) and three.js renders it no better (32.9 dB): three.js's own losses dominate there.
 * The layer id attribute `_FEATURE_ID_0` is left out of quantization so ids stay exact integers.
 */

/** Options for {@link optimizeDocument}. */
export interface OptimizeOptions {
	/** Engine preset (decides whether EXT_meshopt_compression is required; see presets.ts). */
	preset: PresetName;
	/** false: plain glTF without quantization or meshopt (for the validator and decoder-less tools). */
	compress: boolean;
	/** Bits of quantized positions (one grid for the whole scene, so shared seams stay shared); 0 keeps float32. */
	quantizePositionBits: number;
	/** Bits of quantized texture coordinates. */
	quantizeTexcoordBits: number;
}

export const OPTIMIZE_DEFAULTS: OptimizeOptions = {
	preset: 'three',
	compress: true,
	quantizePositionBits: 16,
	quantizeTexcoordBits: 16,
};

/**
 * Optimizes `document` in place and returns it (textures are encoded by sceneToDocument already).
 *
 * ```ts
 * await optimizeDocument(document, {preset: 'unity'});
 * const glb = await writeGlb(document);
 * ```
 */
export async function optimizeDocument(document: Document, options: Partial<OptimizeOptions> = {}): Promise<Document> {
	const {preset, compress, quantizePositionBits, quantizeTexcoordBits} = {...OPTIMIZE_DEFAULTS, ...options};
	// keepSolidTextures: prune otherwise decodes every texture to look for single-colour ones (moon.jpg:
	// 105–180 ms of the 230–500 ms this function took), and one texture per layer is the contract anyway.
	// Only when they could change something (never for sceneToDocument's documents, see dedup-prune.ts):
	// importing @gltf-transform/functions costs 65–135 ms of CPU, the transforms themselves ~5 ms.
	if (mayDedupOrPrune(document)) {
		const {dedup, prune} = await import('@gltf-transform/functions');
		await document.transform(dedup(), prune({keepExtras: true, keepSolidTextures: true}));
	}
	if (!compress) return document;
	reorderPrimitives(document, await meshoptEncoder());
	quantizeScene(document, {positionBits: quantizePositionBits, texcoordBits: quantizeTexcoordBits});
	document.createExtension(EXTMeshoptCompression)
		.setRequired(presetByName(preset).meshoptRequired)
		.setEncoderOptions({method: EXTMeshoptCompression.EncoderMethod.QUANTIZE});
	return document;
}
