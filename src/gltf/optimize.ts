import type {Document} from '@gltf-transform/core';
import {EXTMeshoptCompression} from '@gltf-transform/extensions';
import {dedup, prune, quantize, reorder} from '@gltf-transform/functions';
import {MeshoptEncoder} from 'meshoptimizer';

import {presetByName, type PresetName} from './presets.js';

/**
 * Optimization of a built document: dedup and prune always; with `compress`, vertex-cache/fetch reorder
 * (meshoptimizer), KHR_mesh_quantization and EXT_meshopt_compression.
 *
 * Quantization: 16-bit positions (per-mesh volume) and 16-bit UVs. 14-bit positions (glTF-Transform's
 * default) over a layer spanning the default 10 m depth range move a vertex at 1 m by up to ~0.6 pixel
 * at 1024 px, which shows as texture shear in the original view; 16 bits keep it under 0.2 pixel.
 * 12-bit UVs would put texels off by up to 0.25 texel at 1024 px and 1 texel at 4096 px. The layer id
 * attribute `_FEATURE_ID_0` is left out of quantization so ids stay exact integers.
 */

/** Options for {@link optimizeDocument}. */
export interface OptimizeOptions {
	/** Engine preset (decides whether EXT_meshopt_compression is required; see presets.ts). */
	preset: PresetName;
	/** false: plain glTF without quantization or meshopt (for the validator and decoder-less tools). */
	compress: boolean;
	/** Bits of quantized positions. */
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
	await document.transform(dedup(), prune({keepExtras: true}));
	if (!compress) return document;
	await MeshoptEncoder.ready;
	await document.transform(
		reorder({encoder: MeshoptEncoder, target: 'size'}),
		quantize({
			pattern: /^(POSITION|TEXCOORD_0)$/,
			quantizationVolume: 'mesh',
			quantizePosition: quantizePositionBits,
			quantizeTexcoord: quantizeTexcoordBits,
		}),
	);
	document.createExtension(EXTMeshoptCompression)
		.setRequired(presetByName(preset).meshoptRequired)
		.setEncoderOptions({method: EXTMeshoptCompression.EncoderMethod.QUANTIZE});
	return document;
}
