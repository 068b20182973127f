import assert from 'node:assert/strict';

import sharp from 'sharp';

import {normalizeDisparity} from '../../src/depth/normalize.js';
import {bilateralMedianFilter} from '../../src/image/bilateral-median.js';
import type {FloatImage, RgbImage} from '../../src/image/raster.js';
import {detectDepthEdges} from '../../src/ldi/depth-edges.js';
import {snapDepthEdgesToColor, type SnapEdgesOptions} from '../../src/ldi/snap-edges.js';
import {sharedFile} from '../helpers/shared.js';
import {snapDepthEdgesToColorReference} from './snap-edges-reference.js';
import {type BackgroundTexture, makeScene, networkLikeDisparity} from './scenes.js';

/** Snaps with the kernel and with its TypeScript twin and asserts the same result. */
function assertSameSnap(image: RgbImage, disparity: FloatImage, options: Partial<SnapEdgesOptions>, what: string): number {
	const edges = detectDepthEdges(disparity, {thresholdDisparity: 0.02, referenceSizePixels: Math.max(disparity.width, disparity.height)});
	const kernel = snapDepthEdgesToColor(image, disparity, edges, options);
	const reference = snapDepthEdgesToColorReference(image, disparity, edges, options);
	assert.deepEqual(kernel.disparity.data, reference.disparity.data, `${what}: disparity`);
	assert.deepEqual(kernel.zone, reference.zone, `${what}: zone`);
	assert.equal(kernel.changedPixels, reference.changedPixels, `${what}: changedPixels`);
	const changed: number[] = [];
	for (let i = 0; i < disparity.data.length; i++) if (kernel.disparity.data[i] !== disparity.data[i]) changed.push(i);
	assert.deepEqual([...kernel.changed], changed, `${what}: changed`);
	return changed.length;
}

describe('snapDepthEdgesToColor kernel', () => {
	it('the WebAssembly kernel snaps exactly as its TypeScript twin on generated scenes', () => {
		const textures: BackgroundTexture[] = ['stripes', 'checker', 'noise', 'gradient'];
		for (const [t, texture] of textures.entries()) {
			const width = 97 + 13 * t;
			const height = 71;
			const scene = makeScene(width, height, texture, [
				{kind: 'disc', centerX: 40, centerY: 35, radiusX: 22, radiusY: 22, disparity: 0.8, color: [220, 30, 30]},
				{kind: 'bar', centerX: width - 12, centerY: 50, radiusX: 14, radiusY: 30, disparity: 0.5, color: [30, 200, 40]},
			], (x) => 0.1 + 0.2 * x / width);
			for (const grow of [1, -1] as const) {
				const map = networkLikeDisparity(scene.disparity, grow, 3);
				const moved = assertSameSnap(scene.image, map, {radiusPixels: 4, depthSampleSpacingPixels: 3}, `${texture}, grow ${grow}`);
				assert.ok(moved > 0, `${texture}, grow ${grow}: nothing snapped`);
			}
		}
	});

	it('returns the map unchanged where there is no kept edge', () => {
		const image = {width: 5, height: 4, data: new Uint8Array(60).fill(90)};
		const disparity = {width: 5, height: 4, data: new Float32Array(20).fill(0.3)};
		assert.equal(assertSameSnap(image, disparity, {}, 'flat'), 0);
	});

	for (const [photo, depth, nearIsBright, spacing] of [
		['moon.jpg', 'moon_depth_midas.png', true, 1.6],
		['depthy_shelf.jpg', 'depthy_shelf_depth.jpg', false, 1],
		['depthy_hut.jpg', 'depthy_hut_depth.jpg', false, 1],
	] as const) {
		it(`the WebAssembly kernel snaps exactly as its TypeScript twin on ${photo} at 1024 px`, async function () {
			const {image, disparity} = await loadPhotoAndDisparity(sharedFile(this, `photos/${photo}`), sharedFile(this, `photos/${depth}`), nearIsBright);
			const filtered = bilateralMedianFilter(disparity, {discontinuityThreshold: 0.02});
			const moved = assertSameSnap(image, filtered, {radiusPixels: 4 * Math.max(image.width, image.height) / 1024, depthSampleSpacingPixels: spacing}, photo);
			assert.ok(moved > 1000, `only ${moved} pixels snapped: not a test of the kernel`);
		});
	}
});

/** The photo at 1024 px and its normalized disparity resized to it (as bench/ldi.ts loads them). */
async function loadPhotoAndDisparity(photoPath: string, depthPath: string, nearIsBright: boolean): Promise<{image: RgbImage; disparity: FloatImage}> {
	const {data: rgb, info} = await sharp(photoPath).resize({width: 1024, height: 1024, fit: 'inside'}).removeAlpha().raw().toBuffer({resolveWithObject: true});
	const {width, height} = info;
	const depth = await sharp(depthPath).resize(width, height, {fit: 'fill'}).toColourspace('grey16').raw({depth: 'ushort'}).toBuffer();
	const grey = new Uint16Array(depth.buffer, depth.byteOffset, width * height);
	const data = new Float32Array(width * height);
	for (let i = 0; i < data.length; i++) data[i] = nearIsBright ? grey[i] : 65535 - grey[i];
	return {image: {width, height, data: new Uint8Array(rgb.buffer, rgb.byteOffset, width * height * 3)}, disparity: normalizeDisparity({width, height, data}).disparity};
}
