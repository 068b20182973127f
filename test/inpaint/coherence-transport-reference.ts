/**
 * TypeScript twin of the coherence inpainter's transport kernel (assembly/coherence-transport.ts), kept
 * only so the tests can check the kernel's output bit for bit: the loop as it ran in JavaScript before.
 */
import type {CoherenceInpainterOptions, TransportLoop, WeightTables} from '../../src/inpaint/coherence.js';

const ANGLE_STEPS = 32;
const ANISOTROPY_STEPS = 8;

/** Largest finite float32: gates are clamped below it, so only an unknown pixel's +∞ fails every ceiling. */
const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * Fills the synthesis pixels in `order`: each the weighted mean of the known pixels in its ball, no
 * nearer than it by more than the margin; a filled pixel becomes known (state 1, full trust). Pixels
 * with no such pixel keep state 2. Returns their number.
 *
 * The ball is read ~90 times per pixel, so the loop works on a copy of the box padded by the radius (no
 * bounds test), with colour and tensor side by side (6 floats per pixel) and one gate per pixel that
 * folds "known" and "not nearer" into one comparison: the known pixel's disparity, +∞ for the others.
 * Same arithmetic in the same order as reading the separate arrays: the output is bit-identical.
 */
export const transportReference: TransportLoop = function transport(
	values: Float32Array, disparity: Float32Array, state: Uint8Array, trust: Float32Array, tensor: Float32Array, order: Int32Array,
	width: number, height: number, tables: WeightTables, settings: CoherenceInpainterOptions, coherenceOut: Float32Array,
): number {
	const {dx, dy, weights} = tables;
	const offsets = dx.length;
	const radius = Math.max(...dx);
	const paddedWidth = width + 2 * radius;
	const padded = packPadded(values, tensor, trust, state, disparity, width, height, radius);
	const {features, gate, paddedTrust} = padded;
	const relative = new Int32Array(offsets);
	for (let k = 0; k < offsets; k++) relative[k] = dy[k] * paddedWidth + dx[k];
	const margin = settings.disparityMargin;
	// The ball's usable pixels (known, not nearer than p), their padded index and trust, found once per pixel.
	const usableOffset = new Int32Array(offsets);
	const usablePixel = new Int32Array(offsets);
	const usableTrust = new Float32Array(offsets);
	let deferred = 0;
	for (let o = 0; o < order.length; o++) {
		const i = order[o];
		const x = i % width;
		const p = ((i - x) / width + radius) * paddedWidth + x + radius;
		// NaN (no ceiling: every known pixel is usable) and +∞ become the largest finite gate.
		const rawCeiling = disparity[i] + margin;
		const ceiling = rawCeiling < FLOAT32_MAX ? rawCeiling : FLOAT32_MAX;
		// First the isotropic mean of the known pixels' tensors: the structure carried to p so far.
		let jxx = 0;
		let jxy = 0;
		let jyy = 0;
		let tensorWeight = 0;
		let usableCount = 0;
		for (let k = 0; k < offsets; k++) {
			const q = p + relative[k];
			if (!(gate[q] <= ceiling)) continue;
			const t = paddedTrust[q];
			usableOffset[usableCount] = k;
			usablePixel[usableCount] = q;
			usableTrust[usableCount++] = t;
			const w = weights[k] * t;
			const f = 6 * q;
			jxx += w * features[f + 3];
			jxy += w * features[f + 4];
			jyy += w * features[f + 5];
			tensorWeight += w;
		}
		if (tensorWeight <= 0) {
			deferred++;
			continue;
		}
		const half = 0.5 * (jxx - jyy);
		const root = Math.sqrt(half * half + jxy * jxy);
		// Anisotropy from the eigenvalues' ratio; the structure's strength (its share of the floor-scaled trace) for the blend.
		const coherence = (2 * root) / (jxx + jyy + 1e-9);
		coherenceOut[o] = Math.min(1, (2 * root) / tensorWeight);
		const level = Math.min(ANISOTROPY_STEPS - 1, Math.round(coherence * (ANISOTROPY_STEPS - 1)));
		// The normal is the major eigenvector: angle ½·atan2(2Jxy, Jxx − Jyy), in [0, π).
		let angle = 0.5 * Math.atan2(2 * jxy, jxx - jyy);
		if (angle < 0) angle += Math.PI;
		const angleStep = Math.round((angle * ANGLE_STEPS) / Math.PI) % ANGLE_STEPS;
		const table = (angleStep * ANISOTROPY_STEPS + level) * offsets;
		// Then colour and tensor along the isophote: the structure travels with the colour it shapes.
		jxx = 0;
		jxy = 0;
		jyy = 0;
		let r = 0;
		let g = 0;
		let b = 0;
		let weightSum = 0;
		for (let u = 0; u < usableCount; u++) {
			const f = 6 * usablePixel[u];
			const w = weights[table + usableOffset[u]] * usableTrust[u];
			r += w * features[f];
			g += w * features[f + 1];
			b += w * features[f + 2];
			jxx += w * features[f + 3];
			jxy += w * features[f + 4];
			jyy += w * features[f + 5];
			weightSum += w;
		}
		const f = 6 * p;
		features[f] = r / weightSum;
		features[f + 1] = g / weightSum;
		features[f + 2] = b / weightSum;
		features[f + 3] = jxx / weightSum;
		features[f + 4] = jxy / weightSum;
		features[f + 5] = jyy / weightSum;
		gate[p] = gateOf(disparity[i]);
		paddedTrust[p] = 1;
		state[i] = 1;
		values[3 * i] = features[f];
		values[3 * i + 1] = features[f + 1];
		values[3 * i + 2] = features[f + 2];
	}
	return deferred;
}

/** A known pixel's gate: its disparity, NaN as -∞ (always usable, as `d > ceiling` was false), at most FLOAT32_MAX. */
function gateOf(disparity: number): number {
	if (Number.isNaN(disparity)) return -Infinity;
	return disparity < FLOAT32_MAX ? disparity : FLOAT32_MAX;
}

/** The box padded by `radius` on every side: 6 features (RGB, tensor), gate and trust per pixel; padding unreadable (gate +∞). */
function packPadded(
	values: Float32Array, tensor: Float32Array, trust: Float32Array, state: Uint8Array, disparity: Float32Array, width: number, height: number, radius: number,
): {features: Float32Array; gate: Float32Array; paddedTrust: Float32Array} {
	const paddedWidth = width + 2 * radius;
	const paddedCount = paddedWidth * (height + 2 * radius);
	const features = new Float32Array(6 * paddedCount);
	const gate = new Float32Array(paddedCount).fill(Infinity);
	const paddedTrust = new Float32Array(paddedCount);
	for (let y = 0; y < height; y++) {
		for (let x = 0, i = y * width, p = (y + radius) * paddedWidth + radius; x < width; x++, i++, p++) {
			if (state[i] !== 1) continue;
			gate[p] = gateOf(disparity[i]);
			paddedTrust[p] = trust[i];
			for (let c = 0; c < 3; c++) {
				features[6 * p + c] = values[3 * i + c];
				features[6 * p + 3 + c] = tensor[3 * i + c];
			}
		}
	}
	return {features, gate, paddedTrust};
}

