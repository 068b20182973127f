import assert from 'node:assert/strict';

import type {FloatImage, RgbImage} from '../../src/image/raster.js';
import {buildLdi} from '../../src/ldi/build-ldi.js';
import {detectDepthEdges} from '../../src/ldi/depth-edges.js';
import {LINK_RIGHT} from '../../src/ldi/ldi.js';
import {restoreStepsOffEdges, sharpenSoftSteps} from '../../src/ldi/soft-steps.js';

const SIZE = 96;
/** Rows 0–7 hold squares at disparity 0 and 1 (so that normalizing to [0, 1] leaves the values as they are). */
const FIRST_ROW = 8;
/** The colour edge and the middle of the ramps, between columns EDGE - 1 and EDGE. */
const EDGE = 48;

/** A map of `profile(x, y)`, with squares at disparity 0 and 1 in the top rows' corners. */
function mapOf(profile: (x: number, y: number) => number): FloatImage {
	const data = new Float32Array(SIZE * SIZE);
	for (let y = 0; y < SIZE; y++) {
		for (let x = 0; x < SIZE; x++) data[y * SIZE + x] = y >= FIRST_ROW ? profile(x, y) : x < 8 ? 0 : x >= SIZE - 8 ? 1 : profile(x, y);
	}
	return {width: SIZE, height: SIZE, data};
}

/** Dark left of EDGE, light from it on: the outline the steps belong to. */
function twoTonePhoto(): RgbImage {
	const data = new Uint8Array(3 * SIZE * SIZE);
	for (let i = 0; i < SIZE * SIZE; i++) data.fill(i % SIZE < EDGE ? 60 : 190, 3 * i, 3 * i + 3);
	return {width: SIZE, height: SIZE, data};
}

/** A plane at 0.3 left, 0.35 right (the nearer), the step spread linearly over pixels EDGE - 2 … EDGE + 1: 0.0167 per pixel. */
const softRamp = (x: number): number => 0.3 + 0.05 * Math.min(1, Math.max(0, (x - (EDGE - 2)) / 3));

/** Rows below the squares where some layer-0 pixel within 4 px of EDGE is not linked to its right neighbour in layer 0 (it may be to an inpainted pixel). */
async function rowsCut(disparity: FloatImage, softStepSpanSamples: number): Promise<number> {
	// Estimated: the corner squares' one-pixel steps outweigh the ramps, which are under the threshold per pixel.
	const {ldi} = await buildLdi(twoTonePhoto(), disparity, {
		inpainter: 'diffusion', passes: 1, extendBorder: false, referenceSizePixels: SIZE, softStepSpanSamples, depthEdges: 'estimated',
	});
	let rows = 0;
	for (let y = FIRST_ROW + 2; y < SIZE; y++) {
		let cut = false;
		for (let x = EDGE - 4; x < EDGE + 4; x++) cut ||= ldi.links[4 * (y * SIZE + x) + LINK_RIGHT] !== y * SIZE + x + 1;
		rows += cut ? 1 : 0;
	}
	return rows;
}

describe('soft depth steps', () => {
	const rows = SIZE - FIRST_ROW - 2;

	it('cuts a step spread over 3 pixels, none of whose single steps is above the threshold', async () => {
		const disparity = mapOf(softRamp);
		assert.equal(await rowsCut(disparity, 0), 0, 'without sharpening the ramp stays linked');
		const cut = await rowsCut(disparity, 3);
		assert.ok(cut >= 0.95 * rows, `${cut} of ${rows} rows cut`);
	});

	it('cuts a staircase whose middle level changes from row to row (the edge linking alone drops it)', async () => {
		// 0.2 | middle | 0.7 with the middle 0.3 or 0.6 in alternate pairs of rows: every single step is above
		// the threshold, but neighbouring silhouette pixels disagree on their own or their occluder's disparity.
		const disparity = mapOf((x, y) => (x < EDGE - 1 ? 0.2 : x > EDGE - 1 ? 0.7 : ((y >> 1) & 1) === 0 ? 0.3 : 0.6));
		const without = await rowsCut(disparity, 0);
		const cut = await rowsCut(disparity, 3);
		assert.ok(without < 0.5 * rows, `${without} of ${rows} rows cut without sharpening`);
		assert.ok(cut >= 0.95 * rows, `${cut} of ${rows} rows cut`);
	});

	it('leaves a plane slanted steeper than typical as it is: 0.018 per pixel, 0.054 across 3', () => {
		const slope = {width: SIZE, height: SIZE, data: Float32Array.from({length: SIZE * SIZE}, (_, i) => 0.018 * (i % SIZE))};
		const sharpened = {...slope, data: slope.data.slice()};
		assert.equal(sharpenSoftSteps(sharpened, 0.02, 3).changes, 0);
		assert.deepEqual(sharpened.data, slope.data);
	});

	it('leaves a crease between a flat and a steep plane as it is', () => {
		const crease = {width: SIZE, height: SIZE, data: Float32Array.from({length: SIZE * SIZE}, (_, i) => 0.2 + 0.019 * Math.max(0, i % SIZE - EDGE))};
		assert.equal(sharpenSoftSteps(crease, 0.02, 3).changes, 0);
	});

	it('does not cut a slanted plane in buildLdi', async () => {
		assert.equal(await rowsCut(mapOf((x) => 0.018 * x), 3), 0);
	});

	it('puts back the ramps that touch no kept edge', () => {
		// A bump 6 rows long, rising over 3 pixels (its outline, ~30 pixels, is shorter than the minimum edge
		// length of 40 here), and the soft step of the other tests (96 pixels long).
		const map = mapOf((x, y) => softRamp(x) + (x >= 20 && y >= 40 && y < 46 ? 0.025 * Math.min(1, Math.max(0, (x - 19) / 3)) : 0) * (x < 30 ? 1 : 0));
		const sharpened = {...map, data: map.data.slice()};
		const steps = sharpenSoftSteps(sharpened, 0.02, 3);
		const edges = detectDepthEdges(sharpened, {thresholdDisparity: 0.02, referenceSizePixels: SIZE, minEdgeLengthPixels: 40});
		const restored = restoreStepsOffEdges(sharpened.data, steps, edges.edgeOfPixel);
		assert.ok(restored.length > 0);
		for (let y = 40; y < 46; y++) for (let x = 18; x < 30; x++) assert.equal(sharpened.data[y * SIZE + x], map.data[y * SIZE + x], `(${x}, ${y})`);
		for (let y = FIRST_ROW + 3; y < SIZE - 3; y++) {
			const i = y * SIZE + EDGE;
			assert.ok(sharpened.data[i] - sharpened.data[i - 1] > 0.02 || sharpened.data[i + 1] - sharpened.data[i] > 0.02 || sharpened.data[i - 1] - sharpened.data[i - 2] > 0.02, `row ${y} sharpened`);
		}
	});
});
