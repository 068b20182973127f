/**
 * Membrane (harmonic) interpolation: fills unknown pixels so that each is the average of its usable
 * 4-neighbours (Laplace's equation), with known pixels as fixed boundary values and excluded pixels as
 * a no-flux boundary (they are never read). The basis of the `diffusion` colour inpainter and of the
 * residual fill in depth inpainting.
 *
 * Approach (cascadic multigrid) on the unknown pixels' bounding box grown by one pixel (nothing else is
 * ever read): a pyramid in which a coarse cell is known when any of its children is (mean of the known
 * children), unknown when any child is unknown, excluded otherwise; solve at the coarsest level, then at
 * each finer level start the unknowns from the bilinear interpolation of their coarse neighbours and
 * relax with a few SOR sweeps (alternating scan direction) over a packed neighbour table.
 *
 * Measured (60×300 band of noise, 18 000 unknowns; error = mean / worst grey levels from the converged
 * solution): 5.4 ms, 3.00 / 10.6 → 2.7 ms, 0.41 / 8.0 with the bounding box and bilinear prolongation;
 * moon's 198 colour crops at 1024 px 144 → 90 ms. ω 1.8 was best at every sweep count (10 the knee);
 * 3 sweeps after bilinear prolongation beat 10 after parent copy; plain Gauss-Seidel took ~1 s. The
 * pyramid runs as a WebAssembly kernel (assembly/membrane.ts, bit-identical, one instance per process):
 * whole builds moon CPU 4.44 → 4.32 s, shelf 3.28 → 3.15 s, hut 4.75 → 4.52 s.
 */
import {type Bounds, maskBounds} from './bounds.js';
import {ScratchArrays} from './scratch.js';
import {instantiateKernel, type KernelInstance, KernelLayout} from '../wasm/kernel.js';

/** Options for {@link fillMembrane}. */
export interface MembraneOptions {
	/** SOR sweeps per pyramid level, except the finest and the coarsest. */
	sweepsPerLevel: number;
	/** SOR sweeps at full resolution, where a sweep costs most. */
	finestSweeps: number;
	/** Sweeps at the coarsest level (at most `coarsestSizePixels` a side, where 50 converge). */
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
	finestSweeps: 3,
	coarsestSweeps: 50,
	overRelaxation: 1.8,
	coarsestSizePixels: 8,
	fallbackValue: 0,
};

const KNOWN = 1;
const UNKNOWN = 2;

/**
 * Solves a box in place: `state` per pixel (0 excluded, 1 known, 2 unknown), `values` `channels` floats
 * per pixel with the known ones set; fills the unknown ones. At least one pixel is known. The WebAssembly
 * kernel, or (in the tests) its TypeScript twin.
 */
export type PyramidSolver = (state: Uint8Array, values: Float32Array, width: number, height: number, channels: 1 | 3, settings: MembraneOptions) => void;

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
	const result = new Float32Array(width * height * channels);
	for (let i = 0; i < known.length; i++) {
		if (known[i]) for (let c = 0; c < channels; c++) result[i * channels + c] = values[i * channels + c];
	}
	fillMembraneInPlace(result, channels, width, height, known, unknown, options);
	return result;
}

/**
 * {@link fillMembrane} writing into `values` itself: only its unknown pixels change, and only the known
 * pixels within the unknown pixels' bounding box grown by one pixel are read (the coarse levels average
 * them; callers may leave every other pixel unset, which is what makes it cheap on the engine's crops,
 * mostly context far from the hole).
 *
 * ```ts
 * fillMembraneInPlace(residual, 1, width, height, region.contextMask, region.synthesisMask);
 * ```
 */
export function fillMembraneInPlace(
	values: Float32Array,
	channels: 1 | 3,
	width: number,
	height: number,
	known: Uint8Array,
	unknown: Uint8Array,
	options: Partial<MembraneOptions> = {},
	solve: PyramidSolver = solveInKernel,
): void {
	const settings = {...MEMBRANE_DEFAULTS, ...options};
	// Only the unknown pixels' bounding box, grown by the one pixel their 4-neighbours reach, takes part.
	const box = maskBounds(unknown, width, height, 1, known);
	if (!box) return;
	const {left, top} = box;
	const boxWidth = box.right - left + 1;
	const boxHeight = box.bottom - top + 1;
	const state = scratch.uint8('state', boxWidth * boxHeight);
	const boxValues = scratch.float32('values', boxWidth * boxHeight * channels);
	// One function per loop: see planar-quadtree.ts.
	const knownCount = copyIntoBox(values, channels, width, known, unknown, box, state, boxValues);
	if (knownCount === 0) {
		boxValues.fill(settings.fallbackValue);
	} else {
		solve(state, boxValues, boxWidth, boxHeight, channels, settings);
	}
	copyFromBox(boxValues, state, channels, width, box, values);
}

