import assert from 'node:assert/strict';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

import sharp from 'sharp';

import type {DepthEstimate} from '../../src/depth/source.js';
import {createSuppliedDepthSource, fillUnknownDisparity, readDepthMap, SUPPLIED_DEPTH_DEFAULTS} from '../../src/depth/supplied.js';
import {UserError} from '../../src/errors.js';
import {sharedFile} from '../helpers/shared.js';

async function grey8Png(width: number, height: number, codes: number[]): Promise<Buffer> {
	return sharp(Buffer.from(codes), {raw: {width, height, channels: 1}}).toColourspace('b-w').png().toBuffer();
}

async function grey16Png(width: number, height: number, codes: number[]): Promise<Buffer> {
	return sharp(new Uint16Array(codes), {raw: {width, height, channels: 1}}).toColourspace('grey16').png().toBuffer();
}

/** A PFM written by hand, top row first in `values`; `channels` 3 repeats each value with +100/+200 in G/B. */
function pfm(width: number, height: number, values: number[], littleEndian: boolean, channels: 1 | 3 = 1): Buffer {
	const header = Buffer.from(`${channels === 3 ? 'PF' : 'Pf'}\n${width} ${height}\n${littleEndian ? '-1.0' : '1.0'}\n`, 'latin1');
	const body = Buffer.alloc(width * height * channels * 4);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			for (let c = 0; c < channels; c++) {
				const value = values[y * width + x]! + c * 100;
				const offset = (((height - 1 - y) * width + x) * channels + c) * 4;
				if (littleEndian) body.writeFloatLE(value, offset);
				else body.writeFloatBE(value, offset);
			}
		}
	}
	return Buffer.concat([header, body]);
}

function assertValues(estimate: DepthEstimate, expected: number[], tolerance = 1e-6): void {
	const actual = Array.from(estimate.disparity.data);
	assert.equal(actual.length, expected.length);
	for (let i = 0; i < expected.length; i++) {
		assert.ok(Math.abs(actual[i]! - expected[i]!) <= tolerance, `pixel ${i}: got [${actual.map((v) => v.toFixed(4))}], expected [${expected}]`);
	}
}

