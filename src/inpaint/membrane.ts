/**
 * Membrane (harmonic) interpolation: fills unknown pixels so that each is the average of its usable
 * 4-neighbours (Laplace's equation), with known pixels as fixed boundary values and excluded pixels as
 * a no-flux boundary (they are never read). The basis of the `diffusion` colour inpainter and of the
 * residual fill in depth inpainting.
 *
 * Approach (cascadic multigrid): a pyramid in which a coarse cell is known when any of its children is
 * (mean of the known children), unknown when any child is unknown, excluded otherwise; solve at the
 * coarsest level, then at each finer level start the unknowns from their parent and relax with a few
 * SOR sweeps (alternating scan direction).
 *
 * Measured (bench figures are CPU ms on a shared 2-core x64 machine under a load average of ~12, so
 * unloaded wall times are lower): 200×300 crop, 60×300 unknown band (18 000 pixels, 3 channels, noise
 * texture on the boundary, the hardest case): 6.5 ms, within 3.0 grey levels on average (10.6 at worst,
 * next to the boundary) of the converged solution. Plain Gauss-Seidel, 2 000 sweeps: ~1 000 ms and still
 * 2.0 / 5.8 off. 100 000 unknowns: 31 ms, 2.2 mean error (35 ms before the sweeps read a packed
 * neighbour table instead of testing bounds and masks). Tried ω 1.2–1.8 and 4–32 sweeps per level:
 * ω 1.8 is best at every sweep count; 10 sweeps is the knee (32 sweeps halve the error for 3× the time).
 * A linear ramp (a harmonic function) is reproduced within 1 grey level.
 */

/** Options for {@link fillMembrane}. */
export interface MembraneOptions {
	/** SOR sweeps per pyramid level (finest levels included). */
	sweepsPerLevel: number;
	/** Sweeps at the coarsest level, where they are nearly free. */
	coarsestSweeps: number;
	/** Over-relaxation factor ω (1 = Gauss-Seidel, < 2 for stability). */
	overRelaxation: number;
	/** Coarsen until the longer side is at most this many pixels. */
	coarsestSizePixels: number;
	/** Value of every channel when there is no known pixel at all. */
	fallbackValue: number;
}

export const MEMBRANE_DEFAULTS: MembraneOptions = {
	sweepsPerLevel: 10,
	coarsestSweeps: 200,
	overRelaxation: 1.8,
	coarsestSizePixels: 8,
	fallbackValue: 0,
};

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

/**
 * Fills the `unknown` pixels of an interleaved `channels`-channel float image from the `known` pixels by
 * membrane interpolation. Pixels in neither mask are never read. Returns a new array: known pixels
 * copied, unknown pixels filled, other pixels 0.
 *
 * ```ts
 * const filled = fillMembrane(rgbFloat, 3, width, height, region.contextMask, region.synthesisMask);
 * ```
 */
export function fillMembrane(
	values: Float32Array,
	channels: 1 | 3,
	width: number,
	height: number,
	known: Uint8Array,
	unknown: Uint8Array,
	options: Partial<MembraneOptions> = {},
): Float32Array {
	const settings = {...MEMBRANE_DEFAULTS, ...options};
	const pixelCount = width * height;
	const state = new Uint8Array(pixelCount);
	const start = new Float32Array(pixelCount * channels);
	let knownCount = 0;
	for (let i = 0; i < pixelCount; i++) {
		if (known[i]) {
			state[i] = KNOWN;
			knownCount++;
			for (let c = 0; c < channels; c++) start[i * channels + c] = values[i * channels + c];
		} else if (unknown[i]) {
			state[i] = UNKNOWN;
		}
	}
	const finest = makeLevel(width, height, state, start);
	if (finest.unknownIndices.length === 0) return start;
	if (knownCount === 0) {
		for (const i of finest.unknownIndices) start.fill(settings.fallbackValue, i * channels, (i + 1) * channels);
		return start;
	}

	const levels: Level[] = [finest];
	while (Math.max(levels[levels.length - 1].width, levels[levels.length - 1].height) > settings.coarsestSizePixels) {
		levels.push(coarsen(levels[levels.length - 1], channels));
	}

	const coarsest = levels[levels.length - 1];
	seedWithMean(coarsest, channels);
	relax(coarsest, channels, settings.coarsestSweeps, settings.overRelaxation);
	for (let l = levels.length - 2; l >= 0; l--) {
		const fine = levels[l];
		const coarse = levels[l + 1];
		for (const i of fine.unknownIndices) {
			const x = i % fine.width;
			const y = (i - x) / fine.width;
			const parent = (y >> 1) * coarse.width + (x >> 1);
			for (let c = 0; c < channels; c++) fine.values[i * channels + c] = coarse.values[parent * channels + c];
		}
		relax(fine, channels, settings.sweepsPerLevel, settings.overRelaxation);
	}
	return finest.values;
}

function makeLevel(width: number, height: number, state: Uint8Array, values: Float32Array): Level {
	let unknownCount = 0;
	for (let i = 0; i < state.length; i++) if (state[i] === UNKNOWN) unknownCount++;
	const unknownIndices = new Int32Array(unknownCount);
	for (let i = 0, k = 0; i < state.length; i++) if (state[i] === UNKNOWN) unknownIndices[k++] = i;
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
 * Each unknown pixel's usable neighbours (not excluded, inside the level), packed four per unknown with
 * -1 after the last, so the sweeps do no bounds or mask tests.
 */
function neighbourTable(level: Level): Int32Array {
	const {width, height, state, unknownIndices} = level;
	const table = new Int32Array(unknownIndices.length * 4).fill(-1);
	for (let k = 0; k < unknownIndices.length; k++) {
		const i = unknownIndices[k];
		const x = i % width;
		let n = 0;
		if (x > 0 && state[i - 1] !== EXCLUDED) table[4 * k + n++] = i - 1;
		if (x < width - 1 && state[i + 1] !== EXCLUDED) table[4 * k + n++] = i + 1;
		if (i >= width && state[i - width] !== EXCLUDED) table[4 * k + n++] = i - width;
		if (i < (height - 1) * width && state[i + width] !== EXCLUDED) table[4 * k + n++] = i + width;
	}
	return table;
}

function relax(level: Level, channels: 1 | 3, sweeps: number, overRelaxation: number): void {
	const {values, unknownIndices} = level;
	const table = neighbourTable(level);
	const last = unknownIndices.length - 1;
	for (let sweep = 0; sweep < sweeps; sweep++) {
		// Alternating the scan direction spreads boundary values both ways at the same speed.
		const forward = (sweep & 1) === 0;
		for (let step = 0; step <= last; step++) {
			const k = forward ? step : last - step;
			const i = unknownIndices[k];
			let neighbours = 0;
			let sum0 = 0;
			let sum1 = 0;
			let sum2 = 0;
			for (; neighbours < 4; neighbours++) {
				const j = table[4 * k + neighbours];
				if (j < 0) break;
				if (channels === 1) {
					sum0 += values[j];
				} else {
					sum0 += values[3 * j];
					sum1 += values[3 * j + 1];
					sum2 += values[3 * j + 2];
				}
			}
			if (neighbours === 0) continue;
			const weight = overRelaxation / neighbours;
			if (channels === 1) {
				values[i] += weight * (sum0 - neighbours * values[i]);
			} else {
				const at = 3 * i;
				values[at] += weight * (sum0 - neighbours * values[at]);
				values[at + 1] += weight * (sum1 - neighbours * values[at + 1]);
				values[at + 2] += weight * (sum2 - neighbours * values[at + 2]);
			}
		}
	}
}
