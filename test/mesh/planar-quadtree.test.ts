import assert from 'node:assert/strict';

import {cutLink, LINK_RIGHT, pixelAt, type Ldi} from '../../src/ldi/ldi.js';
import {mergePlanarCells} from '../../src/mesh/planar-quadtree.js';
import {triangulateLdi, type LayerTriangles} from '../../src/mesh/triangulate.js';
import {gridLdi} from './ldi-fixtures.js';

const K = 40;

/** Heights K·d, 1/z from 1 m to 10 m. */
const DEPTH = {parallaxRangePixels: K, nearMeters: 1, farMeters: 10};

/** Lattice (x, y, K·d) as simplify.ts prepares it, and no locks. */
function inputs(ldi: Ldi, layer: LayerTriangles): {lattice: Float32Array; lock: Uint8Array} {
	const n = layer.vertexPixels.length;
	const lattice = new Float32Array(n * 3);
	for (let v = 0; v < n; v++) {
		const p = layer.vertexPixels[v];
		lattice.set([ldi.x[p] + 0.5, ldi.y[p] + 0.5, K * ldi.disparity[p]], v * 3);
	}
	return {lattice, lock: new Uint8Array(n)};
}

/** Directed edges without their opposite edge (open edges: the mesh border, or a T-junction). */
function openEdges(indices: Uint32Array): Array<[number, number]> {
	const edges = new Set<string>();
	for (let t = 0; t < indices.length; t += 3) {
		for (let k = 0; k < 3; k++) edges.add(`${indices[t + k]},${indices[t + (k + 1) % 3]}`);
	}
	const open: Array<[number, number]> = [];
	for (const edge of edges) {
		const [a, b] = edge.split(',').map(Number);
		if (!edges.has(`${b},${a}`)) open.push([a, b]);
	}
	return open;
}

/** The only open edges run along the frame: every inner edge has its twin, so there is no T-junction. */
function assertOpenOnlyOnFrame(ldi: Ldi, layer: LayerTriangles, indices: Uint32Array): void {
	const onFrame = (p: number): boolean => ldi.x[p] === 0 || ldi.y[p] === 0 || ldi.x[p] === ldi.width - 1 || ldi.y[p] === ldi.height - 1;
	for (const [a, b] of openEdges(indices)) {
		const [pa, pb] = [layer.vertexPixels[a], layer.vertexPixels[b]];
		assert.ok(onFrame(pa) && onFrame(pb) && (ldi.x[pa] === ldi.x[pb] || ldi.y[pa] === ldi.y[pb]), `open edge ${ldi.x[pa]},${ldi.y[pa]} -> ${ldi.x[pb]},${ldi.y[pb]}`);
	}
}

/** Signed area in image coordinates of every triangle (negative = counter-clockwise seen from the camera). */
function signedAreas(ldi: Ldi, layer: LayerTriangles, indices: Uint32Array): number[] {
	const areas: number[] = [];
	for (let t = 0; t < indices.length; t += 3) {
		const [a, b, c] = [0, 1, 2].map((k) => layer.vertexPixels[indices[t + k]]);
		areas.push((ldi.x[b] - ldi.x[a]) * (ldi.y[c] - ldi.y[a]) - (ldi.y[b] - ldi.y[a]) * (ldi.x[c] - ldi.x[a]));
	}
	return areas;
}