describe('depth/supplied', function () {
	let dir: string;
	let serial = 0;

	before(async function () {
		dir = await mkdtemp(join(tmpdir(), 'ldi-gltf-supplied-'));
	});

	after(async function () {
		await rm(dir, {recursive: true, force: true});
	});

	async function file(name: string, bytes: Uint8Array | string): Promise<string> {
		const path = join(dir, `${serial++}-${name}`);
		await writeFile(path, bytes);
		return path;
	}

	it('defaults to a disparity map, not inverted, zero = unknown when not inverted', function () {
		assert.deepEqual(SUPPLIED_DEPTH_DEFAULTS, {kind: 'disparity', invert: false, zeroIsUnknown: 'auto', fit: 'error'});
	});

	it('reads an 8-bit grey PNG as disparity and normalizes it (rawMin/rawMax kept)', async function () {
		const path = await file('d8.png', await grey8Png(4, 2, [10, 20, 30, 40, 50, 60, 70, 80]));
		const estimate = await readDepthMap(path, {width: 4, height: 2});
		assertValues(estimate, [0, 1, 2, 3, 4, 5, 6, 7].map((k) => k / 7));
		assert.equal(estimate.rawMin, 10);
		assert.equal(estimate.rawMax, 80);
		assert.equal(estimate.kind, 'file');
		assert.equal(estimate.source, path);
		assert.deepEqual(Object.keys(estimate.timingsMs), ['read', 'decode', 'fill', 'resize', 'normalize']);
	});

	it('reads a 16-bit grey PNG with its full precision', async function () {
		const path = await file('d16.png', await grey16Png(3, 1, [1000, 1001, 65535]));
		const estimate = await readDepthMap(path, {width: 3, height: 1});
		assertValues(estimate, [0, 1 / 64535, 1], 1e-9);
		assert.equal(estimate.rawMin, 1000);
		assert.equal(estimate.rawMax, 65535);
	});

	it('reads the first channel of an RGB PNG, 8-bit and 16-bit', async function () {
		const rgb8 = await sharp(Buffer.from([10, 200, 200, 110, 0, 0]), {raw: {width: 2, height: 1, channels: 3}}).png().toBuffer();
		const estimate8 = await readDepthMap(await file('rgb8.png', rgb8), {width: 2, height: 1});
		assert.equal(estimate8.rawMin, 10);
		assert.equal(estimate8.rawMax, 110);
		const rgb16 = await sharp(new Uint16Array([500, 9, 9, 40000, 9, 9]), {raw: {width: 2, height: 1, channels: 3}})
			.toColourspace('rgb16')
			.png()
			.toBuffer();
		const estimate16 = await readDepthMap(await file('rgb16.png', rgb16), {width: 2, height: 1});
		assert.equal(estimate16.rawMin, 500);
		assert.equal(estimate16.rawMax, 40000);
	});

	it('reads a JPEG map (flat areas keep their order and values)', async function () {
		const codes: number[] = [];
		for (let y = 0; y < 16; y++) for (let x = 0; x < 32; x++) codes.push(x < 16 ? 60 : 200);
		const jpeg = await sharp(Buffer.from(codes), {raw: {width: 32, height: 16, channels: 1}}).jpeg({quality: 100}).toBuffer();
		const estimate = await readDepthMap(await file('d.jpg', jpeg), {width: 32, height: 16});
		const data = estimate.disparity.data;
		assert.ok(Math.abs(estimate.rawMin - 60) <= 3 && Math.abs(estimate.rawMax - 200) <= 3, `${estimate.rawMin}..${estimate.rawMax}`);
		assert.ok(data[8 * 32 + 4]! < 0.03, `${data[8 * 32 + 4]}`);
		assert.ok(data[8 * 32 + 28]! > 0.97, `${data[8 * 32 + 28]}`);
	});

	for (const littleEndian of [true, false]) {
		it(`reads a PFM (${littleEndian ? 'little' : 'big'}-endian, rows bottom to top)`, async function () {
			const path = await file('d.pfm', pfm(2, 2, [1, 2, 3, 5], littleEndian));
			const estimate = await readDepthMap(path, {width: 2, height: 2});
			assertValues(estimate, [0, 0.25, 0.5, 1]);
			assert.equal(estimate.rawMin, 1);
			assert.equal(estimate.rawMax, 5);
		});
	}

	it('reads the first channel of a 3-channel PF file', async function () {
		const estimate = await readDepthMap(await file('rgb.pfm', pfm(2, 1, [4, 8], false, 3)), {width: 2, height: 1});
		assert.equal(estimate.rawMin, 4);
		assert.equal(estimate.rawMax, 8);
	});

	it('converts depth to disparity as 1/z', async function () {
		const estimate = await readDepthMap(await file('z.pfm', pfm(3, 1, [1, 2, 4], true)), {width: 3, height: 1}, {kind: 'depth'});
		// Disparity 1, 0.5, 0.25 → normalized (d − 0.25) / 0.75.
		assertValues(estimate, [1, 1 / 3, 0]);
		assert.equal(estimate.rawMin, 0.25);
		assert.equal(estimate.rawMax, 1);
		const integer = await readDepthMap(await file('z.png', await grey16Png(3, 1, [100, 200, 400])), {width: 3, height: 1}, {kind: 'depth'});
		assertValues(integer, [1, 1 / 3, 0], 1e-6);
		assert.ok(Math.abs(integer.rawMax - 0.01) < 1e-9);
	});

	it('inverts maps whose values run the other way (dark = near); 0 is then the nearest value, not unknown', async function () {
		const path = await file('inv.png', await grey8Png(3, 1, [0, 255, 51]));
		const estimate = await readDepthMap(path, {width: 3, height: 1}, {invert: true});
		assertValues(estimate, [1, 0, 0.8]);
		assert.equal(estimate.rawMin, 0);
		assert.equal(estimate.rawMax, 255);
		const floatMap = await readDepthMap(await file('inv.pfm', pfm(3, 1, [2, 6, 3], true)), {width: 3, height: 1}, {invert: true});
		assertValues(floatMap, [1, 0, 0.75]);
	});

	it('fills a 0 hole inside a far/near step with the FAR value', async function () {
		// Far (10) | hole | near (200), on every row; plus a fully unknown corner column.
		const row = [10, 10, 0, 0, 0, 200, 200];
		const path = await file('hole.png', await grey8Png(7, 2, [...row, ...row]));
		const estimate = await readDepthMap(path, {width: 7, height: 2});
		assertValues(estimate, [0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 1, 1]);
	});

	it('fills NaN, ±inf and depth ≤ 0 from the far side; zeros are kept when zeroIsUnknown is false', async function () {
		const disparity = await readDepthMap(await file('nan.pfm', pfm(5, 1, [0.2, NaN, Infinity, -Infinity, 0.8], true)), {width: 5, height: 1});
		assertValues(disparity, [0, 0, 0, 0, 1]);
		const depth = await readDepthMap(await file('neg.pfm', pfm(4, 1, [2, 0, -1, 1], true)), {width: 4, height: 1}, {kind: 'depth'});
		// Disparity 0.5, ?, ?, 1 → holes take 0.5.
		assertValues(depth, [0, 0, 0, 1]);
		const zeros = await readDepthMap(await file('zeros.png', await grey8Png(3, 1, [0, 100, 200])), {width: 3, height: 1}, {zeroIsUnknown: false});
		assertValues(zeros, [0, 0.5, 1]);
	});

	it('fills pixels whose row and column are both unknown (a single known pixel fills the map)', function () {
		const data = new Float32Array(4 * 3).fill(NaN);
		data[5] = 0.4;
		const unknownCount = fillUnknownDisparity({width: 4, height: 3, data});
		assert.equal(unknownCount, 11);
		assert.deepEqual(Array.from(data), new Array(12).fill(data[5]));
	});

	it('fills along columns too, taking the smaller of row and column fills', function () {
		// A hole column between near above and far below; its row neighbours are near.
		const nan = NaN;
		const data = new Float32Array([
			0.9, 0.9, 0.9,
			0.9, nan, 0.9,
			0.1, 0.1, 0.1,
		]);
		fillUnknownDisparity({width: 3, height: 3, data});
		assert.ok(Math.abs(data[4]! - 0.1) < 1e-7, `${data[4]}`);
	});

	it('resizes a map of another size to the target (bilinear on the filled floats)', async function () {
		const path = await file('small.png', await grey8Png(2, 2, [10, 50, 10, 50]));
		const estimate = await readDepthMap(path, {width: 4, height: 3});
		assert.deepEqual([estimate.disparity.width, estimate.disparity.height], [4, 3]);
		// Row: 10, 20, 40, 50 → normalized 0, 0.25, 0.75, 1 on every row.
		assertValues(estimate, [0, 0.25, 0.75, 1, 0, 0.25, 0.75, 1, 0, 0.25, 0.75, 1]);
	});

	describe('a map of another aspect ratio (--depth-fit)', function () {
		// 8 × 4 codes: columns 10, 20, …, 80 on every row, so a crop shows which columns it kept.
		const wideCodes = Array.from({length: 32}, (_, i) => 10 * ((i % 8) + 1));

		it('is refused by default in one line that names the map and both sizes', async function () {
			const path = await file('wide.png', await grey8Png(80, 40, Array.from({length: 3200}, (_, i) => (i % 80) + 1)));
			await assert.rejects(readDepthMap(path, {width: 64, height: 64}), (error: unknown) => {
				assert.ok(error instanceof UserError, String(error));
				assert.equal(error.subject, path);
				assert.ok(!error.message.includes('\n'), error.message);
				assert.match(error.problem, /depth map is 80×40, the photo 64×64: another aspect ratio \(2\.00 vs 1\.00\).*--depth-fit stretch or --depth-fit crop/);
				return true;
			});
		});

		it('names the photo\'s own size, not its working size, through a DepthSource', async function () {
			const path = await file('portrait.png', await grey8Png(40, 80, Array.from({length: 3200}, (_, i) => (i % 40) + 1)));
			const photo = {image: {width: 64, height: 48, data: new Uint8Array(64 * 48 * 3)}, fovYRadians: 1, fovSource: 'default' as const, sourcePath: 'p.jpg', originalWidth: 4000, originalHeight: 3000};
			await assert.rejects(createSuppliedDepthSource(path).estimate(photo), /depth map is 40×80, the photo 4000×3000/);
		});

		it('stretch resizes it anyway; crop keeps its middle at the photo\'s aspect ratio', async function () {
			const path = await file('wide8.png', await grey8Png(8, 4, wideCodes));
			const stretched = await readDepthMap(path, {width: 4, height: 4}, {fit: 'stretch'});
			// Squeezed to 4 columns, the outer columns still weigh in.
			assert.ok(stretched.rawMin < 30 && stretched.rawMax > 60, `${stretched.rawMin}..${stretched.rawMax}`);
			// The middle 4 × 4: columns 30..60, nothing of the outer ones.
			const cropped = await readDepthMap(path, {width: 4, height: 4}, {fit: 'crop'});
			assert.deepEqual([cropped.rawMin, cropped.rawMax], [30, 60]);
			assertValues(cropped, Array.from({length: 16}, (_, i) => (i % 4) / 3));
		});

		it('a depth network\'s rounding of the sides is no other aspect ratio: resized whatever the fit', async function () {
			// Depth Anything for a 1024 × 768 photo: short side 518, long side rounded to a multiple of 14.
			const path = await file('da2.png', await grey8Png(686, 518, Array.from({length: 686 * 518}, (_, i) => (i % 686) % 200 + 1)));
			for (const fit of ['error', 'crop'] as const) {
				const estimate = await readDepthMap(path, {width: 1024, height: 768}, {fit});
				assert.deepEqual([estimate.disparity.width, estimate.disparity.height], [1024, 768]);
				// Not cropped: the first and last columns of the map are still the first and last of the photo.
				assert.equal(estimate.disparity.data[0], 0);
			}
		});
	});

	it('a DepthSource reads the map at the photo size', async function () {
		const path = await file('source.png', await grey8Png(2, 1, [10, 50]));
		const source = createSuppliedDepthSource(path);
		const estimate = await source.estimate({
			image: {width: 4, height: 1, data: new Uint8Array(12)},
			fovYRadians: 1,
			fovSource: 'default',
			sourcePath: 'p.jpg',
			originalWidth: 4,
			originalHeight: 1,
		});
		assertValues(estimate, [0, 0.25, 0.75, 1]);
	});

	it('a DepthSource prepared before the photo is decoded has read its map by then (and reads it once)', async function () {
		const path = await file('prepared.png', await grey8Png(2, 1, [10, 50]));
		const source = createSuppliedDepthSource(path);
		source.prepare?.();
		// Decoding the photo takes longer than this; the map must not be needed any more afterwards.
		await new Promise((resolve) => setTimeout(resolve, 200));
		await rm(path);
		const photo = {image: {width: 4, height: 1, data: new Uint8Array(12)}, fovYRadians: 1, fovSource: 'default' as const, sourcePath: 'p.jpg', originalWidth: 4, originalHeight: 1};
		assertValues(await source.estimate(photo), [0, 0.25, 0.75, 1]);
		assertValues(await source.estimate(photo), [0, 0.25, 0.75, 1]);
	});

	it('a prepared DepthSource whose map is missing fails in estimate with the usual UserError', async function () {
		const source = createSuppliedDepthSource(join(tmpdir(), 'no-such-depth-map.png'));
		source.prepare?.();
		await new Promise((resolve) => setTimeout(resolve, 50));
		const photo = {image: {width: 4, height: 1, data: new Uint8Array(12)}, fovYRadians: 1, fovSource: 'default' as const, sourcePath: 'p.jpg', originalWidth: 4, originalHeight: 1};
		await assert.rejects(source.estimate(photo), (error: unknown) => error instanceof UserError && /cannot read depth map/.test(error.message));
	});

	describe('unreadable maps give a one-line UserError naming the file', function () {
		async function assertUserError(path: string, pattern: RegExp, options = {}): Promise<void> {
			await assert.rejects(readDepthMap(path, {width: 4, height: 4}, options), (error: unknown) => {
				assert.ok(error instanceof UserError, String(error));
				assert.ok(error.message.startsWith(`${path}: `), error.message);
				assert.ok(!error.message.includes('\n'), error.message);
				assert.match(error.message, pattern);
				return true;
			});
		}

		it('missing, empty, text, truncated PFM, all unknown', async function () {
			await assertUserError(join(dir, 'nope.png'), /no such file/);
			await assertUserError(await file('empty.png', ''), /empty file/);
			await assertUserError(await file('text.png', 'hello, depth\n'), /not an image or PFM/);
			await assertUserError(await file('short.pfm', pfm(4, 4, new Array(16).fill(1), true).subarray(0, 40)), /truncated PFM data/);
			await assertUserError(await file('zero.png', await grey8Png(2, 2, [0, 0, 0, 0])), /no known values/);
			await assertUserError(await file('nan.pfm', pfm(1, 1, [NaN], true)), /no known values/);
		});
	});

	describe('real maps in ../shared/photos', function () {
		it('moon_depth_midas.png (16-bit, bright = near): the astronaut is nearer than the sky', async function () {
			const path = sharedFile(this, 'photos/moon_depth_midas.png');
			const estimate = await readDepthMap(path, {width: 1024, height: 1024});
			const at = (fx: number, fy: number) => estimate.disparity.data[Math.round(fy * 1023) * 1024 + Math.round(fx * 1023)]!;
			const astronaut = at(0.516, 0.31);
			const sky = at(0.09, 0.06);
			assert.ok(astronaut > sky + 0.4, `astronaut ${astronaut}, sky ${sky}`);
			assert.ok(sky < 0.1, `sky ${sky}`);
			// Its 4 stored zeros are unknowns, filled from the (far) sky around them: the minimum is no longer 0.
			assert.ok(estimate.rawMin > 100 && estimate.rawMax > 65000, `${estimate.rawMin}..${estimate.rawMax}`);
			for (const value of estimate.disparity.data) assert.ok(value >= 0 && value <= 1);
		});

		it('depthy_shelf_depth.jpg (dark = near, --depth-invert): the mask is nearer than the wall', async function () {
			const path = sharedFile(this, 'photos/depthy_shelf_depth.jpg');
			const estimate = await readDepthMap(path, {width: 724, height: 580}, {invert: true});
			const at = (fx: number, fy: number) => estimate.disparity.data[Math.round(fy * 579) * 724 + Math.round(fx * 723)]!;
			const mask = at(0.84, 0.4);
			const wall = at(0.055, 0.07);
			assert.ok(mask > wall + 0.2, `mask ${mask}, wall ${wall}`);
			const notInverted = await readDepthMap(path, {width: 724, height: 580});
			const maskRaw = notInverted.disparity.data[Math.round(0.4 * 579) * 724 + Math.round(0.84 * 723)]!;
			assert.ok(maskRaw < notInverted.disparity.data[Math.round(0.07 * 579) * 724 + Math.round(0.055 * 723)]!);
		});

		it('depthy_hut_depth.jpg (dark = near, 0 = nearest plants): inverted, its zeros stay the nearest values', async function () {
			const path = sharedFile(this, 'photos/depthy_hut_depth.jpg');
			const estimate = await readDepthMap(path, {width: 290, height: 512}, {invert: true});
			assert.equal(estimate.rawMax, 255);
			// Left-edge plants low in the picture (stored 0) are the nearest thing in it; the porch is far.
			assert.ok(estimate.disparity.data[448 * 290 + 5]! > 0.99, `${estimate.disparity.data[448 * 290 + 5]}`);
			assert.ok(estimate.disparity.data[16 * 290 + 5]! < 0.3, `${estimate.disparity.data[16 * 290 + 5]}`);
		});
	});
});
