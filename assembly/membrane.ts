/**
 * WebAssembly kernel of the membrane solver's cascadic multigrid (src/inpaint/membrane.ts; `npm run
 * build:wasm` compiles it to wasm/membrane.wasm). The TypeScript side copies the box's state and values
 * in and out and keeps the rest. Arithmetic mirrors the JavaScript it replaced: f32 arrays, expressions
 * in f64 rounded to f32 on every store, the same order, so the output is bit-identical
 * (test/inpaint/membrane.test.ts compares it with the TypeScript twin kept there).
 */

import {f32At, setF32, i32At} from './shared/elements';

const EXCLUDED: u8 = 0;
const KNOWN: u8 = 1;
const UNKNOWN: u8 = 2;

/** Most pyramid levels: a box side halves per level, and a side is at most 2^30 pixels. */
const MAX_LEVELS = 32;
/** Bytes of one level's record: width, height, state, values, unknown indices, unknown count. */
const LEVEL_BYTES = 24;

/** Next free byte of the work area; reset by every {@link solve}. */
let top: usize = 0;
/** Where the level records of the current solve start. */
let levels: usize = 0;

/** Where the arrays the TypeScript side lays out may start. */
export function heapBase(): usize {
	return __heap_base;
}

/** `bytes` of work memory, 16-byte aligned, the memory grown when needed. */
function take(bytes: usize): usize {
	const at = (top + 15) & ~(<usize>15);
	top = at + bytes;
	const pages = <i32>((top + 0xffff) >>> 16);
	const have = memory.size();
	if (pages > have && memory.grow(pages - have) < 0) abort();
	return at;
}

@inline function levelField(level: i32, field: i32): i32 {
	return load<i32>(levels + <usize>(level * LEVEL_BYTES + field * 4));
}

@inline function setLevelField(level: i32, field: i32, value: i32): void {
	store<i32>(levels + <usize>(level * LEVEL_BYTES + field * 4), value);
}

/** Records level `level` (its arrays already filled) with the indices of its unknown pixels. */
function makeLevel(level: i32, width: i32, height: i32, state: usize, values: usize): void {
	const n = width * height;
	let unknownCount = 0;
	for (let i = 0; i < n; i++) if (load<u8>(state + <usize>i) == UNKNOWN) unknownCount++;
	const unknownIndices = take(<usize>unknownCount << 2);
	for (let i = 0, k = 0; k < unknownCount; i++) {
		if (load<u8>(state + <usize>i) != UNKNOWN) continue;
		store<i32>(unknownIndices + (<usize>k << 2), i);
		k++;
	}
	setLevelField(level, 0, width);
	setLevelField(level, 1, height);
	setLevelField(level, 2, <i32>state);
	setLevelField(level, 3, <i32>values);
	setLevelField(level, 4, <i32>unknownIndices);
	setLevelField(level, 5, unknownCount);
}

/** Level `fine + 1`: a cell is known (the mean of its known children) when any child is, else unknown when any child is. */
function coarsen(fine: i32, channels: i32): void {
	const fineWidth = levelField(fine, 0);
	const fineHeight = levelField(fine, 1);
	const fineState = <usize>levelField(fine, 2);
	const fineValues = <usize>levelField(fine, 3);
	const width = (fineWidth + 1) >> 1;
	const height = (fineHeight + 1) >> 1;
	const state = take(<usize>(width * height));
	memory.fill(state, 0, <usize>(width * height));
	const values = take(<usize>(width * height * channels) << 2);
	memory.fill(values, 0, <usize>(width * height * channels) << 2);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const cell = y * width + x;
			let knownChildren = 0;
			let anyUnknown = false;
			for (let dy = 0; dy < 2; dy++) {
				const fy = 2 * y + dy;
				if (fy >= fineHeight) continue;
				for (let dx = 0; dx < 2; dx++) {
					const fx = 2 * x + dx;
					if (fx >= fineWidth) continue;
					const child = fy * fineWidth + fx;
					const childState = load<u8>(fineState + <usize>child);
					if (childState == KNOWN) {
						knownChildren++;
						for (let c = 0; c < channels; c++) {
							setF32(values, cell * channels + c, f32At(values, cell * channels + c) + f32At(fineValues, child * channels + c));
						}
					} else if (childState == UNKNOWN) {
						anyUnknown = true;
					}
				}
			}
			if (knownChildren > 0) {
				store<u8>(state + <usize>cell, KNOWN);
				for (let c = 0; c < channels; c++) setF32(values, cell * channels + c, f32At(values, cell * channels + c) / <f64>knownChildren);
			} else if (anyUnknown) {
				store<u8>(state + <usize>cell, UNKNOWN);
			}
		}
	}
	makeLevel(fine + 1, width, height, state, values);
}

