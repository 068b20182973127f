/**
 * Exact-disparity mode: the supplied map is the true disparity, in pixels, between the photo (the left
 * view) and a right view, Middlebury's convention (a left pixel (x, y) with disparity d appears at
 * (x − d, y) in the right view). The depth range comes from {@link depthRangeForPixelDisparity}, so the
 * right camera of {@link exactDisparityRightCamera} sees every photo pixel exactly d pixels to the left,
 * and the LDI's thresholds are in real pixels of that move.
 *
 * A true map needs none of the guards an estimated one does: no bilateral filter (it would move sharp
 * steps off their colour edges), no minimum edge length (short steps are real), no re-synthesized band
 * beside silhouettes (the edges are where the map puts them; the band only took the nearest context
 * from the inpainter). Edge threshold 4 px, simplification error 0.25 px. eval:stereo (coherence,
 * disoccluded gain over the README's DIBR): 2.18 dB with the band and the length filter, 2.38 without
 * (cones 2.93, teddy 2.09, tsukuba 2.54, venus 1.97); the threshold was chosen on the same four pairs
 * (1 px +0.31, 4 px +1.10, 8 px +0.21 with diffusion), so read it as an upper estimate. With snapping
 * on, the band is kept (tsukuba −0.42 dB without it). The tried alternatives are in bench/RESULTS.md.
 */
import {UserError} from '../errors.js';
import type {DepthEstimate} from '../depth/source.js';
import type {BuildLdiOptions} from '../ldi/build-ldi.js';
import type {LdiToSceneOptions} from '../mesh/build-scene-mesh.js';
import {focalLengthPixels, type DepthRange} from '../scene/scene.js';

/**
 * The depth range that makes a scene's normalized disparity an exact pixel disparity: a photo pixel
 * with raw disparity r px (`rawMinPx ≤ r ≤ rawMaxPx`), normalized as d = (r − rawMin) / (rawMax −
 * rawMin), lands at depth z with f·B / z = r, so the camera `exactDisparityRightCamera` (render/stereo.ts) returns
 * sees it exactly r pixels to the left. Since 1/z = d/near + (1 − d)/far, near = f·B / rawMax and
 * far = f·B / rawMin. A raw minimum ≤ 0 (points at infinity) is raised to rawMax / 1000, which leaves
 * every disparity within 1/1000 of its value.
 *
 * ```ts
 * const range = depthRangeForPixelDisparity(minPx, maxPx, focalLengthPixels(height, fovY), 1);
 * ```
 */
export function depthRangeForPixelDisparity(rawMinPx: number, rawMaxPx: number, focalPx: number, baselineMeters: number): DepthRange {
	if (!(rawMaxPx > 0)) throw new Error(`depthRangeForPixelDisparity: the largest disparity must be > 0 px, got ${rawMaxPx}`);
	if (!(focalPx > 0) || !(baselineMeters > 0)) throw new Error('depthRangeForPixelDisparity: focal length and baseline must be > 0');
	const minPx = Math.min(rawMaxPx, Math.max(rawMinPx, rawMaxPx / 1000));
	return {nearMeters: (focalPx * baselineMeters) / rawMaxPx, farMeters: (focalPx * baselineMeters) / minPx};
}

/** Options of exact-disparity mode. */
export interface ExactDisparityOptions {
	/**
	 * Pixels of disparity per unit of the map's value (`--depth-scale`): value × this is the disparity in
	 * pixels of the photo at its full size (Middlebury's 8-bit maps: 1 / their scale factor, e.g. 0.25).
	 * At a smaller working size (`--max-size`) disparities shrink with the photo.
	 */
	pixelsPerUnit: number;
	/** Disparity step between 4-neighbours that is a depth edge, pixels at the working size. */
	edgeThresholdPixels: number;
	/** Largest simplification error, pixels of the right view's parallax. */
	simplifyErrorPixels: number;
	/** Run the bilateral median filter anyway (it is meant for blurred, estimated depth). */
	filter: boolean;
	/**
	 * Snap depth edges onto colour edges anyway (snap-edges.ts; meant for estimated depth, whose steps sit
	 * off the outlines): on the Middlebury pairs' true maps it costs 0.12 dB on the disoccluded pixels.
	 */
	snapEdges: boolean;
	/** Distance from the photo's camera to the right view's, metres; any value works, depths scale with it. */
	baselineMeters: number;
}

