/**
 * The comfort range a scene is built for and what it asks of the LDI: how far the frame-border
 * extension must reach and how deep the hidden layers must go behind a depth edge so that no camera
 * pose inside the range shows an empty pixel. Stored in `asset.extras.ldiGltf.comfortRange`; the viewer
 * (viewer/comfort-range.ts) clamps its camera to it with the same pose math ({@link comfortPose}).
 *
 * The poses are the viewer's: `parallax` moves sideways/vertically by up to `lateralMeters` /
 * `verticalMeters` and forward or back by `forwardMeters`, `orbit` turns by up to `orbitDegrees` about a
 * pivot `orbitPivotMeters` in front of the camera; inputs are clamped to the unit ball, so combined moves
 * are bounded by the ball too. Reveals are computed by ray casting, not by constants: a frame edge of
 * the moved view, cast onto a surface at depth z, lands f·t/z pixels past the photo's frame for a
 * sideways move t (largest at the near depth), and for an orbit of θ about p roughly
 * f·(tan(α + θ) − tan α − p·sin θ / z) on the side it turns towards (largest at the far depth) and
 * f·(p·sin θ / z − tan α + tan(α − θ)) on the other (largest at the near depth). Both depths are tried.
 *
 * Measured (1024-px photos with their depth maps, default near 1 m / far 10 m, 53.13° across the long
 * side): the default range with a 10° orbit (8 % / 8 % / 10 % of the near depth, 10° about the median
 * depth, before the orbit's travel was capped: `maxOrbitTravelFractionOfNear`) needs a
 * frame extension of 115 px (parallax moves) and 190–330 px (orbits), and behind a full-range step a
 * parallax of 86 px (parallax moves) and 260–400 px (orbits): see build-scene.ts for how the LDI is sized
 * from these.
 */
import {finiteRange} from '../depth/normalize.js';
import type {FloatImage} from '../image/raster.js';
import {type DepthRange, depthFromDisparity, focalLengthPixels} from './scene.js';

/** How far the camera may move from the photo's view without revealing holes (the viewer's schema). */
export interface ComfortRange {
	/** Largest sideways offset, metres. */
	lateralMeters: number;
	/** Largest vertical offset, metres. */
	verticalMeters: number;
	/** Largest offset along the view direction (either way), metres. */
	forwardMeters: number;
	/** Largest orbit angle about the pivot, degrees. */
	orbitDegrees: number;
	/** Depth of the orbit pivot in front of the photo's camera, metres. */
	orbitPivotMeters: number;
}

/** Options for {@link comfortRangeFor}: the range as fractions of the near depth (the product goal). */
export interface ComfortRangeOptions {
	/** Sideways offset, fraction of the near depth. */
	lateralFractionOfNear: number;
	/** Vertical offset, fraction of the near depth. */
	verticalFractionOfNear: number;
	/** Forward (and backward) offset, fraction of the near depth. */
	forwardFractionOfNear: number;
	/** Orbit angle about the median depth, degrees (at most; see `maxOrbitTravelFractionOfNear`). */
	orbitDegrees: number;
	/**
	 * Largest sideways travel of the orbiting camera (pivot · sin θ), fraction of the near depth: the
	 * orbit's angle is lowered below `orbitDegrees` where the pivot is far. An orbit swings whatever is
	 * nearer than the pivot across the view by that travel; past about twice the sideways comfort the
	 * hidden layers (sized for the parallax moves) no longer cover what it reveals and the backdrop's blur
	 * and the stretched soft steps of the depth map become much of the view. depthy_hut (pivot 3.07 m):
	 * 10° moved the camera 0.53 m, and without the backdrop 18.9 % of the orbit-left view was empty (5.2 %
	 * at 5°, 0.30 % at 3°, the angle this gives); moon (pivot 1.91 m) 10° → 4.8°, shelf (1.83 m) → 5.0°.
	 */
	maxOrbitTravelFractionOfNear: number;
}

export const COMFORT_RANGE_DEFAULTS: ComfortRangeOptions = {
	lateralFractionOfNear: 0.08,
	verticalFractionOfNear: 0.08,
	forwardFractionOfNear: 0.1,
	orbitDegrees: 10,
	maxOrbitTravelFractionOfNear: 0.16,
};