function seedWithMean(level: i32, channels: i32): void {
	const n = levelField(level, 0) * levelField(level, 1);
	const state = <usize>levelField(level, 2);
	const values = <usize>levelField(level, 3);
	let mean0: f64 = 0;
	let mean1: f64 = 0;
	let mean2: f64 = 0;
	let count = 0;
	for (let i = 0; i < n; i++) {
		if (load<u8>(state + <usize>i) != KNOWN) continue;
		count++;
		mean0 += f32At(values, i * channels);
		if (channels == 3) {
			mean1 += f32At(values, i * 3 + 1);
			mean2 += f32At(values, i * 3 + 2);
		}
	}
	const unknownIndices = <usize>levelField(level, 4);
	const unknownCount = levelField(level, 5);
	for (let k = 0; k < unknownCount; k++) {
		const i = i32At(unknownIndices, k);
		setF32(values, i * channels, mean0 / <f64>count);
		if (channels == 3) {
			setF32(values, i * 3 + 1, mean1 / <f64>count);
			setF32(values, i * 3 + 2, mean2 / <f64>count);
		}
	}
}

/** Starts the unknowns of level `fine` from the bilinear interpolation of level `fine + 1` (see prolong in membrane.ts). */
function prolong(fine: i32, channels: i32): void {
	const fineWidth = levelField(fine, 0);
	const fineValues = <usize>levelField(fine, 3);
	const unknownIndices = <usize>levelField(fine, 4);
	const unknownCount = levelField(fine, 5);
	const width = levelField(fine + 1, 0);
	const height = levelField(fine + 1, 1);
	const state = <usize>levelField(fine + 1, 2);
	const values = <usize>levelField(fine + 1, 3);
	for (let k = 0; k < unknownCount; k++) {
		const i = i32At(unknownIndices, k);
		const x = i % fineWidth;
		const y = (i - x) / fineWidth;
		const x0 = (x - 1) >> 1;
		const y0 = (y - 1) >> 1;
		const fx: f64 = (x & 1) == 1 ? 0.25 : 0.75;
		const fy: f64 = (y & 1) == 1 ? 0.25 : 0.75;
		const cell = y0 * width + x0;
		const inside = x0 >= 0 && y0 >= 0 && x0 + 1 < width && y0 + 1 < height;
		if (inside && load<u8>(state + <usize>cell) != EXCLUDED && load<u8>(state + <usize>(cell + 1)) != EXCLUDED &&
			load<u8>(state + <usize>(cell + width)) != EXCLUDED && load<u8>(state + <usize>(cell + width + 1)) != EXCLUDED) {
			const w00 = (1 - fx) * (1 - fy);
			const w01 = fx * (1 - fy);
			const w10 = (1 - fx) * fy;
			const w11 = fx * fy;
			for (let c = 0; c < channels; c++) {
				setF32(fineValues, i * channels + c,
					w00 * f32At(values, cell * channels + c) + w01 * f32At(values, (cell + 1) * channels + c) +
					w10 * f32At(values, (cell + width) * channels + c) + w11 * f32At(values, (cell + width + 1) * channels + c));
			}
			continue;
		}
		let weightSum: f64 = 0;
		let sum0: f64 = 0;
		let sum1: f64 = 0;
		let sum2: f64 = 0;
		for (let dy = 0; dy < 2; dy++) {
			const cy = y0 + dy;
			if (cy < 0 || cy >= height) continue;
			const wy = dy == 0 ? 1 - fy : fy;
			for (let dx = 0; dx < 2; dx++) {
				const cx = x0 + dx;
				if (cx < 0 || cx >= width) continue;
				const at = cy * width + cx;
				if (load<u8>(state + <usize>at) == EXCLUDED) continue;
				const w = wy * (dx == 0 ? 1 - fx : fx);
				weightSum += w;
				sum0 += w * f32At(values, at * channels);
				if (channels == 3) {
					sum1 += w * f32At(values, at * 3 + 1);
					sum2 += w * f32At(values, at * 3 + 2);
				}
			}
		}
		if (weightSum == 0) {
			const parent = (y >> 1) * width + (x >> 1);
			for (let c = 0; c < channels; c++) setF32(fineValues, i * channels + c, f32At(values, parent * channels + c));
			continue;
		}
		setF32(fineValues, i * channels, sum0 / weightSum);
		if (channels == 3) {
			setF32(fineValues, i * 3 + 1, sum1 / weightSum);
			setF32(fineValues, i * 3 + 2, sum2 / weightSum);
		}
	}
}

