/**
 * WebAssembly kernel of src/image/bilateral-median.ts (AssemblyScript; `npm run build:wasm` compiles it
 * to wasm/bilateral-median.wasm). The TypeScript side keeps the orchestration (settings, the weight
 * tables, the order of the passes); these are its loops, over data that stays in this module's memory
 * for the whole filter: the two images, the weight tables, the gather buffers and the seven pixel sets.
 * Arithmetic mirrors the JavaScript it replaced: f32 pixels, differences and weights in f64, the same
 * summation order, so the output is bit-identical. Pointers are byte offsets into this module's memory.
 */

/**
 * A set of pixel indices with O(1) add and clear: a list plus a one-byte stamp per pixel. Lives in
 * linear memory (see {@link createPixelSet}); the list has room for every pixel, so it never grows.
 */
@unmanaged
class PixelSet {
	length: i32;
	stamp: i32;
	size: i32;
	stamps: usize;
	items: usize;

	@inline item(k: i32): i32 {
		return load<i32>(this.items + (<usize>k << 2));
	}

	@inline has(i: i32): bool {
		return <i32>load<u8>(this.stamps + <usize>i) == this.stamp;
	}

	@inline add(i: i32): void {
		const at = this.stamps + <usize>i;
		if (<i32>load<u8>(at) == this.stamp) return;
		store<u8>(at, <u8>this.stamp);
		store<i32>(this.items + (<usize>this.length << 2), i);
		this.length++;
	}
}

@inline function set(pointer: usize): PixelSet {
	return changetype<PixelSet>(pointer);
}

@inline function pixel(image: usize, i: i32): f32 {
	return load<f32>(image + (<usize>i << 2));
}

/** Reserves `bytes` of this module's memory (16-byte aligned, never freed: one instance serves one filter call). */
export function allocate(bytes: usize): usize {
	return heap.alloc(bytes);
}

/** A new, empty pixel set for pixel indices below `size`. */
export function createPixelSet(size: i32): usize {
	const pointer = heap.alloc(offsetof<PixelSet>());
	const pixels = set(pointer);
	pixels.length = 0;
	pixels.stamp = 1;
	pixels.size = size;
	// Zero already: an instance's memory starts zeroed and the stub allocator never reuses it.
	pixels.stamps = heap.alloc(<usize>size);
	pixels.items = heap.alloc(<usize>size << 2);
	return pointer;
}

export function pixelSetLength(pixels: usize): i32 {
	return set(pixels).length;
}

export function clearPixelSet(pointer: usize): void {
	const pixels = set(pointer);
	pixels.length = 0;
	if (++pixels.stamp == 256) {
		memory.fill(pixels.stamps, 0, <usize>pixels.size);
		pixels.stamp = 1;
	}
}

/** Adds every pixel of `from` to `to`. */
export function addAll(to: usize, from: usize): void {
	const target = set(to);
	const source = set(from);
	for (let k = 0; k < source.length; k++) target.add(source.item(k));
}

/** Adds to `jumps` both pixels of every 4-neighbour pair of `image` differing by more than `threshold`. */
export function listJumps(image: usize, width: i32, height: i32, threshold: f64, jumps: usize): void {
	const found = set(jumps);
	for (let y = 0; y < height; y++) {
		const row = y * width;
		for (let x = 0; x < width; x++) {
			const i = row + x;
			const v = <f64>pixel(image, i);
			if (x + 1 < width && abs<f64>(<f64>pixel(image, i + 1) - v) > threshold) {
				found.add(i);
				found.add(i + 1);
			}
			if (y + 1 < height && abs<f64>(<f64>pixel(image, i + width) - v) > threshold) {
				found.add(i);
				found.add(i + width);
			}
		}
	}
}

/** Adds to `work` the pixels of `active` that the previous pass did not filter or whose window it changed (`dirty`). */
export function addUnlessSettled(active: usize, previous: usize, dirty: usize, work: usize): void {
	const listed = set(active);
	const filtered = set(previous);
	const changed = set(dirty);
	const result = set(work);
	for (let k = 0; k < listed.length; k++) {
		const i = listed.item(k);
		if (!filtered.has(i) || changed.has(i)) result.add(i);
	}
}

/** Adds to `changed` the pixels of `work` whose value differs between `source` and `target`. */
export function listChanged(work: usize, source: usize, target: usize, changed: usize): void {
	const filtered = set(work);
	const result = set(changed);
	for (let k = 0; k < filtered.length; k++) {
		const i = filtered.item(k);
		if (pixel(target, i) != pixel(source, i)) result.add(i);
	}
}

/** Copies the values of the pixels of `pixels` from `source` into `target`. */
export function copyPixels(pixels: usize, source: usize, target: usize): void {
	const listed = set(pixels);
	for (let k = 0; k < listed.length; k++) {
		const i = listed.item(k);
		store<f32>(target + (<usize>i << 2), pixel(source, i));
	}
}

/** Adds to `to` each pixel of `pixels` and its 4-neighbours inside the image (`n` pixels, rows of `width`). */
export function addWithNeighbours(pixels: usize, width: i32, n: i32, to: usize): void {
	const listed = set(pixels);
	const result = set(to);
	for (let k = 0; k < listed.length; k++) {
		const i = listed.item(k);
		const x = i % width;
		result.add(i);
		if (x > 0) result.add(i - 1);
		if (x + 1 < width) result.add(i + 1);
		if (i >= width) result.add(i - width);
		if (i + width < n) result.add(i + width);
	}
}

