/**
 * TypeScript twin of the membrane solver's kernel (assembly/membrane.ts), kept only so the tests can check
 * the kernel's output bit for bit: the cascadic multigrid as it ran in JavaScript before.
 */
import type {PyramidSolver} from '../../src/inpaint/membrane.js';

const EXCLUDED = 0;
const KNOWN = 1;
const UNKNOWN = 2;

interface Level {
	width: number;
	height: number;
	state: Uint8Array;
	values: Float32Array;
	unknownIndices: Int32Array;
}

export const solvePyramidReference: PyramidSolver = (state, values, width, height, channels, settings) => {
	const levels: Level[] = [makeLevel(width, height, state, values)];
	while (Math.max(levels[levels.length - 1].width, levels[levels.length - 1].height) > settings.coarsestSizePixels) {
		levels.push(coarsen(levels[levels.length - 1], channels));
	}

	const coarsest = levels[levels.length - 1];
	seedWithMean(coarsest, channels);
	relax(coarsest, channels, settings.coarsestSweeps, settings.overRelaxation);
	for (let l = levels.length - 2; l >= 0; l--) {
		const fine = levels[l];
		const coarse = levels[l + 1];
		prolong(coarse, fine, channels);
		relax(fine, channels, l === 0 ? settings.finestSweeps : settings.sweepsPerLevel, settings.overRelaxation);
	}
};

/**
 * Starts each fine unknown from the bilinear interpolation of the usable coarse cells around it (cell
 * centres at 2x + 0.5): exact for a linear function, where copying the parent left a blocky error that
 * cost extra sweeps at full resolution (4 sweeps after bilinear reach what 10 did after copying).
 */
function prolong(coarse: Level, fine: Level, channels: number): void {
	const {width, height, state, values} = coarse;
	const fineValues = fine.values;
	for (const i of fine.unknownIndices) {
		const x = i % fine.width;
		const y = (i - x) / fine.width;
		// Fine pixel x sits at coarse coordinate x / 2 - 0.25: between cells x0 and x0 + 1, weight 0.75 / 0.25.
		const x0 = (x - 1) >> 1;
		const y0 = (y - 1) >> 1;
		const fx = (x & 1) === 1 ? 0.25 : 0.75;
		const fy = (y & 1) === 1 ? 0.25 : 0.75;
		const cell = y0 * width + x0;
		const inside = x0 >= 0 && y0 >= 0 && x0 + 1 < width && y0 + 1 < height;
		// The common case, away from walls and level edges (EXCLUDED is 0): all four weights, no renormalization.
		if (inside && state[cell] && state[cell + 1] && state[cell + width] && state[cell + width + 1]) {
			const w00 = (1 - fx) * (1 - fy);
			const w01 = fx * (1 - fy);
			const w10 = (1 - fx) * fy;
			const w11 = fx * fy;
			for (let c = 0; c < channels; c++) {
				fineValues[i * channels + c] =
					w00 * values[cell * channels + c] + w01 * values[(cell + 1) * channels + c] +
					w10 * values[(cell + width) * channels + c] + w11 * values[(cell + width + 1) * channels + c];
			}
			continue;
		}
		let weightSum = 0;
		let sum0 = 0;
		let sum1 = 0;
		let sum2 = 0;
		for (let dy = 0; dy < 2; dy++) {
			const cy = y0 + dy;
			if (cy < 0 || cy >= height) continue;
			const wy = dy === 0 ? 1 - fy : fy;
			for (let dx = 0; dx < 2; dx++) {
				const cx = x0 + dx;
				if (cx < 0 || cx >= width) continue;
				const at = cy * width + cx;
				if (state[at] === EXCLUDED) continue;
				const w = wy * (dx === 0 ? 1 - fx : fx);
				weightSum += w;
				sum0 += w * values[at * channels];
				if (channels === 3) {
					sum1 += w * values[at * 3 + 1];
					sum2 += w * values[at * 3 + 2];
				}
			}
		}
		if (weightSum === 0) {
			const parent = (y >> 1) * width + (x >> 1);
			for (let c = 0; c < channels; c++) fineValues[i * channels + c] = values[parent * channels + c];
			continue;
		}
		fineValues[i * channels] = sum0 / weightSum;
		if (channels === 3) {
			fineValues[i * 3 + 1] = sum1 / weightSum;
			fineValues[i * 3 + 2] = sum2 / weightSum;
		}
	}
}

function makeLevel(width: number, height: number, state: Uint8Array, values: Float32Array): Level {
	let unknownCount = 0;
	for (let i = 0; i < state.length; i++) if (state[i] === UNKNOWN) unknownCount++;
	const unknownIndices = new Int32Array(unknownCount);
	for (let i = 0, k = 0; k < unknownCount; i++) if (state[i] === UNKNOWN) unknownIndices[k++] = i;
	return {width, height, state, values, unknownIndices};
}

