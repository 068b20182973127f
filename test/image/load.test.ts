import assert from 'node:assert/strict';
import {mkdtemp, mkdir, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

import sharp from 'sharp';

import {UserError} from '../../src/errors.js';
import {DEFAULT_LONG_SIDE_FOV_DEGREES, FULL_FRAME_DIAGONAL_MM, readFocalLength35mm} from '../../src/image/fov.js';
import {decodePhoto, loadPhoto} from '../../src/image/load.js';
import type {Photo} from '../../src/image/raster.js';
import {pngHeaderOnly} from '../fixtures/png-header.js';
import {sharedFile} from '../helpers/shared.js';

/** A solid-colour raw RGB buffer. */
function solid(width: number, height: number, rgb: [number, number, number]): Buffer {
	const data = Buffer.alloc(width * height * 3);
	for (let i = 0; i < width * height; i++) data.set(rgb, i * 3);
	return data;
}

/** Red left half, blue right half. */
function halves(width: number, height: number): Buffer {
	const data = Buffer.alloc(width * height * 3);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) data.set(x < width / 2 ? [255, 0, 0] : [0, 0, 255], (y * width + x) * 3);
	}
	return data;
}

function pixel(photo: Photo, x: number, y: number): number[] {
	const i = (y * photo.image.width + x) * 3;
	return Array.from(photo.image.data.subarray(i, i + 3));
}

function assertNear(actual: number[], expected: number[], tolerance: number): void {
	for (let c = 0; c < expected.length; c++) {
		assert.ok(Math.abs(actual[c]! - expected[c]!) <= tolerance, `got [${actual}], expected [${expected}] ± ${tolerance}`);
	}
}

/**
 * A TIFF block (as in an EXIF APP1 segment) whose Exif sub-IFD holds FocalLengthIn35mmFormat, built by
 * hand because sharp cannot write that tag.
 */
function exifWithFocalLength35mm(focal: number, littleEndian: boolean): Buffer {
	const tiff = Buffer.alloc(8 + 2 + 12 + 4 + 2 + 12 + 4);
	const u16 = (value: number, offset: number) => (littleEndian ? tiff.writeUInt16LE(value, offset) : tiff.writeUInt16BE(value, offset));
	const u32 = (value: number, offset: number) => (littleEndian ? tiff.writeUInt32LE(value, offset) : tiff.writeUInt32BE(value, offset));
	tiff.write(littleEndian ? 'II' : 'MM', 0, 'latin1');
	u16(42, 2);
	u32(8, 4);
	// IFD0: one entry, ExifIFDPointer (LONG) → offset 26.
	u16(1, 8);
	u16(0x8769, 10);
	u16(4, 12);
	u32(1, 14);
	u32(26, 18);
	u32(0, 22);
	// Exif IFD: one entry, FocalLengthIn35mmFormat (SHORT).
	u16(1, 26);
	u16(0xa405, 28);
	u16(3, 30);
	u32(1, 32);
	u16(focal, 36);
	u32(0, 40);
	return Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
}

/** Inserts an APP1 EXIF segment right after a JPEG's SOI marker. */
function withExifSegment(jpeg: Buffer, exif: Buffer): Buffer {
	const header = Buffer.alloc(4);
	header.writeUInt16BE(0xffe1, 0);
	header.writeUInt16BE(exif.length + 2, 2);
	return Buffer.concat([jpeg.subarray(0, 2), header, exif, jpeg.subarray(2)]);
}

