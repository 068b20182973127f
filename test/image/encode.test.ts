import assert from 'node:assert/strict';

import sharp from 'sharp';

import {decodePfm} from '../../src/depth/pfm.js';
import {encodeDisparityPng16, encodeDisparityPreview, encodePfm, encodeRgbaPng, encodeRgbPng, VIRIDIS_LUT} from '../../src/image/encode.js';
import type {FloatImage} from '../../src/image/raster.js';

describe('image/encode', function () {
	const disparity: FloatImage = {width: 3, height: 2, data: new Float32Array([0, 0.5, 1, -0.2, 1.7, 0.25])};

	it('writes disparity as a 16-bit grey PNG, round(d·65535), clamped', async function () {
		const png = await encodeDisparityPng16(disparity);
		const metadata = await sharp(png).metadata();
		assert.deepEqual([metadata.format, metadata.channels, metadata.depth, metadata.width, metadata.height], ['png', 1, 'ushort', 3, 2]);
		const {data} = await sharp(png).toColourspace('grey16').raw({depth: 'ushort'}).toBuffer({resolveWithObject: true});
		const codes = Array.from(new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2));
		assert.deepEqual(codes, [0, 32768, 65535, 0, 65535, 16384]);
	});

	it('writes a little-endian PFM with rows bottom to top, which decodes back exactly', function () {
		const pfm = encodePfm(disparity);
		const header = 'Pf\n3 2\n-1\n';
		assert.equal(Buffer.from(pfm.subarray(0, header.length)).toString('latin1'), header);
		const view = new DataView(pfm.buffer, pfm.byteOffset + header.length);
		// First stored row is the image's bottom row.
		assert.ok(Math.abs(view.getFloat32(0, true) - -0.2) < 1e-6);
		assert.ok(Math.abs(view.getFloat32(12, true) - 0) < 1e-6);
		const decoded = decodePfm(pfm);
		assert.deepEqual([decoded.width, decoded.height], [3, 2]);
		assert.deepEqual(Array.from(decoded.data), Array.from(disparity.data));
	});

	it('colour-maps disparity with viridis: far purple, near yellow, NaN black', async function () {
		const preview = await encodeDisparityPreview({width: 3, height: 1, data: new Float32Array([0, 1, NaN])});
		const {data, info} = await sharp(preview).raw().toBuffer({resolveWithObject: true});
		assert.equal(info.channels, 3);
		const far = Array.from(data.subarray(0, 3));
		const near = Array.from(data.subarray(3, 6));
		assert.deepEqual(far, Array.from(VIRIDIS_LUT.subarray(0, 3)));
		assert.deepEqual(near, Array.from(VIRIDIS_LUT.subarray(765, 768)));
		assert.deepEqual(far, [0x44, 0x01, 0x54]);
		assert.deepEqual(near, [0xfd, 0xe7, 0x25]);
		assert.deepEqual(Array.from(data.subarray(6, 9)), [0, 0, 0]);
		// Viridis brightens monotonically from far to near.
		const luma = (i: number) => 0.2126 * VIRIDIS_LUT[i * 3]! + 0.7152 * VIRIDIS_LUT[i * 3 + 1]! + 0.0722 * VIRIDIS_LUT[i * 3 + 2]!;
		for (let i = 1; i < 256; i++) assert.ok(luma(i) >= luma(i - 1) - 0.5, `luma drops at ${i}`);
	});

	it('round-trips RGB and RGBA PNGs', async function () {
		const rgb = new Uint8Array([1, 2, 3, 250, 251, 252]);
		const rgbBack = await sharp(await encodeRgbPng({width: 2, height: 1, data: rgb})).raw().toBuffer();
		assert.deepEqual(Array.from(rgbBack), Array.from(rgb));
		const rgba = new Uint8Array([1, 2, 3, 0, 250, 251, 252, 128]);
		const rgbaBack = await sharp(await encodeRgbaPng({width: 2, height: 1, data: rgba})).ensureAlpha().raw().toBuffer();
		assert.deepEqual(Array.from(rgbaBack), Array.from(rgba));
	});
});
