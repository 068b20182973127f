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
 * Options (environment): EVAL_INPAINTER=a,b runs those inpainters (default: every built-in one but onnx).
 */
import {existsSync, readdirSync} from 'node:fs';
import {join} from 'node:path';

import sharp from 'sharp';

import {psnr} from '../src/image/metrics.js';
import {createInpaintRegion} from '../src/inpaint/inpainter.js';
import {getColorInpainter} from '../src/inpaint/registry.js';
import {sharedDir} from './common.js';

const size = Number(process.env.EVAL_SIZE ?? 640);
const inpainterNames = (process.env.EVAL_INPAINTER ?? 'coherence,diffusion,patch').split(',');
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

const all = existsSync(join(sharedDir, 'photos')) && existsSync(join(sharedDir, 'eval', 'stereo')) ? await pictures() : undefined;
if (!all) {
	console.log(`eval:border skipped: ${sharedDir} (photos, eval/stereo) is missing`);
} else {
	const sides: Side[] = ['top', 'bottom', 'left', 'right'];
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
	for (const [name, scores] of totals) {
		console.log(`mean over ${scores.length} strips, ${name}: ${(scores.reduce((a, b) => a + b, 0) / scores.length).toFixed(2)} dB`);
	}
}
