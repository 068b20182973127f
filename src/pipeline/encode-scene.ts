/**
 * Start-up (issue 15): the glTF modules (document, optimize, write, camera animation, and with them
 * glTF-Transform and meshoptimizer's encoder) are imported when {@link encodeScene} runs, not when this
 * module loads, so `ldi-gltf build` starts on the photo without them (~100 ms of CPU together, imported
 * by a fresh Node on the shared 2-core box; see src/cli/startup-trace.ts for the whole start-up). They
 * cost the same CPU at the glTF stage, once; what a build no longer loads at all is
 * @gltf-transform/functions (gltf/dedup-prune.ts).
 */
import type {SceneMetadata} from '../gltf/document.js';
import {presetByName, type PresetName} from '../gltf/presets.js';
import type {Ktx2Mode} from '../gltf/ktx2-encode.js';
import {LAYER_ZERO_QUALITY_BOOST, LayerTextureEncoder, type TextureFormat} from '../gltf/texture-encode.js';
import {CAMERA_PATH_PERIODIC, cameraPath, cameraPathReferenceDepth, type CameraPathName} from '../render/camera-path.js';
import type {Scene} from '../scene/scene.js';

/** Options for {@link encodeScene}. */
export interface EncodeSceneOptions {
	/** Target engine: texture format and power-of-two policy (see src/gltf/presets.ts). */
	preset: PresetName;
	/** Texture image format; the preset's when absent. */
	textureFormat?: TextureFormat;
	/** Lossy texture quality, 1–100. */
	textureQuality: number;
	/** Basis Universal codec of KTX2 textures (see gltf/ktx2-encode.ts); other formats ignore it. */
	ktx2Mode: Ktx2Mode;
	/** false: plain glTF without quantization or meshopt, for tools without decoders and for validation. */
	compress: boolean;
	/** 'glb': one binary file; 'gltf': .gltf + .bin + one image per layer. */
	format: 'glb' | 'gltf';
	/** Store this camera path as an animation of the camera node. */
	cameraPath?: CameraPathName;
	/** Frames of the stored camera path. */
	cameraPathFrames: number;
	/** Frames per second of the stored camera path. */
	cameraPathFps: number;
	/**
	 * Encoder that may already be encoding the scene's textures ({@link sceneTextureEncoder} with the
	 * same options); a new one when absent.
	 */
	textureEncoder?: LayerTextureEncoder;
}

export const ENCODE_SCENE_DEFAULTS: EncodeSceneOptions = {
	preset: 'three',
	textureQuality: 90,
	ktx2Mode: 'uastc',
	compress: true,
	format: 'glb',
	cameraPathFrames: 90,
	cameraPathFps: 30,
};

/**
 * The texture encoder {@link encodeScene} uses for `options` (the preset's format unless one is given),
 * so a pipeline can start encoding each texture as soon as it is baked.
 *
 * ```ts
 * const textureEncoder = sceneTextureEncoder({preset: 'unity'});
 * const {scene} = await buildScene('photo.jpg', {onTextureBaked: (layer, texture) => void textureEncoder.encode(layer, texture)});
 * const files = await encodeScene(scene, metadata, 'photo', {preset: 'unity', textureEncoder});
 * ```
 */
export function sceneTextureEncoder(options: Partial<EncodeSceneOptions> = {}): LayerTextureEncoder {
	const settings = {...ENCODE_SCENE_DEFAULTS, ...options};
	return new LayerTextureEncoder({
		format: settings.textureFormat ?? presetByName(settings.preset).textureFormat,
		quality: settings.textureQuality,
		ktx2Mode: settings.ktx2Mode,
		layerZeroQualityBoost: LAYER_ZERO_QUALITY_BOOST,
	});
}

/**
 * Scene → glTF files (name → bytes, names relative to the output directory): the document with its
 * camera, per-layer meshes and textures, optionally a camera-path animation, optimized for the preset.
 *
 * ```ts
 * const files = await encodeScene(scene, metadata, 'moon', {preset: 'unity'});
 * for (const [name, bytes] of files) await writeFileAtomic(join(outDir, name), bytes);
 * ```
 */
export async function encodeScene(
	scene: Scene,
	metadata: SceneMetadata,
	baseName: string,
	options: Partial<EncodeSceneOptions> = {},
): Promise<Map<string, Uint8Array>> {
	const settings = {...ENCODE_SCENE_DEFAULTS, ...options};
	const [{sceneToDocument}, {optimizeDocument}, {writeGlb, writeGltfFiles}] = await Promise.all([
		import('../gltf/document.js'), import('../gltf/optimize.js'), import('../gltf/write.js'),
	]);
	const document = await sceneToDocument(scene, metadata, {textureEncoder: settings.textureEncoder ?? sceneTextureEncoder(settings)});
	if (settings.cameraPath) {
		const poses = cameraPath(settings.cameraPath, {
			frames: settings.cameraPathFrames,
			referenceDepthMeters: cameraPathReferenceDepth(scene),
			fovYRadians: scene.camera.fovYRadians,
		});
		const {addCameraAnimation} = await import('../gltf/camera-animation.js');
		addCameraAnimation(document, poses, {fps: settings.cameraPathFps, name: settings.cameraPath, loop: CAMERA_PATH_PERIODIC[settings.cameraPath]});
	}
	await optimizeDocument(document, {preset: settings.preset, compress: settings.compress});
	if (settings.format === 'gltf') return writeGltfFiles(document, baseName);
	return new Map([[`${baseName}.glb`, await writeGlb(document)]]);
}
