import assert from 'node:assert/strict';

import {contextLevels, ringBreaksFromContext} from '../../src/inpaint/context-levels.js';

/** A 12 × 6 crop: columns 0–7 context, 8–11 synthesis; state 1 / 2 as the inpainters use. */
function columnsState(width = 12, height = 6, holeFrom = 8): Uint8Array {
	const state = new Uint8Array(width * height);
	for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) state[y * width + x] = x >= holeFrom ? 2 : 1;
	return state;
}

describe('context rings', () => {
	it('numbers the context by its steps from the hole, up to the limit, and nothing else', () => {
		const width = 12;
		const state = columnsState();
		// A pixel in neither mask stops the walk: the pixel behind it is reached around it, one step later.
		state[2 * width + 6] = 0;
		const levels = new Uint8Array(state.length);
		contextLevels(state, width, 6, 3, levels, new Int32Array(state.length));
		assert.deepEqual([...levels.subarray(0, width)], [0, 0, 0, 0, 0, 3, 2, 1, 0, 0, 0, 0]);
		assert.equal(levels[2 * width + 6], 0);
		assert.equal(levels[2 * width + 5], 0);
		contextLevels(state, width, 6, 4, levels, new Int32Array(state.length));
		assert.equal(levels[2 * width + 5], 4);
	});

	it('tells a ring that breaks from the context behind it from one that continues it', () => {
		// Twelve rows: at least 10 neighbour pairs per ring are needed to tell.
		const width = 12;
		const height = 12;
		const state = columnsState(width, height);
		const levels = new Uint8Array(state.length);
		contextLevels(state, width, height, 3, levels, new Int32Array(state.length));
		const rgb = new Float32Array(3 * state.length);
		// A ramp of 4 grey levels per column: every ring steps alike.
		for (let i = 0; i < state.length; i++) rgb.fill(100 + 4 * (i % width), 3 * i, 3 * i + 3);
		assert.equal(ringBreaksFromContext(rgb, levels, width, height, 2), false);
		// The column next to the hole at half brightness, as a sensor's edge column.
		for (let y = 0; y < height; y++) rgb.fill(60, 3 * (y * width + 7), 3 * (y * width + 8));
		assert.equal(ringBreaksFromContext(rgb, levels, width, height, 2), true);
	});
});
