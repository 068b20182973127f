import assert from 'node:assert/strict';

import {splitIntoRowBands} from '../../src/mesh/row-split.js';

/** A w × h grid of vertices (lattice x, y, 0) with two triangles per cell, rows top to bottom. */
function grid(w: number, h: number): {indices: Uint32Array; lattice: Float32Array} {
	const lattice = new Float32Array(w * h * 3);
	for (let y = 0; y < h; y++) {
		for (let x = 0; x < w; x++) {
			lattice[(y * w + x) * 3] = x + 0.5;
			lattice[(y * w + x) * 3 + 1] = y + 0.5;
		}
	}
	const indices: number[] = [];
	for (let y = 0; y + 1 < h; y++) {
		for (let x = 0; x + 1 < w; x++) {
			const v = y * w + x;
			indices.push(v, v + w, v + 1, v + w + 1, v + 1, v + w);
		}
	}
	return {indices: Uint32Array.from(indices), lattice};
}

describe('splitIntoRowBands', () => {
	it('cuts the triangles into bands of rows of about equal size and locks every vertex two bands share', () => {
		const w = 20;
		const h = 31;
		const {indices, lattice} = grid(w, h);
		const lock = new Uint8Array(w * h);
		lock[5] = 1;
		const {bands, lock: seamLock} = splitIntoRowBands(indices, lattice, lock, 3);
		assert.equal(bands.length, 3);
		// Every triangle in exactly one band, in its order.
		const triangles = (list: Uint32Array): string[] => Array.from({length: list.length / 3}, (_, t) => list.slice(t * 3, t * 3 + 3).join(','));
		assert.deepEqual(bands.flatMap(triangles).sort(), triangles(indices).sort());
		for (const band of bands) assert.ok(Math.abs(band.length / 3 - indices.length / 9) <= 2 * (w - 1), `band of ${band.length / 3} triangles`);
		// Bands hold consecutive rows (by each triangle's first vertex), top to bottom.
		const rowsOf = (band: Uint32Array): number[] => Array.from({length: band.length / 3}, (_, t) => Math.floor(lattice[band[t * 3] * 3 + 1]));
		for (let b = 1; b < bands.length; b++) assert.ok(Math.max(...rowsOf(bands[b - 1])) < Math.min(...rowsOf(bands[b])));
		// Locked: the layer's own lock and exactly the vertices more than one band uses.
		const bandsUsing = new Array<Set<number>>(w * h).fill(new Set()).map(() => new Set<number>());
		bands.forEach((band, b) => band.forEach((v) => bandsUsing[v].add(b)));
		for (let v = 0; v < w * h; v++) assert.equal(seamLock[v], v === 5 || bandsUsing[v].size > 1 ? 1 : 0, `vertex ${v}`);
		assert.equal(lock.reduce((sum, x) => sum + x, 0), 1, 'the given lock is not changed');
	});

	it('gives no empty band when rows are fewer than bands', () => {
		const {indices, lattice} = grid(10, 2);
		const {bands} = splitIntoRowBands(indices, lattice, new Uint8Array(20), 5);
		assert.equal(bands.length, 2);
		assert.ok(bands.every((band) => band.length > 0));
	});
});