/** Adds to `jumps` the pixels of `candidates` that differ from a 4-neighbour by more than `threshold`. */
export function keepJumps(image: usize, width: i32, height: i32, threshold: f64, candidates: usize, jumps: usize): void {
	const listed = set(candidates);
	const result = set(jumps);
	const n = width * height;
	for (let k = 0; k < listed.length; k++) {
		const i = listed.item(k);
		const v = <f64>pixel(image, i);
		const x = i % width;
		if ((x > 0 && abs<f64>(<f64>pixel(image, i - 1) - v) > threshold)
			|| (x + 1 < width && abs<f64>(<f64>pixel(image, i + 1) - v) > threshold)
			|| (i >= width && abs<f64>(<f64>pixel(image, i - width) - v) > threshold)
			|| (i + width < n && abs<f64>(<f64>pixel(image, i + width) - v) > threshold)) result.add(i);
	}
}

/** Fills `active` with the pixels within a (2·radius + 1)² window of a pixel of `jumps`. */
export function markWindows(jumps: usize, width: i32, height: i32, radius: i32, active: usize): void {
	clearPixelSet(active);
	const listed = set(jumps);
	const result = set(active);
	for (let k = 0; k < listed.length; k++) {
		const i = listed.item(k);
		const x = i % width;
		const y = (i - x) / width;
		const x0 = max<i32>(0, x - radius);
		const x1 = min<i32>(width - 1, x + radius);
		const y1 = min<i32>(height - 1, y + radius);
		for (let yy = max<i32>(0, y - radius); yy <= y1; yy++) {
			const row = yy * width;
			for (let xx = x0; xx <= x1; xx++) result.add(row + xx);
		}
	}
}

/**
 * Writes to `target` the weighted median of the window of each pixel `active.items[from..to)` of
 * `source`. `spatial` holds the (2·radius + 1)² spatial weights (f64), `rangeWeights` the range weight
 * for |Δ| = i / rangeSteps, i = 0..rangeSteps (f64); `values` (f32) and `weights` (f64) are gather
 * buffers of one window each.
 */
export function filterPass(
	source: usize, target: usize, width: i32, height: i32, radius: i32, spatial: usize, rangeWeights: usize, rangeSteps: i32,
	active: usize, from: i32, to: i32, values: usize, weights: usize,
): void {
	const listed = set(active);
	const side = radius * 2 + 1;
	const steps = <f64>rangeSteps;
	for (let k = from; k < to; k++) {
		const i = listed.item(k);
		const x = i % width;
		const y = (i - x) / width;
		const wy0 = max<i32>(0, y - radius);
		const wy1 = min<i32>(height - 1, y + radius);
		const wx0 = max<i32>(0, x - radius);
		const wx1 = min<i32>(width - 1, x + radius);
		const center = pixel(source, i);
		const centerValue = <f64>center;
		let count: i32 = 0;
		let total: f64 = 0;
		let below: f64 = 0;
		let atCenter: f64 = 0;
		for (let yy = wy0; yy <= wy1; yy++) {
			const row = yy * width;
			const spatialRow = (yy - y + radius) * side + radius - x;
			for (let xx = wx0; xx <= wx1; xx++) {
				const v = pixel(source, row + xx);
				const step = abs<f64>(<f64>v - centerValue) * steps;
				const rangeIndex = step < steps ? <i32>(step + 0.5) : rangeSteps;
				const w = load<f64>(spatial + (<usize>(spatialRow + xx) << 3)) * load<f64>(rangeWeights + (<usize>rangeIndex << 3));
				store<f32>(values + (<usize>count << 2), v);
				store<f64>(weights + (<usize>count << 3), w);
				count++;
				total += w;
				if (v < center) below += w;
				else if (v == center) atCenter += w;
			}
		}
		// Most windows' weighted median is their centre (steps already sharp): no selection needed then.
		const half = total * 0.5;
		store<f32>(target + (<usize>i << 2), below < half && below + atCenter >= half ? center : weightedSelect(values, weights, count, half));
	}
}

@inline function value(values: usize, k: i32): f32 {
	return load<f32>(values + (<usize>k << 2));
}

@inline function weight(weights: usize, k: i32): f64 {
	return load<f64>(weights + (<usize>k << 3));
}

/**
 * The smallest value whose cumulative weight (values in ascending order) reaches `half`: quickselect
 * that keeps the weights with their values. Reorders the buffers.
 */
function weightedSelect(values: usize, weights: usize, count: i32, half: f64): f32 {
	let low: i32 = 0;
	let high: i32 = count - 1;
	let needed = half;
	while (low < high) {
		const pivot = value(values, (low + high) >> 1);
		let i = low;
		let j = high;
		while (i <= j) {
			while (value(values, i) < pivot) i++;
			while (value(values, j) > pivot) j--;
			if (i <= j) {
				const v = value(values, i);
				store<f32>(values + (<usize>i << 2), value(values, j));
				store<f32>(values + (<usize>j << 2), v);
				const w = weight(weights, i);
				store<f64>(weights + (<usize>i << 3), weight(weights, j));
				store<f64>(weights + (<usize>j << 3), w);
				i++;
				j--;
			}
		}
		// [low, j] <= pivot, [i, high] >= pivot, (j, i) == pivot.
		let lowerWeight: f64 = 0;
		for (let k = low; k <= j; k++) lowerWeight += weight(weights, k);
		if (lowerWeight >= needed) {
			high = j;
			continue;
		}
		let middleWeight: f64 = 0;
		for (let k = j + 1; k < i; k++) middleWeight += weight(weights, k);
		if (lowerWeight + middleWeight >= needed) return pivot;
		needed -= lowerWeight + middleWeight;
		low = i;
	}
	return value(values, low);
}
