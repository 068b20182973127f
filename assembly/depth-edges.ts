/**
 * WebAssembly kernel of src/ldi/depth-edges.ts (AssemblyScript; `npm run build:wasm` compiles it to
 * wasm/depth-edges.wasm): the union-find that links the silhouette pixels into edges and numbers the
 * long ones. The TypeScript side lists the silhouette pixels, their own and their foreground's
 * disparity, and writes the edges back per pixel. Arithmetic mirrors the JavaScript it replaced (f32
 * values, differences in f64), so the edges are the same. Pointers are byte offsets into this module's
 * memory; every array is per silhouette pixel (its position in the raster-ordered list).
 */

import {f32At, i32At, setI32} from './shared/elements';

/** Edges kept by the last {@link linkEdges}. */
let kept: i32 = 0;

/** Reserves `bytes` of this module's memory (16-byte aligned, zero, never freed: one instance serves one call). */
export function allocate(bytes: usize): usize {
	return heap.alloc(bytes);
}

/** Edges kept by the last {@link linkEdges} (their lengths are the first entries of its `lengths`). */
export function keptEdges(): i32 {
	return kept;
}

/**
 * Unites 8-connected silhouette pixels (`pixels`, ascending) whose own disparities (`own`) and whose
 * foregrounds' (`foreground`) agree within `threshold`, numbers the components of at least `minLength`
 * pixels in list order of their roots, and writes each pixel's edge (-1: none kept) into `edgeOfEntry`
 * and the kept edges' lengths into `lengths`; returns the components found. `parent` and `size` are
 * scratch of `count` entries each.
 */
export function linkEdges(
	pixels: usize, own: usize, foreground: usize, count: i32, width: i32, height: i32, threshold: f64, minLength: i32,
	parent: usize, size: usize, edgeOfEntry: usize, lengths: usize,
): i32 {
	for (let j = 0; j < count; j++) setI32(parent, j, j);
	// The right neighbour is the next entry, the three below are found by a second cursor one row ahead.
	const lastRowStart = (height - 1) * width;
	let below = 0;
	for (let j = 0; j < count; j++) {
		const i = i32At(pixels, j);
		const x = i % width;
		if (x + 1 < width && j + 1 < count && i32At(pixels, j + 1) == i + 1) join(parent, own, foreground, threshold, j, j + 1);
		if (i >= lastRowStart) continue;
		const belowLeft = x > 0 ? i + width - 1 : i + width;
		const belowRight = x + 1 < width ? i + width + 1 : i + width;
		while (below < count && i32At(pixels, below) < belowLeft) below++;
		for (let k = below; k < count && i32At(pixels, k) <= belowRight; k++) join(parent, own, foreground, threshold, j, k);
	}
	for (let j = 0; j < count; j++) {
		const root = findRoot(parent, j);
		setI32(size, root, i32At(size, root) + 1);
	}
	let found = 0;
	kept = 0;
	for (let j = 0; j < count; j++) {
		const root = findRoot(parent, j);
		if (root == j) {
			found++;
			if (i32At(size, j) >= minLength) {
				setI32(lengths, kept, i32At(size, j));
				setI32(edgeOfEntry, j, kept++);
				continue;
			}
			setI32(edgeOfEntry, j, -1);
			continue;
		}
		// Roots come before their members: the root's entry is numbered already.
		setI32(edgeOfEntry, j, i32At(edgeOfEntry, root));
	}
	return found;
}

/** Unites entries `a` and `b` when they agree (see linkEdges); the smaller root wins. */
@inline function join(parent: usize, own: usize, foreground: usize, threshold: f64, a: i32, b: i32): void {
	if (abs<f64>(f32At(own, a) - f32At(own, b)) > threshold || abs<f64>(f32At(foreground, a) - f32At(foreground, b)) > threshold) return;
	const rootA = findRoot(parent, a);
	const rootB = findRoot(parent, b);
	if (rootA < rootB) setI32(parent, rootB, rootA);
	else if (rootB < rootA) setI32(parent, rootA, rootB);
}

/** Union-find root with path halving. */
function findRoot(parent: usize, i: i32): i32 {
	let node = i;
	while (i32At(parent, node) != node) {
		setI32(parent, node, i32At(parent, i32At(parent, node)));
		node = i32At(parent, node);
	}
	return node;
}
