import assert from 'node:assert/strict';

import sharp from 'sharp';

import type {RgbImage} from '../../src/image/raster.js';
import {encodeAnimation, encodeWiggle} from '../../src/render/animation.js';
import {anaglyph, COLOR_RED_CYAN, composeStereo, rgbFromRgba} from '../../src/render/layouts.js';
import {encodeMpo} from '../../src/render/mpo.js';

const W = 6;
const H = 4;

function solid(width: number, height: number, rgb: readonly number[]): RgbImage {
	const data = new Uint8Array(width * height * 3);
	for (let p = 0; p < width * height; p++) data.set(rgb, p * 3);
	return {width, height, data};
}

function pixel(image: RgbImage, x: number, y: number): number[] {
	const i = (y * image.width + x) * 3;
	return [...image.data.subarray(i, i + 3)];
}

/** Every pixel of the w×h block at (x0, y0) has colour `rgb`. */
function assertBlock(image: RgbImage, x0: number, y0: number, w: number, h: number, rgb: number[]): void {
	for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) assert.deepEqual(pixel(image, x, y), rgb, `pixel (${x}, ${y})`);
}

const RED = [255, 0, 0];
const BLUE = [0, 0, 255];

describe('stereo layouts', () => {
	const left = solid(W, H, RED);
	const right = solid(W, H, BLUE);

	it('sbs: 2W×H, left view on the left; cross: the right view on the left', () => {
		const sbs = composeStereo(left, right, 'sbs');
		assert.deepEqual([sbs.width, sbs.height], [2 * W, H]);
		assertBlock(sbs, 0, 0, W, H, RED);
		assertBlock(sbs, W, 0, W, H, BLUE);
		const cross = composeStereo(left, right, 'cross');
		assert.deepEqual([cross.width, cross.height], [2 * W, H]);
		assertBlock(cross, 0, 0, W, H, BLUE);
		assertBlock(cross, W, 0, W, H, RED);
	});

	it('tb: W×2H, left view on top', () => {
		const tb = composeStereo(left, right, 'tb');
		assert.deepEqual([tb.width, tb.height], [W, 2 * H]);
		assertBlock(tb, 0, 0, W, H, RED);
		assertBlock(tb, 0, H, W, H, BLUE);
	});

	it('half-sbs and half-tb keep the frame size and squeeze each view by area averaging', () => {
		const half = composeStereo(left, right, 'half-sbs');
		assert.deepEqual([half.width, half.height], [W, H]);
		assertBlock(half, 0, 0, W / 2, H, RED);
		assertBlock(half, W / 2, 0, W / 2, H, BLUE);
		const halfTb = composeStereo(left, right, 'half-tb');
		assert.deepEqual([halfTb.width, halfTb.height], [W, H]);
		assertBlock(halfTb, 0, 0, W, H / 2, RED);
		assertBlock(halfTb, 0, H / 2, W, H / 2, BLUE);
		// Columns 0, 100, 200, 250 squeeze to their pair averages 50 and 225.
		const ramp = {width: 4, height: 1, data: Uint8Array.from([0, 0, 0, 100, 100, 100, 200, 200, 200, 250, 250, 250])};
		const squeezed = composeStereo(ramp, ramp, 'half-sbs');
		assert.deepEqual([...squeezed.data], [50, 50, 50, 225, 225, 225, 50, 50, 50, 225, 225, 225]);
	});

	it('left and right: that view alone, as a copy', () => {
		const only = composeStereo(left, right, 'right');
		assert.deepEqual(only, right);
		assert.notEqual(only.data, right.data);
		assert.deepEqual(composeStereo(left, right, 'left'), left);
	});

	it('anaglyph: the Dubois red-cyan matrices, computed by hand for one pixel', () => {
		const l = solid(1, 1, [200, 100, 50]);
		const r = solid(1, 1, [30, 60, 90]);
		const red = 0.4561 * 200 + 0.500484 * 100 + 0.176381 * 50 - 0.0434706 * 30 - 0.0879388 * 60 - 0.00155529 * 90;
		const green = -0.0400822 * 200 - 0.0378246 * 100 - 0.0157589 * 50 + 0.378476 * 30 + 0.73364 * 60 - 0.0184503 * 90;
		const blue = -0.0152161 * 200 - 0.0205971 * 100 - 0.00546856 * 50 - 0.0721527 * 30 - 0.112961 * 60 + 1.2264 * 90;
		assert.deepEqual(pixel(composeStereo(l, r, 'anaglyph'), 0, 0), [Math.round(red), Math.round(green), Math.round(blue)]);
		// Out-of-range results clamp instead of wrapping: a white left view over a black right one.
		assert.deepEqual(pixel(anaglyph(solid(1, 1, [255, 255, 255]), solid(1, 1, [0, 0, 0])), 0, 0), [255, 0, 0]);
	});

	it('anaglyph-color: red from the left view, green and blue from the right', () => {
		const l = solid(2, 2, [200, 100, 50]);
		const r = solid(2, 2, [30, 60, 90]);
		const out = composeStereo(l, r, 'anaglyph-color');
		assert.deepEqual([out.width, out.height], [2, 2]);
		assertBlock(out, 0, 0, 2, 2, [200, 60, 90]);
		assert.deepEqual(anaglyph(l, r, COLOR_RED_CYAN), out);
	});

	it('refuses views of different sizes', () => {
		assert.throws(() => composeStereo(left, solid(W + 1, H, BLUE), 'sbs'), /differ in size/);
	});

	it('rgbFromRgba composites over the background', () => {
		const rgba = {width: 2, height: 1, data: Uint8Array.of(10, 20, 30, 255, 200, 200, 200, 0)};
		assert.deepEqual([...rgbFromRgba(rgba, [1, 2, 3]).data], [10, 20, 30, 1, 2, 3]);
	});

	it('wiggle (WebP): two frames of the view size, alternating, with the delays asked for', async () => {
		const bytes = await encodeWiggle(left, right, {delayMs: 120});
		const meta = await sharp(bytes).metadata();
		assert.equal(meta.format, 'webp');
		assert.equal(meta.pages, 2);
		assert.equal(meta.width, W);
		assert.equal(meta.pageHeight ?? meta.height, H, 'frame height');
		assert.deepEqual(meta.delay, [120, 120]);
		assert.equal(meta.loop, 0);
	});

	it('wiggle (GIF): frame 0 is the left view, frame 1 the right view', async () => {
		const bytes = await encodeWiggle(left, right, {format: 'gif'});
		const meta = await sharp(bytes).metadata();
		assert.equal(meta.format, 'gif');
		assert.equal(meta.pages, 2);
		assert.deepEqual(meta.delay, [150, 150]);
		const {data, info} = await sharp(bytes, {pages: -1}).removeAlpha().raw().toBuffer({resolveWithObject: true});
		assert.deepEqual([info.width, info.height], [W, 2 * H]);
		const frames = {width: W, height: 2 * H, data: new Uint8Array(data)};
		assertBlock(frames, 0, 0, W, H, RED);
		assertBlock(frames, 0, H, W, H, BLUE);
	});

	it('animations take per-frame delays and refuse mismatched frames', async () => {
		const bytes = await encodeAnimation([left, right, left], {delayMs: [100, 200, 300], format: 'gif'});
		assert.deepEqual((await sharp(bytes).metadata()).delay, [100, 200, 300]);
		await assert.rejects(encodeAnimation([left, solid(W, H + 1, RED)]), /frame 1/);
		await assert.rejects(encodeAnimation([left], {delayMs: [1, 2]}), /delays/);
	});

	it('mpo: two JPEGs with an APP2 MPF index whose sizes and offsets point at each image', async () => {
		const l = solid(64, 48, RED);
		const r = solid(64, 48, BLUE);
		const file = await encodeMpo(l, r, {baselineMeters: 0.065});
		const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
		assert.equal(view.getUint16(0), 0xffd8);
		// Find the first image's APP2 MPF segment.
		let position = 2;
		let mpf = -1;
		while (position < file.length && file[position] === 0xff) {
			const marker = file[position + 1];
			const length = view.getUint16(position + 2);
			if (marker === 0xe2 && String.fromCharCode(...file.subarray(position + 4, position + 8)) === 'MPF\0') {
				mpf = position;
				break;
			}
			position += 2 + length;
		}
		assert.ok(mpf > 0, 'APP2 MPF segment present in the first image');
		const header = mpf + 8;
		assert.equal(String.fromCharCode(...file.subarray(header, header + 4)), 'MM\0*');
		const ifd = header + view.getUint32(header + 4);
		const count = view.getUint16(ifd);
		const tags = new Map<number, {type: number; count: number; value: number}>();
		for (let k = 0; k < count; k++) {
			const e = ifd + 2 + k * 12;
			tags.set(view.getUint16(e), {type: view.getUint16(e + 2), count: view.getUint32(e + 4), value: view.getUint32(e + 8)});
		}
		assert.equal(String.fromCharCode(...file.subarray(ifd + 2 + 8, ifd + 2 + 12)), '0100');
		assert.equal(tags.get(0xb001)!.value, 2, 'NumberOfImages');
		const entry = tags.get(0xb002)!;
		assert.equal(entry.count, 32);
		const entries = header + entry.value;
		const firstSize = view.getUint32(entries + 4);
		const secondSize = view.getUint32(entries + 20);
		const secondStart = header + view.getUint32(entries + 24);
		assert.equal(view.getUint32(entries) >>> 0, 0x20020002, 'representative, disparity image');
		assert.equal(view.getUint32(entries + 16), 0x00020002);
		assert.equal(view.getUint32(entries + 8), 0, 'the first image is at offset 0');
		assert.equal(secondStart, firstSize, 'the second image starts where the first ends');
		assert.equal(firstSize + secondSize, file.length);
		assert.equal(view.getUint16(firstSize - 2), 0xffd9, 'the first image ends with EOI');
		assert.equal(view.getUint16(secondStart), 0xffd8);
		const first = await sharp(file.subarray(0, firstSize)).raw().toBuffer({resolveWithObject: true});
		const second = await sharp(file.subarray(secondStart)).raw().toBuffer({resolveWithObject: true});
		assert.deepEqual([first.info.width, first.info.height, second.info.width, second.info.height], [64, 48, 64, 48]);
		assert.ok(first.data[0] > 240 && first.data[2] < 15, 'the first image is the left view');
		assert.ok(second.data[0] < 15 && second.data[2] > 240, 'the second image is the right view');
		// The second image carries its own MPF attribute IFD with individual image number 2.
		const secondMpf = file.indexOf(0x4d, secondStart + 4);
		assert.ok(String.fromCharCode(...file.subarray(secondMpf - 2, secondMpf + 2)).endsWith('MP'));
		assert.ok(Buffer.from(file.subarray(secondStart, secondStart + 200)).includes(Buffer.from('MPF\0', 'latin1')));
	});
});
