import assert from 'node:assert/strict';

import {createRgbImage, type FloatImage} from '../../src/image/raster.js';
import {cutDepthEdges, type DepthEdges, detectDepthEdges, updateDepthEdges, withNeighbours} from '../../src/ldi/depth-edges.js';
import {ldiFromImage} from '../../src/ldi/ldi.js';
import {reattachStripPixels} from '../../src/ldi/reattach-strips.js';
import {detectDepthEdgesReference} from './depth-edges-reference.js';

/** A deterministic generator of numbers in [0, 1). */
function random(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
		return state / 2 ** 32;
	};
}

/** Overlapping rectangles at random depths over a noisy ramp: steps of every size, touching the frame too. */
function blocks(width: number, height: number, seed: number): FloatImage {
	const next = random(seed);
	const data = new Float32Array(width * height);
	for (let i = 0; i < data.length; i++) data[i] = 0.2 * (i % width) / width + 0.01 * next();
	for (let r = 0; r < 12; r++) {
		const x0 = Math.floor(next() * width);
		const y0 = Math.floor(next() * height);
		const x1 = Math.min(width, x0 + 1 + Math.floor(next() * width / 2));
		const y1 = Math.min(height, y0 + 1 + Math.floor(next() * height / 2));
		const depth = next();
		for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) data[y * width + x] = depth;
	}
	return {width, height, data};
}

function assertSameEdges(actual: DepthEdges, expected: DepthEdges, what: string): void {
	assert.deepEqual(actual.edgeOfPixel, expected.edgeOfPixel, `${what}: edgeOfPixel`);
	assert.deepEqual(actual.edgeLengths, expected.edgeLengths, `${what}: edgeLengths`);
	assert.equal(actual.edgesFound, expected.edgesFound, `${what}: edgesFound`);
	assert.deepEqual(actual.keptPixels, expected.keptPixels, `${what}: keptPixels`);
	assert.deepEqual(actual.silhouettePixels, expected.silhouettePixels, `${what}: silhouettePixels`);
	assert.deepEqual(actual.occludedSides, expected.occludedSides, `${what}: occludedSides`);
}

describe('ldi/updateDepthEdges', () => {
	const options = {thresholdDisparity: 0.02, minEdgeLengthPixels: 3, referenceSizePixels: 64};

	it('the WebAssembly union-find links exactly the edges its TypeScript twin links', () => {
		for (const seed of [11, 12, 13, 14, 15]) {
			const disparity = blocks(53 + seed, 40, seed);
			for (const settings of [options, {thresholdDisparity: 0.004, minEdgeLengthPixels: 10, referenceSizePixels: 53}, {thresholdDisparity: 0.1, minEdgeLengthPixels: 1, referenceSizePixels: 1024}]) {
				const edges = detectDepthEdges(disparity, settings);
				const reference = detectDepthEdgesReference(disparity, settings);
				const what = `seed ${seed}, ${JSON.stringify(settings)}`;
				assert.ok(reference.edgeLengths.length > 0, `${what}: no kept edge, not a test`);
				assert.deepEqual(edges.edgeOfPixel, reference.edgeOfPixel, `${what}: edgeOfPixel`);
				assert.deepEqual(edges.edgeLengths, reference.edgeLengths, `${what}: edgeLengths`);
				assert.equal(edges.edgesFound, reference.edgesFound, `${what}: edgesFound`);
			}
		}
	});

	it('finds what detectDepthEdges finds on the changed map, change after change', () => {
		for (const seed of [1, 2, 3, 4]) {
			const width = 37 + seed;
			const height = 29;
			const disparity = blocks(width, height, seed);
			const next = random(100 + seed);
			let edges = detectDepthEdges(disparity, options);
			for (let round = 0; round < 4; round++) {
				// A few pixels (the snapping's band, the mixed pixels), repeated, unsorted, some at the frame.
				const changed = Int32Array.from({length: 1 + round * 20}, () => Math.floor(next() * width * height));
				for (const i of changed) disparity.data[i] = next() < 0.5 ? next() : disparity.data[i]! + 0.05;
				edges = updateDepthEdges(edges, disparity, changed, options);
				assertSameEdges(edges, detectDepthEdges(disparity, options), `seed ${seed}, round ${round}`);
			}
		}
	});

	it('lets reattachStripPixels look at the cut pixels only, with the same links as a scan of all', () => {
		for (const seed of [5, 6, 7]) {
			const disparity = blocks(41, 33, seed);
			const edges = detectDepthEdges(disparity, options);
			const image = createRgbImage(disparity.width, disparity.height);
			const scanned = ldiFromImage(image, disparity);
			cutDepthEdges(scanned, disparity, edges, options.thresholdDisparity);
			const listed = ldiFromImage(image, disparity);
			cutDepthEdges(listed, disparity, edges, options.thresholdDisparity);
			const all = reattachStripPixels(scanned);
			assert.ok(all > 0, `seed ${seed}: some strip to reattach`);
			assert.equal(reattachStripPixels(listed, withNeighbours(edges.keptPixels, disparity.width, disparity.height)), all, `seed ${seed}`);
			assert.deepEqual(listed.links, scanned.links, `seed ${seed}: links`);
		}
	});

	it('lists pixels with their 4-neighbours inside the image, ascending, each once', () => {
		assert.deepEqual(withNeighbours(Int32Array.of(0, 1, 5, 11), 4, 3), Int32Array.of(0, 1, 2, 4, 5, 6, 7, 9, 10, 11));
		assert.deepEqual(withNeighbours(new Int32Array(0), 4, 3), new Int32Array(0));
	});
});
