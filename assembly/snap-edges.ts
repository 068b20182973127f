/**
 * WebAssembly kernel of src/ldi/snap-edges.ts (AssemblyScript; `npm run build:wasm` compiles it to
 * wasm/snap-edges.wasm): the uncertain zone, the near-side likelihood of its pixels, the geodesic to the
 * nearest trusted pixel, the winners and the lone pixels. The TypeScript side keeps the settings and the
 * order of the steps; the photo, the disparity and the zone's arrays stay in this module's memory for the
 * whole call. Arithmetic mirrors the JavaScript it replaced: f32 arrays, differences and path costs in f64, f32
 * where the JavaScript stored into a Float32Array, the same heap, so the output is bit-identical.
 * Pointers are byte offsets into this module's memory.
 */

import {f32At, setF32, i32At, setI32} from './shared/elements';

@inline function byteAt(base: usize, i: i32): i32 {
	return <i32>load<u8>(base + <usize>i);
}

/** Reserves `bytes` of this module's memory (16-byte aligned, zero, never freed: one instance serves one call). */
export function allocate(bytes: usize): usize {
	return heap.alloc(bytes);
}

const NOT_IN_ZONE: u8 = 255;

/**
 * The uncertain zone (zoneRings in snap-edges.ts' history): every pixel within `radius` rings (Chebyshev
 * distance) of the kept edges' silhouette pixels `kept` and the nearer pixels beside them. Writes 1 in
 * `zone` for each (0 elsewhere), lists them ascending in `zonePixels` and returns how many; `queue` is
 * image-sized scratch. `disparity` is read as given.
 */
export function findZone(
	kept: usize, keptCount: i32, disparity: usize, width: i32, height: i32, threshold: f64, radius: i32, zone: usize, queue: usize, zonePixels: usize,
): i32 {
	const n = width * height;
	memory.fill(zone, NOT_IN_ZONE, <usize>n);
	let tail = 0;
	for (let k = 0; k < keptCount; k++) {
		const i = i32At(kept, k);
		if (byteAt(zone, i) != 0) {
			store<u8>(zone + <usize>i, 0);
			setI32(queue, tail++, i);
		}
		const x = i % width;
		if (x > 0) tail = seedNearerNeighbour(zone, queue, tail, disparity, i, i - 1, threshold);
		if (x + 1 < width) tail = seedNearerNeighbour(zone, queue, tail, disparity, i, i + 1, threshold);
		if (i >= width) tail = seedNearerNeighbour(zone, queue, tail, disparity, i, i - width, threshold);
		if (i + width < n) tail = seedNearerNeighbour(zone, queue, tail, disparity, i, i + width, threshold);
	}
	for (let head = 0; head < tail; head++) {
		const i = i32At(queue, head);
		const next = byteAt(zone, i) + 1;
		if (next > radius) continue;
		const x = i % width;
		const y = (i - x) / width;
		for (let dy = -1; dy <= 1; dy++) {
			const ny = y + dy;
			if (ny < 0 || ny >= height) continue;
			for (let dx = -1; dx <= 1; dx++) {
				const nx = x + dx;
				if (nx < 0 || nx >= width) continue;
				const j = ny * width + nx;
				if (load<u8>(zone + <usize>j) != NOT_IN_ZONE) continue;
				store<u8>(zone + <usize>j, <u8>next);
				setI32(queue, tail++, j);
			}
		}
	}
	let count = 0;
	for (let i = 0; i < n; i++) {
		if (load<u8>(zone + <usize>i) == NOT_IN_ZONE) {
			store<u8>(zone + <usize>i, 0);
		} else {
			store<u8>(zone + <usize>i, 1);
			setI32(zonePixels, count++, i);
		}
	}
	return count;
}

/** Puts the foreground pixel `j` beside silhouette pixel `i` in ring 0; returns the new queue length. */
@inline function seedNearerNeighbour(zone: usize, queue: usize, tail: i32, disparity: usize, i: i32, j: i32, threshold: f64): i32 {
	if (byteAt(zone, j) == 0 || f32At(disparity, j) - f32At(disparity, i) <= threshold) return tail;
	store<u8>(zone + <usize>j, 0);
	setI32(queue, tail, j);
	return tail + 1;
}

