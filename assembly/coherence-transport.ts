/**
 * WebAssembly kernel of the coherence inpainter's transport loop (src/inpaint/coherence.ts; `npm run
 * build:wasm` compiles it to wasm/coherence-transport.wasm). The TypeScript side lays the arrays out in
 * this module's memory (pointers are byte offsets) and keeps everything else. Arithmetic mirrors the
 * JavaScript it replaced: f32 arrays, sums in f64, the same order; Math.atan2 and Math.round are
 * AssemblyScript's ports of the same algorithms V8 uses, so the output is bit-identical (test/inpaint
 * compares it with the TypeScript twin kept there).
 */

import {f32At, setF32, i32At, u8At} from './shared/elements';

const ANGLE_STEPS: i32 = 32;
const ANISOTROPY_STEPS: i32 = 8;
const FLOAT32_MAX: f64 = 3.4028234663852886e38;

/** Where the arrays the TypeScript side lays out may start. */
export function heapBase(): usize {
	return __heap_base;
}

@inline function gateOf(disparity: f64): f64 {
	if (isNaN(disparity)) return -Infinity;
	return disparity < FLOAT32_MAX ? disparity : FLOAT32_MAX;
}

/**
 * Fills the synthesis pixels in `order` (see `transport` in src/inpaint/coherence.ts): `features` (6
 * floats), `gate` and `trust` per pixel of the box padded by `radius`; `disparity`, `state` (bytes) and
 * `values` (3 floats) per box pixel; `relative` and `weights` the ball's padded offsets and weight
 * tables; `usable*` three scratch arrays of `offsets` entries. Returns the pixels left unfilled.
 */
export function transport(
	features: usize, gate: usize, trust: usize, disparity: usize, state: usize, values: usize, order: usize, orderLength: i32,
	width: i32, radius: i32, relative: usize, offsets: i32, weights: usize, margin: f64, coherenceOut: usize,
	usableOffset: usize, usablePixel: usize, usableTrust: usize,
): i32 {
	const paddedWidth = width + 2 * radius;
	let deferred = 0;
	for (let o = 0; o < orderLength; o++) {
		const i = i32At(order, o);
		const x = i % width;
		const p = ((i - x) / width + radius) * paddedWidth + x + radius;
		const rawCeiling = f32At(disparity, i) + margin;
		const ceiling = rawCeiling < FLOAT32_MAX ? rawCeiling : FLOAT32_MAX;
		let jxx: f64 = 0;
		let jxy: f64 = 0;
		let jyy: f64 = 0;
		let tensorWeight: f64 = 0;
		let usableCount = 0;
		for (let k = 0; k < offsets; k++) {
			const q = p + i32At(relative, k);
			if (!(f32At(gate, q) <= ceiling)) continue;
			const t = f32At(trust, q);
			store<i32>(usableOffset + (<usize>usableCount << 2), k);
			store<i32>(usablePixel + (<usize>usableCount << 2), q);
			setF32(usableTrust, usableCount++, t);
			const w = f32At(weights, k) * t;
			const f = 6 * q;
			jxx += w * f32At(features, f + 3);
			jxy += w * f32At(features, f + 4);
			jyy += w * f32At(features, f + 5);
			tensorWeight += w;
		}
		if (tensorWeight <= 0) {
			deferred++;
			continue;
		}
		const half = 0.5 * (jxx - jyy);
		const root = Math.sqrt(half * half + jxy * jxy);
		const coherence = (2 * root) / (jxx + jyy + 1e-9);
		setF32(coherenceOut, o, Math.min(1, (2 * root) / tensorWeight));
		const level = <i32>Math.min(<f64>(ANISOTROPY_STEPS - 1), Math.round(coherence * <f64>(ANISOTROPY_STEPS - 1)));
		let angle = 0.5 * Math.atan2(2 * jxy, jxx - jyy);
		if (angle < 0) angle += Math.PI;
		const angleStep = (<i32>Math.round((angle * <f64>ANGLE_STEPS) / Math.PI)) % ANGLE_STEPS;
		const table = (angleStep * ANISOTROPY_STEPS + level) * offsets;
		jxx = 0;
		jxy = 0;
		jyy = 0;
		let r: f64 = 0;
		let g: f64 = 0;
		let b: f64 = 0;
		let weightSum: f64 = 0;
		for (let u = 0; u < usableCount; u++) {
			const f = 6 * i32At(usablePixel, u);
			const w = f32At(weights, table + i32At(usableOffset, u)) * f32At(usableTrust, u);
			r += w * f32At(features, f);
			g += w * f32At(features, f + 1);
			b += w * f32At(features, f + 2);
			jxx += w * f32At(features, f + 3);
			jxy += w * f32At(features, f + 4);
			jyy += w * f32At(features, f + 5);
			weightSum += w;
		}
		const f = 6 * p;
		setF32(features, f, r / weightSum);
		setF32(features, f + 1, g / weightSum);
		setF32(features, f + 2, b / weightSum);
		setF32(features, f + 3, jxx / weightSum);
		setF32(features, f + 4, jxy / weightSum);
		setF32(features, f + 5, jyy / weightSum);
		setF32(gate, p, gateOf(f32At(disparity, i)));
		setF32(trust, p, 1);
		store<u8>(state + <usize>i, 1);
		store<f32>(values + (<usize>(3 * i) << 2), load<f32>(features + (<usize>f << 2)));
		store<f32>(values + (<usize>(3 * i + 1) << 2), load<f32>(features + (<usize>(f + 1) << 2)));
		store<f32>(values + (<usize>(3 * i + 2) << 2), load<f32>(features + (<usize>(f + 2) << 2)));
	}
	return deferred;
}

