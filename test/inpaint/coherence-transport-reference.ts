/**
 * TypeScript twin of the coherence inpainter's transport kernel (assembly/coherence-transport.ts), kept
 * only so the tests can check the kernel's output bit for bit: the trust, structure tensor, fill order and
 * transport loop as they ran in JavaScript before.
 */
import type {CoherenceInpainterOptions, TransportLoop, WeightTables} from '../../src/inpaint/coherence.js';

const ANGLE_STEPS = 32;
const ANISOTROPY_STEPS = 8;

/** Largest finite float32: gates are clamped below it, so only an unknown pixel's +∞ fails every ceiling. */
const FLOAT32_MAX = 3.4028234663852886e38;

export const transportReference: TransportLoop = (values, disparity, state, width, height, tables, settings, tensorRadius) => {
	const trust = contextTrust(state, width, height, settings.edgeRingWeight);
	const tensor = structureTensor(values, state, width, height, tensorRadius, settings.contrastFloor);
	const order = fillOrder(state, width, height);
	const coherence = new Float32Array(order.length);
	const deferred = transportLoop(values, disparity, state, trust, tensor, order, width, height, tables, settings, coherence);
	return {order, coherence, deferred};
};

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
function transportLoop(
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

/**
 * Per box pixel, the weight of a context pixel as a source: `ringWeight` for those 4-adjacent to the
 * synthesis region (along a silhouette they mix in the occluder's colour), 1 for the rest.
 */
function contextTrust(state: Uint8Array, width: number, height: number, ringWeight: number): Float32Array {
	const trust = new Float32Array(state.length);
	for (let y = 0; y < height; y++) {
		for (let x = 0, i = y * width; x < width; x++, i++) {
			if (state[i] !== 1) continue;
			const nextToHole = (x > 0 && state[i - 1] === 2) || (x < width - 1 && state[i + 1] === 2) ||
				(y > 0 && state[i - width] === 2) || (y < height - 1 && state[i + width] === 2);
			trust[i] = nextToHole ? ringWeight : 1;
		}
	}
	return trust;
}

/**
 * The smoothed luminance structure tensor (Jxx, Jxy, Jyy per pixel) over the context, carried into the
 * synthesis region by a membrane fill: tensors, not angles, are what averages correctly.
 */
function structureTensor(values: Float32Array, state: Uint8Array, width: number, height: number, radius: number, contrastFloor: number): Float32Array {
	const n = width * height;
	const luminance = new Float32Array(n);
	for (let i = 0; i < n; i++) luminance[i] = 0.299 * values[3 * i] + 0.587 * values[3 * i + 1] + 0.114 * values[3 * i + 2];
	const tensor = new Float32Array(3 * n);
	const weight = new Float32Array(n);
	gradientProducts(luminance, state, width, height, tensor, weight);
	const sums = new Float32Array(4 * n);
	normalizedBoxBlur(tensor, weight, width, height, radius, sums);
	normalizedBoxBlur(tensor, weight, width, height, radius, sums);
	// Scaled to trace / (trace + floor): weak structure counts little in the mean the membrane takes,
	// and in the hole the eigenvalues' ratio alone (not their size, which the membrane dilutes) is the coherence.
	for (let i = 0; i < n; i++) {
		const scale = 1 / (tensor[3 * i] + tensor[3 * i + 2] + contrastFloor);
		tensor[3 * i] *= scale;
		tensor[3 * i + 1] *= scale;
		tensor[3 * i + 2] *= scale;
	}
	return tensor;
}

/**
 * Gradient outer products at context pixels whose 3×3 neighbourhood is context (weight 1 there), by
 * Scharr's derivative filters: central differences misread a staircased (aliased) line's direction by
 * 5° and its coherence as 0.74 instead of 1, and transport along a line 27° off the hole's edge then lost
 * phase at once.
 */
function gradientProducts(luminance: Float32Array, state: Uint8Array, width: number, height: number, tensor: Float32Array, weight: Float32Array): void {
	for (let y = 1; y < height - 1; y++) {
		for (let x = 1, i = y * width + 1; x < width - 1; x++, i++) {
			const up = i - width;
			const down = i + width;
			if (state[i] !== 1 || state[i - 1] !== 1 || state[i + 1] !== 1 || state[up] !== 1 || state[down] !== 1 ||
				state[up - 1] !== 1 || state[up + 1] !== 1 || state[down - 1] !== 1 || state[down + 1] !== 1) continue;
			const gx = (3 * (luminance[up + 1] - luminance[up - 1] + luminance[down + 1] - luminance[down - 1]) + 10 * (luminance[i + 1] - luminance[i - 1])) / 32;
			const gy = (3 * (luminance[down - 1] - luminance[up - 1] + luminance[down + 1] - luminance[up + 1]) + 10 * (luminance[down] - luminance[up])) / 32;
			tensor[3 * i] = gx * gx;
			tensor[3 * i + 1] = gx * gy;
			tensor[3 * i + 2] = gy * gy;
			weight[i] = 1;
		}
	}
}

/**
 * In place, the `weight`-weighted mean of `values` (3 per pixel) over a (2r + 1)² box; pixels whose box
 * weighs nothing keep their value, and `weight` becomes the box's weight (so a second pass is a
 * triangle filter over the first's support). `scratch` holds 4 floats per pixel.
 */
function normalizedBoxBlur(values: Float32Array, weight: Float32Array, width: number, height: number, r: number, scratch: Float32Array): void {
	for (let y = 0; y < height; y++) {
		const row = y * width;
		let a = 0;
		let b = 0;
		let c = 0;
		let w = 0;
		for (let x = -r; x < width; x++) {
			const entering = x + r;
			if (entering < width) {
				const i = row + entering;
				const wi = weight[i];
				a += wi * values[3 * i];
				b += wi * values[3 * i + 1];
				c += wi * values[3 * i + 2];
				w += wi;
			}
			const leaving = x - r - 1;
			if (leaving >= 0) {
				const i = row + leaving;
				const wi = weight[i];
				a -= wi * values[3 * i];
				b -= wi * values[3 * i + 1];
				c -= wi * values[3 * i + 2];
				w -= wi;
			}
			if (x < 0) continue;
			const o = 4 * (row + x);
			scratch[o] = a;
			scratch[o + 1] = b;
			scratch[o + 2] = c;
			scratch[o + 3] = w;
		}
	}
	for (let x = 0; x < width; x++) {
		let a = 0;
		let b = 0;
		let c = 0;
		let w = 0;
		for (let y = -r; y < height; y++) {
			const entering = y + r;
			if (entering < height) {
				const o = 4 * (entering * width + x);
				a += scratch[o];
				b += scratch[o + 1];
				c += scratch[o + 2];
				w += scratch[o + 3];
			}
			const leaving = y - r - 1;
			if (leaving >= 0) {
				const o = 4 * (leaving * width + x);
				a -= scratch[o];
				b -= scratch[o + 1];
				c -= scratch[o + 2];
				w -= scratch[o + 3];
			}
			if (y < 0) continue;
			const i = y * width + x;
			// Running sums of whole weights: a box that lost its last weighted pixel reads ≈ 0.
			if (w < 1e-3) {
				weight[i] = 0;
				continue;
			}
			values[3 * i] = a / w;
			values[3 * i + 1] = b / w;
			values[3 * i + 2] = c / w;
			weight[i] = w;
		}
	}
}

/**
 * The synthesis pixels ordered by their 3-4 chamfer distance from the context (orthogonal step 3,
 * diagonal 4: within 8 % of Euclidean), nearest first; integer distances make the sort a counting sort.
 */
function fillOrder(state: Uint8Array, width: number, height: number): Int32Array {
	const far = 0x3fffffff;
	const distance = new Int32Array(state.length);
	let count = 0;
	for (let i = 0; i < state.length; i++) {
		distance[i] = state[i] === 1 ? 0 : far;
		if (state[i] === 2) count++;
	}
	for (let y = 0; y < height; y++) {
		for (let x = 0, i = y * width; x < width; x++, i++) {
			let best = distance[i];
			if (best === 0) continue;
			if (x > 0 && distance[i - 1] + 3 < best) best = distance[i - 1] + 3;
			if (y > 0) {
				if (distance[i - width] + 3 < best) best = distance[i - width] + 3;
				if (x > 0 && distance[i - width - 1] + 4 < best) best = distance[i - width - 1] + 4;
				if (x < width - 1 && distance[i - width + 1] + 4 < best) best = distance[i - width + 1] + 4;
			}
			distance[i] = best;
		}
	}
	let maxDistance = 0;
	for (let y = height - 1; y >= 0; y--) {
		for (let x = width - 1, i = y * width + x; x >= 0; x--, i--) {
			let best = distance[i];
			if (best === 0) continue;
			if (x < width - 1 && distance[i + 1] + 3 < best) best = distance[i + 1] + 3;
			if (y < height - 1) {
				if (distance[i + width] + 3 < best) best = distance[i + width] + 3;
				if (x < width - 1 && distance[i + width + 1] + 4 < best) best = distance[i + width + 1] + 4;
				if (x > 0 && distance[i + width - 1] + 4 < best) best = distance[i + width - 1] + 4;
			}
			distance[i] = best;
			if (state[i] === 2 && best > maxDistance) maxDistance = best;
		}
	}
	const starts = new Int32Array(maxDistance + 2);
	for (let i = 0; i < state.length; i++) if (state[i] === 2) starts[distance[i] + 1]++;
	for (let d = 1; d < starts.length; d++) starts[d] += starts[d - 1];
	const order = new Int32Array(count);
	for (let i = 0; i < state.length; i++) if (state[i] === 2) order[starts[distance[i]]++] = i;
	return order;
}
