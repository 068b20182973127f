import type {RgbaImage} from '../image/raster.js';
import {BUILD_LDI_DEFAULTS, type BuildLdiOptions} from '../ldi/build-ldi.js';
import type {LdiToSceneOptions} from '../mesh/build-scene-mesh.js';
import type {Ldi} from '../ldi/ldi.js';
import type {DepthRange, Scene, SceneFrame} from '../scene/scene.js';
import {cameraFocalLengthPixels, photoCamera, type RenderCamera} from './camera.js';
import {renderScene, type RenderOptions} from './rasterize.js';
import {sidewaysViewShift, warpLdiSideways} from './warp-ldi.js';

// Defined beside exact-disparity mode, which build needs without this module's renderer (issue 15).
export {depthRangeForPixelDisparity} from '../pipeline/exact-disparity.js';

/**
 * Stereo pairs from a scene: two parallel cameras offset along X with shifted principal points
 * (off-axis projection, the geometry of a real stereo rig and of stereoscopic displays; toe-in would add
 * vertical parallax at the image corners).
 *
 * Parallax of a point at depth Z between the two views is p(Z) = f·B·(1/Z − 1/Zc) pixels (f focal
 * length in pixels, B baseline, Zc the convergence depth). `divergencePercent` fixes the parallax range
 * over the scene's depth range, f·B·(1/near − 1/far) = divergence × width, which gives B;
 * `convergence` picks Zc by interpolating 1/Z between the nearest (0) and the farthest (1) depth, the
 * same disparity scale the rest of the pipeline uses. The default 0.5 puts the zero-parallax plane at
 * mid-disparity, so the scene straddles the screen and neither eye's frame edge cuts far into the
 * nearest objects (2.5 % is the default of the established 2D-to-3D converters).
 */

/** Which eyes are rendered and where the photo's camera sits between them. */
export type StereoEyes = 'both' | 'left' | 'right';

/** Options for {@link stereoCameras} and {@link renderStereo}. */
export interface StereoOptions {
	/** Parallax between the nearest and the farthest point of the scene, percent of the image width. */
	divergencePercent: number;
	/** Depth with zero parallax: 0 = the nearest point, 1 = the farthest, in disparity (1/Z) steps. */
	convergence: number;
	/**
	 * `both`: the eyes sit symmetrically around the photo's camera; `left` / `right`: the photo is that
	 * eye and the other is rendered a full baseline away.
	 */
	eyes: StereoEyes;
}

export const STEREO_DEFAULTS: StereoOptions = {divergencePercent: 2.5, convergence: 0.5, eyes: 'both'};

/** The two cameras of a stereo pair and the geometry they imply. */
export interface StereoCameras {
	left: RenderCamera;
	right: RenderCamera;
	/** Distance between the two camera centres, metres (scene units). */
	baselineMeters: number;
	/** Depth of the zero-parallax plane, metres. */
	convergenceDepthMeters: number;
}

/** The rendered pair. */
export interface StereoPair {
	left: RgbaImage;
	right: RgbaImage;
	cameras: StereoCameras;
}

/**
 * The left and right cameras for `scene` (see the file header for the geometry).
 *
 * ```ts
 * const {left, right, baselineMeters} = stereoCameras(scene, {divergencePercent: 2.5, eyes: 'left'});
 * ```
 */
