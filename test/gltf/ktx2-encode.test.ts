import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {join} from 'node:path';
import vm from 'node:vm';

import {KHR_DF_MODEL_ETC1S, KHR_DF_MODEL_UASTC, KHR_DF_TRANSFER_SRGB, KHR_SUPERCOMPRESSION_BASISLZ, KHR_SUPERCOMPRESSION_ZSTD, read, VK_FORMAT_UNDEFINED} from 'ktx-parse';

import {encodeKtx2} from '../../src/gltf/ktx2-encode.js';
import {encodeTexture} from '../../src/gltf/texture-encode.js';
import {psnr} from '../../src/image/metrics.js';
import type {RgbaImage} from '../../src/image/raster.js';
import {repoRoot} from '../helpers/shared.js';

/** The part of three.js's Basis Universal transcoder (Emscripten) the test uses. */
interface KtxFile {
	getWidth(): number;
	getHeight(): number;
	getLevels(): number;
	startTranscoding(): boolean;
	getImageTranscodedSizeInBytes(level: number, layer: number, face: number, format: number): number;
	transcodeImage(out: Uint8Array, level: number, layer: number, face: number, format: number, flags: number, channel0: number, channel1: number): boolean;
	close(): void;
	delete(): void;
}
interface Transcoder {
	initializeBasis(): void;
	KTX2File: new (bytes: Uint8Array) => KtxFile;
}

/** transcoder_texture_format cTFRGBA32: plain 8-bit RGBA. */
const TRANSCODE_RGBA32 = 13;

/**
 * The transcoder the `three` package ships for KTX2Loader (a browser script), run in a Node VM context:
 * the decoder a three.js page uses, so what this test decodes is what a consumer sees.
 */
async function loadThreeTranscoder(): Promise<Transcoder> {
	const dir = join(repoRoot, 'node_modules', 'three', 'examples', 'jsm', 'libs', 'basis');
	const context = vm.createContext({WebAssembly, console, process, require: createRequire(import.meta.url), __filename: join(dir, 'basis_transcoder.js'), __dirname: dir, URL, TextDecoder, setTimeout, clearTimeout, performance});
	vm.runInContext(`${readFileSync(join(dir, 'basis_transcoder.js'), 'utf8')}\nthis.BASIS = BASIS;`, context);
	const factory = (context as {BASIS: (options: {wasmBinary: Uint8Array}) => Promise<Transcoder>}).BASIS;
	const transcoder = await factory({wasmBinary: readFileSync(join(dir, 'basis_transcoder.wasm'))});
	transcoder.initializeBasis();
	return transcoder;
}

function transcodeTopLevel(transcoder: Transcoder, ktx2: Uint8Array): {image: RgbaImage; levels: number} {
	const file = new transcoder.KTX2File(ktx2);
	try {
		assert.ok(file.startTranscoding());
		const width = file.getWidth();
		const height = file.getHeight();
		const data = new Uint8Array(file.getImageTranscodedSizeInBytes(0, 0, 0, TRANSCODE_RGBA32));
		assert.ok(file.transcodeImage(data, 0, 0, 0, TRANSCODE_RGBA32, 0, -1, -1));
		return {image: {width, height, data}, levels: file.getLevels()};
	} finally {
		file.close();
		file.delete();
	}
}

/** A smooth colour gradient with a few hard edges, 64 × 48, alpha 0 in one corner (must be ignored). */
function testImage(): RgbaImage {
	const width = 64;
	const height = 48;
	const data = new Uint8Array(width * height * 4);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const o = (y * width + x) * 4;
			data[o] = Math.round((x / (width - 1)) * 255);
			data[o + 1] = Math.round((y / (height - 1)) * 255);
			data[o + 2] = (x >> 4) % 2 === 0 ? 40 : 200;
			data[o + 3] = x < 8 && y < 8 ? 0 : 255;
		}
	}
	return {width, height, data};
}

function rgbOf(image: RgbaImage): Uint8Array {
	const rgb = new Uint8Array(image.width * image.height * 3);
	for (let p = 0; p < image.width * image.height; p++) rgb.set(image.data.subarray(p * 4, p * 4 + 3), p * 3);
	return rgb;
}

describe('gltf/ktx2-encode', function () {
	this.timeout(60_000);
	let transcoder: Transcoder;
	before(async () => {
		transcoder = await loadThreeTranscoder();
	});

	it('UASTC: a KTX2 container KHR_texture_basisu accepts (Zstandard, sRGB, full mip chain) that decodes back (≥ 35 dB)', async () => {
		const image = testImage();
		const ktx2 = await encodeKtx2(image, {mode: 'uastc', quality: 90});
		const container = read(ktx2);
		assert.equal(container.vkFormat, VK_FORMAT_UNDEFINED);
		assert.deepEqual([container.pixelWidth, container.pixelHeight], [64, 48]);
		assert.equal(container.supercompressionScheme, KHR_SUPERCOMPRESSION_ZSTD);
		assert.equal(container.dataFormatDescriptor[0].colorModel, KHR_DF_MODEL_UASTC);
		assert.equal(container.dataFormatDescriptor[0].transferFunction, KHR_DF_TRANSFER_SRGB);
		assert.equal(container.levels.length, 7, 'log2(64) + 1 levels');

		const decoded = transcodeTopLevel(transcoder, ktx2);
		assert.deepEqual([decoded.image.width, decoded.image.height, decoded.levels], [64, 48, 7]);
		const dB = psnr(rgbOf(decoded.image), rgbOf(image), {channels: 3});
		assert.ok(dB >= 35, `${dB.toFixed(2)} dB`);
		assert.ok(decoded.image.data.every((value, i) => i % 4 !== 3 || value === 255), 'opaque: the source alpha is ignored');
	});

	it('ETC1S: BasisLZ, smaller than UASTC, and its quality follows the quality flag', async () => {
		const image = testImage();
		const uastc = await encodeKtx2(image, {mode: 'uastc'});
		const low = await encodeKtx2(image, {mode: 'etc1s', quality: 10});
		const high = await encodeKtx2(image, {mode: 'etc1s', quality: 100});
		const container = read(high);
		assert.equal(container.supercompressionScheme, KHR_SUPERCOMPRESSION_BASISLZ);
		assert.equal(container.dataFormatDescriptor[0].colorModel, KHR_DF_MODEL_ETC1S);
		assert.ok(high.length < uastc.length, `${high.length} ≥ ${uastc.length} bytes`);
		const dBOf = (ktx2: Uint8Array): number => psnr(rgbOf(transcodeTopLevel(transcoder, ktx2).image), rgbOf(image), {channels: 3});
		assert.ok(dBOf(high) > dBOf(low) + 1, `quality 100 ${dBOf(high).toFixed(2)} dB vs quality 10 ${dBOf(low).toFixed(2)} dB`);
	});

	it('refuses sizes that are not multiples of 4 and is reached through encodeTexture', async () => {
		await assert.rejects(encodeKtx2({width: 30, height: 16, data: new Uint8Array(30 * 16 * 4)}), /multiples of 4.*30 × 16/);
		const bytes = await encodeTexture(testImage(), {format: 'ktx2', ktx2Mode: 'etc1s'});
		assert.equal(Buffer.from(bytes.subarray(1, 7)).toString('latin1'), 'KTX 20');
	});
});