/**
 * The zone pixels' original disparities into `zoneDisparity`, then NaN at the zone pixels of
 * `disparity` (what the likelihood trusts), and each zone pixel's rank + 1 into `rank` (0 elsewhere).
 */
export function prepareZone(disparity: usize, zonePixels: usize, count: i32, zoneDisparity: usize, rank: usize): void {
	for (let k = 0; k < count; k++) {
		const i = i32At(zonePixels, k);
		store<f32>(zoneDisparity + (<usize>k << 2), load<f32>(disparity + (<usize>i << 2)));
		store<f32>(disparity + (<usize>i << 2), NaN);
		setI32(rank, i, k + 1);
	}
}

/**
 * The columns of the sampling windows of one radius (WindowColumns in snap-edges.ts): per column the
 * pixel row its samples were gathered for, their lowest and highest disparity and their count, and the
 * samples (pixel, disparity, brightness) in `slots` places per column.
 */
@unmanaged
class Columns {
	radius: i32;
	slots: i32;
	row: usize;
	low: usize;
	high: usize;
	length: usize;
	samplePixel: usize;
	sampleDisparity: usize;
	sampleBrightness: usize;
}

/** Columns for windows of `radius` over an image `width` wide. */
export function createColumns(width: i32, radius: i32): usize {
	const pointer = heap.alloc(offsetof<Columns>());
	const columns = changetype<Columns>(pointer);
	const slots = radius + 1;
	columns.radius = radius;
	columns.slots = slots;
	columns.row = heap.alloc(<usize>width << 2);
	memory.fill(columns.row, 0xff, <usize>width << 2);
	columns.low = heap.alloc(<usize>width << 2);
	columns.high = heap.alloc(<usize>width << 2);
	columns.length = heap.alloc(<usize>width << 2);
	columns.samplePixel = heap.alloc(<usize>(width * slots) << 2);
	columns.sampleDisparity = heap.alloc(<usize>(width * slots) << 2);
	columns.sampleBrightness = heap.alloc(<usize>(width * slots) << 1);
	return pointer;
}

/**
 * The near-side likelihood of the zone pixels `from` to `to` (ranks) into `likelihood` (f32): windows
 * of `window`'s radius, those that hold one side only again with `doubled`'s (0.5 when that fails too).
 * `trusted` is the disparity with NaN in the zone (see prepareZone).
 */
export function likelihoods(
	rgb: usize, trusted: usize, zonePixels: usize, from: i32, to: i32, width: i32, height: i32, window: usize, doubled: usize, likelihood: usize,
): void {
	for (let k = from; k < to; k++) {
		const i = i32At(zonePixels, k);
		let value = windowLikelihood(changetype<Columns>(window), rgb, trusted, width, height, i);
		if (isNaN(value)) value = windowLikelihood(changetype<Columns>(doubled), rgb, trusted, width, height, i);
		setF32(likelihood, k, isNaN(value) ? 0.5 : value);
	}
}

