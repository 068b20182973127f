import assert from 'node:assert/strict';
import {mkdtemp, readdir, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

import sharp from 'sharp';

import type {FloatImage, RgbImage} from '../../src/image/raster.js';
import {writeDebugImages} from '../../src/io/debug-dir.js';
import {buildLdi} from '../../src/ldi/build-ldi.js';
import {sharedFile} from '../helpers/shared.js';
import {linkProblems} from './scenes.js';

/** Photo resized to `longSide` and its depth map resized to match, as disparity (larger = nearer). */
async function loadPair(photoPath: string, depthPath: string, nearIsBright: boolean, longSide: number): Promise<{image: RgbImage; disparity: FloatImage}> {
	const photo = await sharp(photoPath).resize({width: longSide, height: longSide, fit: 'inside'}).removeAlpha().raw().toBuffer({resolveWithObject: true});
	const {width, height} = photo.info;
	const depth = await sharp(depthPath).resize(width, height, {fit: 'fill'}).toColourspace('grey16').raw({depth: 'ushort'}).toBuffer({resolveWithObject: true});
	const grey = new Uint16Array(depth.data.buffer, depth.data.byteOffset, width * height);
	const data = new Float32Array(width * height);
	for (let i = 0; i < data.length; i++) data[i] = nearIsBright ? grey[i] : 65535 - grey[i];
	return {image: {width, height, data: new Uint8Array(photo.data)}, disparity: {width, height, data}};
}

describe('buildLdi on real photos', () => {
	it('finds the depth edges around the astronaut in moon.jpg and writes the debug images', async function () {
		const photo = sharedFile(this, 'photos/moon.jpg');
		const depth = sharedFile(this, 'photos/moon_depth_midas.png');
		const {image, disparity} = await loadPair(photo, depth, true, 512);
		const {ldi, stats, debug} = await buildLdi(image, disparity, {inpainter: 'diffusion', debug: true, disparityName: 'moon_depth_midas.png'});
		assert.ok(stats.edgesKept >= 5, `${stats.edgesKept} edges kept`);
		assert.ok(stats.pixelsPerLayer[1] > 5000, `layer 1 has ${stats.pixelsPerLayer[1]} pixels`);
		assert.deepEqual(linkProblems(ldi), []);
		// The astronaut stands in x ∈ [0.38, 0.70], y ∈ [0.02, 0.62] of the frame: his outline must be cut
		// on both sides (left of x 0.5 and right of it) and over his helmet.
		let left = 0;
		let right = 0;
		let top = 0;
		for (let p = 0; p < image.width * image.height; p++) {
			let cut = false;
			for (let k = 0; k < 4; k++) if (ldi.links[p * 4 + k] === -1) cut = true;
			const x = ldi.x[p] / image.width;
			const y = ldi.y[p] / image.height;
			if (!cut || x <= 0.005 || y <= 0.005 || x >= 0.995 || y >= 0.995) continue;
			if (y > 0.1 && y < 0.6 && x > 0.36 && x < 0.46) left++;
			if (y > 0.1 && y < 0.6 && x > 0.58 && x < 0.70) right++;
			if (y < 0.1 && x > 0.38 && x < 0.62) top++;
		}
		assert.ok(left > 40 && right > 40 && top > 20, `cut pixels: left ${left}, right ${right}, helmet ${top}`);
		const directory = await mkdtemp(join(tmpdir(), 'ldi-debug-'));
		try {
			await writeDebugImages(directory, debug ?? []);
			const names = await readdir(directory);
			for (const name of ['disparity-filtered.png', 'edges.png', 'regions.png', 'layer-1-color.png', 'layer-1-disparity.png', 'layer-3-color.png']) {
				assert.ok(names.includes(name), `${name} written`);
			}
			const layer = await sharp(join(directory, 'layer-1-color.png')).raw().toBuffer({resolveWithObject: true});
			assert.equal(layer.info.channels, 4);
			let opaque = 0;
			for (let i = 3; i < layer.data.length; i += 4) if (layer.data[i] === 255) opaque++;
			assert.equal(opaque, stats.pixelsPerLayer[1] - countDuplicates(ldi, 1));
			const depthImage = await sharp(join(directory, 'layer-1-disparity.png')).metadata();
			assert.equal(depthImage.depth, 'ushort');
		} finally {
			await rm(directory, {recursive: true, force: true});
		}
	});

	it('does not crash on the portrait hut', async function () {
		const photo = sharedFile(this, 'photos/depthy_hut.jpg');
		const depth = sharedFile(this, 'photos/depthy_hut_depth.jpg');
		const {image, disparity} = await loadPair(photo, depth, false, 512);
		const {ldi, stats} = await buildLdi(image, disparity, {inpainter: 'patch'});
		assert.ok(image.height > image.width);
		assert.ok(stats.edgesKept > 0);
		assert.equal(stats.pixelsPerLayer[0], image.width * image.height);
		assert.deepEqual(linkProblems(ldi), []);
	});
});

/** Pixels of `layer` sharing a position with an earlier pixel of the same layer (one texel shows both). */
function countDuplicates(ldi: {count: number; layerIndex: Uint16Array; firstAtPosition: Int32Array; nextAtPosition: Int32Array}, layer: number): number {
	let duplicates = 0;
	for (let position = 0; position < ldi.firstAtPosition.length; position++) {
		let seen = 0;
		for (let p = ldi.firstAtPosition[position]; p !== -1; p = ldi.nextAtPosition[p]) if (ldi.layerIndex[p] === layer) seen++;
		if (seen > 1) duplicates += seen - 1;
	}
	return duplicates;
}
