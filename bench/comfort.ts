/**
 * Comfort-range benchmark: builds moon, depthy_shelf and depthy_hut with their shared depth maps (the
 * `build` defaults at `--max-size`, 1024 unless told), renders each .glb in three.js (headless Chromium,
 * the browser tests' harness) from the photo's camera and from the edges of the stored comfort range
 * (sideways, vertical, forward and back, orbit left/right/up/down: the viewer's own poses), and prints
 * the empty pixels of each view, PSNR at rest, the LDI stage's CPU, triangles and .glb size.
 * `--before` builds with the sizing of the previous revision (64-px border, 4 % parallax, no backdrop)
 * and renders the same poses. Run alone with
 * `node --import=tsx bench/comfort.ts [--before] [--max-size N] [--photos moon,depthy_hut] [--save-dir DIR]`.
 */
import {existsSync} from 'node:fs';
import {mkdir, writeFile} from 'node:fs/promises';
import {join} from 'node:path';

import {encodeRgbaPng} from '../src/image/encode.js';
import {psnr} from '../src/image/metrics.js';
import {buildScene, type BuildSceneOptions} from '../src/pipeline/build-scene.js';
import {encodeScene} from '../src/pipeline/encode-scene.js';
import {comfortPose} from '../src/scene/comfort-range.js';
import {countTransparentPixels, rgbFromRgba} from '../test/browser/pixels.js';
import {BrowserHarness} from '../test/browser/three-harness.js';
import {sharedDir} from './common.js';

const argument = (name: string): string | undefined => {
	const i = process.argv.indexOf(name);
	return i >= 0 ? process.argv[i + 1] : undefined;
};
const before = process.argv.includes('--before');
const maxSize = Number(argument('--max-size') ?? 1024);
const only = argument('--photos')?.split(',');
const saveDir = argument('--save-dir');

/** The previous revision's sizing: what `build` did before the comfort range sized the LDI. */
export const BEFORE_OPTIONS: Partial<BuildSceneOptions> = {ldi: {borderPixels: 64, maxParallaxPercent: 4}, mesh: {backdrop: false}};

const photos = [
	{name: 'moon', photo: 'moon.jpg', depth: 'moon_depth_midas.png', invert: false},
	{name: 'depthy_shelf', photo: 'depthy_shelf.jpg', depth: 'depthy_shelf_depth.jpg', invert: true},
	{name: 'depthy_hut', photo: 'depthy_hut.jpg', depth: 'depthy_hut_depth.jpg', invert: true},
].filter((c) => !only || only.includes(c.name));

/** The poses measured: viewer input (x right, y up, z forward) and motion. */
export const COMFORT_MOVES: Array<{name: string; input: [number, number, number]; motion: 'parallax' | 'orbit'}> = [
	{name: 'left', input: [-1, 0, 0], motion: 'parallax'},
	{name: 'right', input: [1, 0, 0], motion: 'parallax'},
	{name: 'down', input: [0, -1, 0], motion: 'parallax'},
	{name: 'up', input: [0, 1, 0], motion: 'parallax'},
	{name: 'forward', input: [0, 0, 1], motion: 'parallax'},
	{name: 'back', input: [0, 0, -1], motion: 'parallax'},
	{name: 'orbit-left', input: [-1, 0, 0], motion: 'orbit'},
	{name: 'orbit-right', input: [1, 0, 0], motion: 'orbit'},
	{name: 'orbit-down', input: [0, -1, 0], motion: 'orbit'},
	{name: 'orbit-up', input: [0, 1, 0], motion: 'orbit'},
];

if (!existsSync(join(sharedDir, 'photos'))) {
	console.log(`skipped: ${sharedDir}/photos is missing`);
} else {
	const harness = await BrowserHarness.start();
	try {
		console.log(`${before ? 'BEFORE (64-px border, 4 % parallax, no backdrop)' : 'default build'}, --max-size ${maxSize}; empty pixels per view (of width × height)`);
		for (const c of photos) {
			const built = await buildScene(join(sharedDir, 'photos', c.photo), {
				photo: {maxSize},
				depth: {depthPath: join(sharedDir, 'photos', c.depth), depthInvert: c.invert},
				...(before ? BEFORE_OPTIONS : {}),
				...(process.argv.includes('--old-sizing') ? {ldi: BEFORE_OPTIONS.ldi} : {}),
				...(process.argv.includes('--no-backdrop') ? {mesh: {backdrop: false}} : {}),
			});
			const files = await encodeScene(built.scene, {toolVersion: 'bench', sourceFile: c.photo, depthSource: 'supplied'}, c.name);
			const glb = files.get(`${c.name}.glb`) as Uint8Array;
			const range = built.scene.comfortRange;
			if (!range) throw new Error('the scene has no comfort range');
			const {width, height} = built.photo.image;
			const background: [number, number, number, number] = [255, 0, 255, 0];
			const rest = await harness.renderGlbInBrowser(glb, {width, height, background});
			const restDb = psnr(rgbFromRgba(rest).data, built.photo.image.data, {channels: 3});
			const cpu = built.ldiStats.cpuTimingsMs.total;
			console.log(`${c.name} ${width}x${height}: border ${built.ldiStats.borderPixels} px, layers ${built.ldiStats.pixelsPerLayer.join(' ')}; LDI CPU ${cpu.toFixed(0)} ms; `
				+ `${built.meshStats.triangles} triangles; ${(glb.length / 1e6).toFixed(2)} MB; rest ${restDb.toFixed(2)} dB, ${countTransparentPixels(rest)} empty; `
				+ `range ${range.lateralMeters.toFixed(3)}/${range.verticalMeters.toFixed(3)}/${range.forwardMeters.toFixed(3)} m, ${range.orbitDegrees}° about ${range.orbitPivotMeters.toFixed(2)} m`);
			const row: string[] = [];
			for (const move of COMFORT_MOVES) {
				const pose = comfortPose(range, ...move.input, move.motion);
				const image = await harness.renderGlbInBrowser(glb, {width, height, background, cameraRelativePose: pose});
				const empty = countTransparentPixels(image);
				row.push(`${move.name} ${empty} (${(100 * empty / (width * height)).toFixed(2)} %)`);
				if (saveDir) {
					await mkdir(saveDir, {recursive: true});
					await writeFile(join(saveDir, `${c.name}-${before ? 'before' : 'after'}-${move.name}.png`), await encodeRgbaPng(image));
				}
			}
			console.log(`  ${row.join(', ')}`);
		}
	} finally {
		await harness.close();
	}
}