/**
 * The comfort range of a scene with depth range `depthRange` whose median depth is `medianDepthMeters`
 * (the orbit pivot: the subject a viewer turns about). The orbit's angle is `orbitDegrees`, lowered (to
 * 0.01°) so that the camera travels at most `maxOrbitTravelFractionOfNear` of the near depth.
 *
 * ```ts
 * const range = comfortRangeFor({nearMeters: 1, farMeters: 10}, 2.4);
 * // {lateralMeters: 0.08, verticalMeters: 0.08, forwardMeters: 0.1, orbitDegrees: 3.82, orbitPivotMeters: 2.4}
 * ```
 */
export function comfortRangeFor(depthRange: DepthRange, medianDepthMeters: number, options: Partial<ComfortRangeOptions> = {}): ComfortRange {
	const settings = {...COMFORT_RANGE_DEFAULTS, ...options};
	const near = depthRange.nearMeters;
	const pivot = Number.isFinite(medianDepthMeters) && medianDepthMeters > 0 ? medianDepthMeters : Math.sqrt(near * depthRange.farMeters);
	const travelDegrees = (Math.asin(Math.min(1, Math.max(0, settings.maxOrbitTravelFractionOfNear) * near / pivot)) * 180) / Math.PI;
	return {
		lateralMeters: settings.lateralFractionOfNear * near,
		verticalMeters: settings.verticalFractionOfNear * near,
		forwardMeters: settings.forwardFractionOfNear * near,
		orbitDegrees: Math.min(settings.orbitDegrees, Math.floor(travelDegrees * 100) / 100),
		orbitPivotMeters: pivot,
	};
}

/**
 * Median of a disparity map after min-max normalization (non-finite values count as the farthest, as
 * normalizeDisparity has it), to 1/4096 of the range: a histogram, one pass, no sort of a million values.
 *
 * ```ts
 * const pivot = depthFromDisparity(medianNormalizedDisparity(estimate.disparity), depthRange);
 * ```
 */
export function medianNormalizedDisparity(disparity: FloatImage): number {
	const data = disparity.data;
	// The range (normalizeDisparity's) and the histogram in functions of their own: one loop each for V8
	// to compile, instead of the first loop's compiled code thrown away on reaching the second.
	const [min, max] = finiteRange(data);
	if (!(max > min)) return 0;
	const bins = 4096;
	const histogram = normalizedHistogram(data, min, (bins - 1) / (max - min), bins);
	const half = data.length / 2;
	let seen = 0;
	for (let bin = 0; bin < bins; bin++) {
		seen += histogram[bin];
		if (seen >= half) return bin / (bins - 1);
	}
	return 1;
}

/** Counts of round((value − min) · scale) over `bins` bins; non-finite values count in bin 0. */
function normalizedHistogram(data: Float32Array, min: number, scale: number, bins: number): Uint32Array {
	const histogram = new Uint32Array(bins);
	for (let i = 0; i < data.length; i++) {
		const value = data[i];
		histogram[Number.isFinite(value) ? Math.round((value - min) * scale) : 0]++;
	}
	return histogram;
}

/** The median depth of a disparity map (any scale, larger = nearer) in `depthRange`, metres. */
export function medianDepthMeters(disparity: FloatImage, depthRange: DepthRange): number {
	return depthFromDisparity(medianNormalizedDisparity(disparity), depthRange);
}

/** A camera pose relative to the photo's camera (its own axes: x right, y up, z backwards). */
export interface ComfortPose {
	/** Position, metres. */
	position: [number, number, number];
	/** Orientation, quaternion x, y, z, w. */
	quaternion: [number, number, number, number];
}

/**
 * The camera pose for viewer input (x right, y up, z forward; clamped to the unit ball) in `range`:
 * the same math as the viewer's poseForInput (viewer/comfort-range.ts; a test checks they agree).
 *
 * ```ts
 * const pose = comfortPose(range, 1, 0, 0, 'orbit'); // turned orbitDegrees about the pivot, from the right
 * ```
 */