/**
 * `sweeps` SOR sweeps over the unknowns of `level`, alternating the scan direction, over a table of each
 * unknown's 4 neighbours (the pixel itself for a missing one) and its step ω / (usable neighbours).
 */
function relax(level: i32, channels: i32, sweeps: i32, overRelaxation: f64): void {
	const unknownCount = levelField(level, 5);
	if (sweeps <= 0 || unknownCount == 0) return;
	const width = levelField(level, 0);
	const height = levelField(level, 1);
	const state = <usize>levelField(level, 2);
	const values = <usize>levelField(level, 3);
	const unknownIndices = <usize>levelField(level, 4);
	const mark = top;
	const table = take(<usize>unknownCount << 4);
	const step = take(<usize>unknownCount << 2);
	for (let k = 0; k < unknownCount; k++) {
		const i = i32At(unknownIndices, k);
		const x = i % width;
		const left = x > 0 && load<u8>(state + <usize>(i - 1)) != EXCLUDED;
		const right = x < width - 1 && load<u8>(state + <usize>(i + 1)) != EXCLUDED;
		const up = i >= width && load<u8>(state + <usize>(i - width)) != EXCLUDED;
		const down = i < (height - 1) * width && load<u8>(state + <usize>(i + width)) != EXCLUDED;
		const entry = table + (<usize>k << 4);
		store<i32>(entry, left ? i - 1 : i);
		store<i32>(entry, right ? i + 1 : i, 4);
		store<i32>(entry, up ? i - width : i, 8);
		store<i32>(entry, down ? i + width : i, 12);
		const n = <i32>left + <i32>right + <i32>up + <i32>down;
		setF32(step, k, n == 0 ? 0 : overRelaxation / <f64>n);
	}
	const last = unknownCount - 1;
	if (channels == 1) {
		for (let sweep = 0; sweep < sweeps; sweep++) {
			const forward = (sweep & 1) == 0;
			for (let s = 0; s <= last; s++) {
				const k = forward ? s : last - s;
				const i = i32At(unknownIndices, k);
				const entry = table + (<usize>k << 4);
				const sum = f32At(values, load<i32>(entry)) + f32At(values, load<i32>(entry, 4)) +
					f32At(values, load<i32>(entry, 8)) + f32At(values, load<i32>(entry, 12));
				const v = f32At(values, i);
				setF32(values, i, v + f32At(step, k) * (sum - 4 * v));
			}
		}
	} else {
		for (let sweep = 0; sweep < sweeps; sweep++) {
			const forward = (sweep & 1) == 0;
			for (let s = 0; s <= last; s++) {
				const k = forward ? s : last - s;
				const at = 3 * i32At(unknownIndices, k);
				const entry = table + (<usize>k << 4);
				const a = 3 * load<i32>(entry);
				const b = 3 * load<i32>(entry, 4);
				const c = 3 * load<i32>(entry, 8);
				const d = 3 * load<i32>(entry, 12);
				const w = f32At(step, k);
				for (let channel = 0; channel < 3; channel++) {
					const v = f32At(values, at + channel);
					setF32(values, at + channel, v + w * (f32At(values, a + channel) + f32At(values, b + channel) +
						f32At(values, c + channel) + f32At(values, d + channel) - 4 * v));
				}
			}
		}
	}
	top = mark;
}

/**
 * Solves the box in place: `state` (bytes: 0 excluded, 1 known, 2 unknown) and `values` (`channels`
 * floats per pixel, the known ones set) of a `width` × `height` box; the unknowns of `values` are
 * filled. `workStart`: the first byte after the caller's arrays, where the pyramid goes (the memory is
 * grown as needed). The box must have at least one known pixel.
 */
export function solve(
	state: usize, values: usize, width: i32, height: i32, channels: i32, workStart: usize,
	sweepsPerLevel: i32, finestSweeps: i32, coarsestSweeps: i32, overRelaxation: f64, coarsestSizePixels: i32,
): void {
	top = workStart;
	levels = take(<usize>(MAX_LEVELS * LEVEL_BYTES));
	makeLevel(0, width, height, state, values);
	let count = 1;
	while (max(levelField(count - 1, 0), levelField(count - 1, 1)) > coarsestSizePixels && count < MAX_LEVELS) {
		coarsen(count - 1, channels);
		count++;
	}
	const coarsest = count - 1;
	seedWithMean(coarsest, channels);
	relax(coarsest, channels, coarsestSweeps, overRelaxation);
	for (let l = count - 2; l >= 0; l--) {
		prolong(l, channels);
		relax(l, channels, l == 0 ? finestSweeps : sweepsPerLevel, overRelaxation);
	}
}
