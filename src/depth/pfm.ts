/**
 * Portable Float Map (PFM) decoder (the encoder is `encodePfm` in src/image/encode.ts): the float format
 * stereo benchmarks (Middlebury) and depth networks write. Header `PF` (3 channels) or `Pf` (1 channel), `width height`, then a scale whose sign gives the
 * byte order (negative = little-endian); rows are stored bottom to top.
 */
import {createFloatImage, type FloatImage} from '../image/raster.js';

/** True when `bytes` start like a PFM file. */
export function isPfm(bytes: Uint8Array): boolean {
	return bytes.length >= 3 && bytes[0] === 0x50 && (bytes[1] === 0x66 || bytes[1] === 0x46) && isSpace(bytes[2]!);
}

/**
 * Decodes a PFM into one float per pixel, top row first. For a 3-channel `PF` file the first channel is
 * kept. Throws a plain Error describing what is wrong; callers add the file name.
 *
 * ```ts
 * const disparity = decodePfm(await readFile('disp0.pfm'));
 * ```
 */
export function decodePfm(bytes: Uint8Array): FloatImage {
	if (!isPfm(bytes)) throw new Error('not a PFM file (no PF/Pf header)');
	const channels = bytes[1] === 0x46 ? 3 : 1;
	let position = 2;
	const tokens: string[] = [];
	while (tokens.length < 3) {
		while (position < bytes.length && isSpace(bytes[position]!)) position++;
		const start = position;
		while (position < bytes.length && !isSpace(bytes[position]!)) position++;
		if (start === position) throw new Error('truncated PFM header');
		tokens.push(String.fromCharCode(...bytes.subarray(start, position)));
	}
	// Exactly one whitespace byte separates the scale from the raster.
	position++;
	const width = Number(tokens[0]);
	const height = Number(tokens[1]);
	const scale = Number(tokens[2]);
	if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) throw new Error(`bad PFM size "${tokens[0]} ${tokens[1]}"`);
	if (!Number.isFinite(scale) || scale === 0) throw new Error(`bad PFM scale "${tokens[2]}"`);
	const littleEndian = scale < 0;
	const needed = width * height * channels * 4;
	if (bytes.length - position < needed) throw new Error(`truncated PFM data (${bytes.length - position} of ${needed} bytes)`);

	const view = new DataView(bytes.buffer, bytes.byteOffset + position, needed);
	const image = createFloatImage(width, height);
	const out = image.data;
	const rowStride = width * channels * 4;
	for (let y = 0; y < height; y++) {
		const rowStart = (height - 1 - y) * rowStride;
		const outRow = y * width;
		for (let x = 0; x < width; x++) out[outRow + x] = view.getFloat32(rowStart + x * channels * 4, littleEndian);
	}
	return image;
}

function isSpace(byte: number): boolean {
	return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}
