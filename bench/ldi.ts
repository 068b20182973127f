/**
 * LDI engine benchmark: per stage (filter, edges, regions, inpaint, merge) CPU and wall milliseconds,
 * inpainting calls and crop area, hidden-layer pixels and peak RSS of buildLdi on the shared photos with
 * their real depth maps at 1024 px, and on a 4096-px upscale of one. Each 1024-px case runs `--runs`
 * times (default 3) in one process and the run with the median total CPU is printed: the first run of a
 * process pays V8's compilation of the engine (up to 2× the CPU of a warm run). Photos come from
 * ../shared (skipped with a message when absent). Run alone with
 * `node --import=tsx --expose-gc bench/ldi.ts [--inpainter coherence|patch|diffusion] [--large-inpainter NAME] [--debug-dir DIR]
 * [--runs N] [--paper-regions] [--no-snap] [--no-4k]`; the depth map's own size sets the edge snapping's zone.
 */
import {existsSync} from 'node:fs';
import {join} from 'node:path';

import sharp from 'sharp';

import type {FloatImage, RgbImage} from '../src/image/raster.js';
import {DEFAULT_COLOR_INPAINTER} from '../src/inpaint/registry.js';
import {writeDebugImages} from '../src/io/debug-dir.js';
import {type BuildLdiResult, buildLdi, PAPER_REGION_OPTIONS} from '../src/ldi/build-ldi.js';
import {sharedDir} from './common.js';

const argument = (name: string): string | undefined => {
	const i = process.argv.indexOf(name);
	return i >= 0 ? process.argv[i + 1] : undefined;
};
const inpainter = argument('--inpainter') ?? DEFAULT_COLOR_INPAINTER;
// Patch synthesis over a 4096-px photo's regions takes many minutes on 2 cores; the upscale measures the
// engine's own stages and memory, so it uses the diffusion inpainter unless told otherwise.
const largeInpainter = argument('--large-inpainter') ?? 'diffusion';
const debugDir = argument('--debug-dir');
const runs = Math.max(1, Number(argument('--runs') ?? 3));
const regionOptions = process.argv.includes('--paper-regions') ? PAPER_REGION_OPTIONS : {};
const snapEdgesToColor = !process.argv.includes('--no-snap');

interface Case {
	name: string;
	photo: string;
	depth: string;
	nearIsBright: boolean;
	longSide: number;
	inpainter: string;
}

const cases: Case[] = [
	{name: 'moon', photo: 'moon.jpg', depth: 'moon_depth_midas.png', nearIsBright: true, longSide: 1024, inpainter},
	{name: 'depthy_shelf', photo: 'depthy_shelf.jpg', depth: 'depthy_shelf_depth.jpg', nearIsBright: false, longSide: 1024, inpainter},
	{name: 'depthy_hut', photo: 'depthy_hut.jpg', depth: 'depthy_hut_depth.jpg', nearIsBright: false, longSide: 1024, inpainter},
];
if (!process.argv.includes('--no-4k')) cases.push({...cases[0], name: `moon 4096 ${largeInpainter}`, longSide: 4096, inpainter: largeInpainter});

async function load(c: Case): Promise<{image: RgbImage; disparity: FloatImage; depthSampleSpacingPixels: number}> {
	const photo = await sharp(join(sharedDir, 'photos', c.photo))
		.resize({width: c.longSide, height: c.longSide, fit: 'inside'})
		.removeAlpha().raw().toBuffer({resolveWithObject: true});
	const {width, height} = photo.info;
	const map = await sharp(join(sharedDir, 'photos', c.depth)).metadata();
	const depthSampleSpacingPixels = Math.max(1, width / (map.width ?? width), height / (map.height ?? height));
	const depth = await sharp(join(sharedDir, 'photos', c.depth))
		.resize(width, height, {fit: 'fill'})
		.toColourspace('grey16').raw({depth: 'ushort'}).toBuffer({resolveWithObject: true});
	const grey = new Uint16Array(depth.data.buffer, depth.data.byteOffset, width * height);
	const disparity = new Float32Array(width * height);
	for (let i = 0; i < disparity.length; i++) disparity[i] = c.nearIsBright ? grey[i] : 65535 - grey[i];
	return {image: {width, height, data: new Uint8Array(photo.data.buffer, photo.data.byteOffset, width * height * 3)}, disparity: {width, height, data: disparity}, depthSampleSpacingPixels};
}

if (!existsSync(join(sharedDir, 'photos'))) {
	console.log(`skipped: ${sharedDir}/photos is missing`);
} else {
	console.log(`buildLdi, inpainter ${inpainter} (4096 px: ${largeInpainter}), passes 2, border on, ${regionOptions === PAPER_REGION_OPTIONS ? 'paper' : 'parallax-sized'} regions; median of ${runs} runs by total CPU (4096 px: 1 run)`);
	console.log('CPU ms per stage (user + system, all threads: the fair figure on a busy machine), wall ms of the whole call; peak RSS of the process so far');
	console.log('case                  size       filter  edges regions inpaint  merge  cpu ms  wall ms  calls  crop Mpx  edges kept/found  pixels per layer                 peak RSS');
	for (const c of cases) {
		const {image, disparity, depthSampleSpacingPixels} = await load(c);
		const gc = (globalThis as {gc?: () => void}).gc;
		const results: BuildLdiResult[] = [];
		for (let run = 0; run < (c.longSide > 1024 ? 1 : runs); run++) {
			gc?.();
			results.push(await buildLdi(image, disparity, {
				inpainter: c.inpainter, debug: debugDir !== undefined && run === 0, snapEdgesToColor, depthSampleSpacingPixels, ...regionOptions,
			}));
		}
		const {debug} = results[0];
		if (debug && debugDir) await writeDebugImages(join(debugDir, c.name.replace(/\s+/g, '-')), debug);
		results.sort((a, b) => a.stats.cpuTimingsMs.total - b.stats.cpuTimingsMs.total);
		const {stats} = results[Math.floor(results.length / 2)];
		const t = stats.cpuTimingsMs;
		const row = [
			c.name.padEnd(20),
			`${image.width}x${image.height}`.padEnd(10),
			t.filter.toFixed(0).padStart(6), t.edges.toFixed(0).padStart(6), t.regions.toFixed(0).padStart(7),
			t.inpaint.toFixed(0).padStart(7), t.merge.toFixed(0).padStart(6), t.total.toFixed(0).padStart(7),
			stats.timingsMs.total.toFixed(0).padStart(8),
			String(stats.inpaintCalls).padStart(6),
			(stats.inpaintCropPixels / 1e6).toFixed(2).padStart(9),
			`${stats.edgesKept}/${stats.edgesFound}`.padStart(17),
			`  ${stats.pixelsPerLayer.join(' ')}`.padEnd(33),
			`${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
		];
		console.log(row.join(' '));
	}
}
