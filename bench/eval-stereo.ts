/**
 * `npm run eval:stereo`: right-view synthesis on the four Middlebury pairs in ../shared/eval/stereo.
 * From left.png and the true disparity (disp_left.png / factor px, 0 = unknown, filled with the farther of
 * the nearest known values on the row), render the right view in exact-disparity mode and compare it with
 * the real right.png: PSNR and SSIM over all pixels and over the disoccluded pixels (right-view pixels no
 * left pixel lands on after a z-buffered forward warp, frame-border band included; one-pixel rounding
 * cracks are closed first, as the README's baseline does).
 *
 * Methods, one row each:
 * - `dibr`: the README's classic baseline re-measured here (forward warp, each hole run on a row copies its
 *   farther end), to check this harness against the README's figures;
 * - `grid`: the software renderer on a one-layer pixel grid cut at disparity steps (no inpainting; its
 *   gaps are filled the same way by the renderer), i.e. the renderer without the LDI engine;
 * - `ldi (inpainter)`: the product path, exactly what `ldi-gltf stereo left.png --depth disp_left.png
 *   --depth-unit px --depth-scale 1/factor --layout right` runs: buildSceneLdi in exact-disparity mode
 *   (src/pipeline/exact-disparity.ts: the map read and its unknowns filled by the supplied-map reader,
 *   depth range from depthRangeForPixelDisparity, exact mode's LDI settings), then the view from
 *   exactDisparityRightCamera drawn from the LDI (renderSceneLdiPair; meshed and rasterized when EVAL_SSAA
 *   is above 1); once with the product's default colour inpainter (coherence) and once with diffusion.
 *
 * Exact mode's settings and the sweep that chose them are in the header of src/pipeline/exact-disparity.ts.
 *
 * Options (environment): EVAL_OUT=dir writes each scene's renders and disocclusion mask there (PNG);
 * EVAL_SSAA=2 renders supersampled; EVAL_INPAINTER=name runs that colour inpainter only;
 * EVAL_EDGE_PX is the disparity step, in pixels, that is a depth edge, EVAL_SIMPLIFY_PX the
 * simplification error in pixels of this parallax (both default to exact mode's defaults);
 * EVAL_FILTER=1 keeps the bilateral median filter; EVAL_SNAP=1 snaps depth edges onto colour edges;
 * EVAL_DEGRADE=3 gives the pipeline the true map made network-like (averaged down ×3, blurred, the near
 * side dilated one sample, upsampled), so that the handling of estimated depth meets a real right view.
 */
import {existsSync} from 'node:fs';
import {mkdir} from 'node:fs/promises';
import {join} from 'node:path';

import sharp from 'sharp';

import {createSuppliedDepthSource} from '../src/depth/supplied.js';
import type {DepthSource} from '../src/depth/source.js';
import {psnr, ssim} from '../src/image/metrics.js';
import type {RgbImage} from '../src/image/raster.js';
import {DEFAULT_COLOR_INPAINTER} from '../src/inpaint/registry.js';
import {pixelsPerLayer} from '../src/ldi/ldi.js';
import {buildSceneLdi} from '../src/pipeline/build-scene.js';
import {EXACT_DISPARITY_DEFAULTS, type ExactDisparityOptions} from '../src/pipeline/exact-disparity.js';
import {renderSceneLdiPair, sceneLdiFrame} from '../src/pipeline/scene-ldi-views.js';
import {photoCamera} from '../src/render/camera.js';
import {gridScene} from '../src/render/grid-scene.js';
import {rgbFromRgba} from '../src/render/layouts.js';
import {renderScene} from '../src/render/rasterize.js';
import {depthRangeForPixelDisparity, exactDisparityRightCamera} from '../src/render/stereo.js';
import {depthFromDisparity, focalLengthPixels, type Scene} from '../src/scene/scene.js';
import {sharedDir} from './common.js';
import {networkLikeDisparity} from '../test/ldi/scenes.js';

const stereoDir = join(sharedDir, 'eval', 'stereo');
const outDir = process.env.EVAL_OUT;
const ssaa = Number(process.env.EVAL_SSAA ?? 1);
const inpainters = process.env.EVAL_INPAINTER ? [process.env.EVAL_INPAINTER] : [DEFAULT_COLOR_INPAINTER, 'diffusion'];
const degradeFactor = Number(process.env.EVAL_DEGRADE ?? 1);
const exactOptions: Partial<ExactDisparityOptions> = {
	filter: process.env.EVAL_FILTER === '1',
	snapEdges: process.env.EVAL_SNAP === '1',
	edgeThresholdPixels: Number(process.env.EVAL_EDGE_PX ?? EXACT_DISPARITY_DEFAULTS.edgeThresholdPixels),
	simplifyErrorPixels: Number(process.env.EVAL_SIMPLIFY_PX ?? EXACT_DISPARITY_DEFAULTS.simplifyErrorPixels),
};