/**
 * Everything the transport reads, from the box's `values` (3 floats), `state` (bytes: 1 context, 2
 * synthesis, others unreadable) and `disparity`: `trustOut` per box pixel, the normalized structure
 * tensor into `tensor`, the fill order into `orderOut`, and the padded arrays `features`, `gate` and
 * `paddedTrust` (see packPadded). `luminance`, `weight`, `sums` (4 floats), `distance` and `starts`
 * (3 · (width + height) + 2 ints) are work arrays. Returns the order's length. Same arithmetic, in the
 * same order, as contextTrust, structureTensor, fillOrder and packPadded in src/inpaint/coherence.ts.
 */
export function prepare(
	values: usize, state: usize, disparity: usize, width: i32, height: i32, tensorRadius: i32, contrastFloor: f64, ringWeight: f64,
	trustOut: usize, luminance: usize, tensor: usize, weight: usize, sums: usize, distance: usize, starts: usize, orderOut: usize,
	features: usize, gate: usize, paddedTrust: usize, radius: i32,
): i32 {
	const n = width * height;
	contextTrust(state, width, height, ringWeight, trustOut);
	for (let i = 0; i < n; i++) {
		setF32(luminance, i, 0.299 * f32At(values, 3 * i) + 0.587 * f32At(values, 3 * i + 1) + 0.114 * f32At(values, 3 * i + 2));
	}
	memory.fill(tensor, 0, <usize>(3 * n) << 2);
	memory.fill(weight, 0, <usize>n << 2);
	gradientProducts(luminance, state, width, height, tensor, weight);
	normalizedBoxBlur(tensor, weight, width, height, tensorRadius, sums);
	normalizedBoxBlur(tensor, weight, width, height, tensorRadius, sums);
	for (let i = 0; i < n; i++) {
		const scale = 1 / (f32At(tensor, 3 * i) + f32At(tensor, 3 * i + 2) + contrastFloor);
		setF32(tensor, 3 * i, f32At(tensor, 3 * i) * scale);
		setF32(tensor, 3 * i + 1, f32At(tensor, 3 * i + 1) * scale);
		setF32(tensor, 3 * i + 2, f32At(tensor, 3 * i + 2) * scale);
	}
	const orderLength = fillOrder(state, width, height, distance, starts, orderOut);
	packPadded(features, gate, paddedTrust, values, tensor, trustOut, state, disparity, width, height, radius);
	return orderLength;
}

