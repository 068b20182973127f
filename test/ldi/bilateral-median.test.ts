import assert from 'node:assert/strict';

import sharp from 'sharp';

import {normalizeDisparity} from '../../src/depth/normalize.js';
import {bilateralMedianFilter} from '../../src/image/bilateral-median.js';
import type {FloatImage} from '../../src/image/raster.js';
import {sharedFile} from '../helpers/shared.js';
import {bilateralMedianFilterReference} from './bilateral-median-reference.js';

/** Brute-force weighted median of one window, for comparison. */
function naiveFilter(data: Float32Array, width: number, height: number, radius: number, sigmaS: number, sigmaI: number): Float32Array {
	const out = new Float32Array(data.length);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const center = data[y * width + x];
			const pairs: [number, number][] = [];
			for (let dy = -radius; dy <= radius; dy++) {
				for (let dx = -radius; dx <= radius; dx++) {
					const xx = x + dx;
					const yy = y + dy;
					if (xx < 0 || yy < 0 || xx >= width || yy >= height) continue;
					const v = data[yy * width + xx];
					pairs.push([v, Math.exp(-(dx * dx + dy * dy) / (2 * sigmaS * sigmaS)) * Math.exp(-((v - center) ** 2) / (2 * sigmaI * sigmaI))]);
				}
			}
			pairs.sort((a, b) => a[0] - b[0]);
			const half = pairs.reduce((s, p) => s + p[1], 0) / 2;
			let cumulative = 0;
			let chosen = pairs[pairs.length - 1][0];
			for (const [v, w] of pairs) {
				cumulative += w;
				if (cumulative >= half) {
					chosen = v;
					break;
				}
			}
			out[y * width + x] = chosen;
		}
	}
	return out;
}

