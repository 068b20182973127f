import {createRgbImage, type RgbaImage, type RgbImage} from '../image/raster.js';

/**
 * Single-image stereo layouts: how a left and a right view become one picture for a 3D display, a
 * headset, free viewing or glasses. Pure functions on RGB images; the animated (`wiggle`) and
 * multi-picture (`mpo`) containers live in wiggle.ts and mpo.ts.
 *
 * Anaglyphs use Dubois' least-squares projection matrices for red-cyan glasses (E. Dubois, "A projection
 * method to generate anaglyph stereo images", ICASSP 2001; the red-cyan matrices from his web page, as
 * FFmpeg's vf_stereo3d `arcd` output uses them, applied like FFmpeg to the gamma-encoded values), or the
 * plain colour method (red from the left view, green and blue from the right).
 */

/** Layouts that produce one image. */
export type ImageStereoLayout = 'sbs' | 'half-sbs' | 'tb' | 'half-tb' | 'cross' | 'anaglyph' | 'anaglyph-color' | 'left' | 'right';

export const IMAGE_STEREO_LAYOUTS: readonly ImageStereoLayout[] = [
	'sbs', 'half-sbs', 'tb', 'half-tb', 'cross', 'anaglyph', 'anaglyph-color', 'left', 'right',
];

/** A 3×6 matrix: output R, G, B rows, each over (left R, G, B, right R, G, B). */
export type AnaglyphMatrix = readonly (readonly number[])[];

/** Dubois red-cyan least-squares matrices (see the file header for the source). */
export const DUBOIS_RED_CYAN: AnaglyphMatrix = [
	[0.456100, 0.500484, 0.176381, -0.0434706, -0.0879388, -0.00155529],
	[-0.0400822, -0.0378246, -0.0157589, 0.378476, 0.73364, -0.0184503],
	[-0.0152161, -0.0205971, -0.00546856, -0.0721527, -0.112961, 1.2264],
];

/** Red from the left view, green and blue from the right. */
export const COLOR_RED_CYAN: AnaglyphMatrix = [
	[1, 0, 0, 0, 0, 0],
	[0, 0, 0, 0, 1, 0],
	[0, 0, 0, 0, 0, 1],
];

/**
 * Combines `left` and `right` (same size) into one image:
 * - `sbs`: 2W×H, left view on the left (parallel viewing, most 3D TVs and VR players);
 * - `half-sbs` / `half-tb`: the same in the W×H / W×H frame, each view squeezed to half width / height
 *   with an area filter (an odd size loses one column / row);
 * - `tb`: W×2H, left view on top; `cross`: 2W×H with the right view on the left (cross-eyed viewing);
 * - `anaglyph` (Dubois) and `anaglyph-color`: W×H red-cyan; `left` / `right`: that view alone.
 *
 * ```ts
 * const picture = composeStereo(left, right, 'half-sbs');
 * ```
 */
export function composeStereo(left: RgbImage, right: RgbImage, layout: ImageStereoLayout): RgbImage {
	if (left.width !== right.width || left.height !== right.height) {
		throw new Error(`composeStereo: views differ in size (${left.width}×${left.height} vs ${right.width}×${right.height})`);
	}
	const {width, height} = left;
	switch (layout) {
		case 'sbs': return placeSideBySide(left, right);
		case 'cross': return placeSideBySide(right, left);
		case 'tb': return placeTopBottom(left, right);
		case 'half-sbs': return placeSideBySide(resizeArea(left, width >> 1, height), resizeArea(right, width >> 1, height));
		case 'half-tb': return placeTopBottom(resizeArea(left, width, height >> 1), resizeArea(right, width, height >> 1));
		case 'anaglyph': return anaglyph(left, right, DUBOIS_RED_CYAN);
		case 'anaglyph-color': return anaglyph(left, right, COLOR_RED_CYAN);
		case 'left': return {width, height, data: left.data.slice()};
		case 'right': return {width, height, data: right.data.slice()};
	}
}

/**
 * Red-cyan anaglyph: each output channel is a row of `matrix` applied to the six input channels,
 * rounded and clamped to 0–255.
 *
 * ```ts
 * const glasses = anaglyph(left, right, DUBOIS_RED_CYAN);
 * ```
 */
