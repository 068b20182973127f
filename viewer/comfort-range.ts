/**
 * The comfort range of a scene and the camera pose for a viewer input inside it. Pure math (no DOM,
 * no three.js), so Node tests check it directly.
 *
 * `ldi-gltf build` stores `asset.extras.ldiGltf.comfortRange`: the sideways, vertical and forward camera
 * offsets, and the orbit angle about a pivot `orbitPivotMeters` in front of the camera, within which the
 * scene shows no holes. Older files have only `depthRange`; their range is derived from the near depth.
 */

// The schema `build` writes and the pose math build sizes the scene by: one definition (pure math).
import {type ComfortPose, type ComfortRange, comfortPose} from '../src/scene/comfort-range.js';

export type {ComfortRange};

/** Fractions of the near depth for files without a stored range (what `build` stored before it had one). */
export interface ComfortFallback {
	/** Sideways and vertical offset as a fraction of the near depth. */
	lateralFractionOfNear: number;
	/** Forward offset as a fraction of the near depth. */
	forwardFractionOfNear: number;
	/** Orbit angle, degrees. */
	orbitDegrees: number;
}

export const COMFORT_FALLBACK_DEFAULTS: ComfortFallback = {lateralFractionOfNear: 0.03, forwardFractionOfNear: 0.05, orbitDegrees: 3};

/** Where a {@link ComfortRange} came from. */
export type ComfortRangeSource = 'stored' | 'depth-range' | 'camera';

const FIELDS = ['lateralMeters', 'verticalMeters', 'forwardMeters', 'orbitDegrees', 'orbitPivotMeters'] as const;

function isFiniteNonNegative(value: unknown): value is number {
	return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/**
 * The comfort range of a file: `ldiGltf.comfortRange` when every field is a finite number ≥ 0 (pivot > 0),
 * else derived from `ldiGltf.depthRange` (lateral and vertical 3 % of the near depth, forward 5 %, orbit 3°
 * about the geometric mean of near and far), else from the camera's clipping planes.
 *
 * ```ts
 * const {range} = comfortRangeFromExtras(gltf.asset.extras?.ldiGltf, {nearMeters: camera.near, farMeters: camera.far});
 * ```
 */
export function comfortRangeFromExtras(
	ldiGltf: unknown,
	cameraDepthRange: {nearMeters: number; farMeters: number},
	fallback: ComfortFallback = COMFORT_FALLBACK_DEFAULTS,
): {range: ComfortRange; source: ComfortRangeSource} {
	const extras = (typeof ldiGltf === 'object' && ldiGltf !== null ? ldiGltf : {}) as {comfortRange?: Record<string, unknown>; depthRange?: {nearMeters?: unknown; farMeters?: unknown}};
	const stored = extras.comfortRange;
	if (stored && FIELDS.every((field) => isFiniteNonNegative(stored[field])) && (stored.orbitPivotMeters as number) > 0) {
		return {range: Object.fromEntries(FIELDS.map((field) => [field, stored[field]])) as unknown as ComfortRange, source: 'stored'};
	}
	const {nearMeters, farMeters} = extras.depthRange ?? {};
	const fromDepthRange = isFiniteNonNegative(nearMeters) && isFiniteNonNegative(farMeters) && nearMeters > 0 && farMeters > nearMeters;
	const near = fromDepthRange ? nearMeters : cameraDepthRange.nearMeters;
	const far = fromDepthRange ? farMeters : cameraDepthRange.farMeters;
	return {
		range: {
			lateralMeters: fallback.lateralFractionOfNear * near,
			verticalMeters: fallback.lateralFractionOfNear * near,
			forwardMeters: fallback.forwardFractionOfNear * near,
			orbitDegrees: fallback.orbitDegrees,
			orbitPivotMeters: Math.sqrt(near * far),
		},
		source: fromDepthRange ? 'depth-range' : 'camera',
	};
}

/** Viewer input: each axis in [-1, 1] (the whole comfort range); 0, 0, 0 is the photo's view. */
export interface ViewInput {
	/** Right (+) or left (−). */
	x: number;
	/** Up (+) or down (−). */
	y: number;
	/** Towards the scene (+) or back (−). */
	z: number;
}

/** A camera pose relative to the photo's camera: its own axes (x right, y up, z backwards). */
export type RelativePose = ComfortPose;

/**
 * `input` limited to the unit ball, so a corner of the screen moves the camera no farther than an edge:
 * every offset stays inside each of the range's limits, combined ones too.
 *
 * ```ts
 * clampViewInput({x: 1, y: 1, z: 0}); // {x: 0.707…, y: 0.707…, z: 0}
 * ```
 */
export function clampViewInput(input: ViewInput): ViewInput {
	const length = Math.hypot(input.x, input.y, input.z);
	if (!(length > 1)) return {x: input.x, y: input.y, z: input.z};
	return {x: input.x / length, y: input.y / length, z: input.z / length};
}

/** How the input moves the camera: see {@link poseForInput}. */
export type ViewMotion = 'parallax' | 'orbit';

/**
 * The camera pose for `input` (clamped to the unit ball first).
 *
 * - `parallax` (the default): a sideways and vertical move within `lateralMeters` and `verticalMeters`,
 *   the camera keeping the photo's orientation — the move the scene's hidden layers and frame extension
 *   are built for, so it shows no holes anywhere in the range (measured: the sample at every edge).
 * - `orbit`: a turn of up to `orbitDegrees` about the pivot `orbitPivotMeters` in front of the camera,
 *   which keeps looking at it: the subject at the pivot's depth stays put while nearer things slide one
 *   way and farther ones the other. The turn also shows the frame's edges from an angle, which the frame
 *   extension covers only within a stored range (the fallback's 3° may show a few pixels of them).
 *
 * Both then move along the view direction by `z · forwardMeters`.
 *
 * ```ts
 * const pose = poseForInput(range, {x: 1, y: 0, z: 0}); // as far right as the range allows
 * camera.position.copy(rest.position).add(new Vector3(...pose.position).applyQuaternion(rest.quaternion));
 * ```
 */
export function poseForInput(range: ComfortRange, input: ViewInput, motion: ViewMotion = 'parallax'): RelativePose {
	// The library's comfortPose is the one definition (build sizes the scene by it); it clamps the same way.
	return comfortPose(range, input.x, input.y, input.z, motion);
}