describe('bilateralMedianFilter', () => {
	it('matches a brute-force weighted median on random data', () => {
		const width = 23;
		const height = 17;
		const data = new Float32Array(width * height);
		let seed = 12345;
		for (let i = 0; i < data.length; i++) {
			seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
			data[i] = (seed >>> 8) / 2 ** 24;
		}
		const filtered = bilateralMedianFilter({width, height, data}, {windowSizes: [7], discontinuityThreshold: 0, referenceSizePixels: 23});
		const expected = naiveFilter(data, width, height, 3, 4, 0.5);
		let mismatches = 0;
		// The filter quantizes the range weight to 1/1024 steps; a tie at the half weight may pick a neighbour.
		for (let i = 0; i < data.length; i++) if (Math.abs(filtered.data[i] - expected[i]) > 0.05) mismatches++;
		assert.ok(mismatches <= data.length * 0.01, `${mismatches} of ${data.length} pixels differ`);
	});

	it('removes speckles beside a depth step and keeps the step one pixel wide', () => {
		const width = 64;
		const height = 32;
		const data = new Float32Array(width * height);
		for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = x < 32 ? 0.8 : 0.2;
		const speckles = [[20, 10], [40, 20], [29, 5], [35, 25]];
		for (const [x, y] of speckles) data[y * width + x] = data[y * width + x] > 0.5 ? 0.3 : 0.7;
		const filtered = bilateralMedianFilter({width, height, data}, {referenceSizePixels: 64});
		for (const [x, y] of speckles) {
			assert.equal(filtered.data[y * width + x], Math.fround(x < 32 ? 0.8 : 0.2), `speckle at (${x}, ${y}) survived`);
		}
		for (let y = 0; y < height; y++) {
			assert.equal(filtered.data[y * width + 31], Math.fround(0.8));
			assert.equal(filtered.data[y * width + 32], Math.fround(0.2));
		}
	});

	it('filters, pass after pass, exactly the pixels near a jump (the sparse bookkeeping changes nothing)', () => {
		const width = 48;
		const height = 40;
		const data = new Float32Array(width * height);
		let seed = 777;
		for (let y = 0; y < height; y++) {
			for (let x = 0; x < width; x++) {
				seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
				const step = (x - 20) * (x - 20) + (y - 18) * (y - 18) < 121 ? 0.7 : x > 36 ? 0.45 : 0.1;
				data[y * width + x] = step + ((seed >>> 8) / 2 ** 24) * 0.03;
			}
		}
		const threshold = 0.05;
		const windows = [7, 7, 5, 5, 5];
		let expected = data.slice();
		for (const window of windows) {
			const radius = (window - 1) / 2;
			const filtered = naiveFilter(expected, width, height, radius, 4, 0.5);
			const next = expected.slice();
			for (let y = 0; y < height; y++) {
				for (let x = 0; x < width; x++) {
					let near = false;
					for (let yy = Math.max(0, y - radius); yy <= Math.min(height - 1, y + radius) && !near; yy++) {
						for (let xx = Math.max(0, x - radius); xx <= Math.min(width - 1, x + radius) && !near; xx++) {
							const v = expected[yy * width + xx];
							near = (xx + 1 < width && Math.abs(expected[yy * width + xx + 1] - v) > threshold)
								|| (yy + 1 < height && Math.abs(expected[(yy + 1) * width + xx] - v) > threshold)
								|| (xx > 0 && Math.abs(expected[yy * width + xx - 1] - v) > threshold)
								|| (yy > 0 && Math.abs(expected[(yy - 1) * width + xx] - v) > threshold);
						}
					}
					if (near) next[y * width + x] = filtered[y * width + x];
				}
			}
			expected = next;
		}
		const actual = bilateralMedianFilter({width, height, data}, {windowSizes: windows, discontinuityThreshold: threshold, referenceSizePixels: 48});
		let mismatches = 0;
		for (let i = 0; i < data.length; i++) if (Math.abs(actual.data[i] - expected[i]) > 0.02) mismatches++;
		assert.ok(mismatches <= data.length * 0.01, `${mismatches} of ${data.length} pixels differ`);
	});

	it('leaves smooth maps unchanged and is deterministic', () => {
		const width = 40;
		const height = 30;
		const data = new Float32Array(width * height);
		for (let i = 0; i < data.length; i++) data[i] = (i % width) * 0.001;
		const a = bilateralMedianFilter({width, height, data});
		const b = bilateralMedianFilter({width, height, data});
		assert.deepEqual(a.data, data);
		assert.deepEqual(a.data, b.data);
	});

	it('the WebAssembly kernel returns exactly what its TypeScript twin returns on generated maps', () => {
		let seed = 99;
		const random = (): number => {
			seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
			return (seed >>> 8) / 2 ** 24;
		};
		const cases: {width: number; height: number; options: Parameters<typeof bilateralMedianFilter>[1]}[] = [
			{width: 1, height: 1, options: {}},
			{width: 1, height: 37, options: {referenceSizePixels: 37}},
			{width: 61, height: 43, options: {}},
			{width: 61, height: 43, options: {referenceSizePixels: 30, discontinuityThreshold: 0}},
			{width: 130, height: 97, options: {referenceSizePixels: 64, windowSizes: [9, 5, 5, 3], sigmaIntensity: 0.2}},
		];
		for (const {width, height, options} of cases) {
			const data = new Float32Array(width * height);
			// Blocks at a few levels (steps in both directions), ramps and noise, and exact ties.
			for (let y = 0; y < height; y++) {
				for (let x = 0; x < width; x++) {
					const block = ((x >> 3) * 7 + (y >> 2) * 3) % 5;
					data[y * width + x] = block * 0.15 + (x % 11) * 0.002 + (random() < 0.7 ? random() * 0.03 : 0);
				}
			}
			const image = {width, height, data};
			const kernel = bilateralMedianFilter(image, options);
			assert.deepEqual(kernel.data, bilateralMedianFilterReference(image, options).data, `${width}x${height} ${JSON.stringify(options)}`);
			assert.equal(kernel.width, width);
		}
	});

	for (const [photo, depth, nearIsBright] of [
		['moon.jpg', 'moon_depth_midas.png', true],
		['depthy_shelf.jpg', 'depthy_shelf_depth.jpg', false],
		['depthy_hut.jpg', 'depthy_hut_depth.jpg', false],
	] as const) {
		it(`the WebAssembly kernel returns exactly what its TypeScript twin returns on ${depth} at 1024 px`, async function () {
			const map = await loadDisparity(sharedFile(this, `photos/${photo}`), sharedFile(this, `photos/${depth}`), nearIsBright);
			const options = {discontinuityThreshold: 0.02};
			const kernel = bilateralMedianFilter(map, options);
			const reference = bilateralMedianFilterReference(map, options);
			let changed = 0;
			for (let i = 0; i < map.data.length; i++) if (reference.data[i] !== map.data[i]) changed++;
			assert.ok(changed > 1000, `the filter changed only ${changed} pixels: not a test of the kernel`);
			assert.deepEqual(kernel.data, reference.data);
		});
	}
});

/** The normalized disparity of a shared depth map, resized to the photo at 1024 px (as bench/ldi.ts loads it). */
async function loadDisparity(photoPath: string, depthPath: string, nearIsBright: boolean): Promise<FloatImage> {
	const {info} = await sharp(photoPath).resize({width: 1024, height: 1024, fit: 'inside'}).raw().toBuffer({resolveWithObject: true});
	const {width, height} = info;
	const depth = await sharp(depthPath).resize(width, height, {fit: 'fill'}).toColourspace('grey16').raw({depth: 'ushort'}).toBuffer();
	const grey = new Uint16Array(depth.buffer, depth.byteOffset, width * height);
	const data = new Float32Array(width * height);
	for (let i = 0; i < data.length; i++) data[i] = nearIsBright ? grey[i] : 65535 - grey[i];
	return normalizeDisparity({width, height, data}).disparity;
}
