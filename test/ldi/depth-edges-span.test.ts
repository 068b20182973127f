import assert from 'node:assert/strict';

import type {FloatImage} from '../../src/image/raster.js';
import {detectDepthEdges} from '../../src/ldi/depth-edges.js';

/**
 * A plane rising along x from 0.2 to 0.8, as a map of 1/`factor` of the size upsampled bilinearly (linear
 * stays linear) and stored in 8 bits, then normalized to [0, 1] as buildLdi does: smooth, but its every
 * step is 1/255 of 1/0.6.
 */
function eightBitSlope(size: number, factor: number): FloatImage {
	const low = size / factor;
	const data = new Float32Array(size * size);
	for (let y = 0; y < size; y++) {
		for (let x = 0; x < size; x++) {
			const lowX = Math.min(low - 1, Math.max(0, (x + 0.5) / factor - 0.5));
			data[y * size + x] = (Math.round(255 * (0.2 + 0.6 * lowX / (low - 1))) / 255 - 0.2) / 0.6;
		}
	}
	return {width: size, height: size, data};
}

/** A disc of disparity 0.9 on 0.1, its step spread linearly over `rampPixels` outside radius `radius`. */
function blurredDisc(size: number, radius: number, rampPixels: number): FloatImage {
	const data = new Float32Array(size * size);
	for (let y = 0; y < size; y++) {
		for (let x = 0; x < size; x++) {
			const t = Math.min(1, Math.max(0, (radius + rampPixels - Math.hypot(x - size / 2, y - size / 2)) / rampPixels));
			data[y * size + x] = 0.1 + 0.8 * t;
		}
	}
	return {width: size, height: size, data};
}

describe('detectDepthEdges across a span', () => {
	// A 512-px map at a reference size of 128: 4 pixels per reference pixel.
	const options = {referenceSizePixels: 128, minEdgeLengthPixels: 10};

	it('finds a step blurred over many pixels, which the neighbours alone do not show', () => {
		// 0.8 over 60 px: 0.013 per pixel, 0.053 across 4.
		const disc = blurredDisc(512, 120, 60);
		assert.equal(detectDepthEdges(disc, {...options, thresholdDisparity: 0.02}).edgeLengths.length, 0);
		const edges = detectDepthEdges(disc, {...options, thresholdDisparity: 0.02, stepSpanPixels: 4});
		assert.ok(edges.edgeLengths.length >= 1, `${edges.edgeLengths.length} edges`);
		assert.ok(edges.keptPixels.length > 2 * Math.PI * 120, `${edges.keptPixels.length} silhouette pixels kept`);
	});

	it('does not find the 8-bit steps of an upsampled slope, which a threshold divided by the scale finds', () => {
		// 1 over 512 px: 0.0078 across 4 px; each 8-bit step is 0.0065.
		const slope = eightBitSlope(512, 4);
		const perPixel = detectDepthEdges(slope, {...options, thresholdDisparity: 0.02 / 4});
		assert.ok(perPixel.keptPixels.length > 512, `the threshold / 4 per pixel keeps ${perPixel.keptPixels.length} pixels`);
		const spanned = detectDepthEdges(slope, {...options, thresholdDisparity: 0.02, stepSpanPixels: 4});
		assert.equal(spanned.silhouettePixels.length, 0);
	});

	it('is detectDepthEdges as before with a span of 1', () => {
		const disc = blurredDisc(128, 30, 4);
		assert.deepEqual(detectDepthEdges(disc, {stepSpanPixels: 1, referenceSizePixels: 128}), detectDepthEdges(disc, {referenceSizePixels: 128}));
	});
});