function coarsen(fine: Level, channels: number): Level {
	const width = (fine.width + 1) >> 1;
	const height = (fine.height + 1) >> 1;
	const state = new Uint8Array(width * height);
	const values = new Float32Array(width * height * channels);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const cell = y * width + x;
			let knownChildren = 0;
			let anyUnknown = false;
			for (let dy = 0; dy < 2; dy++) {
				const fy = 2 * y + dy;
				if (fy >= fine.height) continue;
				for (let dx = 0; dx < 2; dx++) {
					const fx = 2 * x + dx;
					if (fx >= fine.width) continue;
					const child = fy * fine.width + fx;
					const childState = fine.state[child];
					if (childState === KNOWN) {
						knownChildren++;
						for (let c = 0; c < channels; c++) values[cell * channels + c] += fine.values[child * channels + c];
					} else if (childState === UNKNOWN) {
						anyUnknown = true;
					}
				}
			}
			if (knownChildren > 0) {
				state[cell] = KNOWN;
				for (let c = 0; c < channels; c++) values[cell * channels + c] /= knownChildren;
			} else if (anyUnknown) {
				state[cell] = UNKNOWN;
			}
		}
	}
	return makeLevel(width, height, state, values);
}

function seedWithMean(level: Level, channels: number): void {
	const mean = new Float64Array(channels);
	let count = 0;
	for (let i = 0; i < level.state.length; i++) {
		if (level.state[i] !== KNOWN) continue;
		count++;
		for (let c = 0; c < channels; c++) mean[c] += level.values[i * channels + c];
	}
	for (const i of level.unknownIndices) {
		for (let c = 0; c < channels; c++) level.values[i * channels + c] = mean[c] / count;
	}
}

/**
 * Each unknown pixel's 4 neighbours, with the pixel itself standing in for a missing (excluded or
 * off-level) one, and ω / (usable neighbours) as its step: with the self-references the update
 * ω/n · (Σ4 − 4·v) equals ω/n · (Σusable − n·v), so the sweeps need no branches. A pixel with no usable
 * neighbour gets step 0.
 */
function neighbourTable(level: Level, overRelaxation: number): {table: Int32Array; step: Float32Array} {
	const {width, height, state, unknownIndices} = level;
	const table = new Int32Array(unknownIndices.length * 4);
	const step = new Float32Array(unknownIndices.length);
	for (let k = 0; k < unknownIndices.length; k++) {
		const i = unknownIndices[k];
		const x = i % width;
		const left = x > 0 && state[i - 1] !== EXCLUDED;
		const right = x < width - 1 && state[i + 1] !== EXCLUDED;
		const up = i >= width && state[i - width] !== EXCLUDED;
		const down = i < (height - 1) * width && state[i + width] !== EXCLUDED;
		table[4 * k] = left ? i - 1 : i;
		table[4 * k + 1] = right ? i + 1 : i;
		table[4 * k + 2] = up ? i - width : i;
		table[4 * k + 3] = down ? i + width : i;
		const n = +left + +right + +up + +down;
		step[k] = n === 0 ? 0 : overRelaxation / n;
	}
	return {table, step};
}

function relax(level: Level, channels: 1 | 3, sweeps: number, overRelaxation: number): void {
	if (sweeps <= 0 || level.unknownIndices.length === 0) return;
	const {table, step} = neighbourTable(level, overRelaxation);
	if (channels === 1) relaxSingle(level.values, level.unknownIndices, table, step, sweeps);
	else relaxTriple(level.values, level.unknownIndices, table, step, sweeps);
}

// Alternating the scan direction spreads boundary values both ways at the same speed.
function relaxSingle(values: Float32Array, unknownIndices: Int32Array, table: Int32Array, step: Float32Array, sweeps: number): void {
	const last = unknownIndices.length - 1;
	for (let sweep = 0; sweep < sweeps; sweep++) {
		const forward = (sweep & 1) === 0;
		for (let s = 0; s <= last; s++) {
			const k = forward ? s : last - s;
			const i = unknownIndices[k];
			const n = 4 * k;
			const sum = values[table[n]] + values[table[n + 1]] + values[table[n + 2]] + values[table[n + 3]];
			values[i] += step[k] * (sum - 4 * values[i]);
		}
	}
}

function relaxTriple(values: Float32Array, unknownIndices: Int32Array, table: Int32Array, step: Float32Array, sweeps: number): void {
	const last = unknownIndices.length - 1;
	for (let sweep = 0; sweep < sweeps; sweep++) {
		const forward = (sweep & 1) === 0;
		for (let s = 0; s <= last; s++) {
			const k = forward ? s : last - s;
			const at = 3 * unknownIndices[k];
			const n = 4 * k;
			const a = 3 * table[n];
			const b = 3 * table[n + 1];
			const c = 3 * table[n + 2];
			const d = 3 * table[n + 3];
			const w = step[k];
			values[at] += w * (values[a] + values[b] + values[c] + values[d] - 4 * values[at]);
			values[at + 1] += w * (values[a + 1] + values[b + 1] + values[c + 1] + values[d + 1] - 4 * values[at + 1]);
			values[at + 2] += w * (values[a + 2] + values[b + 2] + values[c + 2] + values[d + 2] - 4 * values[at + 2]);
		}
	}
}