function contextTrust(state: usize, width: i32, height: i32, ringWeight: f64, trust: usize): void {
	for (let y = 0; y < height; y++) {
		for (let x = 0, i = y * width; x < width; x++, i++) {
			if (u8At(state, i) != 1) {
				setF32(trust, i, 0);
				continue;
			}
			const nextToHole = (x > 0 && u8At(state, i - 1) == 2) || (x < width - 1 && u8At(state, i + 1) == 2) ||
				(y > 0 && u8At(state, i - width) == 2) || (y < height - 1 && u8At(state, i + width) == 2);
			setF32(trust, i, nextToHole ? ringWeight : 1);
		}
	}
}

function gradientProducts(luminance: usize, state: usize, width: i32, height: i32, tensor: usize, weight: usize): void {
	for (let y = 1; y < height - 1; y++) {
		for (let x = 1, i = y * width + 1; x < width - 1; x++, i++) {
			const up = i - width;
			const down = i + width;
			if (u8At(state, i) != 1 || u8At(state, i - 1) != 1 || u8At(state, i + 1) != 1 || u8At(state, up) != 1 || u8At(state, down) != 1 ||
				u8At(state, up - 1) != 1 || u8At(state, up + 1) != 1 || u8At(state, down - 1) != 1 || u8At(state, down + 1) != 1) continue;
			const gx = (3 * (f32At(luminance, up + 1) - f32At(luminance, up - 1) + f32At(luminance, down + 1) - f32At(luminance, down - 1)) +
				10 * (f32At(luminance, i + 1) - f32At(luminance, i - 1))) / 32;
			const gy = (3 * (f32At(luminance, down - 1) - f32At(luminance, up - 1) + f32At(luminance, down + 1) - f32At(luminance, up + 1)) +
				10 * (f32At(luminance, down) - f32At(luminance, up))) / 32;
			setF32(tensor, 3 * i, gx * gx);
			setF32(tensor, 3 * i + 1, gx * gy);
			setF32(tensor, 3 * i + 2, gy * gy);
			setF32(weight, i, 1);
		}
	}
}

function normalizedBoxBlur(values: usize, weight: usize, width: i32, height: i32, r: i32, sums: usize): void {
	for (let y = 0; y < height; y++) {
		const row = y * width;
		let a: f64 = 0;
		let b: f64 = 0;
		let c: f64 = 0;
		let w: f64 = 0;
		for (let x = -r; x < width; x++) {
			const entering = x + r;
			if (entering < width) {
				const i = row + entering;
				const wi = f32At(weight, i);
				a += wi * f32At(values, 3 * i);
				b += wi * f32At(values, 3 * i + 1);
				c += wi * f32At(values, 3 * i + 2);
				w += wi;
			}
			const leaving = x - r - 1;
			if (leaving >= 0) {
				const i = row + leaving;
				const wi = f32At(weight, i);
				a -= wi * f32At(values, 3 * i);
				b -= wi * f32At(values, 3 * i + 1);
				c -= wi * f32At(values, 3 * i + 2);
				w -= wi;
			}
			if (x < 0) continue;
			const o = 4 * (row + x);
			setF32(sums, o, a);
			setF32(sums, o + 1, b);
			setF32(sums, o + 2, c);
			setF32(sums, o + 3, w);
		}
	}
	for (let x = 0; x < width; x++) {
		let a: f64 = 0;
		let b: f64 = 0;
		let c: f64 = 0;
		let w: f64 = 0;
		for (let y = -r; y < height; y++) {
			const entering = y + r;
			if (entering < height) {
				const o = 4 * (entering * width + x);
				a += f32At(sums, o);
				b += f32At(sums, o + 1);
				c += f32At(sums, o + 2);
				w += f32At(sums, o + 3);
			}
			const leaving = y - r - 1;
			if (leaving >= 0) {
				const o = 4 * (leaving * width + x);
				a -= f32At(sums, o);
				b -= f32At(sums, o + 1);
				c -= f32At(sums, o + 2);
				w -= f32At(sums, o + 3);
			}
			if (y < 0) continue;
			const i = y * width + x;
			if (w < 1e-3) {
				setF32(weight, i, 0);
				continue;
			}
			setF32(values, 3 * i, a / w);
			setF32(values, 3 * i + 1, b / w);
			setF32(values, 3 * i + 2, c / w);
			setF32(weight, i, w);
		}
	}
}