/** The README's scenes, disparity factors and classic DIBR figures (all / disoccluded PSNR, dB). */
const SCENES = [
	{name: 'cones', factor: 4, baseline: [22.25, 14.55]},
	{name: 'teddy', factor: 4, baseline: [25.08, 17.29]},
	{name: 'tsukuba', factor: 16, baseline: [25.76, 18.24]},
	{name: 'venus', factor: 8, baseline: [29.72, 19.56]},
] as const;

/** Baseline of the grid method's cameras, metres: any value works, depths scale with it. */
const BASELINE_METERS = 0.1;

async function readRgb(path: string): Promise<RgbImage> {
	const {data, info} = await sharp(path).removeAlpha().toColourspace('srgb').raw().toBuffer({resolveWithObject: true});
	return {width: info.width, height: info.height, data: new Uint8Array(data)};
}

async function readDisparityPx(path: string, factor: number): Promise<{width: number; height: number; data: Float32Array}> {
	const {data, info} = await sharp(path).extractChannel(0).raw().toBuffer({resolveWithObject: true});
	return {width: info.width, height: info.height, data: Float32Array.from(data, (value) => value / factor)};
}

/** Unknown (0) disparities take the farther (smaller) of the nearest known values on their row; rows with none copy the nearest row. */
function fillUnknown(disparity: Float32Array, width: number, height: number): void {
	const rowKnown = new Uint8Array(height);
	for (let y = 0; y < height; y++) {
		const row = y * width;
		let x = 0;
		while (x < width) {
			if (disparity[row + x] > 0) {
				x++;
				continue;
			}
			const start = x;
			while (x < width && !(disparity[row + x] > 0)) x++;
			const before = start > 0 ? disparity[row + start - 1] : 0;
			const after = x < width ? disparity[row + x] : 0;
			const fill = before > 0 && after > 0 ? Math.min(before, after) : Math.max(before, after);
			if (fill > 0) disparity.fill(fill, row + start, row + x);
		}
		rowKnown[y] = disparity[row] > 0 ? 1 : 0;
	}
	for (let y = 0; y < height; y++) {
		if (rowKnown[y]) continue;
		let nearest = -1;
		for (let distance = 1; distance < height && nearest < 0; distance++) {
			if (y - distance >= 0 && rowKnown[y - distance]) nearest = y - distance;
			else if (y + distance < height && rowKnown[y + distance]) nearest = y + distance;
		}
		if (nearest >= 0) disparity.copyWithin(y * width, nearest * width, (nearest + 1) * width);
	}
}

/**
 * Z-buffered forward warp of the left view: a left pixel (x, y) with disparity d lands on round(x − d).
 * Returns the warped colours, the disparity that won each right pixel (0 = hole), and the disocclusion
 * mask (holes, after closing one-pixel cracks between two landed pixels of similar disparity).
 */
function forwardWarp(left: RgbImage, disparity: Float32Array): {warped: Uint8Array; winner: Float32Array; disoccluded: Uint8Array} {
	const {width, height} = left;
	const warped = new Uint8Array(width * height * 3);
	const winner = new Float32Array(width * height);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const d = disparity[y * width + x];
			const target = Math.round(x - d);
			if (target < 0 || target >= width) continue;
			const t = y * width + target;
			if (d <= winner[t]) continue;
			winner[t] = d;
			warped.set(left.data.subarray((y * width + x) * 3, (y * width + x) * 3 + 3), t * 3);
		}
	}
	const disoccluded = new Uint8Array(width * height);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const t = y * width + x;
			if (winner[t] > 0) continue;
			const l = x > 0 ? winner[t - 1] : 0;
			const r = x + 1 < width ? winner[t + 1] : 0;
			if (l > 0 && r > 0 && Math.abs(l - r) <= 1) {
				winner[t] = Math.min(l, r);
				for (let c = 0; c < 3; c++) warped[t * 3 + c] = (warped[(t - 1) * 3 + c] + warped[(t + 1) * 3 + c] + 1) >> 1;
				continue;
			}
			disoccluded[t] = 1;
		}
	}
	return {warped, winner, disoccluded};
}

