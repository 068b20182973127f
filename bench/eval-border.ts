/**
 * `npm run eval:border`: how well each colour inpainter continues a photo past its frame, the job of the
 * LDI's frame-border strips (most of what a sideways move reveals: 39–75 % of the disoccluded pixels of
 * the Middlebury right views in eval:stereo). Each photo of ../shared/photos and each view of
 * ../shared/eval/stereo is resized to `EVAL_SIZE` px on its long side (default 640); on each of its four
 * sides a strip of 6 % of that side's perpendicular size is hidden and synthesized from a band inside it
 * (the band buildLdi gives its border strips: 128 px at 1024, scaled), at one flat disparity, and the fill
 * is compared with the hidden pixels (PSNR over the strip). The photos are not the stereo pairs, so a
 * change that helps here and there is not fitted to four scenes.
 *
 * EVAL_TABLES=build (or hidden,build) measures the strips as buildLdi makes them instead (or too): the
 * picture's outer `borderPixels` (100 at 1024, scaled) hidden on all four sides, the strips made from the
 * photo inside in the build's order (top and bottom span the corners, left and right read them) through
 * inpaintCoarseToFine with the build's options and context band (frameStripPlan); PSNR over each strip and
 * over its first synthesis band's depth next to the photo (45 px at 1024: what a move reveals first), and
 * the fill's gradient energy there as a share of the truth's (PSNR rewards a blur).
 *
 * Options (environment): EVAL_INPAINTER=a,b runs those inpainters (default: every built-in one but onnx);
 * EVAL_TABLES=hidden,build the tables (default hidden); EVAL_STRIP_OPTIONS='{"fineDistancePixels":16}'
 * overrides the build's inpaintCoarseToFine options in the build table (JSON, pixels at EVAL_SIZE).
 */
import {existsSync, readdirSync} from 'node:fs';
import {join} from 'node:path';

import sharp from 'sharp';

import {psnr} from '../src/image/metrics.js';
import {type CoarseToFineOptions, inpaintCoarseToFine} from '../src/inpaint/coarse-to-fine.js';
import {type ColorInpainter, createInpaintRegion} from '../src/inpaint/inpainter.js';
import {getColorInpainter} from '../src/inpaint/registry.js';
import {BUILD_LDI_DEFAULTS, frameStripPlan, synthesisBandPixels} from '../src/ldi/build-ldi.js';
import {sharedDir} from './common.js';

const size = Number(process.env.EVAL_SIZE ?? 640);
const inpainterNames = (process.env.EVAL_INPAINTER ?? 'coherence,diffusion,patch').split(',');
const tables = (process.env.EVAL_TABLES ?? 'hidden').split(',');
const stripOverrides = JSON.parse(process.env.EVAL_STRIP_OPTIONS ?? '{}') as Partial<CoarseToFineOptions>;
const STRIP_FRACTION = 0.06;
const CONTEXT_BAND_AT_1024 = 128;

interface Picture {
	name: string;
	rgb: Uint8Array;
	width: number;
	height: number;
}

async function loadPicture(path: string, name: string): Promise<Picture> {
	const {data, info} = await sharp(path).rotate().resize(size, size, {fit: 'inside'}).removeAlpha().toColourspace('srgb').raw().toBuffer({resolveWithObject: true});
	return {name, rgb: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height};
}

async function pictures(): Promise<Picture[]> {
	const found: Picture[] = [];
	const photoDir = join(sharedDir, 'photos');
	for (const file of readdirSync(photoDir).sort()) {
		if (!/\.(jpe?g|png)$/i.test(file) || /_depth/i.test(file)) continue;
		found.push(await loadPicture(join(photoDir, file), file));
	}
	const stereoDir = join(sharedDir, 'eval', 'stereo');
	for (const scene of readdirSync(stereoDir).sort()) {
		if (!existsSync(join(stereoDir, scene, 'left.png'))) continue;
		for (const view of ['left', 'right']) found.push(await loadPicture(join(stereoDir, scene, `${view}.png`), `${scene}/${view}`));
	}
	return found;
}

type Side = 'top' | 'bottom' | 'left' | 'right';