export function comfortPose(range: ComfortRange, inputX: number, inputY: number, inputZ: number, motion: 'parallax' | 'orbit'): ComfortPose {
	const length = Math.hypot(inputX, inputY, inputZ);
	const shrink = length > 1 ? 1 / length : 1;
	const x = inputX * shrink;
	const y = inputY * shrink;
	const forward = inputZ * shrink * range.forwardMeters;
	if (motion === 'parallax') return {position: [x * range.lateralMeters, y * range.verticalMeters, -forward], quaternion: [0, 0, 0, 1]};
	const orbit = (range.orbitDegrees * Math.PI) / 180;
	const yaw = x * orbit;
	const pitch = y * orbit;
	const cy = Math.cos(yaw / 2);
	const sy = Math.sin(yaw / 2);
	const cp = Math.cos(-pitch / 2);
	const sp = Math.sin(-pitch / 2);
	const back = [Math.sin(yaw) * Math.cos(pitch), Math.sin(pitch), Math.cos(yaw) * Math.cos(pitch)];
	const pivot = range.orbitPivotMeters;
	return {
		position: [back[0] * (pivot - forward), back[1] * (pivot - forward), back[2] * (pivot - forward) - pivot],
		quaternion: [cy * sp, sy * cp, -sy * sp, cy * cp],
	};
}

/** The photo's camera: size in pixels and vertical field of view (principal point at the centre). */
export interface ComfortCamera {
	width: number;
	height: number;
	fovYRadians: number;
}

/** What a comfort range asks of the scene, in pixels of the photo. */
export interface ComfortReveal {
	/** How far past the photo's frame the moved views look, at the worst depth in the range. */
	framePixels: number;
	/**
	 * Largest image-plane parallax between a point at the near depth (disparity 1) and one at the far
	 * depth (disparity 0) on the same photo ray: behind a step of Δ (normalized disparity) a move reveals
	 * about Δ times this.
	 */
	stepParallaxPixels: number;
}

/** Inputs on the unit sphere's axes and diagonals the reveal is sampled at (extremes of a ball lie on it). */
const INPUT_SAMPLES: Array<[number, number, number]> = (() => {
	const samples: Array<[number, number, number]> = [];
	const steps = 24;
	for (let i = 0; i < steps; i++) {
		const a = (2 * Math.PI * i) / steps;
		// Sideways with forward/back, vertical with forward/back, and sideways with vertical.
		samples.push([Math.cos(a), 0, Math.sin(a)], [0, Math.cos(a), Math.sin(a)], [Math.cos(a), Math.sin(a), 0]);
	}
	return samples;
})();

/**
 * The frame extension and the hidden depth behind a full-range step that every pose of `motion` in
 * `range` needs (sampled over the unit ball's great circles, the frame edges of the moved view and a
 * 5 × 5 grid of photo pixels; both ends of the depth range).
 *
 * ```ts
 * const {framePixels} = comfortReveal(range, {width: 1024, height: 1024, fovYRadians}, depthRange, 'parallax');
 * ```
 */
export function comfortReveal(range: ComfortRange, camera: ComfortCamera, depthRange: DepthRange, motion: 'parallax' | 'orbit'): ComfortReveal {
	const {width, height} = camera;
	const f = focalLengthPixels(height, camera.fovYRadians);
	const cx = width / 2;
	const cy = height / 2;
	const near = depthRange.nearMeters;
	const far = depthRange.farMeters;
	// Scalar loops with one reused vector: this runs three times per build, and the version with a closure
	// and small arrays per ray cost ~40 ms in its first (interpreted) call.
	const rotated = new Float64Array(3);
	let framePixels = 0;
	let stepParallaxPixels = 0;
	for (const [ix, iy, iz] of INPUT_SAMPLES) {
		const {position, quaternion} = comfortPose(range, ix, iy, iz, motion);
		const [px, py, pz] = position;
		const [qx, qy, qz, qw] = quaternion;
		// Frame: rays through the moved view's frame edges, onto planes at the near and the far depth.
		for (let k = 0; k <= 8; k++) {
			const s = k / 8;
			for (let edge = 0; edge < 4; edge++) {
				const u = edge < 2 ? s * width : (edge - 2) * width;
				const v = edge < 2 ? edge * height : s * height;
				rotate(qx, qy, qz, qw, (u - cx) / f, -(v - cy) / f, -1, rotated);
				for (let d = 0; d < 2; d++) {
					const z = d === 0 ? near : far;
					const t = (-z - pz) / rotated[2];
					if (!(t > 0)) continue;
					const pu = cx + (f * (px + t * rotated[0])) / z;
					const pv = cy - (f * (py + t * rotated[1])) / z;
					framePixels = Math.max(framePixels, -pu, pu - width, -pv, pv - height);
				}
			}
		}
		// Interior: a photo ray's near and far points, seen from the moved view (inverse rotation).
		for (let gy = 0; gy <= 4; gy++) {
			for (let gx = 0; gx <= 4; gx++) {
				const rayX = ((gx / 4) * width - cx) / f;
				const rayY = -((gy / 4) * height - cy) / f;
				rotate(-qx, -qy, -qz, qw, rayX * near - px, rayY * near - py, -near - pz, rotated);
				const nearU = (f * rotated[0]) / -rotated[2];
				const nearV = (f * rotated[1]) / -rotated[2];
				rotate(-qx, -qy, -qz, qw, rayX * far - px, rayY * far - py, -far - pz, rotated);
				const farU = (f * rotated[0]) / -rotated[2];
				const farV = (f * rotated[1]) / -rotated[2];
				stepParallaxPixels = Math.max(stepParallaxPixels, Math.hypot(nearU - farU, nearV - farV));
			}
		}
	}
	return {framePixels, stepParallaxPixels};
}