export function stereoCameras(scene: SceneFrame, options: Partial<StereoOptions> = {}, base: RenderCamera = photoCamera(scene)): StereoCameras {
	const {divergencePercent, convergence, eyes} = {...STEREO_DEFAULTS, ...options};
	if (!(divergencePercent >= 0)) throw new Error(`stereoCameras: divergence must be ≥ 0 %, got ${divergencePercent}`);
	if (!(convergence >= 0 && convergence <= 1)) throw new Error(`stereoCameras: convergence must be in [0, 1], got ${convergence}`);
	const focal = cameraFocalLengthPixels(base);
	const {nearMeters, farMeters} = scene.depthRange;
	// A (nearly) flat scene has no parallax range to fill: treat it as if far were ≥ 1.01 × near, which
	// caps the baseline instead of sending the eyes off to infinity.
	const inverseDepthSpan = Math.max(1 / nearMeters - 1 / farMeters, 0.01 / nearMeters);
	const baselineMeters = ((divergencePercent / 100) * base.width) / (focal * inverseDepthSpan);
	const convergenceDepthMeters = 1 / ((1 - convergence) / nearMeters + convergence / farMeters);
	const leftOffset = eyes === 'both' ? -baselineMeters / 2 : eyes === 'left' ? 0 : -baselineMeters;
	const rightOffset = leftOffset + baselineMeters;
	return {
		left: offsetCamera(base, leftOffset, focal / convergenceDepthMeters),
		right: offsetCamera(base, rightOffset, focal / convergenceDepthMeters),
		baselineMeters,
		convergenceDepthMeters,
	};
}

/** A layered depth image with the camera it was made for: a scene before meshing (pipeline's SceneLdi). */
export interface LdiView {
	ldi: Ldi;
	fovYRadians: number;
	depthRange: DepthRange;
}

/**
 * Both eyes drawn straight from a layered depth image (render/warp-ldi.ts) when both cameras are its own
 * camera moved sideways, as {@link stereoCameras} and {@link exactDisparityRightCamera} make them for an
 * LDI at the photo's size; undefined otherwise (then the meshes are needed). Every gap is filled.
 *
 * ```ts
 * const pair = renderStereoFromLdi(built, stereoCameras(frame));
 * ```
 */
export function renderStereoFromLdi(view: LdiView, cameras: Pick<StereoCameras, 'left' | 'right'>): {left: RgbaImage; right: RgbaImage} | undefined {
	const leftShift = sidewaysViewShift(view.ldi, view.fovYRadians, view.depthRange, cameras.left);
	const rightShift = sidewaysViewShift(view.ldi, view.fovYRadians, view.depthRange, cameras.right);
	if (!leftShift || !rightShift) return undefined;
	return {left: warpLdiSideways(view.ldi, leftShift), right: warpLdiSideways(view.ldi, rightShift)};
}

/**
 * Renders both eyes of `scene` (see {@link stereoCameras}); `render` options apply to each eye. Unless
 * `render.fillEmptyPixels` says otherwise every gap is filled, so a pair has no empty pixel even where
 * the scene has no layer for a disocclusion or a frame-border band.
 *
 * ```ts
 * const {left, right} = renderStereo(scene, {divergencePercent: 3}, {ssaa: 2});
 * ```
 */
export function renderStereo(scene: Scene, options: Partial<StereoOptions> = {}, render: Partial<RenderOptions> = {}): StereoPair {
	const cameras = stereoCameras(scene, options);
	return {...renderEyes(scene, cameras, render), cameras};
}

/**
 * Rasterizes `scene` from both `cameras` (stereo or exact-disparity eyes); `render` options apply to each,
 * and unless they say otherwise every gap is filled.
 *
 * ```ts
 * const {left, right} = renderEyes(scene, stereoCameras(scene), {ssaa: 2});
 * ```
 */
export function renderEyes(scene: Scene, cameras: Pick<StereoCameras, 'left' | 'right'>, render: Partial<RenderOptions> = {}): {left: RgbaImage; right: RgbaImage} {
	const renderOptions = {fillEmptyPixels: Number.POSITIVE_INFINITY, ...render};
	return {left: renderScene(scene, cameras.left, renderOptions).image, right: renderScene(scene, cameras.right, renderOptions).image};
}

/**
 * The right camera of exact-disparity mode: the photo is the left view, and a photo pixel with disparity
 * d px (see {@link depthRangeForPixelDisparity}, same `baselineMeters`) appears at (x − d, y), the
 * Middlebury convention. No principal-point shift: infinity has zero disparity.
 *
 * ```ts
 * const right = renderScene(scene, exactDisparityRightCamera(scene, 1)).image;
 * ```
 */
export function exactDisparityRightCamera(scene: SceneFrame, baselineMeters: number, base: RenderCamera = photoCamera(scene)): RenderCamera {
	return offsetCamera(base, baselineMeters, 0);
}