/** Fills the box's `state` and the known pixels' `boxValues` from the image; returns the number of known pixels. */
function copyIntoBox(
	values: Float32Array, channels: number, width: number, known: Uint8Array, unknown: Uint8Array, box: Bounds, state: Uint8Array, boxValues: Float32Array,
): number {
	const {left, top} = box;
	const boxWidth = box.right - left + 1;
	const boxHeight = box.bottom - top + 1;
	let knownCount = 0;
	for (let y = 0; y < boxHeight; y++) {
		let i = (y + top) * width + left;
		let b = y * boxWidth;
		for (let x = 0; x < boxWidth; x++, i++, b++) {
			if (known[i]) {
				state[b] = KNOWN;
				knownCount++;
				for (let c = 0; c < channels; c++) boxValues[b * channels + c] = values[i * channels + c];
			} else if (unknown[i]) {
				state[b] = UNKNOWN;
			}
		}
	}
	return knownCount;
}

/** Writes the box's unknown pixels back into the image. */
function copyFromBox(boxValues: Float32Array, state: Uint8Array, channels: number, width: number, box: Bounds, values: Float32Array): void {
	const {left, top} = box;
	const boxWidth = box.right - left + 1;
	const boxHeight = box.bottom - top + 1;
	for (let y = 0; y < boxHeight; y++) {
		let i = (y + top) * width + left;
		let b = y * boxWidth;
		for (let x = 0; x < boxWidth; x++, i++, b++) {
			if (state[b] !== UNKNOWN) continue;
			for (let c = 0; c < channels; c++) values[i * channels + c] = boxValues[b * channels + c];
		}
	}
}

interface MembraneKernel extends KernelInstance {
	heapBase(): number;
	solve(
		state: number, values: number, width: number, height: number, channels: number, workStart: number,
		sweepsPerLevel: number, finestSweeps: number, coarsestSweeps: number, overRelaxation: number, coarsestSizePixels: number,
	): void;
}

/** One kernel instance per process: its memory, grown to the largest box so far, serves every call. */
let kernel: MembraneKernel | undefined;

/**
 * The box's state and values, reused by every call (it is synchronous): fresh per call, a build's
 * hundreds of fills left their garbage to the collector (moon at 4096 px: 120 MB of it during the frame
 * strips).
 */
const scratch = new ScratchArrays();

/**
 * Drops the membrane kernel's memory (a WebAssembly memory never shrinks; the instance goes) and the box
 * arrays: for callers that are done with a large image. The next call allocates them again.
 *
 * ```ts
 * releaseMembraneKernel();
 * ```
 */
export function releaseMembraneKernel(): void {
	kernel = undefined;
	scratch.clear();
}

/** {@link PyramidSolver} by the WebAssembly kernel: the box is copied in, solved there, its values copied out. */
const solveInKernel: PyramidSolver = (state, values, width, height, channels, settings) => {
	kernel ??= instantiateKernel<MembraneKernel>('membrane');
	const layout = new KernelLayout(kernel.heapBase());
	const stateAt = layout.take(state.length);
	const valuesAt = layout.take(4 * values.length);
	const workStart = layout.end;
	const {memory} = kernel;
	layout.reserve(memory);
	new Uint8Array(memory.buffer, stateAt, state.length).set(state);
	new Float32Array(memory.buffer, valuesAt, values.length).set(values);
	kernel.solve(
		stateAt, valuesAt, width, height, channels, workStart,
		settings.sweepsPerLevel, settings.finestSweeps, settings.coarsestSweeps, settings.overRelaxation, settings.coarsestSizePixels,
	);
	// The kernel may have grown its memory: read through a fresh view.
	values.set(new Float32Array(memory.buffer, valuesAt, values.length));
};