/** PSNR of `inpainter`'s fill of the hidden strip on `side` of `picture`, over the strip. */
async function stripPsnr(picture: Picture, side: Side, inpainterName: string): Promise<number> {
	const {width, height, rgb} = picture;
	const horizontal = side === 'left' || side === 'right';
	const across = horizontal ? width : height;
	const strip = Math.round(STRIP_FRACTION * across);
	const band = Math.round((CONTEXT_BAND_AT_1024 * Math.max(width, height)) / 1024);
	const cropAcross = Math.min(across, strip + band);
	const cropWidth = horizontal ? cropAcross : width;
	const cropHeight = horizontal ? height : cropAcross;
	const originX = side === 'right' ? width - cropWidth : 0;
	const originY = side === 'bottom' ? height - cropHeight : 0;
	const region = createInpaintRegion(cropWidth, cropHeight);
	const truth = new Uint8Array(cropWidth * cropHeight * 3);
	for (let y = 0; y < cropHeight; y++) {
		for (let x = 0; x < cropWidth; x++) {
			const c = y * cropWidth + x;
			const source = ((y + originY) * width + x + originX) * 3;
			truth[c * 3] = rgb[source]!;
			truth[c * 3 + 1] = rgb[source + 1]!;
			truth[c * 3 + 2] = rgb[source + 2]!;
			const inward = side === 'left' ? x : side === 'right' ? cropWidth - 1 - x : side === 'top' ? y : cropHeight - 1 - y;
			region.disparity[c] = 0.5;
			if (inward < strip) {
				region.synthesisMask[c] = 1;
			} else {
				region.contextMask[c] = 1;
				region.color.set(truth.subarray(c * 3, c * 3 + 3), c * 3);
			}
		}
	}
	const filled = await getColorInpainter(inpainterName).inpaintColor(region);
	return psnr(filled, truth, {mask: region.synthesisMask});
}

/** PSNRs of one picture's four build strips (top bottom left right): over each strip, and near the photo. */
interface BuildStripScores {
	strip: number[];
	near: number[];
	/** Gradient energy of the fill over the truth's in the near zone (PSNR rewards blur; this does not). */
	detail: number[];
}

/** An inclusive rectangle of picture coordinates. */
interface Rect {
	x0: number;
	x1: number;
	y0: number;
	y1: number;
}

/**
 * The four frame strips of `picture` as buildLdi makes them around its inner photo (the picture less its
 * outer `borderPixels`), scored against the hidden pixels.
 */
async function buildStripPsnrs(picture: Picture, inpainter: ColorInpainter): Promise<BuildStripScores> {
	const {width: pictureWidth, height: pictureHeight, rgb} = picture;
	const plan = frameStripPlan(BUILD_LDI_DEFAULTS, Math.max(pictureWidth, pictureHeight), inpainter.contextReachPixels);
	const options = {...plan.coarseToFine, ...stripOverrides};
	const b = plan.borderPixels;
	// What a move reveals first: as deep as an edge's synthesis band, whatever the strips' fine zone.
	const nearPixels = synthesisBandPixels(BUILD_LDI_DEFAULTS, Math.max(pictureWidth, pictureHeight));
	const band = plan.contextBandPixels;
	// Photo coordinates as buildLdi's: the inner photo spans 0..w-1 × 0..h-1, the strips lie outside it.
	const w = pictureWidth - 2 * b;
	const h = pictureHeight - 2 * b;
	const known = new Uint8Array(pictureWidth * pictureHeight);
	const color = new Uint8Array(rgb.length);
	for (let y = 0; y < h; y++) {
		for (let x = 0; x < w; x++) {
			const i = (y + b) * pictureWidth + x + b;
			known[i] = 1;
			color.set(rgb.subarray(i * 3, i * 3 + 3), i * 3);
		}
	}
	const strips: Array<{crop: Rect; strip: Rect; near: Rect}> = [
		{crop: {x0: -b, x1: w + b - 1, y0: -b, y1: Math.min(h, band) - 1}, strip: {x0: -b, x1: w + b - 1, y0: -b, y1: -1}, near: {x0: 0, x1: w - 1, y0: -nearPixels, y1: -1}},
		{crop: {x0: -b, x1: w + b - 1, y0: Math.max(0, h - band), y1: h + b - 1}, strip: {x0: -b, x1: w + b - 1, y0: h, y1: h + b - 1}, near: {x0: 0, x1: w - 1, y0: h, y1: h + nearPixels - 1}},
		{crop: {x0: -b, x1: Math.min(w, band) - 1, y0: -b, y1: h + b - 1}, strip: {x0: -b, x1: -1, y0: 0, y1: h - 1}, near: {x0: -nearPixels, x1: -1, y0: 0, y1: h - 1}},
		{crop: {x0: Math.max(0, w - band), x1: w + b - 1, y0: -b, y1: h + b - 1}, strip: {x0: w, x1: w + b - 1, y0: 0, y1: h - 1}, near: {x0: w, x1: w + nearPixels - 1, y0: 0, y1: h - 1}},
	];
	const scores: BuildStripScores = {strip: [], near: [], detail: []};
	const inside = (r: Rect, x: number, y: number): boolean => x >= r.x0 && x <= r.x1 && y >= r.y0 && y <= r.y1;
	for (const {crop, strip, near} of strips) {
		const cropWidth = crop.x1 - crop.x0 + 1;
		const cropHeight = crop.y1 - crop.y0 + 1;
		const region = createInpaintRegion(cropWidth, cropHeight);
		const truth = new Uint8Array(cropWidth * cropHeight * 3);
		const nearMask = new Uint8Array(cropWidth * cropHeight);
		for (let y = crop.y0; y <= crop.y1; y++) {
			for (let x = crop.x0; x <= crop.x1; x++) {
				const c = (y - crop.y0) * cropWidth + x - crop.x0;
				const i = (y + b) * pictureWidth + x + b;
				truth.set(rgb.subarray(i * 3, i * 3 + 3), c * 3);
				region.disparity[c] = 0.5;
				if (inside(strip, x, y)) {
					region.synthesisMask[c] = 1;
					nearMask[c] = inside(near, x, y) ? 1 : 0;
				} else if (known[i]) {
					region.contextMask[c] = 1;
					region.color.set(color.subarray(i * 3, i * 3 + 3), c * 3);
				}
			}
		}
		const filled = await inpaintCoarseToFine(inpainter, region, options);
		for (let y = strip.y0; y <= strip.y1; y++) {
			for (let x = strip.x0; x <= strip.x1; x++) {
				const c = (y - crop.y0) * cropWidth + x - crop.x0;
				const i = (y + b) * pictureWidth + x + b;
				known[i] = 1;
				color.set(filled.subarray(c * 3, c * 3 + 3), i * 3);
			}
		}
		scores.strip.push(psnr(filled, truth, {mask: region.synthesisMask}));
		scores.near.push(psnr(filled, truth, {mask: nearMask}));
		scores.detail.push(gradientEnergy(filled, nearMask, cropWidth) / gradientEnergy(truth, nearMask, cropWidth));
	}
	return scores;
}

