import assert from 'node:assert/strict';

import {psnr, ssim} from '../../src/image/metrics.js';

/** Deterministic pseudo-random bytes (xorshift), so fixtures need no files. */
function noiseBytes(length: number, seed: number): Uint8Array {
	const bytes = new Uint8Array(length);
	let state = seed >>> 0 || 1;
	for (let i = 0; i < length; i++) {
		state ^= state << 13;
		state ^= state >>> 17;
		state ^= state << 5;
		bytes[i] = (state >>> 0) & 255;
	}
	return bytes;
}

/** SSIM straight from the definition: one truncated Gaussian window per pixel, no separability. */
function bruteForceSsim(a: Float64Array, b: Float64Array, width: number, height: number): number {
	let total = 0;
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			let w = 0, mx = 0, my = 0, mxx = 0, myy = 0, mxy = 0;
			for (let j = -5; j <= 5; j++) {
				for (let i = -5; i <= 5; i++) {
					const sx = x + i, sy = y + j;
					if (sx < 0 || sy < 0 || sx >= width || sy >= height) continue;
					const g = Math.exp(-(i * i + j * j) / (2 * 1.5 * 1.5));
					const va = a[sy * width + sx], vb = b[sy * width + sx];
					w += g; mx += g * va; my += g * vb; mxx += g * va * va; myy += g * vb * vb; mxy += g * va * vb;
				}
			}
			mx /= w; my /= w;
			const vx = mxx / w - mx * mx, vy = myy / w - my * my, cxy = mxy / w - mx * my;
			const c1 = (0.01 * 255) ** 2, c2 = (0.03 * 255) ** 2;
			total += ((2 * mx * my + c1) * (2 * cxy + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2));
		}
	}
	return total / (width * height);
}

describe('image metrics', () => {
	it('psnr is infinite for identical images and matches 10·log10(255²/MSE)', () => {
		const a = noiseBytes(30 * 3, 7);
		assert.equal(psnr(a, a), Number.POSITIVE_INFINITY);
		const b = a.map((v) => (v < 250 ? v + 4 : v - 4));
		assert.ok(Math.abs(psnr(a, b) - 10 * Math.log10((255 * 255) / 16)) < 1e-9);
	});

	it('psnr honours the mask and channel count', () => {
		const a = new Uint8Array([10, 10, 10, 10, 10, 10, 10, 10]);
		const b = new Uint8Array([10, 10, 10, 10, 20, 20, 20, 20]);
		const mask = new Uint8Array([1, 0]);
		assert.equal(psnr(a, b, {channels: 4, mask}), Number.POSITIVE_INFINITY);
		assert.ok(Math.abs(psnr(a, b, {channels: 4, mask: new Uint8Array([0, 1])}) - 10 * Math.log10((255 * 255) / 100)) < 1e-9);
		assert.ok(Number.isNaN(psnr(a, b, {channels: 4, mask: new Uint8Array(2)})));
	});

	it('ssim equals the brute-force definition on a grey image', () => {
		const width = 23, height = 17;
		const a = noiseBytes(width * height, 3);
		const b = a.map((v, i) => Math.min(255, Math.max(0, v + ((i * 37) % 41) - 20)));
		const expected = bruteForceSsim(Float64Array.from(a), Float64Array.from(b), width, height);
		const actual = ssim(a, b, {width, height, channels: 1});
		assert.ok(Math.abs(actual - expected) < 1e-4, `${actual} vs ${expected}`);
		assert.ok(actual < 0.99);
		assert.ok(Math.abs(ssim(a, a, {width, height, channels: 1}) - 1) < 1e-6);
	});

	it('ssim uses luma of RGB(A) images and averages over the mask only', () => {
		const width = 16, height = 16;
		const a = noiseBytes(width * height * 4, 11);
		const b = Uint8Array.from(a);
		for (let p = 0; p < width * height; p++) b[p * 4 + 3] = 0;
		assert.ok(Math.abs(ssim(a, b, {width, height, channels: 4}) - 1) < 1e-6, 'alpha is ignored');
		for (let p = 0; p < width * 8 * 4; p++) b[p] = 255 - a[p];
		const bottomRows = new Uint8Array(width * height);
		bottomRows.fill(1, width * 14);
		assert.ok(Math.abs(ssim(a, b, {width, height, channels: 4, mask: bottomRows}) - 1) < 1e-6, 'damage outside the mask and its window radius is not counted');
		assert.ok(ssim(a, b, {width, height, channels: 4}) < 0.8);
	});
});