/**
 * `base` moved `offsetMeters` along its own X axis, with its principal point shifted so that depth
 * f / `shiftPerMeter` keeps the screen position it has from `base`.
 */
function offsetCamera(base: RenderCamera, offsetMeters: number, shiftPerMeter: number): RenderCamera {
	const [x, y, z, w] = base.rotation;
	// The camera's X axis in scene space is the first column of its rotation matrix.
	const axisX = 1 - 2 * (y * y + z * z);
	const axisY = 2 * (x * y + z * w);
	const axisZ = 2 * (x * z - y * w);
	const [px, py, pz] = base.positionMeters;
	return {
		...base,
		positionMeters: [px + axisX * offsetMeters, py + axisY * offsetMeters, pz + axisZ * offsetMeters],
		principalPointShiftPixels: [base.principalPointShiftPixels[0] + shiftPerMeter * offsetMeters, base.principalPointShiftPixels[1]],
	};
}

/** Frame extension beyond what an eye reveals, reference pixels (1024-px long side): room for rounding and the mesh error. */
const STEREO_BORDER_MARGIN_PIXELS = 8;

/**
 * Hidden layers are sized for this multiple of what an eye reveals. moon.jpg at 1024 px, sbs at 2.5 %
 * divergence, empty pixels of the two views before the renderer fills them: ×1 2 + 9, ×1.5 0 + 6,
 * ×2 0 + 2 (the full 4 % scene: 0 + 1).
 */
const STEREO_REGION_FACTOR = 2;

/** The scene options {@link stereoSceneOptions} returns. */
export interface StereoSceneOptions {
	ldi: Partial<BuildLdiOptions>;
	mesh: Partial<LdiToSceneOptions>;
}

/**
 * Scene options for a stereo pair built from a photo (what `ldi-gltf stereo` uses): hidden layers and
 * frame extension sized by what the pair reveals relative to the photo (each eye's share of the
 * divergence: half of it with `eyes: both`) instead of the 4 % parallax and 64-px frame extension a
 * .glb is built for, the frame extended on the left and right only, and no meshoptimizer pass (two views of a scene that is thrown away: drawing the
 * planar pre-merge costs less than that pass).
 *
 * moon.jpg at 1024 px, sbs at the default 2.5 % divergence: hidden pixels 77 k + 85 k → 50 k + 60 k,
 * frame extension 279 k → 88 k pixels, 118 k → 104 k triangles; whole `stereo` process 3.50–3.77 →
 * 2.92–3.04 s (4 runs each, interleaved; 2.42–2.57 s with regions ×1, against 2.94–3.03 s, in a faster
 * hour of this shared machine), the pair 40.5 dB from the full scene's (the synthesized patches
 * differ); without meshoptimizer 2.60–2.74 → 2.45–2.54 s, the pair 45.5 dB from before. Also sizing the
 * simplifier's parallax range by the reveal left the mesh stage as slow (1.17 s): not kept.
 *
 * ```ts
 * const {ldi, mesh} = stereoSceneOptions({divergencePercent: 3});
 * const {scene} = await buildScene('photo.jpg', {ldi, mesh});
 * const pair = renderStereo(scene, {divergencePercent: 3});
 * ```
 */
export function stereoSceneOptions(options: Partial<Pick<StereoOptions, 'divergencePercent' | 'eyes'>> = {}): StereoSceneOptions {
	const {divergencePercent, eyes} = {...STEREO_DEFAULTS, ...options};
	const revealPercent = eyes === 'both' ? divergencePercent / 2 : divergencePercent;
	return {
		ldi: {
			maxParallaxPercent: STEREO_REGION_FACTOR * revealPercent,
			borderPixels: Math.ceil(revealPercent / 100 * BUILD_LDI_DEFAULTS.referenceSizePixels) + STEREO_BORDER_MARGIN_PIXELS,
			// The eyes move sideways only: nothing above or below the photo is ever seen.
			borderSides: ['left', 'right'],
		},
		mesh: {meshoptimizer: false},
	};
}
