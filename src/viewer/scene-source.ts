/**
 * The scene `ldi-gltf view` shows, as `.glb` bytes: a scene file read as built, or a photo built in
 * memory exactly as `ldi-gltf build` would write it (same pipeline, same defaults).
 */
import {readFile} from 'node:fs/promises';
import {basename, extname} from 'node:path';

import type {DepthSource} from '../depth/source.js';
import {fileError} from '../errors.js';
import {describeSystemError} from '../io/atomic.js';
import {buildPhoto} from '../pipeline/build-photo.js';
import type {BuildSceneOptions, BuildStage} from '../pipeline/build-scene.js';
import type {EncodeSceneOptions} from '../pipeline/encode-scene.js';
import {TOOL_VERSION} from '../version.js';

/** "glTF" little-endian: the first four bytes of every binary glTF. */
const GLB_MAGIC = 0x46546c67;

/**
 * The bytes of a `.glb` file; a one-line error naming it when it cannot be read or is not binary glTF 2.
 *
 * ```ts
 * const glb = await readGlbFile('moon.glb');
 * ```
 */
export async function readGlbFile(path: string): Promise<Uint8Array> {
	let bytes: Uint8Array;
	try {
		bytes = await readFile(path);
	} catch (error) {
		throw fileError(path, `cannot read (${describeSystemError(error)})`, error);
	}
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	if (bytes.byteLength < 20 || view.getUint32(0, true) !== GLB_MAGIC) throw fileError(path, 'not a binary glTF (.glb) file');
	if (view.getUint32(4, true) !== 2) throw fileError(path, `glTF version ${view.getUint32(4, true)} (expected 2)`);
	return bytes;
}

/** Options for {@link buildGlbInMemory}. */
export interface BuildGlbInMemoryOptions {
	/** How the scene is built (photo size, LDI, mesh, depth range), as `build`'s scene flags give it. */
	scene: Partial<Omit<BuildSceneOptions, 'depth' | 'onStage'>>;
	/** Where the depth comes from. */
	depth: DepthSource;
	/** Name of the depth model, for the file's metadata (a supplied map is recorded as 'supplied'). */
	depthModelName: string;
	/** glTF options (preset, textures, a stored camera path); `build`'s defaults when absent. */
	encode: Partial<EncodeSceneOptions>;
	/** Called as each stage starts. */
	onStage?: (stage: BuildStage | 'gltf') => void;
}

/**
 * Builds the `.glb` of `photo` in memory, exactly as `ldi-gltf build` would write it.
 *
 * ```ts
 * const glb = await buildGlbInMemory('room.jpg', {scene: {}, depth: createSuppliedDepthSource('room-depth.png'), depthModelName: 'supplied', encode: {}});
 * ```
 */
export async function buildGlbInMemory(photo: string, options: BuildGlbInMemoryOptions): Promise<Uint8Array> {
	const baseName = basename(photo, extname(photo));
	const built = await buildPhoto(photo, {
		scene: {photo: {}, ldi: {}, mesh: {}, ...options.scene},
		depth: options.depth,
		encode: {...options.encode, format: 'glb'},
		baseName,
		toolVersion: TOOL_VERSION,
		depthModelName: options.depthModelName,
		recordedOptions: {},
		debug: false,
	}, options.onStage);
	const glb = built.files.get(`${baseName}.glb`);
	if (!glb) throw new Error(`the build of ${photo} produced no .glb`);
	return glb;
}
