/**
 * How a supplied depth map of another shape than the photo is fitted to it (`--depth-fit`).
 *
 * A depth network's output rarely has the photo's exact aspect ratio: Depth Anything rounds both sides
 * to multiples of 14 (a 1024×768 photo → 686×518), DPT/MiDaS models to multiples of 32. Such a map
 * covers the whole photo, stretched a little, and is resized back without a word. A map whose shape
 * differs by more than that (1280×640 for a square photo, a portrait map for a landscape photo) is
 * another picture's map or one cut differently: stretching it would bend every depth edge away from
 * the photo's edges, so by default it is refused, naming both sizes. `stretch` resizes it anyway;
 * `crop` cuts the map's longer dimension evenly on both sides to the photo's aspect ratio first (for a
 * map of a wider frame, centred on the photo).
 */
import {fileError} from '../errors.js';
import type {FloatImage} from '../image/raster.js';

/** `--depth-fit`: refuse a map of another aspect ratio, stretch it, or crop it to the photo's. */
export type DepthFit = 'error' | 'stretch' | 'crop';

export const DEPTH_FIT_NAMES = ['error', 'stretch', 'crop'] as const satisfies readonly DepthFit[];

/**
 * Pixels by which a network's rounding may move each side of a map away from the photo's shape (at the
 * map's scale): sides rounded to multiples of up to 32, up or down. Small maps get less: at most an
 * eighth of their shorter side (a network's short side holds 8 multiples or more: MiDaS small's 256 =
 * 8 × 32, Depth Anything's 518 = 37 × 14), so a 80×40 map is no rounding of a square.
 */
export const ROUNDING_SLACK_PIXELS = 32;

/** The rounding slack for a map of this size (see ROUNDING_SLACK_PIXELS), at least 1 pixel. */
export function roundingSlackPixels(map: {width: number; height: number}): number {
	return Math.max(1, Math.min(ROUNDING_SLACK_PIXELS, Math.min(map.width, map.height) / 8));
}

/**
 * Whether a `map` of this size is the photo (`target`) scaled by some factor with each side off by at
 * most `slack` pixels: the intervals of scale factors each side allows overlap.
 *
 * ```ts
 * sameShapeUpToRounding({width: 686, height: 518}, {width: 1024, height: 768}); // true
 * sameShapeUpToRounding({width: 1280, height: 640}, {width: 1024, height: 1024}); // false
 * ```
 */
export function sameShapeUpToRounding(
	map: {width: number; height: number}, target: {width: number; height: number}, slack = roundingSlackPixels(map),
): boolean {
	const low = Math.max((map.width - slack) / target.width, (map.height - slack) / target.height);
	const high = Math.min((map.width + slack) / target.width, (map.height + slack) / target.height);
	return low <= high;
}

/**
 * `map` ready to be resized to `target` under `fit`: itself when its shape is the photo's up to a
 * network's rounding or `fit` is 'stretch', its centred crop to the photo's aspect ratio for 'crop';
 * for 'error', a one-line error naming the map (`name`) that gives both sizes (`photoSize`: the photo's
 * own size for the message, `target` when absent).
 *
 * ```ts
 * const fitted = fitDepthMap(disparity, photo.image, 'crop', 'depth.png');
 * const resized = resizeFloatImage(fitted, photo.image.width, photo.image.height);
 * ```
 */
export function fitDepthMap(
	map: FloatImage, target: {width: number; height: number}, fit: DepthFit, name: string, photoSize: {width: number; height: number} = target,
): FloatImage {
	if (fit === 'stretch' || sameShapeUpToRounding(map, target)) return map;
	if (fit === 'crop') return cropToAspect(map, target.width / target.height);
	throw fileError(name, `depth map is ${map.width}×${map.height}, the photo ${photoSize.width}×${photoSize.height}: another aspect ratio `
		+ `(${ratio(map)} vs ${ratio(photoSize)}) than a depth network's rounding explains; --depth-fit stretch or --depth-fit crop uses it anyway`);
}

/** Width ÷ height with two decimals, for messages. */
function ratio({width, height}: {width: number; height: number}): string {
	return (width / height).toFixed(2);
}

/**
 * The centred part of `map` with aspect ratio `aspect` (width ÷ height): its longer dimension cut
 * evenly on both sides (at least one pixel kept).
 *
 * ```ts
 * cropToAspect({width: 1280, height: 640, data}, 1); // the middle 640×640
 * ```
 */
export function cropToAspect(map: FloatImage, aspect: number): FloatImage {
	const width = Math.max(1, Math.min(map.width, Math.round(map.height * aspect)));
	const height = Math.max(1, Math.min(map.height, Math.round(map.width / aspect)));
	if (width === map.width && height === map.height) return map;
	const left = Math.floor((map.width - width) / 2);
	const top = Math.floor((map.height - height) / 2);
	const data = new Float32Array(width * height);
	for (let y = 0; y < height; y++) data.set(map.data.subarray((top + y) * map.width + left, (top + y) * map.width + left + width), y * width);
	return {width, height, data};
}
