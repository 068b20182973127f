/**
 * Software renderer benchmark: one 1024×768 view and one stereo pair of
 * - a dense grid scene (a generated 1024×768 photo, one vertex per pixel: 786k vertices, 1.57M
 *   triangles — the worst case, no simplification), and
 * - a built scene: moon.jpg and its MiDaS depth at 1024 px through ldiFromImage + ldiToScene (the
 *   simplified photo layer; no inpainting), when ../shared is present.
 * Prints the median of 7 runs after one warm-up; the first render of a scene also builds its cached
 * mesh-boundary table, reported apart.
 *
 * Run: node --import=tsx bench/render.ts   (targets: a view ≤ 150 ms, a stereo pair ≤ 300 ms)
 */
import {existsSync} from 'node:fs';
import {cpus, loadavg} from 'node:os';
import {join} from 'node:path';

import {buildScene} from '../src/pipeline/build-scene.js';
import {gridScene} from '../src/render/grid-scene.js';
import {renderScene} from '../src/render/rasterize.js';
import {renderStereo, stereoCameras} from '../src/render/stereo.js';
import type {Scene} from '../src/scene/scene.js';
import {sharedDir} from './common.js';

const RUNS = 7;
const FOV_Y = 2 * Math.atan(0.5 * 768 / 1024);

/** Median wall-clock and CPU (user + system) milliseconds of `run`: CPU time stays meaningful on a busy machine. */
function medianMs(run: () => void): {wall: number; cpu: number} {
	run();
	const wall: number[] = [];
	const cpu: number[] = [];
	for (let i = 0; i < RUNS; i++) {
		const cpuStart = process.cpuUsage();
		const start = performance.now();
		run();
		wall.push(performance.now() - start);
		const used = process.cpuUsage(cpuStart);
		cpu.push((used.user + used.system) / 1000);
	}
	wall.sort((a, b) => a - b);
	cpu.sort((a, b) => a - b);
	return {wall: wall[RUNS >> 1], cpu: cpu[RUNS >> 1]};
}

function format({wall, cpu}: {wall: number; cpu: number}): string {
	return `${wall.toFixed(0)} ms (CPU ${cpu.toFixed(0)} ms)`;
}

function report(name: string, scene: Scene): void {
	const triangles = scene.layers.reduce((sum, layer) => sum + layer.indices.length / 3, 0);
	const vertices = scene.layers.reduce((sum, layer) => sum + layer.positions.length / 3, 0);
	const {right} = stereoCameras(scene, {eyes: 'both'});
	const start = performance.now();
	renderScene(scene, right);
	const firstMs = performance.now() - start;
	const viewMs = medianMs(() => renderScene(scene, right));
	const pairMs = medianMs(() => renderStereo(scene));
	const ssaaMs = medianMs(() => renderScene(scene, right, {ssaa: 2}));
	console.log(`${name}: ${scene.camera.width}×${scene.camera.height}, ${scene.layers.length} layer(s), ${vertices} vertices, ${triangles} triangles`);
	console.log(`  first view (incl. boundary table) ${firstMs.toFixed(0)} ms; view ${format(viewMs)} (target ≤ 150); stereo pair ${format(pairMs)} (target ≤ 300); view at ssaa 2 ${format(ssaaMs)}`);
	console.log(`  load average while measuring: ${loadavg()[0].toFixed(1)} on ${cpus().length} cores`);
}

function denseGridScene(): Scene {
	const width = 1024;
	const height = 768;
	const data = new Uint8Array(width * height * 3);
	const depth = new Float32Array(width * height);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const i = y * width + x;
			data[i * 3] = x & 255;
			data[i * 3 + 1] = y & 255;
			data[i * 3 + 2] = (x ^ y) & 255;
			depth[i] = 2 + Math.sin(x / 60) * 0.5 + Math.cos(y / 45) * 0.4;
		}
	}
	return gridScene({width, height, data}, depth, {fovYRadians: FOV_Y});
}

async function builtScene(): Promise<Scene | undefined> {
	const photoPath = join(sharedDir, 'photos', 'moon.jpg');
	const depthPath = join(sharedDir, 'photos', 'moon_depth_midas.png');
	if (!existsSync(photoPath) || !existsSync(depthPath)) {
		console.log(`built scene: skipped (${photoPath} or its depth map is missing)`);
		return undefined;
	}
	const {scene} = await buildScene(photoPath, {depth: {depthPath}});
	return scene;
}

report('dense grid scene', denseGridScene());
const built = await builtScene();
if (built) report('built scene (moon.jpg + MiDaS depth, buildScene: all layers)', built);