/** Classic DIBR hole filling: each hole run on a row copies its farther (smaller-disparity) end. */
function dibrFill(warped: Uint8Array, winner: Float32Array, width: number, height: number): RgbImage {
	const data = warped.slice();
	for (let y = 0; y < height; y++) {
		const row = y * width;
		let x = 0;
		while (x < width) {
			if (winner[row + x] > 0) {
				x++;
				continue;
			}
			const start = x;
			while (x < width && !(winner[row + x] > 0)) x++;
			const before = start > 0 ? row + start - 1 : -1;
			const after = x < width ? row + x : -1;
			const source = before < 0 ? after : after < 0 ? before : winner[before] <= winner[after] ? before : after;
			if (source < 0) continue;
			for (let p = row + start; p < row + x; p++) data.set(data.subarray(source * 3, source * 3 + 3), p * 3);
		}
	}
	return {width, height, data};
}

interface Scores {
	allPsnr: number;
	holesPsnr: number;
	allSsim: number;
	holesSsim: number;
}

function score(rendered: RgbImage, truth: RgbImage, disoccluded: Uint8Array): Scores {
	const {width, height} = truth;
	return {
		allPsnr: psnr(rendered.data, truth.data),
		holesPsnr: psnr(rendered.data, truth.data, {mask: disoccluded}),
		allSsim: ssim(rendered.data, truth.data, {width, height, channels: 3}),
		holesSsim: ssim(rendered.data, truth.data, {width, height, channels: 3, mask: disoccluded}),
	};
}

function exactScene(left: RgbImage, disparityPx: Float32Array, fovYRadians: number): Scene {
	let minPx = Infinity;
	let maxPx = 0;
	for (const d of disparityPx) {
		minPx = Math.min(minPx, d);
		maxPx = Math.max(maxPx, d);
	}
	const focal = focalLengthPixels(left.height, fovYRadians);
	const range = depthRangeForPixelDisparity(minPx, maxPx, focal, BASELINE_METERS);
	const depth = Float32Array.from(disparityPx, (d) => depthFromDisparity((d - minPx) / Math.max(1e-6, maxPx - minPx), range));
	// Depth ratio z1/z2 = d2/d1: a step of more than 1 px at the smallest disparity (a bit more at larger
	// ones) is a depth edge, with no rubber sheet across it.
	return {...gridScene(left, depth, {fovYRadians, maxDepthRatio: 1 + 1 / Math.max(1, minPx)}), depthRange: range};
}

/**
 * The product's exact-disparity path (the stereo command's): the LDI, then the right view drawn from it
 * (renderSceneLdiPair: a sideways warp of the LDI; meshed and rasterized with EVAL_SSAA above 1).
 */
async function ldiRightView(dir: string, factor: number, inpainter: string): Promise<{right: RgbImage; layers: number; viewsFrom: string}> {
	const options = {
		depth: degradeFactor > 1 ? networkLikeSource(join(dir, 'disp_left.png'), degradeFactor) : {depthPath: join(dir, 'disp_left.png')},
		exactDisparity: {...exactOptions, pixelsPerUnit: 1 / factor},
		ldi: {inpainter},
	};
	const built = await buildSceneLdi(join(dir, 'left.png'), options);
	const frame = sceneLdiFrame(built);
	const cameras = {left: photoCamera(frame), right: exactDisparityRightCamera(frame, built.exactDisparity!.baselineMeters)};
	const pair = await renderSceneLdiPair(built, cameras, {ssaa, build: options});
	return {right: rgbFromRgba(pair.right), layers: pixelsPerLayer(built.ldi).length, viewsFrom: pair.viewsFrom};
}

/**
 * The true map as a depth network would give it (test/ldi/scenes.ts networkLikeDisparity: averaged down
 * by `factor`, blurred, near side dilated one sample, upsampled), for measuring the pipeline's handling of
 * estimated depth against a real right view.
 */
function networkLikeSource(path: string, factor: number): DepthSource {
	const truth = createSuppliedDepthSource(path);
	return {
		name: `${truth.name} (network-like ×${factor})`,
		async estimate(photo) {
			const estimate = await truth.estimate(photo);
			const {width, height} = estimate.disparity;
			return {...estimate, disparity: networkLikeDisparity(estimate.disparity, 1, factor), nativeSize: {width: Math.ceil(width / factor), height: Math.ceil(height / factor)}};
		},
	};
}