/** WindowColumns.likelihood of snap-edges.ts: NaN when the window holds trusted pixels of one side only. */
function windowLikelihood(columns: Columns, rgb: usize, trusted: usize, width: i32, height: i32, i: i32): f64 {
	const radius = columns.radius;
	const slots = columns.slots;
	const row = columns.row;
	const columnLow = columns.low;
	const columnHigh = columns.high;
	const columnLength = columns.length;
	const samplePixel = columns.samplePixel;
	const sampleDisparity = columns.sampleDisparity;
	const sampleBrightness = columns.sampleBrightness;
	const x = i % width;
	const y = (i - x) / width;
	const x0 = max<i32>(0, x - radius);
	const x1 = min<i32>(width - 1, x + radius);
	let low: f64 = Infinity;
	let high: f64 = -Infinity;
	for (let sx = x0; sx <= x1; sx += 2) {
		if (i32At(row, sx) != y) {
			const bottom = min<i32>(height - 1, y + radius) * width + sx;
			let columnMin: f64 = Infinity;
			let columnMax: f64 = -Infinity;
			let length = 0;
			for (let j = max<i32>(0, y - radius) * width + sx; j <= bottom; j += 2 * width) {
				const d = f32At(trusted, j);
				// A zone pixel (NaN).
				if (isNaN(d)) continue;
				const slot = sx * slots + length;
				setI32(samplePixel, slot, j);
				setF32(sampleDisparity, slot, d);
				store<i16>(sampleBrightness + (<usize>slot << 1), <i16>(byteAt(rgb, 3 * j) + byteAt(rgb, 3 * j + 1) + byteAt(rgb, 3 * j + 2)));
				length++;
				if (d < columnMin) columnMin = d;
				if (d > columnMax) columnMax = d;
			}
			setI32(row, sx, y);
			setF32(columnLow, sx, columnMin);
			setF32(columnHigh, sx, columnMax);
			setI32(columnLength, sx, length);
		}
		const columnLowValue = f32At(columnLow, sx);
		const columnHighValue = f32At(columnHigh, sx);
		if (columnLowValue < low) low = columnLowValue;
		if (columnHighValue > high) high = columnHighValue;
	}
	if (!(high > low)) return NaN;
	const nearFrom = high - (high - low) / 3;
	const farTo = low + (high - low) / 3;
	const r = byteAt(rgb, i * 3);
	const g = byteAt(rgb, i * 3 + 1);
	const b = byteAt(rgb, i * 3 + 2);
	const brightness = r + g + b;
	let nearDistance = 766;
	let farDistance = 766;
	for (let sx = x0; sx <= x1; sx += 2) {
		if (!(f32At(columnHigh, sx) >= nearFrom || f32At(columnLow, sx) <= farTo)) continue;
		const end = sx * slots + i32At(columnLength, sx);
		for (let t = sx * slots; t < end; t++) {
			const d = f32At(sampleDisparity, t);
			if (d >= nearFrom) {
				if (abs<i32>(<i32>load<i16>(sampleBrightness + (<usize>t << 1)) - brightness) >= nearDistance) continue;
				const j = 3 * i32At(samplePixel, t);
				const distance = abs<i32>(byteAt(rgb, j) - r) + abs<i32>(byteAt(rgb, j + 1) - g) + abs<i32>(byteAt(rgb, j + 2) - b);
				if (distance < nearDistance) nearDistance = distance;
			} else if (d <= farTo) {
				if (abs<i32>(<i32>load<i16>(sampleBrightness + (<usize>t << 1)) - brightness) >= farDistance) continue;
				const j = 3 * i32At(samplePixel, t);
				const distance = abs<i32>(byteAt(rgb, j) - r) + abs<i32>(byteAt(rgb, j + 1) - g) + abs<i32>(byteAt(rgb, j + 2) - b);
				if (distance < farDistance) farDistance = distance;
			}
		}
	}
	return nearDistance + farDistance > 0 ? <f64>farDistance / <f64>(nearDistance + farDistance) : 0.5;
}

// The geodesic's state between calls (one instance serves one call of snapDepthEdgesToColor).
let heapIndices: usize = 0;
let heapCosts: usize = 0;
let heapSize: i32 = 0;
let lastCost: f64 = 0;

const SQRT2: f64 = Math.SQRT2;

@inline function neighbourLength(s: i32): f64 {
	// Row above, own row, row below; left to right: diagonals are √2.
	return s == 1 || s == 3 || s == 4 || s == 6 ? 1 : SQRT2;
}

@inline function neighbourDx(s: i32): i32 {
	return s == 0 || s == 3 || s == 5 ? -1 : s == 1 || s == 6 ? 0 : 1;
}

@inline function neighbourDy(s: i32): i32 {
	return s < 3 ? -1 : s < 5 ? 0 : 1;
}

/**
 * The geodesic's start (nearestTrustedPixel in snap-edges.ts): each zone pixel's zone neighbours (ranks,
 * -1 where none) into `neighbours`, its cheapest step to a trusted neighbour into `cost` and `winner`
 * (-1 where none), and those with one pushed on the heap (`indices`, `costs`: room for 9 entries per zone
 * pixel, each pixel being pushed once here and at most once per neighbour later).
 */
