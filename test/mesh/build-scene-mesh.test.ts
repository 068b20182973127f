import assert from 'node:assert/strict';

import {defaultDepthRange, ldiToScene} from '../../src/mesh/build-scene-mesh.js';
import {psnr} from '../../src/image/metrics.js';
import {photoCamera} from '../../src/render/camera.js';
import {renderScene} from '../../src/render/rasterize.js';
import {focalLengthPixels} from '../../src/scene/scene.js';
import {gridLdi, steppedLdi} from './ldi-fixtures.js';

describe('ldiToScene', () => {
	it('keeps all triangles, the pixel splats included, within the triangle budget', async () => {
		const ldi = gridLdi(320, 240, (x, y) => 0.5 + 0.05 * Math.sin(x / 10) * Math.sin(y / 14));
		const unconstrained = (await ldiToScene(ldi, {fovYRadians: 1}, defaultDepthRange(), {triangleBudget: 1e9})).stats.triangles;
		// 1116 frame pixels get splats (2232 triangles): the simplified mesh alone (~1.8 k) meets this budget,
		// so only counting the splats forces the lower texture-swim weight.
		const budget = unconstrained - 200;
		const {stats} = await ldiToScene(ldi, {fovYRadians: 1}, defaultDepthRange(), {triangleBudget: budget});
		assert.ok(stats.triangles <= budget, `${stats.triangles} triangles for a budget of ${budget} (${unconstrained} without one)`);
	});

	it('simplifies layer 0 on a worker thread, sharing it with this thread when it dominates: the same triangles as without the worker, and the seam stays closed', async function () {
		this.timeout(30_000);
		// 512² pixels, the worker's range starting there; two steps with inpainted strips. Layer 0 holds
		// most triangles, so this thread simplifies its bottom rows while the worker does the rest; without
		// the worker (as inside a `build --jobs` worker thread) this thread does both parts.
		const ldi = steppedLdi(512, 512, 150, 30, 350, 20);
		const range = defaultDepthRange();
		const premergeWorkerMinPixels = 512 * 512;
		const here = await ldiToScene(ldi, {fovYRadians: 1}, range, {premergeWorker: false, premergeWorkerMinPixels});
		const onWorker = await ldiToScene(ldi, {fovYRadians: 1}, range, {premergeWorker: true, premergeWorkerMinPixels});
		const belowRange = await ldiToScene(ldi, {fovYRadians: 1}, range, {premergeWorker: true, premergeWorkerMinPixels: 512 * 512 + 1});
		assert.equal(belowRange.stats.layerZeroPremergedOnWorker, false);
		assert.equal(here.stats.layerZeroPremergedOnWorker, false);
		assert.equal(onWorker.stats.layerZeroPremergedOnWorker, true);
		assert.ok(here.stats.layers[0].trianglesAfterPlanarMerge < here.stats.layers[0].trianglesBeforeSimplify / 10);
		assert.deepEqual(onWorker.stats.layers, here.stats.layers);
		for (let i = 0; i < here.scene.layers.length; i++) {
			assert.deepEqual(onWorker.scene.layers[i].indices, here.scene.layers[i].indices, `layer ${i} triangles`);
			assert.deepEqual(onWorker.scene.layers[i].positions, here.scene.layers[i].positions, `layer ${i} positions`);
		}
		// The split layer has no crack: from a move it leaves no more empty pixels than the unsimplified
		// scene, and stays close to it (24.8–25.8 dB: the fixture's colours repeat every 16 px, so the
		// texture swim of every simplified triangle shows).
		const exact = (await ldiToScene(ldi, {fovYRadians: 1}, range, {simplifyErrorPixels: 0})).scene;
		for (const positionMeters of [[0, 0, 0], [0.03, 0, 0], [0, 0.03, 0]] as const) {
			const [split, reference] = [here.scene, exact].map((scene) => renderScene(scene, photoCamera(scene, {positionMeters}), {fillEmptyPixels: 0}).image);
			const empty = (image: {data: Uint8Array}): number => image.data.filter((value, i) => i % 4 === 3 && value === 0).length;
			assert.ok(empty(split) <= empty(reference), `empty pixels seen from ${positionMeters.join(', ')}: ${empty(split)} vs ${empty(reference)} unsimplified`);
			const db = psnr(split.data, reference.data, {channels: 4});
			assert.ok(db > 23, `from ${positionMeters.join(', ')}: ${db.toFixed(1)} dB against the unsimplified scene`);
		}
	});

	it('without a meshoptimizer pass (stereo scenes) layer 0 on the worker is exactly the one made here', async function () {
		this.timeout(30_000);
		const ldi = steppedLdi(512, 512, 150, 30, 350, 20);
		const [here, onWorker] = await Promise.all([false, true].map((premergeWorker) => ldiToScene(ldi, {fovYRadians: 1}, defaultDepthRange(), {
			meshoptimizer: false, premergeWorker, premergeWorkerMinPixels: 512 * 512,
		})));
		assert.equal(onWorker.stats.layerZeroPremergedOnWorker, true);
		assert.deepEqual(onWorker.stats.layers, here.stats.layers);
		assert.deepEqual(onWorker.scene.layers[0].indices, here.scene.layers[0].indices);
		assert.deepEqual(onWorker.scene.layers[0].positions, here.scene.layers[0].positions);
	});

	it('scales the simplification error with photos larger than the reference size: the mesh of the error so scaled', async function () {
		this.timeout(30_000);
		// Long side 2048: twice the 1024-px reference, so the default 0.75 px becomes 1.5 px.
		const ldi = gridLdi(2048, 40, (x, y) => 0.5 + 0.3 * Math.sin(x / 37) * Math.cos(y / 13));
		const range = defaultDepthRange();
		const build = async (options: Parameters<typeof ldiToScene>[3]): Promise<Uint32Array> => (await ldiToScene(ldi, {fovYRadians: 1}, range, options)).scene.layers[0].indices;
		const scaled = await build({});
		const asIfGiven = await build({simplifyErrorPixels: 1.5, simplifyErrorReferencePixels: 0});
		const unscaled = await build({simplifyErrorReferencePixels: 0});
		assert.deepEqual(scaled, asIfGiven);
		assert.ok(scaled.length < 0.9 * unscaled.length, `${scaled.length / 3} triangles scaled, ${unscaled.length / 3} unscaled`);
	});

	it('defaults to disparity 1 at 1 m and disparity 0 at 10 m', () => {
		assert.deepEqual(defaultDepthRange(), {nearMeters: 1, farMeters: 10});
		assert.deepEqual(defaultDepthRange({nearMeters: 2, depthRatio: 5}), {nearMeters: 2, farMeters: 10});
	});

	it('builds one textured mesh per layer, reports consistent stats, and keeps the stitch seam closed', async () => {
		const ldi = steppedLdi(64, 48, 40, 8);
		const range = defaultDepthRange();
		const {scene, stats} = await ldiToScene(ldi, {fovYRadians: 1}, range);
		assert.deepEqual(scene.layers.map((layer) => layer.layerIndex), [0, 1]);
		assert.equal(scene.camera.width, 64);
		assert.equal(scene.camera.height, 48);
		assert.ok(scene.camera.znearMeters < range.nearMeters && scene.camera.zfarMeters > range.farMeters);
		scene.layers.forEach((layer, i) => {
			assert.equal(layer.indices.length / 3, stats.layers[i].triangles);
			assert.equal(layer.positions.length / 3, stats.layers[i].vertices);
			assert.equal(layer.uvs.length / 2, stats.layers[i].vertices);
			assert.ok(stats.layers[i].triangles < stats.layers[i].trianglesBeforeSimplify);
			assert.deepEqual([layer.texture.width, layer.texture.height], [stats.layers[i].textureWidth, stats.layers[i].textureHeight]);
			for (const z of layer.positions.filter((_, k) => k % 3 === 2)) {
				assert.ok(-z >= range.nearMeters - 1e-5 && -z <= range.farMeters + 1e-5);
			}
		});
		assert.deepEqual([scene.layers[0].texture.width, scene.layers[0].texture.height], [64, 48]);
		assert.equal(stats.triangles, stats.layers[0].triangles + stats.layers[1].triangles);

		// The seam: the layer-0 context column x = 40 keeps all 48 vertices, and layer 1 uses the very same points.
		const key = (p: Float32Array, v: number): string => [0, 1, 2].map((c) => p[v * 3 + c].toFixed(5)).join(',');
		const layerOne = new Set(Array.from({length: scene.layers[1].positions.length / 3}, (_, v) => key(scene.layers[1].positions, v)));
		const seamRatio = (40.5 - 32) / focalLengthPixels(48, 1);
		const layerZero = scene.layers[0].positions;
		let seamVertices = 0;
		for (let v = 0; v < layerZero.length / 3; v++) {
			if (Math.abs(layerZero[v * 3] / -layerZero[v * 3 + 2] - seamRatio) > 1e-4) continue;
			seamVertices++;
			assert.ok(layerOne.has(key(layerZero, v)), `seam vertex ${key(layerZero, v)} is missing from layer 1 (crack)`);
		}
		assert.equal(seamVertices, 48);
	});
});