/** out = q · v · q⁻¹ for a unit quaternion q = (qx, qy, qz, qw). */
function rotate(qx: number, qy: number, qz: number, qw: number, vx: number, vy: number, vz: number, out: Float64Array): void {
	// t = 2 q × v; v' = v + w t + q × t
	const tx = 2 * (qy * vz - qz * vy);
	const ty = 2 * (qz * vx - qx * vz);
	const tz = 2 * (qx * vy - qy * vx);
	out[0] = vx + qw * tx + (qy * tz - qz * ty);
	out[1] = vy + qw * ty + (qz * tx - qx * tz);
	out[2] = vz + qw * tz + (qx * ty - qy * tx);
}

/** Options for {@link ldiSizingForComfort}. */
export interface LdiSizingOptions {
	/** Which of the range's motions the LDI's inpainted pixels are sized for (the backdrop covers the rest). */
	motion: 'parallax' | 'orbit';
	/**
	 * Also size the hidden layers' synthesis bands (`maxParallaxPercent`) for that motion. Off by default:
	 * moon's crops grew from 1.74 to 3.84 Mpx and the LDI stage's CPU by ~75 % (the budget is 25 %), and
	 * the deeper layers took triangles from layer 0 (35.80 → 34.85 dB at rest); buildLdi's 4 % stays and
	 * the backdrop (mesh/backdrop.ts) fills what a move reveals beyond it.
	 */
	sizeHiddenLayers: boolean;
	/** Pixels added to the frame extension (rounding, the mesh's half-pixel seam, bilinear taps). */
	borderMarginPixels: number;
	/** Long side the LDI's spatial options are given for (buildLdi's `referenceSizePixels`). */
	referenceSizePixels: number;
}

export const LDI_SIZING_DEFAULTS: LdiSizingOptions = {motion: 'parallax', sizeHiddenLayers: false, borderMarginPixels: 3, referenceSizePixels: 1024};

/**
 * buildLdi's `borderPixels` (and with `sizeHiddenLayers` its `maxParallaxPercent`) for `range`: the
 * frame extension as wide as the moved views look past the frame, the synthesis bands as deep as they
 * look behind each edge.
 *
 * ```ts
 * const sizing = ldiSizingForComfort(range, {width, height, fovYRadians}, depthRange);
 * const {ldi} = await buildLdi(image, disparity, sizing);
 * ```
 */
export function ldiSizingForComfort(
	range: ComfortRange, camera: ComfortCamera, depthRange: DepthRange, options: Partial<LdiSizingOptions> = {},
): {borderPixels: number; maxParallaxPercent?: number} {
	const settings = {...LDI_SIZING_DEFAULTS, ...options};
	const longSide = Math.max(camera.width, camera.height);
	const reveal = comfortReveal(range, camera, depthRange, settings.motion);
	const borderPixels = Math.ceil((reveal.framePixels + settings.borderMarginPixels) * settings.referenceSizePixels / longSide);
	return settings.sizeHiddenLayers ? {borderPixels, maxParallaxPercent: (100 * reveal.stepParallaxPixels) / longSide} : {borderPixels};
}