describe('mergePlanarCells', () => {
	it('merges a plane into big cells without T-junctions, cracks or flipped triangles', () => {
		// A plane on the left, a curved surface on the right: big cells meet small ones.
		const ldi = gridLdi(129, 97, (x, y) => (x < 64 ? 0.3 + 0.002 * x + 0.001 * y : 0.428 + 0.2 * Math.sin((x - 64) / 5) * Math.cos(y / 7)));
		const [layer] = triangulateLdi(ldi);
		const {lock} = inputs(ldi, layer);
		const merged = mergePlanarCells(ldi, layer, lock, DEPTH, {errorPixels: 0.5, swimPixels: 4});
		const before = layer.indices.length / 3;
		const after = merged.length / 3;
		assert.ok(after < before / 2, `${before} -> ${after} triangles`);
		assertOpenOnlyOnFrame(ldi, layer, merged);
		// Same area as the lattice, every triangle facing the camera.
		const areas = signedAreas(ldi, layer, merged);
		assert.ok(areas.every((area) => area < 0), 'a triangle is flipped or degenerate');
		assert.equal(-areas.reduce((sum, area) => sum + area, 0) / 2, 128 * 96);
	});

	it('keeps every vertex within the error of the merged surface and never merges across a cut', () => {
		const ldi = gridLdi(64, 64, (x, y) => (x >= 32 ? 0.8 : 0.2) + 0.05 * Math.sin(x / 9 + y / 13));
		for (let y = 0; y < 64; y++) cutLink(ldi, pixelAt(ldi, 31, y), LINK_RIGHT);
		const [layer] = triangulateLdi(ldi);
		const {lattice, lock} = inputs(ldi, layer);
		const errorPixels = 0.3;
		const merged = mergePlanarCells(ldi, layer, lock, DEPTH, {errorPixels, swimPixels: 100});
		assert.ok(merged.length < layer.indices.length / 2);
		// Interpolate K·d over each merged triangle at every pixel centre inside it.
		let worst = 0;
		let covered = 0;
		for (let t = 0; t < merged.length; t += 3) {
			const [a, b, c] = [0, 1, 2].map((k) => merged[t + k]);
			const xs = [a, b, c].map((v) => lattice[v * 3]);
			assert.ok(Math.max(...xs) <= 32 || Math.min(...xs) >= 32.5, `triangle at x ${xs} spans the cut`);
			const ys = [a, b, c].map((v) => lattice[v * 3 + 1]);
			const det = (xs[1] - xs[0]) * (ys[2] - ys[0]) - (xs[2] - xs[0]) * (ys[1] - ys[0]);
			for (let y = Math.floor(Math.min(...ys)); y <= Math.max(...ys); y++) {
				for (let x = Math.floor(Math.min(...xs)); x <= Math.max(...xs); x++) {
					const px = x + 0.5;
					const py = y + 0.5;
					const l1 = ((px - xs[0]) * (ys[2] - ys[0]) - (xs[2] - xs[0]) * (py - ys[0])) / det;
					const l2 = ((xs[1] - xs[0]) * (py - ys[0]) - (px - xs[0]) * (ys[1] - ys[0])) / det;
					const l0 = 1 - l1 - l2;
					if (l0 < -1e-6 || l1 < -1e-6 || l2 < -1e-6) continue;
					covered++;
					const surface = l0 * lattice[a * 3 + 2] + l1 * lattice[b * 3 + 2] + l2 * lattice[c * 3 + 2];
					worst = Math.max(worst, Math.abs(surface - K * ldi.disparity[pixelAt(ldi, x, y)]));
				}
			}
		}
		assert.ok(covered >= 64 * 64, `${covered} pixel centres covered`);
		assert.ok(worst <= errorPixels + 1e-4, `worst deviation ${worst.toFixed(3)} px > ${errorPixels}`);
	});

	it('keeps locked vertices and does not merge cells around them', () => {
		const ldi = gridLdi(33, 33, () => 0.5);
		const [layer] = triangulateLdi(ldi);
		const {lock} = inputs(ldi, layer);
		const lockedVertex = layer.vertexPixels.indexOf(pixelAt(ldi, 10, 7));
		lock[lockedVertex] = 1;
		const free = mergePlanarCells(ldi, layer, new Uint8Array(lock.length), DEPTH);
		const locked = mergePlanarCells(ldi, layer, lock, DEPTH);
		assert.equal(free.length / 3, 2, 'a flat 32×32 lattice is one cell');
		assert.ok(locked.includes(lockedVertex), 'the locked vertex was dropped');
		assert.ok(locked.length / 3 > 2 && locked.length < layer.indices.length / 4, `${locked.length / 3} triangles`);
		assertOpenOnlyOnFrame(ldi, layer, locked);
	});
});
