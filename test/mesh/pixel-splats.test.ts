import assert from 'node:assert/strict';

import {createFloatImage, createRgbImage, createRgbaImage} from '../../src/image/raster.js';
import {LINK_RIGHT, cutLink, ldiFromImage} from '../../src/ldi/ldi.js';
import {appendPixelSplats} from '../../src/mesh/pixel-splats.js';
import {boundaryPixelsOf} from './ldi-fixtures.js';

describe('mesh/pixel-splats', () => {
	it('finds the frame and both sides of a cut as the boundary of the surface', () => {
		const width = 6;
		const height = 5;
		const ldi = ldiFromImage(createRgbImage(width, height), createFloatImage(width, height));
		const frame = boundaryPixelsOf(ldi);
		assert.equal(frame.length, 2 * width + 2 * height - 4, 'the frame only');
		for (let y = 0; y < height; y++) cutLink(ldi, y * width + 2, LINK_RIGHT);
		const withCut = new Set(boundaryPixelsOf(ldi));
		for (let y = 1; y < height - 1; y++) {
			assert.ok(withCut.has(y * width + 2) && withCut.has(y * width + 3), `row ${y}: both sides of the cut`);
			assert.ok(!withCut.has(y * width + 1), `row ${y}: an inner pixel is not`);
		}
	});

	it('adds one camera-facing pixel-sized quad per pixel with the pixel-centre UV', () => {
		const ldi = ldiFromImage(createRgbImage(4, 4), createFloatImage(4, 4));
		const empty = {layerIndex: 0, positions: new Float32Array(0), uvs: new Float32Array(0), indices: new Uint32Array(0), texture: createRgbaImage(4, 4)};
		const camera = {width: 4, height: 4, fovYRadians: Math.PI / 2};
		const splats = appendPixelSplats(empty, ldi, Int32Array.from([5]), camera, {nearMeters: 1, farMeters: 10}, [0.25, 0.25]);
		assert.equal(splats.indices.length, 6);
		assert.equal(splats.positions.length, 12);
		for (let v = 0; v < 4; v++) assert.deepEqual([splats.uvs[v * 2], splats.uvs[v * 2 + 1]], [0.375, 0.375]);
		// Projected to the image (f = 2 px, centre 2, 2) the corners are the pixel (1, 1)'s square.
		const xs = [0, 1, 2, 3].map((v) => 2 + 2 * splats.positions[v * 3] / -splats.positions[v * 3 + 2]);
		const ys = [0, 1, 2, 3].map((v) => 2 - 2 * splats.positions[v * 3 + 1] / -splats.positions[v * 3 + 2]);
		assert.deepEqual([Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)].map((n) => Math.round(n * 1e6) / 1e6), [1, 2, 1, 2]);
		for (let t = 0; t < 2; t++) {
			const [a, b, c] = [0, 1, 2].map((k) => splats.indices[t * 3 + k]);
			// Counter-clockwise seen from the camera: positive signed area in (X, Y) with Y up.
			const area = (splats.positions[b * 3] - splats.positions[a * 3]) * (splats.positions[c * 3 + 1] - splats.positions[a * 3 + 1])
				- (splats.positions[b * 3 + 1] - splats.positions[a * 3 + 1]) * (splats.positions[c * 3] - splats.positions[a * 3]);
			assert.ok(area > 0, `triangle ${t} faces the camera`);
		}
	});
});