export function startGeodesic(
	nearness: usize, disparity: usize, zonePixels: usize, zoneDisparity: usize, rank: usize, count: i32, width: i32, height: i32,
	likelihoodWeight: f64, disparityWeight: f64, neighbours: usize, cost: usize, winner: usize, indices: usize, costs: usize,
): void {
	heapIndices = indices;
	heapCosts = costs;
	heapSize = 0;
	for (let k = 0; k < count; k++) {
		const i = i32At(zonePixels, k);
		const x = i % width;
		const y = (i - x) / width;
		let best: f64 = Infinity;
		let bestPixel = -1;
		for (let s = 0; s < 8; s++) {
			const nx = x + neighbourDx(s);
			const ny = y + neighbourDy(s);
			setI32(neighbours, 8 * k + s, -1);
			if (nx < 0 || nx >= width || ny < 0 || ny >= height) continue;
			const j = ny * width + nx;
			const ranked = i32At(rank, j);
			if (ranked > 0) {
				setI32(neighbours, 8 * k + s, ranked - 1);
				continue;
			}
			const step = neighbourLength(s) + likelihoodWeight * abs<f64>(0.5 - f32At(nearness, k)) + disparityWeight * abs<f64>(f32At(disparity, j) - f32At(zoneDisparity, k));
			// Compared with the f32 the JavaScript kept in its cost array.
			if (step < best) {
				best = <f64><f32>step;
				bestPixel = j;
			}
		}
		setF32(cost, k, best);
		setI32(winner, k, bestPixel);
		if (bestPixel >= 0) push(k, best);
	}
}

/**
 * Runs the geodesic for at most `pops` entries of the heap; returns the entries left (0: done). In steps
 * so that V8 can switch to the optimized code between calls.
 */
export function continueGeodesic(nearness: usize, zoneDisparity: usize, count: i32, likelihoodWeight: f64, disparityWeight: f64, neighbours: usize, cost: usize, winner: usize, pops: i32): i32 {
	for (let p = 0; p < pops && heapSize > 0; p++) {
		const k = popIndex();
		const reached = lastCost;
		if (reached > f32At(cost, k)) continue;
		for (let s = 0; s < 8; s++) {
			const l = i32At(neighbours, 8 * k + s);
			if (l < 0) continue;
			const total = reached + (neighbourLength(s) + likelihoodWeight * abs<f64>(f32At(nearness, k) - f32At(nearness, l)) + disparityWeight * abs<f64>(f32At(zoneDisparity, k) - f32At(zoneDisparity, l)));
			if (total < f32At(cost, l)) {
				setF32(cost, l, total);
				setI32(winner, l, i32At(winner, k));
				push(l, total);
			}
		}
	}
	return heapSize;
}

/** CostHeap.push of snap-edges.ts: `cost` compared as given, stored as f32. */
function push(index: i32, cost: f64): void {
	let k = heapSize++;
	while (k > 0) {
		const parent = (k - 1) >> 1;
		if (f32At(heapCosts, parent) <= cost) break;
		setI32(heapIndices, k, i32At(heapIndices, parent));
		store<f32>(heapCosts + (<usize>k << 2), load<f32>(heapCosts + (<usize>parent << 2)));
		k = parent;
	}
	setI32(heapIndices, k, index);
	setF32(heapCosts, k, cost);
}

