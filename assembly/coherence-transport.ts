/**
 * WebAssembly kernel of the coherence inpainter's transport loop (src/inpaint/coherence.ts; `npm run
 * build:wasm` compiles it to wasm/coherence-transport.wasm). The TypeScript side lays the arrays out in
 * this module's memory (pointers are byte offsets) and keeps everything else. Arithmetic mirrors the
 * JavaScript it replaced: f32 arrays, sums in f64, the same order; Math.atan2 and Math.round are
 * AssemblyScript's ports of the same algorithms V8 uses, so the output is bit-identical (test/inpaint
 * compares it with the TypeScript twin kept there).
 */

const ANGLE_STEPS: i32 = 32;
const ANISOTROPY_STEPS: i32 = 8;
const FLOAT32_MAX: f64 = 3.4028234663852886e38;

/** Where the arrays the TypeScript side lays out may start. */
export function heapBase(): usize {
	return __heap_base;
}

@inline function f32At(base: usize, i: i32): f64 {
	return <f64>load<f32>(base + (<usize>i << 2));
}

@inline function setF32(base: usize, i: i32, value: f64): void {
	store<f32>(base + (<usize>i << 2), <f32>value);
}

@inline function i32At(base: usize, i: i32): i32 {
	return load<i32>(base + (<usize>i << 2));
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