async function writePng(name: string, image: RgbImage): Promise<string> {
	const path = join(outDir!, name);
	await sharp(image.data, {raw: {width: image.width, height: image.height, channels: 3}}).png().toFile(path);
	return path;
}

function formatScores(scores: Scores): string {
	return `${scores.allPsnr.toFixed(2).padStart(6)} / ${scores.holesPsnr.toFixed(2).padStart(6)}   SSIM ${scores.allSsim.toFixed(3)} / ${scores.holesSsim.toFixed(3)}`;
}

if (!existsSync(stereoDir)) {
	console.log(`eval:stereo skipped: ${stereoDir} is missing (the ../shared data folder is not beside this checkout)`);
	process.exit(0);
}
if (outDir) await mkdir(outDir, {recursive: true});
console.log('PSNR dB all / disoccluded, SSIM all / disoccluded; README classic DIBR baseline beside it');
const gains = new Map(inpainters.map((inpainter) => [inpainter, [] as number[]]));
for (const {name, factor, baseline} of SCENES) {
	const dir = join(stereoDir, name);
	if (!existsSync(join(dir, 'left.png'))) {
		console.log(`${name}: skipped (${dir} is missing)`);
		continue;
	}
	const [left, right, disparity] = await Promise.all([
		readRgb(join(dir, 'left.png')), readRgb(join(dir, 'right.png')), readDisparityPx(join(dir, 'disp_left.png'), factor),
	]);
	const {width, height} = left;
	fillUnknown(disparity.data, width, height);
	const {warped, winner, disoccluded} = forwardWarp(left, disparity.data);
	let holes = 0;
	for (const hole of disoccluded) holes += hole;
	const fovYRadians = 2 * Math.atan(height / 2 / Math.max(width, height));

	const dibr = dibrFill(warped, winner, width, height);
	let start = performance.now();
	const grid = exactScene(left, disparity.data, fovYRadians);
	const gridRender = rgbFromRgba(renderScene(grid, exactDisparityRightCamera(grid, BASELINE_METERS), {ssaa, fillEmptyPixels: Infinity}).image);
	const gridMs = performance.now() - start;
	const dibrScores = score(dibr, right, disoccluded);
	const gridScores = score(gridRender, right, disoccluded);
	console.log(`\n${name} (${width}×${height}, ${holes} disoccluded px = ${((100 * holes) / (width * height)).toFixed(1)} %)`);
	console.log(`  README DIBR       ${baseline[0].toFixed(2).padStart(6)} / ${baseline[1].toFixed(2).padStart(6)}`);
	console.log(`  dibr (here)       ${formatScores(dibrScores)}`);
	console.log(`  grid render       ${formatScores(gridScores)}   (${gridMs.toFixed(0)} ms)`);
	const ldiRenders: RgbImage[] = [];
	for (const inpainter of inpainters) {
		start = performance.now();
		const {right: ldiRender, layers, viewsFrom} = await ldiRightView(dir, factor, inpainter);
		const buildMs = performance.now() - start;
		ldiRenders.push(ldiRender);
		const ldiScores = score(ldiRender, right, disoccluded);
		gains.get(inpainter)!.push(ldiScores.holesPsnr - baseline[1]);
		console.log(`  ldi (${inpainter})`.padEnd(20) + `${formatScores(ldiScores)}   (build and view ${buildMs.toFixed(0)} ms, ${layers} LDI layers, view from the ${viewsFrom})`);
		console.log(`    vs README DIBR: all ${(ldiScores.allPsnr - baseline[0]).toFixed(2)} dB, disoccluded ${(ldiScores.holesPsnr - baseline[1]).toFixed(2)} dB`);
	}
	if (outDir) {
		const mask = {width, height, data: new Uint8Array(width * height * 3)};
		for (let p = 0; p < width * height; p++) mask.data.fill(disoccluded[p] * 255, p * 3, p * 3 + 3);
		const written = await Promise.all([
			...ldiRenders.map((render, k) => writePng(`${name}-ldi-${inpainters[k]}.png`, render)),
			writePng(`${name}-grid.png`, gridRender), writePng(`${name}-dibr.png`, dibr), writePng(`${name}-disoccluded.png`, mask),
		]);
		console.log(`  wrote ${written.join(', ')}`);
	}
}
for (const [inpainter, values] of gains) {
	if (values.length === 0) continue;
	const mean = values.reduce((a, b) => a + b, 0) / values.length;
	console.log(`mean disoccluded-pixel gain of ldi (${inpainter}) over the README DIBR baseline: ${mean.toFixed(2)} dB (goal ≥ 1)`);
}
