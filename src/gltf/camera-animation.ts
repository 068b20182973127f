/**
 * Stores a camera path (src/render/camera-path.ts) in the glTF as an animation of the camera node, so
 * three.js, Babylon.js and Unity play the same motion `ldi-gltf render --path` renders.
 *
 * Core glTF 2.0 animates node translation, rotation, scale and morph weights only. A dolly zoom also
 * changes the camera's yfov, which needs KHR_animation_pointer (`/cameras/0/perspective/yfov`). Decision:
 * not emitted. three.js's GLTFLoader (0.187, our reference consumer) ignores that extension without a
 * third-party plugin, and @gltf-transform 4.5 cannot read or write it (a hand-patched JSON channel would be
 * dropped by the next transform in the pipeline, e.g. meshopt compression). Instead the per-key yfov goes
 * into the animation's extras as `cameraYfovRadians` (one value per key, the sampler's times), which
 * three.js exposes as `clip.userData.cameraYfovRadians` for a player to apply; the test harness does
 * exactly that. Without it a dolly zoom plays as its translation (a zoom-in) with the photo's FOV.
 *
 * Measured (test/gltf, test/browser): a 60-frame path adds 1,432 bytes to the .glb (translation only,
 * JSON included) or 2,604 bytes with rotation; gltf-transform's meshopt() leaves animation accessors
 * uncompressed (1,316 / 2,616 bytes), not worth a custom filter at this size. The Khronos validator
 * reports 0 errors / 0 warnings with and without meshopt; in three.js a dolly zoom of 30 % of the
 * subject distance with the extras FOV applied renders the subject plane identically at its first and
 * last frame (PSNR ∞), the same translation without the FOV (a zoom-in) gives 14.4 dB.
 */
import {Accessor, type Animation, type Document, type Node} from '@gltf-transform/core';

import {cameraPoseRotation, type CameraPose, type Quaternion} from '../render/camera-path.js';

/** Options for {@link addCameraAnimation}. */
export interface CameraAnimationOptions {
	/** Frames per second: pose i is keyed at i / fps seconds. */
	fps: number;
	/** Name of the animation (engines list clips by name). */
	name: string;
	/**
	 * The node to animate. Null: the first node carrying a camera in the default scene (or anywhere in
	 * the document). Poses are in that node's parent space, the scene space for a root camera node.
	 */
	cameraNode: Node | null;
	/**
	 * Append a final key equal to the first pose one frame after the last, so a player looping the clip
	 * does not jump (for periodic paths, see `CAMERA_PATH_PERIODIC`).
	 */
	loop: boolean;
}

export const CAMERA_ANIMATION_DEFAULTS: CameraAnimationOptions = {
	fps: 30,
	name: 'camera-path',
	cameraNode: null,
	loop: false,
};

/** 1 - |q0·q| below this is one orientation: an angle under 0.005°, far below a pixel at any image size we write. */
const ROTATION_EPSILON = 1e-9;

/**
 * Adds an animation of the camera node following `poses`: a LINEAR translation channel, a LINEAR
 * rotation channel only when the path turns, and the per-key yfov in the animation's extras when the FOV
 * changes (see the header note on KHR_animation_pointer). Returns the new animation.
 *
 * ```ts
 * const poses = cameraPath('circle', {frames: 120, referenceDepthMeters: 2.5, fovYRadians});
 * addCameraAnimation(document, poses, {fps: 30, loop: CAMERA_PATH_PERIODIC.circle});
 * const glb = await io.writeBinary(document);
 * ```
 */
export function addCameraAnimation(
	document: Document,
	poses: CameraPose[],
	options: Partial<CameraAnimationOptions> = {},
): Animation {
	const {fps, name, loop} = {...CAMERA_ANIMATION_DEFAULTS, ...options};
	if (poses.length === 0) throw new RangeError('a camera animation needs at least one pose');
	if (!(fps > 0)) throw new RangeError(`fps must be > 0, got ${fps}`);
	const cameraNode = options.cameraNode ?? findCameraNode(document);
	if (cameraNode === null) throw new RangeError('the document has no camera node to animate');

	const keyed = loop ? [...poses, poses[0]] : poses;
	const keyCount = keyed.length;
	const times = new Float32Array(keyCount);
	const translations = new Float32Array(keyCount * 3);
	const rotations = new Float32Array(keyCount * 4);
	let previous: Quaternion = [0, 0, 0, 1];
	let turns = false;
	const firstRotation = cameraPoseRotation(keyed[0]);
	for (let i = 0; i < keyCount; i++) {
		times[i] = i / fps;
		translations.set(keyed[i].positionMeters, i * 3);
		const rotation = cameraPoseRotation(keyed[i]);
		// q and -q are one rotation; keep neighbours in the same hemisphere so LINEAR (slerp) takes the short way.
		const dot = rotation[0] * previous[0] + rotation[1] * previous[1] + rotation[2] * previous[2] + rotation[3] * previous[3];
		if (dot < 0) for (let c = 0; c < 4; c++) rotation[c] = -rotation[c];
		rotations.set(rotation, i * 4);
		previous = rotation;
		const dotFirst = rotation[0] * firstRotation[0] + rotation[1] * firstRotation[1] + rotation[2] * firstRotation[2] + rotation[3] * firstRotation[3];
		if (1 - Math.abs(dotFirst) > ROTATION_EPSILON) turns = true;
	}

	const buffer = document.getRoot().listBuffers()[0] ?? document.createBuffer();
	const input = document.createAccessor(`${name}-times`).setType(Accessor.Type.SCALAR).setArray(times).setBuffer(buffer);
	const animation = document.createAnimation(name);
	const addChannel = (path: 'translation' | 'rotation', type: 'VEC3' | 'VEC4', values: Float32Array): void => {
		const output = document.createAccessor(`${name}-${path}`).setType(type).setArray(values).setBuffer(buffer);
		const sampler = document.createAnimationSampler().setInput(input).setOutput(output).setInterpolation('LINEAR');
		const channel = document.createAnimationChannel().setTargetNode(cameraNode).setTargetPath(path).setSampler(sampler);
		animation.addSampler(sampler).addChannel(channel);
	};
	addChannel('translation', 'VEC3', translations);
	if (turns) addChannel('rotation', 'VEC4', rotations);
	else cameraNode.setRotation(firstRotation);

	const fovs = keyed.map((pose) => pose.fovYRadians);
	if (fovs.some((fov) => fov !== fovs[0])) {
		animation.setExtras({...animation.getExtras(), cameraYfovRadians: fovs});
	}
	return animation;
}

/** The first node with a camera, searching the default scene first. */
function findCameraNode(document: Document): Node | null {
	const root = document.getRoot();
	const scene = root.getDefaultScene() ?? root.listScenes()[0];
	let found: Node | null = null;
	scene?.traverse((node) => {
		if (found === null && node.getCamera() !== null) found = node;
	});
	return found ?? root.listNodes().find((node) => node.getCamera() !== null) ?? null;
}
