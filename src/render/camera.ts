import {focalLengthPixels, type Scene, type SceneFrame} from '../scene/scene.js';

/**
 * The pinhole camera the software renderer draws from. Positions are in the scene's frame (the photo's
 * camera at the origin looking down -Z, +Y up, metres); the rotation is a unit quaternion
 * [x, y, z, w] taking camera axes to scene axes, as a glTF camera node's `rotation` does, so a camera
 * path stored as a glTF animation and the software render agree.
 */
export interface RenderCamera {
	/** Output size in pixels. */
	width: number;
	height: number;
	/** Vertical field of view, radians; the focal length is height / 2 / tan(fovY / 2) pixels. */
	fovYRadians: number;
	/** Camera centre in scene space, metres. */
	positionMeters: readonly [number, number, number];
	/** Unit quaternion [x, y, z, w], camera → scene. Identity looks down -Z like the photo's camera. */
	rotation: readonly [number, number, number, number];
	/**
	 * Principal point offset from the image centre in pixels (+x right, +y down). A horizontal shift
	 * gives the off-axis (parallel, shifted-sensor) projection stereo pairs need.
	 */
	principalPointShiftPixels: readonly [number, number];
	/** Geometry nearer than this (metres along the view axis) is not drawn. */
	znearMeters: number;
}

export const IDENTITY_ROTATION: readonly [number, number, number, number] = [0, 0, 0, 1];

/**
 * The camera that took the photo, i.e. the one that reproduces it: at the origin, looking down -Z, the
 * photo's size and field of view. `overrides` change any field (e.g. a smaller `width`/`height` for a
 * preview: keep the aspect ratio, the field of view is vertical).
 *
 * ```ts
 * const camera = photoCamera(scene, {positionMeters: [0.05, 0, 0]});
 * const view = renderScene(scene, camera);
 * ```
 */
export function photoCamera(scene: SceneFrame, overrides: Partial<RenderCamera> = {}): RenderCamera {
	return {
		width: scene.camera.width,
		height: scene.camera.height,
		fovYRadians: scene.camera.fovYRadians,
		positionMeters: [0, 0, 0],
		rotation: IDENTITY_ROTATION,
		principalPointShiftPixels: [0, 0],
		znearMeters: Math.min(scene.camera.znearMeters, scene.depthRange.nearMeters * 0.05),
		...overrides,
	};
}

/** Focal length of `camera` in pixels. */
export function cameraFocalLengthPixels(camera: RenderCamera): number {
	return focalLengthPixels(camera.height, camera.fovYRadians);
}

/**
 * Rotation of a camera at `eyeMeters` looking at `targetMeters` with `up` as the image's up direction
 * (as nearly as it can be), as a unit quaternion [x, y, z, w] for {@link RenderCamera.rotation}.
 *
 * ```ts
 * const rotation = lookAtRotation([0.1, 0, 0], [0, 0, -2]);
 * ```
 */
export function lookAtRotation(
	eyeMeters: readonly [number, number, number],
	targetMeters: readonly [number, number, number],
	up: readonly [number, number, number] = [0, 1, 0],
): [number, number, number, number] {
	// Camera axes in scene space: z points backwards (away from the target), x right, y up.
	const zAxis = normalize([eyeMeters[0] - targetMeters[0], eyeMeters[1] - targetMeters[1], eyeMeters[2] - targetMeters[2]]);
	const xAxis = normalize(cross(up, zAxis));
	const yAxis = cross(zAxis, xAxis);
	return quaternionFromBasis(xAxis, yAxis, zAxis);
}

/** Row-major 3×3 rotation matrix (camera → scene) of a unit quaternion [x, y, z, w]. */
export function rotationMatrix(rotation: readonly [number, number, number, number]): Float64Array {
	const [x, y, z, w] = rotation;
	return Float64Array.of(
		1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w),
		2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w),
		2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y),
	);
}

function quaternionFromBasis(
	xAxis: readonly number[],
	yAxis: readonly number[],
	zAxis: readonly number[],
): [number, number, number, number] {
	// Columns of the rotation matrix are the camera axes; Shepperd's method picks the stable branch.
	const m00 = xAxis[0], m01 = yAxis[0], m02 = zAxis[0];
	const m10 = xAxis[1], m11 = yAxis[1], m12 = zAxis[1];
	const m20 = xAxis[2], m21 = yAxis[2], m22 = zAxis[2];
	const trace = m00 + m11 + m22;
	if (trace > 0) {
		const s = 0.5 / Math.sqrt(trace + 1);
		return [(m21 - m12) * s, (m02 - m20) * s, (m10 - m01) * s, 0.25 / s];
	}
	if (m00 > m11 && m00 > m22) {
		const s = 2 * Math.sqrt(1 + m00 - m11 - m22);
		return [0.25 * s, (m01 + m10) / s, (m02 + m20) / s, (m21 - m12) / s];
	}
	if (m11 > m22) {
		const s = 2 * Math.sqrt(1 + m11 - m00 - m22);
		return [(m01 + m10) / s, 0.25 * s, (m12 + m21) / s, (m02 - m20) / s];
	}
	const s = 2 * Math.sqrt(1 + m22 - m00 - m11);
	return [(m02 + m20) / s, (m12 + m21) / s, 0.25 * s, (m10 - m01) / s];
}

function cross(a: readonly number[], b: readonly number[]): [number, number, number] {
	return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

function normalize(v: readonly number[]): [number, number, number] {
	const length = Math.hypot(v[0], v[1], v[2]);
	if (length === 0) throw new Error('lookAtRotation: eye and target coincide (or up is parallel to the view)');
	return [v[0] / length, v[1] / length, v[2] / length];
}

/** A camera pose as camera paths produce it (src/render/camera-path.ts). */
export interface LookAtPose {
	positionMeters: readonly [number, number, number];
	targetMeters: readonly [number, number, number];
	fovYRadians: number;
}

/**
 * The {@link RenderCamera} of a camera-path pose, rendering `width`×`height` pixels; the other fields
 * (near plane) come from the scene's photo camera.
 *
 * ```ts
 * const frames = cameraPath('circle', options).map((pose) => renderScene(scene, cameraFromPose(scene, pose, 640, 480)));
 * ```
 */
export function cameraFromPose(scene: Scene, pose: LookAtPose, width: number, height: number): RenderCamera {
	return photoCamera(scene, {
		width,
		height,
		fovYRadians: pose.fovYRadians,
		positionMeters: [pose.positionMeters[0], pose.positionMeters[1], pose.positionMeters[2]],
		rotation: lookAtRotation(pose.positionMeters, pose.targetMeters),
	});
}
