/**
 * Inpainter benchmark: milliseconds of depth inpainting and of each colour inpainter on a 1024-px-scale
 * problem (a 200×300 crop with a 60×300 synthesis band, as the LDI engine hands one depth edge over),
 * on generated textures and on a crop of a real photo from ../shared (skipped when absent), with the
 * texture scores the tests use; then the engine's real workload: every region buildLdi hands the
 * inpainters on moon.jpg at 1024 px (recorded once, then replayed through each inpainter), in CPU ms and
 * ns per synthesized pixel. Run alone with `node --import=tsx bench/inpaint.ts [--runs N] [--no-engine]`.
 */
import {existsSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

import sharp from 'sharp';

import {diffuseColor} from '../src/inpaint/diffusion.js';
import {inpaintDisparity} from '../src/inpaint/depth.js';
import type {ColorInpainter, InpaintRegion} from '../src/inpaint/inpainter.js';
import {buildLdi} from '../src/ldi/build-ldi.js';
import {getColorInpainter} from '../src/inpaint/registry.js';
import {buildModel} from '../test/fixtures/onnx-builder.js';
import {makeBandScene, scoreBand, type BandScene} from '../test/inpaint/scenes.js';
import {sharedDir} from './common.js';

const runsIndex = process.argv.indexOf('--runs');
const runs = runsIndex >= 0 ? Number(process.argv[runsIndex + 1]) : 7;

/**
 * Median wall-clock and CPU milliseconds of `runs` calls after two warm-up calls, and the last result.
 * CPU time is reported too because the machines this runs on are often shared: wall time then grows with
 * the load, CPU time much less.
 */
async function time<T>(run: () => Promise<T> | T): Promise<{ms: number; cpuMs: number; result: T}> {
	let result = await run();
	await run();
	const wall: number[] = [];
	const cpu: number[] = [];
	for (let i = 0; i < runs; i++) {
		const started = performance.now();
		const cpuStarted = process.cpuUsage();
		result = await run();
		const used = process.cpuUsage(cpuStarted);
		wall.push(performance.now() - started);
		cpu.push((used.user + used.system) / 1000);
	}
	const median = (values: number[]): number => values.sort((a, b) => a - b)[values.length >> 1];
	return {ms: median(wall), cpuMs: median(cpu), result};
}

/** A stand-in network (the hole filled with mid-grey) so the figure is the inpainter's own overhead. */
function greyFillModel(): Uint8Array {
	return buildModel({
		inputs: [
			{name: 'image', shape: [1, 3, 'height', 'width']},
			{name: 'mask', shape: [1, 1, 'height', 'width']},
		],
		outputs: [{name: 'output', shape: [1, 3, 'height', 'width']}],
		initializers: [
			{name: 'one', dims: [], values: [1]},
			{name: 'grey', dims: [], values: [0.5]},
		],
		nodes: [
			{opType: 'Sub', inputs: ['one', 'mask'], outputs: ['keep']},
			{opType: 'Mul', inputs: ['image', 'keep'], outputs: ['kept']},
			{opType: 'Mul', inputs: ['mask', 'grey'], outputs: ['filled']},
			{opType: 'Add', inputs: ['kept', 'filled'], outputs: ['output']},
		],
	});
}

const scenes: Array<[string, BandScene]> = [
	['stripes', makeBandScene({texture: 'stripes'})],
	['noise', makeBandScene({texture: 'noise'})],
];
const photoPath = join(sharedDir, 'photos', 'da2_demo08.jpg');
if (existsSync(photoPath)) {
	const {data, info} = await sharp(photoPath).removeAlpha().raw().toBuffer({resolveWithObject: true});
	scenes.push(['photo da2_demo08', makeBandScene({photo: {data: new Uint8Array(data), width: info.width, left: 430, top: 120}})]);
} else {
	console.log(`(skipped the photo crop: ${photoPath} is missing)`);
}

const modelDirectory = mkdtempSync(join(tmpdir(), 'ldi-bench-inpaint-'));
const modelPath = join(modelDirectory, 'grey-fill.onnx');
writeFileSync(modelPath, greyFillModel());

console.log(`200×300 crop, 60×300 synthesis band (18 000 pixels), median of ${runs} runs`);
console.log('scene              step     wall ms  CPU ms  per-pixel MAE  local-contrast error  contrast ratio');
try {
	for (const [name, scene] of scenes) {
		const region: InpaintRegion = scene.region;
		const depth = await time(() => inpaintDisparity(region));
		console.log(`${name.padEnd(18)} depth     ${depth.ms.toFixed(1).padStart(6)}  ${depth.cpuMs.toFixed(1).padStart(6)}`);
		region.disparity = depth.result;
		for (const inpainterName of ['diffusion', 'coherence', 'patch', 'onnx']) {
			const inpainter = getColorInpainter(inpainterName, {modelPath});
			const {ms, cpuMs, result} = await time(() => inpainter.inpaintColor(region));
			const scores = scoreBand(result, scene.truthColor, region.synthesisMask, region.width, region.height);
			console.log(
				`${name.padEnd(18)} ${inpainterName.padEnd(9)} ${ms.toFixed(1).padStart(6)}  ${cpuMs.toFixed(1).padStart(6)}` +
					`    ${scores.meanAbsoluteError.toFixed(1).padStart(8)}       ${scores.localContrastError.toFixed(1).padStart(8)}` +
					`              ${scores.contrastRatio.toFixed(2).padStart(5)}`,
			);
		}
	}
} finally {
	rmSync(modelDirectory, {recursive: true, force: true});
}

/** Every region (depth already inpainted) buildLdi hands its colour inpainter on moon.jpg + its depth at 1024 px. */
async function recordEngineRegions(): Promise<InpaintRegion[] | undefined> {
	const photoFile = join(sharedDir, 'photos', 'moon.jpg');
	const depthFile = join(sharedDir, 'photos', 'moon_depth_midas.png');
	if (!existsSync(photoFile) || !existsSync(depthFile)) {
		console.log(`(skipped the engine workload: ${photoFile} or its depth map is missing)`);
		return undefined;
	}
	const photo = await sharp(photoFile).resize({width: 1024, height: 1024, fit: 'inside'}).removeAlpha().raw().toBuffer({resolveWithObject: true});
	const {width, height} = photo.info;
	const depth = await sharp(depthFile).resize(width, height, {fit: 'fill'}).toColourspace('grey16').raw({depth: 'ushort'}).toBuffer({resolveWithObject: true});
	const grey = new Uint16Array(depth.data.buffer, depth.data.byteOffset, width * height);
	const regions: InpaintRegion[] = [];
	const recorder: ColorInpainter = {
		name: 'recorder',
		async inpaintColor(region) {
			regions.push({
				...region,
				color: Uint8Array.from(region.color),
				disparity: Float32Array.from(region.disparity),
				contextMask: Uint8Array.from(region.contextMask),
				synthesisMask: Uint8Array.from(region.synthesisMask),
				disparityCeiling: Float32Array.from(region.disparityCeiling),
			});
			return diffuseColor(region);
		},
	};
	const image = {width, height, data: new Uint8Array(photo.data.buffer, photo.data.byteOffset, width * height * 3)};
	await buildLdi(image, {width, height, data: Float32Array.from(grey)}, {inpainter: recorder});
	return regions;
}

/** Smallest CPU milliseconds of `runs` passes over all regions (after one warm-up pass). */
async function cpuOverRegions(regions: InpaintRegion[], run: (region: InpaintRegion) => Promise<unknown> | unknown): Promise<number> {
	for (const region of regions) await run(region);
	let best = Infinity;
	for (let i = 0; i < runs; i++) {
		const started = process.cpuUsage();
		for (const region of regions) await run(region);
		const used = process.cpuUsage(started);
		best = Math.min(best, (used.user + used.system) / 1000);
	}
	return best;
}

if (!process.argv.includes('--no-engine')) {
	const regions = await recordEngineRegions();
	if (regions) {
		let synthesisPixels = 0;
		let cropPixels = 0;
		for (const region of regions) {
			cropPixels += region.width * region.height;
			for (const inside of region.synthesisMask) synthesisPixels += inside;
		}
		console.log(`\nengine workload, moon.jpg at 1024 px: ${regions.length} regions, ${synthesisPixels} synthesis pixels in ${cropPixels} crop pixels; least CPU ms of ${runs} passes`);
		console.log('step        CPU ms  ns per synthesized pixel');
		const rows: Array<[string, (region: InpaintRegion) => Promise<unknown> | unknown]> = [
			['depth', (region) => inpaintDisparity(region)],
			['diffusion', (region) => getColorInpainter('diffusion').inpaintColor(region)],
			['coherence', (region) => getColorInpainter('coherence').inpaintColor(region)],
			['patch', (region) => getColorInpainter('patch').inpaintColor(region)],
			// The same without the low-frequency correction (src/inpaint/patch.ts): what the correction costs.
			['patch -lf', (region) => getColorInpainter('patch', {lowFrequencyRadius: 0}).inpaintColor(region)],
		];
		for (const [name, run] of rows.filter(([name]) => !process.env.BENCH_ROWS || process.env.BENCH_ROWS.split(',').includes(name))) {
			const cpuMs = await cpuOverRegions(regions, run);
			console.log(`${name.padEnd(10)} ${cpuMs.toFixed(0).padStart(7)}  ${((cpuMs * 1e6) / synthesisPixels).toFixed(0).padStart(8)}`);
		}
	}
}
