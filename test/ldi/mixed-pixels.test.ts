import assert from 'node:assert/strict';

import type {FloatImage, RgbImage} from '../../src/image/raster.js';
import {detectDepthEdges} from '../../src/ldi/depth-edges.js';
import {assignMixedPixels} from '../../src/ldi/mixed-pixels.js';

const WIDTH = 40;
const HEIGHT = 30;
const FOREGROUND: [number, number, number] = [220, 40, 40];
const BACKGROUND: [number, number, number] = [40, 60, 200];

/**
 * A square (x 10..19, near) on a flat background whose exact depth step sits at its outline, and the
 * column just right of it (x 20) blended with the square's colour by `coverage` (0..1) per row band:
 * rows 0–9 by 0.8, rows 10–19 by 0.3, rows 20–29 by 0.6, as a camera's pixel area mixes them.
 */
function antialiasedSquare(backgroundColor = BACKGROUND): {image: RgbImage; disparity: FloatImage} {
	const rgb = new Uint8Array(WIDTH * HEIGHT * 3);
	const data = new Float32Array(WIDTH * HEIGHT).fill(0.1);
	for (let y = 0; y < HEIGHT; y++) {
		const coverage = y < 10 ? 0.8 : y < 20 ? 0.3 : 0.6;
		for (let x = 0; x < WIDTH; x++) {
			const inside = x >= 10 && x <= 19;
			const share = inside ? 1 : x === 20 ? coverage : 0;
			if (inside) data[y * WIDTH + x] = 0.9;
			for (let c = 0; c < 3; c++) rgb[(y * WIDTH + x) * 3 + c] = Math.round(share * FOREGROUND[c]! + (1 - share) * backgroundColor[c]!);
		}
	}
	return {image: {width: WIDTH, height: HEIGHT, data: rgb}, disparity: {width: WIDTH, height: HEIGHT, data}};
}

describe('assignMixedPixels', () => {
	it('gives the outline pixels that are mostly the object to the object, and only those', () => {
		const {image, disparity} = antialiasedSquare();
		const edges = detectDepthEdges(disparity, {thresholdDisparity: 0.02, minEdgeLengthPixels: 1});
		const {disparity: assigned, movedPixels} = assignMixedPixels(image, disparity, edges, {thresholdDisparity: 0.02});
		for (let y = 0; y < HEIGHT; y++) {
			const expected = y < 10 || y >= 20 ? 0.9 : 0.1;
			assert.ok(Math.abs(assigned.data[y * WIDTH + 20]! - expected) < 1e-6, `row ${y}: x = 20 has ${assigned.data[y * WIDTH + 20]}, expected ${expected}`);
			// The pure background beyond and the square's other side (no blend there) stay.
			assert.equal(assigned.data[y * WIDTH + 21], disparity.data[y * WIDTH + 21]);
			assert.equal(assigned.data[y * WIDTH + 9], disparity.data[y * WIDTH + 9]);
		}
		assert.equal(movedPixels, 20);
		assert.notEqual(assigned.data, disparity.data, 'the input map is not modified');
		assert.equal(disparity.data[20], Math.fround(0.1));
	});

	it('moves nothing where the object and the background have the same colour', () => {
		const {image, disparity} = antialiasedSquare(FOREGROUND);
		const edges = detectDepthEdges(disparity, {thresholdDisparity: 0.02, minEdgeLengthPixels: 1});
		assert.equal(assignMixedPixels(image, disparity, edges, {thresholdDisparity: 0.02}).movedPixels, 0);
	});
});
