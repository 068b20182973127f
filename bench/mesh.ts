/**
 * Mesh + glTF benchmark: triangulate / simplify / textures / glTF document / optimize+write timings
 * (wall ms per step, CPU ms of the process for the whole), triangle counts (lattice → planar pre-merge →
 * meshoptimizer) and .glb bytes for moon.jpg (+ its MiDaS depth, bright = near) and the depthy shelf and
 * hut photos (their depth maps are dark = near, so inverted) at 1024 px, through ldiFromImage.
 *
 * Run: node --import=tsx bench/mesh.ts   (needs ../shared; prints one block per photo)
 * Environment: MAX_SIZE (default 1024); CASES=n (first n photos); LDI=build (inpainted LDI from
 * buildLdi instead of ldiFromImage); SWIM_WEIGHTS=0,0.003,… (also simplify layer 0 with each texture
 * swim weight and print triangles, measured parallax error, texture swim and swim PSNR; default: the
 * default weight).
 */
import {existsSync} from 'node:fs';
import {availableParallelism, loadavg} from 'node:os';
import {join} from 'node:path';

import {sceneToDocument} from '../src/gltf/document.js';
import {optimizeDocument} from '../src/gltf/optimize.js';
import {readSceneFromGlb} from '../src/gltf/read.js';
import {writeGlb} from '../src/gltf/write.js';
import {psnr} from '../src/image/metrics.js';
import {buildLdi} from '../src/ldi/build-ldi.js';
import {ldiFromImage} from '../src/ldi/ldi.js';
import {defaultDepthRange, ldiToScene} from '../src/mesh/build-scene-mesh.js';
import {measureLayerError} from '../src/mesh/measure-error.js';
import {resolveParallaxRangePixels, SIMPLIFY_DEFAULTS, simplifyLayers} from '../src/mesh/simplify.js';
import {triangulateLdi} from '../src/mesh/triangulate.js';
import {loadPhotoWithDepth} from '../test/gltf/fixtures.js';
import {sharedDir} from './common.js';


const CASES = [
	{photo: 'moon.jpg', depth: 'moon_depth_midas.png', nearIsBright: true},
	{photo: 'depthy_shelf.jpg', depth: 'depthy_shelf_depth.jpg', nearIsBright: false},
	{photo: 'depthy_hut.jpg', depth: 'depthy_hut_depth.jpg', nearIsBright: false},
];


/** Fraction of texels with alpha 255 (texels some vertex samples). */
function opaqueFraction(rgba: Uint8Array): number {
	let opaque = 0;
	for (let i = 3; i < rgba.length; i += 4) if (rgba[i] === 255) opaque++;
	return opaque / (rgba.length / 4);
}

function rgbOf(rgba: Uint8Array): Uint8Array {
	const rgb = new Uint8Array(rgba.length / 4 * 3);
	for (let i = 0, o = 0; i < rgba.length; i += 4, o += 3) rgb.set(rgba.subarray(i, i + 3), o);
	return rgb;
}

const maxSize = Number(process.env.MAX_SIZE ?? 1024);
const swimWeights = (process.env.SWIM_WEIGHTS ?? String(SIMPLIFY_DEFAULTS.textureSwimWeight)).split(',').filter(Boolean).map(Number);
for (const {photo, depth, nearIsBright} of CASES.slice(0, Number(process.env.CASES ?? 3))) {
	if (!existsSync(join(sharedDir, 'photos', photo))) {
		console.log(`${photo}: skipped (${sharedDir} is missing)`);
		continue;
	}
	const {image, disparity} = await loadPhotoWithDepth(join(sharedDir, 'photos', photo), join(sharedDir, 'photos', depth), nearIsBright, maxSize);
	const built = process.env.LDI === 'build' ? await buildLdi(image, disparity) : undefined;
	const ldi = built ? built.ldi : ldiFromImage(image, disparity);
	for (const weight of swimWeights) {
		const range = defaultDepthRange();
		const camera = {width: image.width, height: image.height, fovYRadians: 2 * Math.atan(0.5)};
		const [layer] = await simplifyLayers(ldi, triangulateLdi(ldi).slice(0, 1), camera, range, {textureSwimWeight: weight});
		const error = measureLayerError(ldi, layer, range, resolveParallaxRangePixels(image.width, image.height, 0));
		console.log(`${photo} layer 0, swim weight ${weight}: ${layer.mergedTriangles} pre-merged -> ${layer.indices.length / 3} triangles, parallax ${error.parallaxPixels.toFixed(2)} px, swim ${error.swimPixels.toFixed(2)} px, swim PSNR ${error.swimPsnr.toFixed(1)} dB`);
	}
	const cpuStart = process.cpuUsage();
	// The frame border meshed as the product does (built LDIs only).
	const {scene, stats} = await ldiToScene(ldi, {fovYRadians: 2 * Math.atan(0.5)}, defaultDepthRange(), {borderLayerIndex: built?.stats.borderLayerIndex ?? -1});
	const meshCpu = process.cpuUsage(cpuStart);
	let start = performance.now();
	const document = await sceneToDocument(scene, {toolVersion: 'bench', sourceFile: photo, depthSource: 'supplied', depthFile: depth, layerStats: stats.layers});
	const documentMs = performance.now() - start;
	start = performance.now();
	const glb = await writeGlb(await optimizeDocument(document));
	const writeMs = performance.now() - start;
	const cpu = process.cpuUsage(cpuStart);
	const back = await readSceneFromGlb(glb);
	const texturePsnr = psnr(rgbOf(back.layers[0].texture.data), rgbOf(scene.layers[0].texture.data));
	const cpuMs = (cpu.user + cpu.system) / 1000;
	const trianglesBefore = stats.layers.reduce((sum, layer) => sum + layer.trianglesBeforeSimplify, 0);
	const verticesBefore = stats.layers.reduce((sum, layer) => sum + layer.verticesBeforeSimplify, 0);
	console.log([
		`${photo} ${image.width}x${image.height}`,
		`  wall: triangulate ${stats.triangulateMs.toFixed(0)} ms, simplify ${stats.simplifyMs.toFixed(0)} ms, textures ${stats.texturesMs.toFixed(0)} ms, glTF document (texture encode) ${documentMs.toFixed(0)} ms, optimize+write ${writeMs.toFixed(0)} ms`,
		`  CPU: mesh ${((meshCpu.user + meshCpu.system) / 1000).toFixed(0)} ms, mesh + glTF ${cpuMs.toFixed(0)} ms (load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores)`,
		`  ${stats.layers.length} layers, triangles ${trianglesBefore} -> ${stats.layers.reduce((sum, layer) => sum + layer.trianglesAfterPlanarMerge, 0)} (planar pre-merge) -> ${stats.triangles}, vertices ${verticesBefore} -> ${stats.vertices}`,
		`  textures (size, charts, texels in use) ${scene.layers.map((layer, i) => `${layer.texture.width}x${layer.texture.height} ${stats.layers[i].chartCount} ${(100 * opaqueFraction(layer.texture.data)).toFixed(0)}%`).join(', ')}`,
		`  .glb ${glb.byteLength} bytes; layer-0 texture after encoding: ${texturePsnr.toFixed(1)} dB PSNR`,
	].join('\n'));
}
