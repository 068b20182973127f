import assert from 'node:assert/strict';

import {cutLink, LINK_RIGHT, pixelAt, type Ldi} from '../../src/ldi/ldi.js';
import {defaultDepthRange} from '../../src/mesh/build-scene-mesh.js';
import {measureLayerError} from '../../src/mesh/measure-error.js';
import {premergeLayer, resolveParallaxRangePixels, simplifyLayers, type SimplifiedLayer} from '../../src/mesh/simplify.js';
import {triangulateLdi, triangulateLdiWithCells} from '../../src/mesh/triangulate.js';
import {focalLengthPixels} from '../../src/scene/scene.js';
import {gridLdi, steppedLdi} from './ldi-fixtures.js';

const FOV = 2 * Math.atan(0.5);
const RANGE = defaultDepthRange();

async function simplify(ldi: Ldi, options: Parameters<typeof simplifyLayers>[4] = {}): Promise<SimplifiedLayer> {
	const [layer] = await simplifyLayers(ldi, triangulateLdi(ldi), {width: ldi.width, height: ldi.height, fovYRadians: FOV}, RANGE, options);
	return layer;
}

describe('simplifyLayers', () => {
	it('collapses a fronto-parallel plane to two triangles', async () => {
		const layer = await simplify(gridLdi(64, 48, () => 0.4));
		assert.equal(layer.indices.length / 3, 2);
	});

	it('collapses a slanted plane to a few triangles when texture swim is ignored', async () => {
		const layer = await simplify(gridLdi(64, 64, (x, y) => 0.2 + 0.5 * x / 64 + 0.2 * y / 64), {textureSwimWeight: 0});
		assert.ok(layer.indices.length / 3 <= 8, `${layer.indices.length / 3} triangles`);
	});

	it('without meshoptimizer keeps the planar pre-merge: more triangles, half the error', async () => {
		const ldi = gridLdi(128, 96, (x, y) => 0.5 + 0.3 * Math.sin(x / 11) * Math.cos(y / 17));
		const full = await simplify(ldi);
		const merged = await simplify(ldi, {meshoptimizer: false});
		assert.equal(merged.indices.length / 3, full.mergedTriangles);
		assert.ok(merged.indices.length > full.indices.length, `${merged.indices.length / 3} vs ${full.indices.length / 3} triangles`);
		assert.equal(merged.errorPixels, 0.75 / 2);
		assert.ok(merged.indices.length / 3 < (127 * 95 * 2) / 2, 'the pre-merge still merges');
	});

	it('keeps a step edge sharp: no triangle spans the cut and every edge pixel stays', async () => {
		const ldi = gridLdi(64, 64, (x) => (x >= 32 ? 0.8 : 0.2));
		for (let y = 0; y < 64; y++) cutLink(ldi, pixelAt(ldi, 31, y), LINK_RIGHT);
		const layer = await simplify(ldi);
		assert.ok(layer.indices.length / 3 < 64 * 4, `${layer.indices.length / 3} triangles`);
		for (let t = 0; t < layer.indices.length; t += 3) {
			const xs = [0, 1, 2].map((i) => ldi.x[layer.vertexPixels[layer.indices[t + i]]]);
			assert.ok(Math.max(...xs) <= 31 || Math.min(...xs) >= 32, `triangle at x ${xs} spans the step`);
		}
		const kept = new Set(layer.vertexPixels);
		for (let y = 0; y < 64; y++) {
			assert.ok(kept.has(pixelAt(ldi, 31, y)) && kept.has(pixelAt(ldi, 32, y)), `edge pixel of row ${y} was removed`);
		}
	});

	it('bounds the parallax error on a curved surface and trades triangles for texture swim', async () => {
		const ldi = gridLdi(128, 96, (x, y) => 0.5 + 0.3 * Math.sin(x / 11) * Math.cos(y / 17) + 0.15 * y / 96);
		const range = defaultDepthRange();
		const k = resolveParallaxRangePixels(128, 96, 0);
		const figures: string[] = [];
		let previous = {triangles: 0, swimPixels: Infinity};
		for (const textureSwimWeight of [0, 0.003, 0.5]) {
			const layer = await simplify(ldi, {simplifyErrorPixels: 0.5, textureSwimWeight});
			const error = measureLayerError(ldi, layer, range, k);
			const triangles = layer.indices.length / 3;
			figures.push(`weight ${textureSwimWeight}: ${triangles} triangles, parallax ${error.parallaxPixels.toFixed(2)} px, swim ${error.swimPixels.toFixed(2)} px`);
			assert.equal(error.coveredPixels, 128 * 96, 'the simplified mesh must still cover every pixel centre');
			assert.ok(error.parallaxPixels <= 0.75, figures.join('; '));
			assert.ok(triangles > previous.triangles && error.swimPixels < previous.swimPixels, figures.join('; '));
			previous = {triangles, swimPixels: error.swimPixels};
		}
		console.log(`      ${figures.join('\n      ')}`);
		assert.ok(previous.swimPixels <= 0.5, figures.join('; '));
		assert.ok(previous.triangles < 0.5 * 2 * 127 * 95, figures.join('; '));
	});

	it('unprojects to metres with the camera at the origin looking down -Z, Y up', async () => {
		const ldi = gridLdi(8, 6, () => 1);
		const layer = await simplify(ldi, {simplifyErrorPixels: 0});
		const f = focalLengthPixels(6, FOV);
		const topLeft = layer.vertexPixels.indexOf(pixelAt(ldi, 0, 0));
		assert.ok(Math.abs(layer.positions[topLeft * 3] - (0.5 - 4) / f * RANGE.nearMeters) < 1e-6);
		assert.ok(Math.abs(layer.positions[topLeft * 3 + 1] - (3 - 0.5) / f * RANGE.nearMeters) < 1e-6);
		assert.ok(Math.abs(layer.positions[topLeft * 3 + 2] + RANGE.nearMeters) < 1e-6);
	});

	it('pre-merges layer 0 from its cells into the same triangles, locks and lattice as from its lattice mesh', async () => {
		// Slanted and curved surfaces, two depth steps with inpainted strips (stitch vertices), a frame.
		const ldi = steppedLdi(150, 90, 40, 6, 100, 5);
		for (let p = 0; p < ldi.count; p++) if (ldi.layerIndex[p] === 0) ldi.disparity[p] += 0.05 * Math.sin(ldi.x[p] / 11) * Math.cos(ldi.y[p] / 9);
		const camera = {width: ldi.width, height: ldi.height, fovYRadians: FOV};
		const fromLattice = premergeLayer(ldi, triangulateLdi(ldi)[0], camera, RANGE).merged;
		const {layerZero} = triangulateLdiWithCells(ldi);
		assert.ok(layerZero);
		const fromCells = premergeLayer(ldi, layerZero, camera, RANGE).merged;
		/** Each triangle as its corner pixels from its smallest, with the lattice, swim and lock of each corner. */
		const described = (merged: typeof fromCells): string[] => {
			const triangles: string[] = [];
			for (let t = 0; t < merged.indices.length; t += 3) {
				const corners = [0, 1, 2].map((k) => merged.indices[t + k]);
				const pixels = corners.map((v) => merged.layer.vertexPixels[v]);
				const first = pixels.indexOf(Math.min(...pixels));
				const rotated = [0, 1, 2].map((k) => corners[(first + k) % 3]);
				triangles.push(rotated.map((v) => [
					merged.layer.vertexPixels[v], ...merged.lattice.subarray(v * 3, v * 3 + 3), ...merged.swim.subarray(v * 2, v * 2 + 2), merged.lock[v],
				].join(' ')).join(' | '));
			}
			return triangles.sort();
		};
		assert.ok(fromCells.indices.length < layerZero.blocks.length, `${fromCells.indices.length / 3} pre-merged triangles`);
		assert.deepEqual(described(fromCells), described(fromLattice));
	});
});
