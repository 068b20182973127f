/**
 * Pure encoders from the raster types to file bytes (PNG, PFM). Nothing here touches the file system:
 * commands hand the bytes to `writeFileAtomic`.
 */
import sharp from './sharp.js';
import type {FloatImage, RgbaImage, RgbImage} from './raster.js';

/**
 * Disparity in [0, 1] as a 16-bit greyscale PNG, value = round(d · 65535), bright = near. Values outside
 * [0, 1] are clamped; NaN becomes 0.
 *
 * ```ts
 * await writeFileAtomic('photo.depth.png', await encodeDisparityPng16(estimate.disparity));
 * ```
 */
export async function encodeDisparityPng16(disparity: FloatImage): Promise<Uint8Array> {
	const {width, height, data} = disparity;
	const codes = new Uint16Array(width * height);
	for (let i = 0; i < codes.length; i++) {
		const d = data[i]!;
		codes[i] = d > 0 ? (d < 1 ? Math.round(d * 65535) : 65535) : 0;
	}
	const png = await sharp(codes, {raw: {width, height, channels: 1}}).toColourspace('grey16').png().toBuffer();
	return toBytes(png);
}

/**
 * One float per pixel as a little-endian greyscale PFM (`Pf`, scale -1, rows bottom to top as PFM
 * requires). Values are written as they are (no clamping).
 *
 * ```ts
 * await writeFileAtomic('photo.depth.pfm', encodePfm(estimate.disparity));
 * ```
 */
export function encodePfm(image: FloatImage): Uint8Array {
	const {width, height, data} = image;
	const header = new TextEncoder().encode(`Pf\n${width} ${height}\n-1\n`);
	const bytes = new Uint8Array(header.length + width * height * 4);
	bytes.set(header);
	const view = new DataView(bytes.buffer, header.length);
	for (let y = 0; y < height; y++) {
		const rowStart = (height - 1 - y) * width * 4;
		const inRow = y * width;
		for (let x = 0; x < width; x++) view.setFloat32(rowStart + x * 4, data[inRow + x]!, true);
	}
	return bytes;
}

/**
 * 256-entry RGB lookup table of matplotlib's viridis colormap (perceptually uniform, readable in grey and
 * by colour-blind viewers): dark purple = far … yellow = near, so bright still means near as in the
 * 16-bit PNG. Interpolated linearly between its nine published anchor colours (R's viridis(9)).
 */
export const VIRIDIS_LUT: Uint8Array = buildViridisLut();

function buildViridisLut(): Uint8Array {
	const anchors = [0x440154, 0x472d7b, 0x3b528b, 0x2c728e, 0x21908c, 0x27ad81, 0x5dc863, 0xaadc32, 0xfde725];
	const lut = new Uint8Array(256 * 3);
	const segments = anchors.length - 1;
	for (let i = 0; i < 256; i++) {
		const position = (i / 255) * segments;
		const low = Math.min(segments - 1, Math.floor(position));
		const t = position - low;
		for (let c = 0; c < 3; c++) {
			const shift = 16 - c * 8;
			const from = (anchors[low]! >> shift) & 0xff;
			const to = (anchors[low + 1]! >> shift) & 0xff;
			lut[i * 3 + c] = Math.round(from + (to - from) * t);
		}
	}
	return lut;
}

/**
 * Disparity in [0, 1] as a colour-mapped 8-bit PNG for people to look at (viridis: purple = far,
 * yellow = near). Values are clamped to [0, 1]; NaN and infinities show black.
 *
 * ```ts
 * await writeFileAtomic('photo.depth.preview.png', await encodeDisparityPreview(estimate.disparity));
 * ```
 */
export async function encodeDisparityPreview(disparity: FloatImage): Promise<Uint8Array> {
	const {width, height, data} = disparity;
	const rgb = new Uint8Array(width * height * 3);
	for (let i = 0; i < data.length; i++) {
		const d = data[i]!;
		if (!Number.isFinite(d)) continue;
		const entry = (d > 0 ? (d < 1 ? Math.round(d * 255) : 255) : 0) * 3;
		rgb[i * 3] = VIRIDIS_LUT[entry]!;
		rgb[i * 3 + 1] = VIRIDIS_LUT[entry + 1]!;
		rgb[i * 3 + 2] = VIRIDIS_LUT[entry + 2]!;
	}
	return encodeRgbPng({width, height, data: rgb});
}

/**
 * 8-bit sRGB image as a PNG.
 *
 * ```ts
 * await writeFileAtomic('view.png', await encodeRgbPng(photo.image));
 * ```
 */
export async function encodeRgbPng(image: RgbImage): Promise<Uint8Array> {
	const {width, height, data} = image;
	return toBytes(await sharp(data, {raw: {width, height, channels: 3}}).png().toBuffer());
}

/**
 * 8-bit sRGB image with straight alpha as a PNG.
 *
 * ```ts
 * await writeFileAtomic('layer1.png', await encodeRgbaPng(layerTexture));
 * ```
 */
export async function encodeRgbaPng(image: RgbaImage): Promise<Uint8Array> {
	const {width, height, data} = image;
	return toBytes(await sharp(data, {raw: {width, height, channels: 4}}).png().toBuffer());
}

function toBytes(buffer: Buffer): Uint8Array {
	return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
