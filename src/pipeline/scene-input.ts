import {readFile} from 'node:fs/promises';
import {extname} from 'node:path';

import {fileError} from '../errors.js';
import {describeSystemError} from '../io/atomic.js';
import type {LayerMesh, Scene} from '../scene/scene.js';
import {buildScene, type BuildSceneOptions, type BuildSceneResult} from './build-scene.js';

/**
 * The input of the commands that draw a scene (`stereo`, `render`): a `.glb` written by `ldi-gltf build`
 * (read back, nothing rebuilt, so a pipeline builds once and renders many times), or a photo, built in
 * memory by {@link buildScene} with the same options as `build`.
 */

/** Options for {@link loadScene}. */
export interface LoadSceneOptions {
	/** How a photo is built (depth source, LDI, mesh, exact-disparity mode). Not used for a `.glb`. */
	build: Partial<BuildSceneOptions>;
}

export const LOAD_SCENE_DEFAULTS: LoadSceneOptions = {build: {}};

/** The scene and where it came from. */
export interface LoadedScene {
	scene: Scene;
	/** 'glb': read from a scene file; 'photo': built from a photo. */
	kind: 'glb' | 'photo';
	/** Everything buildScene made (photo input only). */
	built?: BuildSceneResult;
	/** Milliseconds: `read` for a .glb, buildScene's stages for a photo. */
	timingsMs: Record<string, number>;
}

/**
 * Whether `path` names a scene file (`.glb`, any case) rather than a photo.
 *
 * ```ts
 * isSceneFile('out/room.GLB'); // true
 * ```
 */
export function isSceneFile(path: string): boolean {
	return extname(path).toLowerCase() === '.glb';
}

/**
 * Reads a `.glb` scene, or builds the scene of a photo. Failures are one-line {@link UserError}s
 * naming the file.
 *
 * ```ts
 * const {scene} = await loadScene('room.jpg', {build: {depth: {depthPath: 'room-depth.png'}, photo: {maxSize: 512}}});
 * const {scene: again} = await loadScene('room.glb');
 * ```
 */
export async function loadScene(input: string, options: Partial<LoadSceneOptions> = {}): Promise<LoadedScene> {
	const {build} = {...LOAD_SCENE_DEFAULTS, ...options};
	if (!isSceneFile(input)) {
		const built = await buildScene(input, build);
		return {scene: built.scene, kind: 'photo', built, timingsMs: {...built.timingsMs}};
	}
	const started = performance.now();
	let bytes: Uint8Array;
	try {
		bytes = await readFile(input);
	} catch (error) {
		throw fileError(input, `cannot read (${describeSystemError(error)})`, error);
	}
	// Imported here: the glTF reader (glTF-Transform, meshoptimizer's decoder) is for .glb inputs only,
	// and every command that builds from a photo loads this module (issue 15's start-up).
	const {readSceneFromGlb} = await import('../gltf/read.js');
	let scene: Scene;
	try {
		scene = await readSceneFromGlb(bytes);
	} catch (error) {
		throw fileError(input, `not a glTF binary scene (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`, error);
	}
	if (scene.layers.length === 0) throw fileError(input, 'has no layer meshes to render');
	if (!isPhotoLayer(scene.layers.find((layer) => layer.layerIndex === 0) ?? scene.layers[0])) {
		throw fileError(input, 'not a scene written by ldi-gltf build (its first layer is not a textured mesh in front of the camera)');
	}
	return {scene, kind: 'glb', timingsMs: {read: performance.now() - started}};
}

/**
 * Whether a layer read from a .glb can be the photo layer of a scene: textured (a glTF without a texture
 * reads back as 1×1 white, and was drawn as a 1×1 stereo pair) and wholly in front of the camera at the
 * origin, looking down −z (another glTF's cube around the origin gave render a negative subject depth).
 */
function isPhotoLayer(layer: LayerMesh): boolean {
	if (layer.texture.width * layer.texture.height <= 1 || layer.indices.length === 0) return false;
	for (let z = 2; z < layer.positions.length; z += 3) if (!(layer.positions[z] < 0)) return false;
	return true;
}