/** CostHeap.popIndex of snap-edges.ts: the hole goes down the cheaper children, the last entry back up. */
function popIndex(): i32 {
	const top = i32At(heapIndices, 0);
	lastCost = f32At(heapCosts, 0);
	const last = --heapSize;
	const index = i32At(heapIndices, last);
	const cost = f32At(heapCosts, last);
	let k = 0;
	for (;;) {
		let child = 2 * k + 1;
		if (child >= last) break;
		if (child + 1 < last && f32At(heapCosts, child + 1) < f32At(heapCosts, child)) child++;
		setI32(heapIndices, k, i32At(heapIndices, child));
		store<f32>(heapCosts + (<usize>k << 2), load<f32>(heapCosts + (<usize>child << 2)));
		k = child;
	}
	while (k > 0) {
		const parent = (k - 1) >> 1;
		if (f32At(heapCosts, parent) < cost) break;
		setI32(heapIndices, k, i32At(heapIndices, parent));
		store<f32>(heapCosts + (<usize>k << 2), load<f32>(heapCosts + (<usize>parent << 2)));
		k = parent;
	}
	setI32(heapIndices, k, index);
	setF32(heapCosts, k, cost);
	return top;
}

/**
 * Puts the zone's own disparities (`zoneDisparity`) back into `snapped` and gives each zone pixel its
 * winner's disparity unless it is within `threshold` of it; returns how many changed.
 */
export function applyWinners(snapped: usize, zonePixels: usize, zoneDisparity: usize, count: i32, winner: usize, threshold: f64): i32 {
	let changed = 0;
	for (let k = 0; k < count; k++) {
		const i = i32At(zonePixels, k);
		store<f32>(snapped + (<usize>i << 2), load<f32>(zoneDisparity + (<usize>k << 2)));
		const w = i32At(winner, k);
		if (w < 0) continue;
		// A trusted pixel: its disparity is the original one.
		const target = f32At(snapped, w);
		if (abs<f64>(f32At(zoneDisparity, k) - target) <= threshold) continue;
		setF32(snapped, i, target);
		changed++;
	}
	return changed;
}

@inline function agrees(snapped: usize, a: i32, b: i32, threshold: f64): bool {
	return abs<f64>(f32At(snapped, a) - f32At(snapped, b)) <= threshold;
}

/**
 * Gives each zone pixel that agrees (within `threshold`) with fewer than 2 of its 8 neighbours the value
 * of the neighbour most of the others agree with: a lone pixel on the other side of a snapped edge (a tie
 * of the geodesic, a pixel whose colour fits both sides) makes a cut too short to keep, whose triangles
 * then stretch into a streak when the camera moves. In zone order, in place. Returns how many changed.
 */
export function joinIsolatedPixels(snapped: usize, zonePixels: usize, count: i32, width: i32, height: i32, threshold: f64): i32 {
	let changed = 0;
	for (let k = 0; k < count; k++) {
		const i = i32At(zonePixels, k);
		const x = i % width;
		const y = (i - x) / width;
		if (x == 0 || y == 0 || x == width - 1 || y == height - 1) continue;
		let agreeing = 0;
		for (let dy = -1; dy <= 1; dy++) {
			for (let dx = -1; dx <= 1; dx++) {
				if ((dx != 0 || dy != 0) && agrees(snapped, i + dy * width + dx, i, threshold)) agreeing++;
			}
		}
		if (agreeing >= 2) continue;
		let best = i;
		let bestAgreement = -1;
		for (let dy = -1; dy <= 1; dy++) {
			for (let dx = -1; dx <= 1; dx++) {
				if (dx == 0 && dy == 0) continue;
				const j = i + dy * width + dx;
				let agreement = 0;
				for (let ey = -1; ey <= 1; ey++) for (let ex = -1; ex <= 1; ex++) if (agrees(snapped, i + ey * width + ex, j, threshold)) agreement++;
				if (agreement > bestAgreement) {
					bestAgreement = agreement;
					best = j;
				}
			}
		}
		store<f32>(snapped + (<usize>i << 2), load<f32>(snapped + (<usize>best << 2)));
		changed++;
	}
	return changed;
}

/** Lists in `changed` the zone pixels whose disparity in `snapped` is not their original one; returns how many. */
export function listChanged(snapped: usize, zonePixels: usize, zoneDisparity: usize, count: i32, changed: usize): i32 {
	let listed = 0;
	for (let k = 0; k < count; k++) {
		const i = i32At(zonePixels, k);
		if (load<f32>(snapped + (<usize>i << 2)) != load<f32>(zoneDisparity + (<usize>k << 2))) setI32(changed, listed++, i);
	}
	return listed;
}
