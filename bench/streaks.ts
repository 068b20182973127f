/**
 * Rubber-sheet streaks of a sideways move: builds moon, depthy_shelf and depthy_hut with their shared depth
 * maps (`build`'s layered depth image at 1024 px) and warps every layer's row links by ±4 % of the long
 * side per unit of disparity (the move the hidden layers are sized for), nearest surface winning, as
 * src/render/warp-ldi.ts does. A view pixel is a streak when the link that drew it is stretched over more
 * than 1.5 px (of which "wide": over 2 px) and the disparity changes by more than the edge threshold over
 * the three links around it: colour stretched across a depth step, soft or hard, that was not cut. Steep
 * slanted surfaces count too, the same before and after a change of the edges. Prints the share of the
 * view per move; `--save-dir DIR` writes the left move's streaks over the photo (red wide, yellow the rest).
 * Run alone with `node --import=tsx bench/streaks.ts [--save-dir DIR]`.
 */
import {existsSync} from 'node:fs';
import {mkdir} from 'node:fs/promises';
import {join} from 'node:path';

import sharp from 'sharp';

import {LINK_LEFT, LINK_RIGHT, type Ldi, latticeWidth} from '../src/ldi/ldi.js';
import {BUILD_LDI_DEFAULTS} from '../src/ldi/build-ldi.js';
import {buildSceneLdi} from '../src/pipeline/build-scene.js';
import {sharedDir} from './common.js';

const saveIndex = process.argv.indexOf('--save-dir');
const saveDir = saveIndex >= 0 ? process.argv[saveIndex + 1] : undefined;
const threshold = BUILD_LDI_DEFAULTS.thresholdDisparity;
const photos = [
	{name: 'moon', photo: 'moon.jpg', depth: 'moon_depth_midas.png', invert: false},
	{name: 'depthy_shelf', photo: 'depthy_shelf.jpg', depth: 'depthy_shelf_depth.jpg', invert: true},
	{name: 'depthy_hut', photo: 'depthy_hut.jpg', depth: 'depthy_hut_depth.jpg', invert: true},
];

/** Per view pixel of a move of `pixelsPerDisparity`: 0 no streak, 1 a streak, 2 a wide one (into `kind`); returns both shares. */
function streaks(ldi: Ldi, pixelsPerDisparity: number, kind: Uint8Array): {streak: number; wide: number} {
	const {width, height} = ldi;
	const nearest = new Float32Array(width);
	let streak = 0;
	let wide = 0;
	for (let y = 0; y < height; y++) {
		nearest.fill(Number.NEGATIVE_INFINITY);
		warpRow(ldi, y, pixelsPerDisparity, nearest, kind.subarray(y * width, (y + 1) * width));
		for (let i = y * width; i < (y + 1) * width; i++) {
			streak += kind[i] > 0 ? 1 : 0;
			wide += kind[i] > 1 ? 1 : 0;
		}
	}
	return {streak: streak / (width * height), wide: wide / (width * height)};
}

function warpRow(ldi: Ldi, y: number, pixelsPerDisparity: number, nearest: Float32Array, kind: Uint8Array): void {
	const {width, border, x, disparity, links, firstAtPosition, nextAtPosition} = ldi;
	const positions = latticeWidth(ldi);
	const positionStart = (y + border) * positions;
	for (let position = 0; position < positions; position++) {
		for (let p = firstAtPosition[positionStart + position]; p >= 0; p = nextAtPosition[p]) {
			const q = links[4 * p + LINK_RIGHT];
			if (q < 0) continue;
			const xp = x[p] + 0.5 + pixelsPerDisparity * disparity[p];
			const xq = x[q] + 0.5 + pixelsPerDisparity * disparity[q];
			const left = links[4 * p + LINK_LEFT];
			const right = links[4 * q + LINK_RIGHT];
			const step = Math.abs((right >= 0 ? disparity[right] : disparity[q]) - (left >= 0 ? disparity[left] : disparity[p])) > threshold;
			const stretch = Math.abs(xq - xp);
			const label = step && stretch > 1.5 ? (stretch > 2 ? 2 : 1) : 0;
			const first = Math.max(0, Math.ceil(Math.min(xp, xq) - 0.5));
			const end = Math.min(width, Math.ceil(Math.max(xp, xq) - 0.5));
			for (let i = first; i < end; i++) {
				const d = disparity[p] + (disparity[q] - disparity[p]) * ((i + 0.5 - xp) / (xq - xp));
				if (d <= nearest[i]) continue;
				nearest[i] = d;
				kind[i] = label;
			}
		}
	}
}

if (!existsSync(join(sharedDir, 'photos'))) {
	console.log(`skipped: ${sharedDir}/photos is missing`);
} else {
	console.log('share of a sideways view drawn by links stretched across a depth step: over 1.5 px (over 2 px), move left / right by 4 % of the long side');
	for (const c of photos) {
		const built = await buildSceneLdi(join(sharedDir, 'photos', c.photo), {depth: {depthPath: join(sharedDir, 'photos', c.depth), depthInvert: c.invert}});
		const {ldi} = built;
		const parallax = 0.04 * Math.max(ldi.width, ldi.height);
		const leftKind = new Uint8Array(ldi.width * ldi.height);
		const left = streaks(ldi, -parallax, leftKind);
		const right = streaks(ldi, parallax, new Uint8Array(ldi.width * ldi.height));
		const percent = (share: number): string => `${(100 * share).toFixed(3)} %`;
		console.log(`${c.name}: edges kept ${built.ldiStats.edgesKept}; left ${percent(left.streak)} (${percent(left.wide)}), right ${percent(right.streak)} (${percent(right.wide)})`);
		if (saveDir) {
			await mkdir(saveDir, {recursive: true});
			const {image} = built.photo;
			const rgb = new Uint8Array(3 * ldi.width * ldi.height);
			for (let i = 0; i < leftKind.length; i++) {
				// The photo darkened, streaks over it (the LDI is the photo's size unless it is above --ldi-max-size).
				const grey = (image.data[3 * i] + image.data[3 * i + 1] + image.data[3 * i + 2]) / 6;
				rgb[3 * i] = leftKind[i] > 0 ? 255 : grey;
				rgb[3 * i + 1] = leftKind[i] === 1 ? 200 : leftKind[i] === 2 ? 0 : grey;
				rgb[3 * i + 2] = leftKind[i] > 0 ? 0 : grey;
			}
			await sharp(rgb, {raw: {width: ldi.width, height: ldi.height, channels: 3}}).png().toFile(join(saveDir, `${c.name}-streaks-left.png`));
		}
	}
}
