import {basename} from 'node:path';

import type {ResolveDepthOptions} from '../depth/resolve.js';
import type {DepthSource} from '../depth/source.js';
import {encodeDebugImage} from '../io/debug-dir.js';
import {collectGarbage} from '../memory/collect-garbage.js';
import {buildScene, type BuildSceneOptions, type BuildStage} from './build-scene.js';
import {encodeScene, type EncodeSceneOptions, sceneTextureEncoder} from './encode-scene.js';

/**
 * Options for {@link buildPhoto}: plain data (no callbacks, no sessions) when `depth` is options, so the
 * same settings can cross to a worker thread.
 */
export interface BuildPhotoOptions {
	/** Scene options of {@link buildScene} (photo, LDI, mesh, depth range). */
	scene: Omit<BuildSceneOptions, 'depth' | 'onStage'>;
	/** A depth source to reuse, or options to resolve one (once per thread). */
	depth: DepthSource | Partial<ResolveDepthOptions>;
	/** glTF options of {@link encodeScene}. */
	encode: Partial<EncodeSceneOptions>;
	/** Output file name without extension; `.glb` (or `.gltf`, `.bin`, images) are added. */
	baseName: string;
	/** Tool version for the glTF metadata. */
	toolVersion: string;
	/** Name of the depth model for the metadata ('supplied' is used for a depth file). */
	depthModelName: string;
	/** The options to record in the glTF metadata. */
	recordedOptions: Record<string, unknown>;
	/** Also encode the LDI debug images. */
	debug: boolean;
}

/** What one photo became: files to write (name → bytes) and its figures. */
export interface BuiltPhoto {
	/** Output files, names relative to the output directory. */
	files: Map<string, Uint8Array>;
	/** Debug PNGs, names relative to the photo's debug directory (empty unless `debug`). */
	debugFiles: Map<string, Uint8Array>;
	triangles: number;
	vertices: number;
	layers: number;
	textureSizes: Array<[number, number]>;
	/** How the depth map's steps were taken (BuildLdiOptions.depthEdges, 'auto' decided). */
	depthEdges: 'exact' | 'estimated';
	/** Milliseconds per stage (decode, depth, LDI stages, mesh stages, gltf). */
	timingsMs: Record<string, number>;
}

/**
 * One photo → its glTF files and figures, written by nobody: the caller writes the files (atomically),
 * so this runs the same in the CLI's thread or in a worker.
 *
 * ```ts
 * const built = await buildPhoto('room.jpg', {scene: {}, depth: {depthPath: 'room-depth.png'}, encode: {}, baseName: 'room',
 *   toolVersion: TOOL_VERSION, depthModelName: 'supplied', recordedOptions: {}, debug: false});
 * for (const [name, bytes] of built.files) await writeFileAtomic(join('out', name), bytes);
 * ```
 */
export async function buildPhoto(input: string, options: BuildPhotoOptions, onStage?: (stage: BuildStage | 'gltf') => void): Promise<BuiltPhoto> {
	const textureEncoder = sceneTextureEncoder(options.encode);
	const built = await buildScene(input, {
		...options.scene,
		ldi: {...options.scene.ldi, debug: options.debug},
		depth: options.depth,
		onStage,
		onTextureBaked: (layerIndex, texture) => void textureEncoder.encode(layerIndex, texture),
	});
	onStage?.('gltf');
	// The LDI and the mesh stage's arrays go before the glTF stage copies the meshes (moon: ~65 MB).
	collectGarbage();
	const encodeStart = performance.now();
	const suppliedDepth = built.depth.kind === 'file';
	const files = await encodeScene(built.scene, {
		toolVersion: options.toolVersion,
		sourceFile: basename(input),
		depthSource: suppliedDepth ? 'supplied' : options.depthModelName,
		...(suppliedDepth ? {depthFile: basename(built.depth.source)} : {}),
		options: {...options.recordedOptions, depthEdges: built.ldiStats.depthEdges},
		layerStats: built.meshStats.layers,
	}, options.baseName, {...options.encode, textureEncoder});
	const gltfMs = performance.now() - encodeStart;
	const debugFiles = new Map<string, Uint8Array>();
	for (const image of built.debugImages ?? []) debugFiles.set(image.fileName, await encodeDebugImage(image));

	const ldiMs = built.ldiStats.timingsMs;
	return {
		files,
		debugFiles,
		triangles: built.meshStats.triangles,
		vertices: built.meshStats.vertices,
		layers: built.scene.layers.length,
		textureSizes: built.scene.layers.map((layer) => [layer.texture.width, layer.texture.height]),
		depthEdges: built.ldiStats.depthEdges,
		timingsMs: {
			decode: built.timingsMs.decode,
			depth: built.timingsMs.depth,
			ldiFilter: ldiMs.filter,
			ldiEdges: ldiMs.edges,
			ldiRegions: ldiMs.regions,
			inpaint: ldiMs.inpaint,
			ldiMerge: ldiMs.merge,
			triangulate: built.meshStats.triangulateMs,
			simplify: built.meshStats.simplifyMs,
			textures: built.meshStats.texturesMs,
			gltf: gltfMs,
		},
	};
}