/** The synthesis pixels by 3-4 chamfer distance from the context, nearest first (a counting sort); returns their number. */
function fillOrder(state: usize, width: i32, height: i32, distance: usize, starts: usize, order: usize): i32 {
	const far = 0x3fffffff;
	const n = width * height;
	let count = 0;
	for (let i = 0; i < n; i++) {
		store<i32>(distance + (<usize>i << 2), u8At(state, i) == 1 ? 0 : far);
		if (u8At(state, i) == 2) count++;
	}
	for (let y = 0; y < height; y++) {
		for (let x = 0, i = y * width; x < width; x++, i++) {
			let best = i32At(distance, i);
			if (best == 0) continue;
			if (x > 0 && i32At(distance, i - 1) + 3 < best) best = i32At(distance, i - 1) + 3;
			if (y > 0) {
				if (i32At(distance, i - width) + 3 < best) best = i32At(distance, i - width) + 3;
				if (x > 0 && i32At(distance, i - width - 1) + 4 < best) best = i32At(distance, i - width - 1) + 4;
				if (x < width - 1 && i32At(distance, i - width + 1) + 4 < best) best = i32At(distance, i - width + 1) + 4;
			}
			store<i32>(distance + (<usize>i << 2), best);
		}
	}
	let maxDistance = 0;
	for (let y = height - 1; y >= 0; y--) {
		for (let x = width - 1, i = y * width + x; x >= 0; x--, i--) {
			let best = i32At(distance, i);
			if (best == 0) continue;
			if (x < width - 1 && i32At(distance, i + 1) + 3 < best) best = i32At(distance, i + 1) + 3;
			if (y < height - 1) {
				if (i32At(distance, i + width) + 3 < best) best = i32At(distance, i + width) + 3;
				if (x < width - 1 && i32At(distance, i + width + 1) + 4 < best) best = i32At(distance, i + width + 1) + 4;
				if (x > 0 && i32At(distance, i + width - 1) + 4 < best) best = i32At(distance, i + width - 1) + 4;
			}
			store<i32>(distance + (<usize>i << 2), best);
			if (u8At(state, i) == 2 && best > maxDistance) maxDistance = best;
		}
	}
	// Without a context pixel every distance is `far`: the order is then the index order.
	if (maxDistance > 3 * (width + height)) maxDistance = 0;
	memory.fill(starts, 0, <usize>(maxDistance + 2) << 2);
	for (let i = 0; i < n; i++) {
		if (u8At(state, i) != 2) continue;
		const d = min(i32At(distance, i), maxDistance);
		store<i32>(starts + (<usize>(d + 1) << 2), i32At(starts, d + 1) + 1);
	}
	for (let d = 1; d < maxDistance + 2; d++) store<i32>(starts + (<usize>d << 2), i32At(starts, d) + i32At(starts, d - 1));
	for (let i = 0; i < n; i++) {
		if (u8At(state, i) != 2) continue;
		const d = min(i32At(distance, i), maxDistance);
		const at = i32At(starts, d);
		store<i32>(order + (<usize>at << 2), i);
		store<i32>(starts + (<usize>d << 2), at + 1);
	}
	return count;
}

/** The box padded by `radius`: context pixels' colour and tensor into `features`, gate and trust; others unreadable (gate +∞). */
function packPadded(
	features: usize, gate: usize, paddedTrust: usize, values: usize, tensor: usize, trust: usize, state: usize, disparity: usize,
	width: i32, height: i32, radius: i32,
): void {
	const paddedWidth = width + 2 * radius;
	const paddedCount = paddedWidth * (height + 2 * radius);
	for (let p = 0; p < paddedCount; p++) setF32(gate, p, Infinity);
	for (let y = 0; y < height; y++) {
		for (let x = 0, i = y * width, p = (y + radius) * paddedWidth + radius; x < width; x++, i++, p++) {
			if (u8At(state, i) != 1) continue;
			setF32(gate, p, gateOf(f32At(disparity, i)));
			setF32(paddedTrust, p, f32At(trust, i));
			for (let c = 0; c < 3; c++) {
				setF32(features, 6 * p + c, f32At(values, 3 * i + c));
				setF32(features, 6 * p + 3 + c, f32At(tensor, 3 * i + c));
			}
		}
	}
}