describe('image/load', function () {
	let dir: string;

	before(async function () {
		dir = await mkdtemp(join(tmpdir(), 'ldi-gltf-load-'));
	});

	after(async function () {
		await rm(dir, {recursive: true, force: true});
	});

	it('applies EXIF orientation 6 (rotate 90° clockwise): dimensions and pixel placement', async function () {
		const jpeg = await sharp(halves(40, 20), {raw: {width: 40, height: 20, channels: 3}})
			.withMetadata({orientation: 6})
			.jpeg({quality: 95})
			.toBuffer();
		const photo = await decodePhoto(jpeg, 'rotated.jpg');
		assert.equal(photo.image.width, 20);
		assert.equal(photo.image.height, 40);
		assert.equal(photo.originalWidth, 20);
		assert.equal(photo.originalHeight, 40);
		// The left (red) half of the stored image is on top once rotated clockwise.
		assertNear(pixel(photo, 10, 5), [255, 0, 0], 40);
		assertNear(pixel(photo, 10, 34), [0, 0, 255], 40);
	});

	it('applies EXIF orientations 3 (180°) and 8 (90° counter-clockwise)', async function () {
		const encode = (orientation: number) => sharp(halves(40, 20), {raw: {width: 40, height: 20, channels: 3}})
			.withMetadata({orientation})
			.jpeg({quality: 95})
			.toBuffer();
		const upsideDown = await decodePhoto(await encode(3), 'upside-down.jpg');
		assert.deepEqual([upsideDown.image.width, upsideDown.image.height], [40, 20]);
		assertNear(pixel(upsideDown, 5, 10), [0, 0, 255], 40);
		const counterClockwise = await decodePhoto(await encode(8), 'ccw.jpg');
		assert.deepEqual([counterClockwise.image.width, counterClockwise.image.height], [20, 40]);
		assertNear(pixel(counterClockwise, 10, 34), [255, 0, 0], 40);
	});

	it('decodes a 16-bit RGB PNG to 8-bit sRGB', async function () {
		const samples = new Uint16Array(8 * 8 * 3);
		for (let i = 0; i < 64; i++) samples.set([65535, 32896, 0], i * 3);
		const png = await sharp(samples, {raw: {width: 8, height: 8, channels: 3}}).toColourspace('rgb16').png().toBuffer();
		assert.equal((await sharp(png).metadata()).depth, 'ushort');
		const photo = await decodePhoto(png, 'deep.png');
		assertNear(pixel(photo, 3, 3), [255, 128, 0], 1);
	});

	it('decodes 16-bit grey and 16-bit RGBA PNGs (alpha flattened)', async function () {
		const grey16 = await sharp(new Uint16Array(16).fill(32896), {raw: {width: 4, height: 4, channels: 1}}).toColourspace('grey16').png().toBuffer();
		assert.deepEqual(pixel(await decodePhoto(grey16, 'grey16.png'), 1, 1), [128, 128, 128]);
		const samples = new Uint16Array(16 * 4);
		for (let i = 0; i < 16; i++) samples.set([65535, 0, 0, 32768], i * 4);
		const rgba16 = await sharp(samples, {raw: {width: 4, height: 4, channels: 4}}).toColourspace('rgb16').png().toBuffer();
		assert.deepEqual([(await sharp(rgba16).metadata()).channels, (await sharp(rgba16).metadata()).depth], [4, 'ushort']);
		// Half-transparent red over white.
		assertNear(pixel(await decodePhoto(rgba16, 'rgba16.png'), 2, 2), [255, 128, 128], 1);
	});

	it('decodes greyscale to three equal channels', async function () {
		const grey = Buffer.alloc(16 * 16, 77);
		const png = await sharp(grey, {raw: {width: 16, height: 16, channels: 1}}).toColourspace('b-w').png().toBuffer();
		assert.equal((await sharp(png).metadata()).channels, 1);
		const photo = await decodePhoto(png, 'grey.png');
		assert.deepEqual(pixel(photo, 5, 5), [77, 77, 77]);
	});

	it('flattens alpha onto white by default, onto black on request', async function () {
		const rgba = Buffer.alloc(4 * 4 * 4);
		for (let i = 0; i < 16; i++) rgba.set(i < 8 ? [200, 10, 10, 0] : [0, 100, 0, 255], i * 4);
		const png = await sharp(rgba, {raw: {width: 4, height: 4, channels: 4}}).png().toBuffer();
		const onWhite = await decodePhoto(png, 'alpha.png');
		assert.equal(onWhite.image.data.length, 4 * 4 * 3);
		assert.deepEqual(pixel(onWhite, 0, 0), [255, 255, 255]);
		assert.deepEqual(pixel(onWhite, 0, 3), [0, 100, 0]);
		const onBlack = await decodePhoto(png, 'alpha.png', {background: 'black'});
		assert.deepEqual(pixel(onBlack, 0, 0), [0, 0, 0]);
	});

	it('decodes a CMYK JPEG to sRGB', async function () {
		const cmyk = await sharp(solid(16, 16, [220, 30, 30]), {raw: {width: 16, height: 16, channels: 3}})
			.toColourspace('cmyk')
			.jpeg({quality: 95})
			.toBuffer();
		assert.equal((await sharp(cmyk).metadata()).space, 'cmyk');
		const photo = await decodePhoto(cmyk, 'print.jpg');
		assertNear(pixel(photo, 8, 8), [220, 30, 30], 40);
	});

	for (const format of ['webp', 'tiff', 'avif'] as const) {
		it(`decodes ${format.toUpperCase()}`, async function () {
			const encoded = await sharp(solid(32, 24, [30, 140, 220]), {raw: {width: 32, height: 24, channels: 3}})
				.toFormat(format, {quality: 95})
				.toBuffer();
			const photo = await decodePhoto(encoded, `photo.${format}`);
			assert.equal(photo.image.width, 32);
			assert.equal(photo.image.height, 24);
			assertNear(pixel(photo, 16, 12), [30, 140, 220], 12);
		});
	}

	it('shrinks the long side to maxSize keeping the aspect ratio, and never upscales', async function () {
		const wide = await sharp(solid(3000, 1000, [9, 9, 9]), {raw: {width: 3000, height: 1000, channels: 3}}).png().toBuffer();
		const shrunk = await decodePhoto(wide, 'wide.png');
		assert.deepEqual([shrunk.image.width, shrunk.image.height], [1024, 341]);
		assert.deepEqual([shrunk.originalWidth, shrunk.originalHeight], [3000, 1000]);
		assert.equal(shrunk.image.data.length, 1024 * 341 * 3);

		const tall = await sharp(solid(50, 200, [9, 9, 9]), {raw: {width: 50, height: 200, channels: 3}}).png().toBuffer();
		const portrait = await decodePhoto(tall, 'tall.png', {maxSize: 100});
		assert.deepEqual([portrait.image.width, portrait.image.height], [25, 100]);

		const small = await decodePhoto(tall, 'tall.png');
		assert.deepEqual([small.image.width, small.image.height], [50, 200]);
	});

	describe('field of view', function () {
		let jpeg640x480: Buffer;

		before(async function () {
			jpeg640x480 = await sharp(solid(640, 480, [50, 60, 70]), {raw: {width: 640, height: 480, channels: 3}}).jpeg().toBuffer();
		});

		it('defaults to focal length = long side (~53.13° across it)', async function () {
			assert.ok(Math.abs(DEFAULT_LONG_SIDE_FOV_DEGREES - 53.1301) < 1e-3);
			const photo = await decodePhoto(jpeg640x480, 'plain.jpg');
			assert.equal(photo.fovSource, 'default');
			assert.ok(Math.abs(photo.fovYRadians - 2 * Math.atan(240 / 640)) < 1e-9);
		});

		for (const littleEndian of [true, false]) {
			it(`reads FocalLengthIn35mmFormat from EXIF (${littleEndian ? 'II' : 'MM'} byte order)`, async function () {
				const exif = exifWithFocalLength35mm(28, littleEndian);
				assert.equal(readFocalLength35mm(exif), 28);
				const photo = await decodePhoto(withExifSegment(jpeg640x480, exif), 'phone.jpg');
				assert.equal(photo.fovSource, 'exif');
				// 28 mm on the 43.27 mm diagonal: focal in pixels = 800 px diagonal · 28 / 43.27.
				const focalPixels = (800 * 28) / FULL_FRAME_DIAGONAL_MM;
				assert.ok(Math.abs(photo.fovYRadians - 2 * Math.atan(240 / focalPixels)) < 1e-9);
				// Resizing does not change the view angle.
				const shrunk = await decodePhoto(withExifSegment(jpeg640x480, exif), 'phone.jpg', {maxSize: 320});
				assert.ok(Math.abs(shrunk.fovYRadians - photo.fovYRadians) < 1e-9);
			});
		}

		it('uses the fovDegrees option across the long side, over EXIF', async function () {
			const photo = await decodePhoto(withExifSegment(jpeg640x480, exifWithFocalLength35mm(28, true)), 'phone.jpg', {fovDegrees: 90});
			assert.equal(photo.fovSource, 'option');
			// 90° across 640 px → focal 320 px → vertical 2·atan(240/320).
			assert.ok(Math.abs(photo.fovYRadians - 2 * Math.atan(240 / 320)) < 1e-9);
			await assert.rejects(decodePhoto(jpeg640x480, 'phone.jpg', {fovDegrees: 180}), UserError);
		});

		it('ignores EXIF without the tag or malformed EXIF', function () {
			assert.equal(readFocalLength35mm(Buffer.from('Exif\0\0II*\0\x08\0\0\0\0\0', 'latin1')), undefined);
			assert.equal(readFocalLength35mm(Buffer.from('garbage')), undefined);
			assert.equal(readFocalLength35mm(exifWithFocalLength35mm(0, true)), undefined);
		});
	});

	describe('bad input gives a one-line UserError naming the file', function () {
		async function assertUserError(promise: Promise<unknown>, path: string, pattern: RegExp): Promise<void> {
			await assert.rejects(promise, (error: unknown) => {
				assert.ok(error instanceof UserError, `expected a UserError, got ${String(error)}`);
				assert.ok(error.message.startsWith(`${path}: `), error.message);
				assert.ok(!error.message.includes('\n'), error.message);
				assert.match(error.message, pattern);
				return true;
			});
		}

		it('a missing file', async function () {
			const path = join(dir, 'missing.jpg');
			await assertUserError(loadPhoto(path), path, /no such file/);
		});

		it('a directory', async function () {
			const path = join(dir, 'folder.jpg');
			await mkdir(path, {recursive: true});
			await assertUserError(loadPhoto(path), path, /is a directory/);
		});

		it('an empty file', async function () {
			const path = join(dir, 'empty.jpg');
			await writeFile(path, '');
			await assertUserError(loadPhoto(path), path, /empty file/);
		});

		it('a text file named .jpg', async function () {
			const path = join(dir, 'notes.jpg');
			await writeFile(path, 'these are not pixels\n');
			await assertUserError(loadPhoto(path), path, /not an image/);
		});

		it('a truncated JPEG', async function () {
			const noise = Buffer.alloc(256 * 256 * 3);
			for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
			const jpeg = await sharp(noise, {raw: {width: 256, height: 256, channels: 3}}).jpeg().toBuffer();
			const path = join(dir, 'truncated.jpg');
			await writeFile(path, jpeg.subarray(0, Math.floor(jpeg.length / 2)));
			await assertUserError(loadPhoto(path), path, /truncated/);
		});

		it('an image above the pixel limit', async function () {
			const path = join(dir, 'big.png');
			await writeFile(path, await sharp(solid(200, 100, [1, 2, 3]), {raw: {width: 200, height: 100, channels: 3}}).png().toBuffer());
			await assertUserError(loadPhoto(path, {pixelLimit: 10_000}), path, /200x100 .*above the pixel limit of 0\.01 MP/);
			const photo = await loadPhoto(path, {pixelLimit: 20_000});
			assert.equal(photo.image.width, 200);
		});

		it('a decompression bomb (a PNG declaring 30000×30000) is refused from its header', async function () {
			const path = join(dir, 'bomb.png');
			await writeFile(path, pngHeaderOnly(30000, 30000));
			await assertUserError(loadPhoto(path), path, /30000x30000 \(900 MP\), above the pixel limit of 100 MP/);
		});
	});

	it('loads a real photo (moon.jpg, 2100×2100) at 1024 px', async function () {
		const path = sharedFile(this, 'photos/moon.jpg');
		const photo = await loadPhoto(path);
		assert.deepEqual([photo.image.width, photo.image.height], [1024, 1024]);
		assert.deepEqual([photo.originalWidth, photo.originalHeight], [2100, 2100]);
		assert.equal(photo.sourcePath, path);
		assert.equal(photo.fovSource, 'default');
		assert.ok(Math.abs(photo.fovYRadians - (DEFAULT_LONG_SIDE_FOV_DEGREES * Math.PI) / 180) < 1e-9);
	});
});