export const EXACT_DISPARITY_DEFAULTS: ExactDisparityOptions = {
	pixelsPerUnit: 1,
	edgeThresholdPixels: 4,
	simplifyErrorPixels: 0.25,
	filter: false,
	snapEdges: false,
	baselineMeters: 0.1,
};

/** What exact mode sets for one photo and its map: the scene's geometry and the stages' options. */
export interface ExactDisparitySetup {
	/** Smallest and largest disparity, pixels at the working size. */
	minPixels: number;
	maxPixels: number;
	/** The depth range that makes normalized disparity exact pixel disparity (with `baselineMeters`). */
	depthRange: DepthRange;
	/** Baseline to pass to exactDisparityRightCamera. */
	baselineMeters: number;
	/** buildLdi options of exact mode (edge threshold in normalized units, filter off). */
	ldi: Partial<BuildLdiOptions>;
	/** ldiToScene options of exact mode (parallax range = the map's span in pixels). */
	mesh: Partial<LdiToSceneOptions>;
}

/** The size and camera of the photo a map belongs to (a {@link Photo} fits). */
export interface ExactDisparityPhoto {
	image: {width: number; height: number};
	/** Width of the photo before resizing to the working size. */
	originalWidth: number;
	fovYRadians: number;
}

/**
 * Exact mode's depth range and stage options for a photo whose supplied map was read into `depth`
 * (normalized disparity with the raw values rawMin/rawMax that 0 and 1 stand for; unknown values already
 * filled from the far side by the map reader). Throws a {@link UserError} naming the map when its
 * disparities are not positive pixel values.
 *
 * ```ts
 * const setup = exactDisparitySetup(estimate, photo, {pixelsPerUnit: 0.25});
 * const {scene} = await ldiToScene((await buildLdi(photo.image, estimate.disparity, setup.ldi)).ldi, photo, setup.depthRange, setup.mesh);
 * const right = renderScene(scene, exactDisparityRightCamera(scene, setup.baselineMeters)).image;
 * ```
 */
export function exactDisparitySetup(depth: Pick<DepthEstimate, 'rawMin' | 'rawMax' | 'source'>, photo: ExactDisparityPhoto, options: Partial<ExactDisparityOptions> = {}): ExactDisparitySetup {
	const settings = {...EXACT_DISPARITY_DEFAULTS, ...options};
	const name = depth.source || 'the disparity map';
	if (!(settings.pixelsPerUnit > 0) || !Number.isFinite(settings.pixelsPerUnit)) {
		throw new UserError(`${name}: the disparity scale must be a positive number of pixels per unit, got ${settings.pixelsPerUnit}`);
	}
	const pixelsPerUnit = settings.pixelsPerUnit * (photo.image.width / photo.originalWidth);
	const minPixels = depth.rawMin * pixelsPerUnit;
	const maxPixels = depth.rawMax * pixelsPerUnit;
	if (!(maxPixels > 0)) throw new UserError(`${name}: no positive disparity (largest ${depth.rawMax}); pixel disparities must be > 0`);
	if (minPixels < 0) throw new UserError(`${name}: negative disparity ${depth.rawMin} (pixel disparities must be ≥ 0)`);
	const spanPixels = Math.max(1e-6, maxPixels - minPixels);
	const focalPixels = focalLengthPixels(photo.image.height, photo.fovYRadians);
	return {
		minPixels,
		maxPixels,
		depthRange: depthRangeForPixelDisparity(minPixels, maxPixels, focalPixels, settings.baselineMeters),
		baselineMeters: settings.baselineMeters,
		ldi: {
			thresholdDisparity: settings.edgeThresholdPixels / spanPixels,
			// The edges are where the map puts them: not snapped, no band of misplaced outline to
			// re-synthesize (see above); with snapping asked for, both as for an estimated map.
			depthEdges: settings.snapEdges ? 'estimated' : 'exact',
			// A true map: no filtering, and its short steps are not noise (see above).
			...(settings.filter ? {} : {filter: {windowSizes: []}, minEdgeLengthPixels: 0}),
		},
		// True pixel disparities: the error is in those pixels, whatever the photo's size.
		mesh: {parallaxRangePixels: spanPixels, simplifyErrorPixels: settings.simplifyErrorPixels, simplifyErrorReferencePixels: 0},
	};
}