export function anaglyph(left: RgbImage, right: RgbImage, matrix: AnaglyphMatrix = DUBOIS_RED_CYAN): RgbImage {
	const result = createRgbImage(left.width, left.height);
	const m = Float64Array.from(matrix.flat());
	const l = left.data;
	const r = right.data;
	const out = result.data;
	for (let i = 0; i < out.length; i += 3) {
		const lr = l[i], lg = l[i + 1], lb = l[i + 2], rr = r[i], rg = r[i + 1], rb = r[i + 2];
		// Dubois' matrices overshoot 0–255; a plain Uint8Array store would wrap instead of clamping.
		out[i] = clampByte(m[0] * lr + m[1] * lg + m[2] * lb + m[3] * rr + m[4] * rg + m[5] * rb);
		out[i + 1] = clampByte(m[6] * lr + m[7] * lg + m[8] * lb + m[9] * rr + m[10] * rg + m[11] * rb);
		out[i + 2] = clampByte(m[12] * lr + m[13] * lg + m[14] * lb + m[15] * rr + m[16] * rg + m[17] * rb);
	}
	return result;
}

/**
 * Drops the alpha channel of a render, compositing over `background` (RGB) where it is not opaque.
 *
 * ```ts
 * const left = rgbFromRgba(renderScene(scene, camera).image);
 * ```
 */
export function rgbFromRgba(image: RgbaImage, background: readonly [number, number, number] = [0, 0, 0]): RgbImage {
	const result = createRgbImage(image.width, image.height);
	const source = image.data;
	const out = result.data;
	const count = image.width * image.height;
	for (let p = 0; p < count; p++) {
		const alpha = source[p * 4 + 3];
		if (alpha === 255) {
			out[p * 3] = source[p * 4];
			out[p * 3 + 1] = source[p * 4 + 1];
			out[p * 3 + 2] = source[p * 4 + 2];
			continue;
		}
		const a = alpha / 255;
		for (let c = 0; c < 3; c++) out[p * 3 + c] = Math.round(source[p * 4 + c] * a + background[c] * (1 - a));
	}
	return result;
}

function clampByte(value: number): number {
	return value <= 0 ? 0 : value >= 255 ? 255 : Math.round(value);
}

function placeSideBySide(first: RgbImage, second: RgbImage): RgbImage {
	const result = createRgbImage(first.width + second.width, first.height);
	const firstRow = first.width * 3;
	const rowBytes = result.width * 3;
	for (let y = 0; y < first.height; y++) {
		result.data.set(first.data.subarray(y * firstRow, (y + 1) * firstRow), y * rowBytes);
		result.data.set(second.data.subarray(y * second.width * 3, (y + 1) * second.width * 3), y * rowBytes + firstRow);
	}
	return result;
}

function placeTopBottom(first: RgbImage, second: RgbImage): RgbImage {
	const result = createRgbImage(first.width, first.height + second.height);
	result.data.set(first.data, 0);
	result.data.set(second.data, first.data.length);
	return result;
}

/** Area-weighted (box) resize, separable; exact pixel averages for integer factors. */
function resizeArea(image: RgbImage, width: number, height: number): RgbImage {
	return resizeAxis(resizeAxis(image, width, true), height, false);
}

function resizeAxis(image: RgbImage, targetLength: number, horizontal: boolean): RgbImage {
	const sourceLength = horizontal ? image.width : image.height;
	if (targetLength === sourceLength) return image;
	const result = horizontal ? createRgbImage(targetLength, image.height) : createRgbImage(image.width, targetLength);
	const lines = horizontal ? image.height : image.width;
	const sourceStep = horizontal ? 3 : image.width * 3;
	const targetStep = horizontal ? 3 : result.width * 3;
	const scale = sourceLength / targetLength;
	for (let line = 0; line < lines; line++) {
		const sourceBase = horizontal ? line * image.width * 3 : line * 3;
		const targetBase = horizontal ? line * result.width * 3 : line * 3;
		for (let t = 0; t < targetLength; t++) {
			const from = t * scale;
			const to = from + scale;
			let r = 0, g = 0, b = 0;
			for (let s = Math.floor(from); s < to && s < sourceLength; s++) {
				const weight = Math.min(to, s + 1) - Math.max(from, s);
				const o = sourceBase + s * sourceStep;
				r += weight * image.data[o];
				g += weight * image.data[o + 1];
				b += weight * image.data[o + 2];
			}
			const o = targetBase + t * targetStep;
			result.data[o] = clampByte(r / scale);
			result.data[o + 1] = clampByte(g / scale);
			result.data[o + 2] = clampByte(b / scale);
		}
	}
	return result;
}