/** Mean squared difference between 4-neighbours (right and below, all channels) within `mask`. */
function gradientEnergy(rgb: Uint8Array, mask: Uint8Array, width: number): number {
	let sum = 0;
	let count = 0;
	for (let i = 0; i < mask.length; i++) {
		if (!mask[i]) continue;
		for (const j of [i + 1, i + width]) {
			if (j >= mask.length || !mask[j] || (j === i + 1 && j % width === 0)) continue;
			for (let c = 0; c < 3; c++) sum += (rgb[i * 3 + c]! - rgb[j * 3 + c]!) ** 2;
			count++;
		}
	}
	return sum / Math.max(1, count);
}

const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

const all = existsSync(join(sharedDir, 'photos')) && existsSync(join(sharedDir, 'eval', 'stereo')) ? await pictures() : undefined;
if (!all) {
	console.log(`eval:border skipped: ${sharedDir} (photos, eval/stereo) is missing`);
} else {
	const sides: Side[] = ['top', 'bottom', 'left', 'right'];
	if (tables.includes('hidden')) {
		console.log(`PSNR dB over a hidden ${STRIP_FRACTION * 100} % strip per side (top bottom left right), photos at ${size} px`);
		const totals = new Map<string, number[]>();
		for (const picture of all) {
			let line = picture.name.padEnd(22);
			for (const name of inpainterNames) {
				const scores: number[] = [];
				for (const side of sides) scores.push(await stripPsnr(picture, side, name));
				const list = totals.get(name) ?? [];
				list.push(...scores);
				totals.set(name, list);
				line += `  ${name} ${scores.map((s) => s.toFixed(2).padStart(5)).join(' ')}`;
			}
			console.log(line);
		}
		for (const [name, scores] of totals) console.log(`mean over ${scores.length} strips, ${name}: ${mean(scores).toFixed(2)} dB`);
	}
	if (tables.includes('build')) {
		const first = all[0]!;
		const plan = frameStripPlan(BUILD_LDI_DEFAULTS, Math.max(first.width, first.height), getColorInpainter(inpainterNames[0]!).contextReachPixels);
		console.log(`PSNR dB of the build's frame strips (top bottom left right | the first synthesis band), photos at ${size} px:`,
			`strip ${plan.borderPixels} px, band ${plan.contextBandPixels} px, ${JSON.stringify({...plan.coarseToFine, ...stripOverrides})}`);
		for (const name of inpainterNames) {
			const inpainter = getColorInpainter(name);
			const strips: number[] = [];
			const nears: number[] = [];
			const details: number[] = [];
			for (const picture of all) {
				const scores = await buildStripPsnrs(picture, inpainter);
				strips.push(...scores.strip);
				nears.push(...scores.near);
				details.push(...scores.detail);
				const format = (values: number[]): string => values.map((s) => s.toFixed(2).padStart(5)).join(' ');
				console.log(`${picture.name.padEnd(22)}  ${name} ${format(scores.strip)} | ${format(scores.near)}   mean ${mean(scores.strip).toFixed(2)} | ${mean(scores.near).toFixed(2)}`);
			}
			console.log(`mean over ${strips.length} strips, ${name}: strip ${mean(strips).toFixed(2)} dB, near ${mean(nears).toFixed(2)} dB, near detail ${(100 * mean(details)).toFixed(1)} %`);
		}
	}
}
