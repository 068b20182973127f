import assert from 'node:assert/strict';
import {mkdtemp, readdir, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

import sharp from 'sharp';

import {writeDebugImages} from '../../src/io/debug-dir.js';
import {buildLdi} from '../../src/ldi/build-ldi.js';
import {makeScene} from './scenes.js';

describe('LDI debug images', () => {
	it('writes the contract files with the promised formats', async () => {
		const scene = makeScene(160, 120, 'checker', [{kind: 'disc', centerX: 80, centerY: 60, radiusX: 25, radiusY: 25, disparity: 1, color: [250, 0, 0]}]);
		const {ldi, stats, debug} = await buildLdi(scene.image, scene.disparity, {inpainter: 'diffusion', debug: true});
		assert.ok(debug);
		const directory = await mkdtemp(join(tmpdir(), 'ldi-debug-'));
		try {
			await writeDebugImages(directory, debug);
			const names = (await readdir(directory)).sort();
			assert.deepEqual(names, [
				'disparity-filtered.png', 'edges.png',
				'layer-1-color.png', 'layer-1-disparity.png', 'layer-2-color.png', 'layer-2-disparity.png',
				'layer-3-color.png', 'layer-3-disparity.png', 'regions.png',
			]);
			const filtered = await sharp(join(directory, 'disparity-filtered.png')).metadata();
			assert.equal(filtered.depth, 'ushort');
			assert.equal(filtered.width, 160);

			const lattice = 160 + 2 * stats.borderPixels;
			const color = await sharp(join(directory, 'layer-1-color.png')).raw().toBuffer({resolveWithObject: true});
			assert.equal(color.info.width, lattice);
			assert.equal(color.info.channels, 4);
			let opaque = 0;
			for (let i = 3; i < color.data.length; i += 4) if (color.data[i] === 255) opaque++;
			assert.equal(opaque, stats.pixelsPerLayer[1]);

			const depth = await sharp(join(directory, 'layer-1-disparity.png')).toColourspace('grey16').raw({depth: 'ushort'}).toBuffer({resolveWithObject: true});
			const values = new Uint16Array(depth.data.buffer, depth.data.byteOffset, depth.info.width * depth.info.height);
			let nonZero = 0;
			for (let i = 0; i < values.length; i++) {
				if (values[i] === 0) continue;
				nonZero++;
				assert.equal(color.data[i * 4 + 3], 255, 'disparity only where the layer has a pixel');
			}
			assert.equal(nonZero, opaque);
			const corner = (stats.borderPixels + 2) * lattice + stats.borderPixels + 2;
			assert.equal(values[corner], 0, 'no layer-1 pixel in the photo corner');

			const edges = await sharp(join(directory, 'edges.png')).raw().toBuffer({resolveWithObject: true});
			let saturated = 0;
			for (let i = 0; i < edges.data.length; i += 3) if (Math.max(edges.data[i], edges.data[i + 1], edges.data[i + 2]) === 255) saturated++;
			assert.ok(saturated > 100, `${saturated} edge-coloured pixels`);
			const regions = await sharp(join(directory, 'regions.png')).raw().toBuffer({resolveWithObject: true});
			const center = (60 * 160 + 80) * 3;
			assert.ok(regions.data[center] > regions.data[center + 2], 'the disc centre is synthesis (red)');
			assert.ok(ldi.count > 160 * 120);
		} finally {
			await rm(directory, {recursive: true, force: true});
		}
	});
});
