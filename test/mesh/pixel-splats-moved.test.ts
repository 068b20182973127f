import assert from 'node:assert/strict';

import {createFloatImage, createRgbImage, createRgbaImage} from '../../src/image/raster.js';
import {addPixel, ldiFromImage} from '../../src/ldi/ldi.js';
import {appendPixelSplats} from '../../src/mesh/pixel-splats.js';
import type {LayerMesh} from '../../src/scene/scene.js';
import {boundaryPixelsOf} from './ldi-fixtures.js';

const RANGE = {nearMeters: 1, farMeters: 10};

function emptyLayer(width: number, height: number): LayerMesh {
	return {layerIndex: 0, positions: new Float32Array(0), uvs: new Float32Array(0), indices: new Uint32Array(0), texture: createRgbaImage(width, height)};
}

/** Image x of splat vertex `v` seen from a camera moved `offsetMeters` to the right (f, cx as in the splats). */
function projectedX(splats: LayerMesh, v: number, f: number, cx: number, offsetMeters: number): number {
	return cx + f * (splats.positions[v * 3] - offsetMeters) / -splats.positions[v * 3 + 2];
}

describe('mesh/pixel-splats after a sideways move', () => {
	it('splats of two linked boundary pixels meet at one shared corner, so the stretched row stays covered', () => {
		const width = 4;
		const height = 3;
		const disparity = createFloatImage(width, height);
		disparity.data.fill(0.3);
		disparity.data[1] = 0.2;
		disparity.data[2] = 0.6;
		const ldi = ldiFromImage(createRgbImage(width, height), disparity);
		const camera = {width, height, fovYRadians: Math.PI / 2};
		const f = 1.5;
		const cx = 2;
		// Top-row pixels (1, 0) and (2, 0): on the frame, linked, 0.4 apart in disparity.
		const splats = appendPixelSplats(emptyLayer(width, height), ldi, Int32Array.from([1, 2]), camera, RANGE, [0.25, 1 / 3]);
		// Corners: top-left, top-right, bottom-right, bottom-left; splat i starts at vertex 4 i.
		for (let k = 0; k < 3; k++) assert.equal(splats.positions[1 * 3 + k], splats.positions[4 * 3 + k], 'top-right of the first = top-left of the second');
		for (let k = 0; k < 3; k++) assert.equal(splats.positions[2 * 3 + k], splats.positions[7 * 3 + k], 'bottom-right of the first = bottom-left of the second');
		for (const offset of [0, -0.05, 0.05]) {
			const centre1 = cx + f * ((1.5 - cx) / f * 1 - offset * (0.2 * 1 + 0.8 * 0.1));
			const centre2 = cx + f * ((2.5 - cx) / f * 1 - offset * (0.6 * 1 + 0.4 * 0.1));
			const left = projectedX(splats, 0, f, cx, offset);
			const shared = projectedX(splats, 1, f, cx, offset);
			const right = projectedX(splats, 5, f, cx, offset);
			assert.ok(left < centre1 && right > centre2, `offset ${offset}: the splats span both vertices`);
			assert.ok(Math.min(centre1, centre2) < shared && shared < Math.max(centre1, centre2), `offset ${offset}: they meet between them`);
		}
		// The own view: each splat still covers its own pixel centre only.
		assert.ok(Math.abs(projectedX(splats, 0, f, cx, 0) - 1) < 1e-6 && Math.abs(projectedX(splats, 5, f, cx, 0) - 3) < 1e-6);
	});

	it('adds an inpainted pixel beside a photo pixel of its surface, coloured like that pixel', () => {
		const width = 4;
		const height = 4;
		const disparity = createFloatImage(width, height);
		disparity.data.fill(0.3);
		disparity.data[3 * width + 1] = 0.5;
		const ldi = ldiFromImage(createRgbImage(width, height), disparity);
		const seam = addPixel(ldi, 1, 2, 0, 0, 0, 0.31, 1);
		const far = addPixel(ldi, 2, 2, 0, 0, 0, 0.9, 1);
		const boundary = new Set(boundaryPixelsOf(ldi));
		assert.ok(boundary.has(seam), 'continues the photo pixel above it');
		assert.ok(!boundary.has(far), 'no photo surface of its own beside it');
		const splats = appendPixelSplats(emptyLayer(width, height), ldi, Int32Array.from([seam]), {width, height, fovYRadians: Math.PI / 2}, RANGE, [0.25, 0.25]);
		assert.deepEqual([splats.uvs[0], splats.uvs[1]], [1.5 * 0.25, 1.5 * 0.25], 'the colour of the photo pixel (1, 1)');
	});

	it('adds an inpainted pixel on the top row, coloured like the nearest photo pixel of its surface on that row', () => {
		const width = 5;
		const height = 3;
		const disparity = createFloatImage(width, height);
		disparity.data.fill(0.6);
		disparity.data[0] = 0.1;
		const ldi = ldiFromImage(createRgbImage(width, height), disparity);
		const hidden = addPixel(ldi, 2, 0, 0, 0, 0, 0.1, 1);
		const pixels = boundaryPixelsOf(ldi);
		assert.ok(pixels.includes(hidden));
		const splats = appendPixelSplats(emptyLayer(width, height), ldi, Int32Array.from([hidden]), {width, height, fovYRadians: Math.PI / 2}, RANGE, [0.2, 1 / 3]);
		assert.deepEqual([splats.uvs[0], splats.uvs[1]].map((n) => Math.round(n * 1e6) / 1e6), [0.1, Math.round(0.5 / 3 * 1e6) / 1e6], 'the colour of (0, 0)');
	});
});
