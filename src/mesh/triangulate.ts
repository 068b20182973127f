import {LINK_DOWN, LINK_LEFT, LINK_RIGHT, LINK_UP, NO_LINK, type Ldi, sharedArray} from '../ldi/ldi.js';

/**
 * LDI → one indexed triangle list per layer, vertices at pixel centres, straight from the links.
 *
 * Every triangle is a corner of a 2×2 lattice cell: the corner pixel plus its two linked neighbours
 * along the cell's sides. A fully linked cell (p, right(p), down(p), right(down(p)) === down(right(p)))
 * gives two triangles split along the top-right/bottom-left diagonal. Otherwise each corner whose two
 * sides are linked gives one triangle, but of two candidates that share a side (a "U" of three links)
 * only the first in the order top-left, top-right, bottom-left, bottom-right is kept, so a cell never
 * carries both diagonals. Nothing crosses a missing link, so nothing crosses a cut.
 *
 * Measured (moon.jpg at 1024×1024 through ldiFromImage, 2 shared cores): one scan of the link array
 * into a growing Int32Array of corner triples and a Uint16Array of layer ids, then a scatter per layer
 * with a pixel → vertex map reused between layers: 2 093 058 triangles in 150–170 ms when the machine
 * was quiet (up to 1 s under the load of parallel builds); no per-triangle objects. The per-layer
 * scatter now reads each layer's triangles from a counting sort by layer instead of scanning all
 * triangles once per layer: moon through buildLdi (2.97 M triangles, 4 layers) 220–390 ms CPU before,
 * 220–290 ms after (load average 5–11, so within the noise of this machine). Now the scan itself puts
 * each triangle in its layer's list (see cornerTrianglesByLayer).
 *
 * Winding: counter-clockwise seen from the camera. The camera looks down -Z with +Y up while image y
 * grows downwards, so in image coordinates a camera-facing triangle has negative signed area, e.g.
 * (top-left, bottom-left, top-right). Every triangle starts at its right-angle corner (a rotation keeps
 * the winding), so corner angles need no coordinate lookups (addCornerEighthTurns over moon's 2.97 M
 * triangles, all its calls in one `build` process, CPU profile: 165 → 39 ms).
 */

/** One layer's triangles before simplification. */
export interface LayerTriangles {
	/** The layer these triangles belong to (the highest layer among each triangle's corners). */
	layerIndex: number;
	/** LDI pixel index of each vertex; corners from lower layers (stitch corners) are included. */
	vertexPixels: Int32Array;
	/** Three vertex indices (into `vertexPixels`) per triangle, counter-clockwise seen from the camera. */
	indices: Uint32Array;
	/** 1 where the vertex's pixel is also a corner of another layer's triangles (a stitch vertex). */
	sharedVertices: Uint8Array;
}

/** Options for {@link triangulateLdi}. */
export interface TriangulateOptions {
	/** Keep layers that end up with no triangle as empty entries (true) or drop them (false). */
	keepEmptyLayers: boolean;
	/**
	 * When given (all zero, length `ldi.count`), receives per LDI pixel the eighth turns its triangles
	 * span over all layers (2 at a triangle's right angle, 1 at its 45° corners, as
	 * {@link addCornerEighthTurns} counts them per vertex): 8 inside the surface, less on its boundary
	 * (for unionBoundaryPixels).
	 */
	eighthTurnsByPixel?: Uint8Array;
	/**
	 * A layer whose triangles only count in `eighthTurnsByPixel` and get no entry (ldiToScene meshes
	 * the frame-border strips straight from their layout: see border-mesh.ts); -1 for none.
	 */
	omitLayer: number;
}

export const TRIANGULATE_DEFAULTS: TriangulateOptions = {keepEmptyLayers: false, omitLayer: -1};

/**
 * Triangulates every layer of `ldi` from its links. A triangle whose corners belong to different layers
 * goes to the highest of them, so inpainted layers carry the seam to the context they were grown from.
 * Layers come back sorted by layer index.
 *
 * ```ts
 * const layers = triangulateLdi(ldi);
 * console.log(layers[0].indices.length / 3, 'triangles in layer 0');
 * ```
 */
export function triangulateLdi(ldi: Ldi, options: Partial<TriangulateOptions> = {}): LayerTriangles[] {
	return triangulate(ldi, options, false).layers;
}

/**
 * Layer 0 of a layer-0-first LDI as meshed straight from the LDI (mergePlanarPixelCells in
 * planar-quadtree.ts works on it without a lattice mesh): its fully linked cells by their top-left
 * pixel, its other triangles as corner pixels. Vertices are LDI pixels.
 */
export interface LayerCells {
	layerIndex: number;
	/** Top-left LDI pixel of each fully linked lattice cell whose four corners are in this layer. */
	blocks: Int32Array;
	/** The layer's other triangles, three LDI pixels each, right-angle corner first, counter-clockwise. */
	corners: Int32Array;
	/** Per LDI pixel, how many layers' meshes use it (up to 2): more than one makes a stitch vertex. */
	layersUsingPixel: Uint8Array;
	/** Pixels the layer's triangles use. */
	vertexCount: number;
	/** One past the last pixel of layer 0: every pixel the layer's triangles use lies below it. */
	pixelEnd: number;
	/**
	 * The photo's width when every block's corners are p, p + 1, p + width and p + width + 1 (layer 0
	 * of an LDI made by ldiFromImage), so that the pre-merge walks the blocks by index; 0 otherwise.
	 */
	rowStride: number;
}

/**
 * {@link triangulateLdi} with layer 0 as {@link LayerCells} (two triangles per fully linked cell are
 * never written out: moon's layer 0 is 2.08 M lattice triangles, ~1 M blocks), and every other layer
 * as before. Its arrays are SharedArrayBuffers (a worker may mesh it). `keepEmptyLayers` applies to
 * the other layers.
 *
 * ```ts
 * const {layerZero, layers} = triangulateLdiWithCells(ldi);
 * console.log(layerZero?.blocks.length, 'fully linked cells in layer 0');
 * ```
 */
export function triangulateLdiWithCells(ldi: Ldi, options: Partial<TriangulateOptions> = {}): {layerZero: LayerCells | undefined; layers: LayerTriangles[]} {
	return triangulate(ldi, options, true);
}

/** Lattice triangles a triangulated layer, or a layer of cells, stands for. */
export function latticeTriangleCount(layer: LayerTriangles | LayerCells): number {
	return 'blocks' in layer ? layer.corners.length / 3 + 2 * layer.blocks.length : layer.indices.length / 3;
}

function triangulate(ldi: Ldi, options: Partial<TriangulateOptions>, layerZeroAsCells: boolean): {layerZero: LayerCells | undefined; layers: LayerTriangles[]} {
	const {keepEmptyLayers, eighthTurnsByPixel, omitLayer} = {...TRIANGULATE_DEFAULTS, ...options};
	// One function per loop: a long function of loops run once is compiled again at each loop (see
	// planar-quadtree.ts). Moon's build: 13 compiles of this function before.
	const {pixelsPerLayer, layerZeroEnd} = countPixelsPerLayer(ldi.layerIndex, ldi.count);
	const cellLayer = layerZeroAsCells && omitLayer !== 0 ? 0 : -1;
	const blocks = cellLayer === 0 ? sharedArray(Int32Array, pixelsPerLayer[0] ?? 0) : new Int32Array(0);
	const {corners, lengths, blockCount} = cornerTrianglesByLayer(ldi.links, ldi.layerIndex, ldi.count, pixelsPerLayer, cellLayer, blocks, omitLayer, eighthTurnsByPixel);
	if (eighthTurnsByPixel) {
		for (let layer = 0; layer < corners.length; layer++) addPixelEighthTurns(corners[layer], lengths[layer], eighthTurnsByPixel);
		addBlockEighthTurns(ldi.links, blocks, blockCount, eighthTurnsByPixel);
	}

	// Per pixel, how many layers' meshes use it as a vertex (more than one: a stitch vertex).
	const layersUsingPixel = cellLayer === 0 ? sharedArray(Uint8Array, ldi.count) : new Uint8Array(ldi.count);
	let layerZero: LayerCells | undefined;
	if (cellLayer === 0 && lengths.length > 0 && (blockCount > 0 || lengths[0] > 0)) {
		const cornerPixels = sharedArray(Int32Array, lengths[0]);
		cornerPixels.set(corners[0].subarray(0, lengths[0]));
		const {vertexCount, rasterBlocks} = markLayerZeroPixels(ldi.links, blocks, blockCount, cornerPixels, layersUsingPixel, ldi.width);
		layerZero = {
			layerIndex: 0, blocks: blocks.subarray(0, blockCount), corners: cornerPixels, layersUsingPixel, vertexCount, pixelEnd: layerZeroEnd,
			rowStride: rasterBlocks ? ldi.width : 0,
		};
	}
	const vertexOfPixel = new Int32Array(ldi.count).fill(-1);
	const layers: LayerTriangles[] = [];
	for (let layer = 0; layer < corners.length; layer++) {
		if (layer === omitLayer || layer === cellLayer) continue;
		if (lengths[layer] > 0) {
			layers.push(scatterLayer(layer, corners[layer], lengths[layer], ldi.count, vertexOfPixel, layersUsingPixel));
		} else if (keepEmptyLayers) {
			layers.push({layerIndex: layer, vertexPixels: new Int32Array(0), indices: new Uint32Array(0), sharedVertices: new Uint8Array(0)});
		}
	}
	for (const layer of layers) markSharedVertices(layer, layersUsingPixel);
	return {layerZero, layers};
}

/** Adds 2 eighth turns to each corner of each block (its two triangles' angles there). */
function addBlockEighthTurns(links: Int32Array, blocks: Int32Array, blockCount: number, eighthTurns: Uint8Array): void {
	for (let b = 0; b < blockCount; b++) {
		const tl = blocks[b];
		const tr = links[tl * 4 + LINK_RIGHT];
		const bl = links[tl * 4 + LINK_DOWN];
		eighthTurns[tl] += 2;
		eighthTurns[tr] += 2;
		eighthTurns[bl] += 2;
		eighthTurns[links[tr * 4 + LINK_DOWN]] += 2;
	}
}

/**
 * Sets layersUsingPixel to 1 for every pixel layer 0's cells use (layer 0 is counted first); returns how
 * many, and whether every block's corners are tl, tl + 1, tl + `rowStride`, tl + `rowStride` + 1.
 */
function markLayerZeroPixels(
	links: Int32Array, blocks: Int32Array, blockCount: number, corners: Int32Array, layersUsingPixel: Uint8Array, rowStride: number,
): {vertexCount: number; rasterBlocks: boolean} {
	let count = 0;
	let rasterBlocks = true;
	for (let b = 0; b < blockCount; b++) {
		const tl = blocks[b];
		const tr = links[tl * 4 + LINK_RIGHT];
		const bl = links[tl * 4 + LINK_DOWN];
		const br = links[tr * 4 + LINK_DOWN];
		rasterBlocks &&= tr === tl + 1 && bl === tl + rowStride && br === bl + 1;
		count += 4 - layersUsingPixel[tl] - layersUsingPixel[tr] - layersUsingPixel[bl] - layersUsingPixel[br];
		layersUsingPixel[tl] = 1;
		layersUsingPixel[tr] = 1;
		layersUsingPixel[bl] = 1;
		layersUsingPixel[br] = 1;
	}
	for (let i = 0; i < corners.length; i++) {
		count += 1 - layersUsingPixel[corners[i]];
		layersUsingPixel[corners[i]] = 1;
	}
	return {vertexCount: count, rasterBlocks};
}

/**
 * Pixels of each layer among the first `pixelCount` (one entry per layer up to the highest), and one
 * past the last pixel of layer 0.
 */
function countPixelsPerLayer(layerOfPixel: Uint16Array, pixelCount: number): {pixelsPerLayer: Int32Array; layerZeroEnd: number} {
	// One loop over a count per possible layer id: a second loop (for the highest layer first) made the
	// first one's on-stack-replaced code deoptimize (20 ms of CPU profile on moon, now 4).
	const counts = new Int32Array(65536);
	let maxLayer = 0;
	let layerZeroEnd = 0;
	for (let p = 0; p < pixelCount; p++) {
		const layer = layerOfPixel[p];
		counts[layer]++;
		if (layer > maxLayer) maxLayer = layer;
		if (layer === 0) layerZeroEnd = p + 1;
	}
	return {pixelsPerLayer: counts.slice(0, maxLayer + 1), layerZeroEnd};
}

/**
 * Corner pixels of every lattice triangle, three per triangle, right-angle corner first, in one list
 * per layer (a triangle belongs to the highest layer among its corners), each in scan order. A fully
 * linked cell's two triangles are written one after the other (planar-quadtree.ts finds its blocks
 * that way).
 *
 * Written inline rather than through a push closure, which kept `corners` and the count in a heap
 * context. The whole of triangulateLdi on moon.jpg through buildLdi (2.96 M triangles, CPU, best of 7):
 * 214 ms before, 178 ms with the stitch detection folded into the per-layer scatter, 132–145 ms with
 * both. Triangles go to their layer's list as they are found, instead of one list, then a pass for
 * each triangle's layer and a counting sort by layer: the build's triangulate stage on moon.jpg (with
 * the chart tiles) 204 → 180 ms, median of 7 fresh processes; same triangles in the same order.
 *
 * The triangles of `omitLayer` get no list: they only add their eighth turns to `omittedTurns` (the
 * frame border's 24 bytes per pixel of corners were never read: 11 MB at 1024 px, ~170 MB at 4096).
 */
function cornerTrianglesByLayer(
	links: Int32Array, layerOfPixel: Uint16Array, pixelCount: number, pixelsPerLayer: Int32Array, cellLayer: number, blocks: Int32Array,
	omitLayer: number, omittedTurns: Uint8Array | undefined,
): {corners: Int32Array[]; lengths: Int32Array; blockCount: number} {
	const corners: Int32Array[] = [];
	// Mostly two triangles per pixel of the layer; lists double when a layer has more. The cell layer's
	// list holds only the triangles outside fully linked cells (moon: 1.4 % of layer 0's).
	for (let layer = 0; layer < pixelsPerLayer.length; layer++) {
		const length = layer === omitLayer ? 0 : layer === cellLayer ? (pixelsPerLayer[layer] >> 4) * 3 + 64 : pixelsPerLayer[layer] * 6 + 64;
		corners.push(new Int32Array(length));
	}
	const lengths = new Int32Array(pixelsPerLayer.length);
	let blockCount = 0;
	for (let p = 0; p < pixelCount; p++) {
		const o = p * 4;
		const left = links[o + LINK_LEFT];
		const up = links[o + LINK_UP];
		const right = links[o + LINK_RIGHT];
		const down = links[o + LINK_DOWN];
		// p as the top-left corner of its cell.
		if (right !== NO_LINK && down !== NO_LINK) {
			const diagonal = links[right * 4 + LINK_DOWN];
			const fullyLinked = diagonal !== NO_LINK && diagonal === links[down * 4 + LINK_RIGHT];
			if (
				fullyLinked && layerOfPixel[p] === cellLayer && layerOfPixel[right] === cellLayer
				&& layerOfPixel[down] === cellLayer && layerOfPixel[diagonal] === cellLayer
			) {
				blocks[blockCount++] = p;
			} else {
				addTriangle(corners, lengths, layerOfPixel, omitLayer, omittedTurns, p, down, right);
				if (fullyLinked) addTriangle(corners, lengths, layerOfPixel, omitLayer, omittedTurns, diagonal, right, down);
			}
		}
		// p as the top-right corner: loses to the top-left corner sharing its top side.
		if (left !== NO_LINK && down !== NO_LINK && links[left * 4 + LINK_DOWN] === NO_LINK) addTriangle(corners, lengths, layerOfPixel, omitLayer, omittedTurns, p, left, down);
		// p as the bottom-left corner: loses to the top-left corner sharing its left side.
		if (up !== NO_LINK && right !== NO_LINK && links[up * 4 + LINK_RIGHT] === NO_LINK) addTriangle(corners, lengths, layerOfPixel, omitLayer, omittedTurns, p, right, up);
		// p as the bottom-right corner: loses to the top-right and bottom-left corners.
		if (
			left !== NO_LINK && up !== NO_LINK
			&& links[up * 4 + LINK_LEFT] === NO_LINK && links[left * 4 + LINK_UP] === NO_LINK
		) {
			addTriangle(corners, lengths, layerOfPixel, omitLayer, omittedTurns, p, up, left);
		}
	}
	return {corners, lengths, blockCount};
}

/**
 * Appends triangle (a, b, c) to the list of the highest layer among its corners, or, when that is
 * `omitLayer`, adds its eighth turns to `omittedTurns` (as addPixelEighthTurns would).
 */
function addTriangle(
	corners: Int32Array[], lengths: Int32Array, layerOfPixel: Uint16Array, omitLayer: number, omittedTurns: Uint8Array | undefined,
	a: number, b: number, c: number,
): void {
	let layer = layerOfPixel[a];
	const layerB = layerOfPixel[b];
	const layerC = layerOfPixel[c];
	if (layerB > layer) layer = layerB;
	if (layerC > layer) layer = layerC;
	if (layer === omitLayer) {
		if (omittedTurns) {
			omittedTurns[a] += 2;
			omittedTurns[b] += 1;
			omittedTurns[c] += 1;
		}
		return;
	}
	const end = lengths[layer];
	let list = corners[layer];
	if (end + 3 > list.length) {
		list = doubled(list);
		corners[layer] = list;
	}
	list[end] = a;
	list[end + 1] = b;
	list[end + 2] = c;
	lengths[layer] = end + 3;
}

/**
 * Adds each corner's eighth turns (2 at the right angle, listed first, 1 at the others) to its pixel:
 * one sequential read of the corner list. moon.jpg's build, main-thread CPU profile: this 10 ms, where
 * the same sums through each layer's vertex indices took ~39 ms (addCornerEighthTurns 47 → 8.5 ms, the
 * rest being the simplifier's locks).
 */
function addPixelEighthTurns(corners: Int32Array, length: number, eighthTurns: Uint8Array): void {
	for (let i = 0; i < length; i += 3) {
		eighthTurns[corners[i]] += 2;
		eighthTurns[corners[i + 1]] += 1;
		eighthTurns[corners[i + 2]] += 1;
	}
}

/** A copy of `array` in an array twice as long. */
function doubled(array: Int32Array): Int32Array<ArrayBuffer> {
	const bigger = new Int32Array(array.length * 2);
	bigger.set(array);
	return bigger;
}

/**
 * One layer's indexed triangles from its `length` corner pixels, vertices numbered in order of first
 * use. `vertexOfPixel` is all -1 on entry and again on return; `layersUsingPixel` counts (up to 2) the
 * layers using each pixel.
 */
function scatterLayer(
	layerIndex: number, corners: Int32Array, length: number, pixelCount: number, vertexOfPixel: Int32Array, layersUsingPixel: Uint8Array,
): LayerTriangles {
	// Shared, so a worker can pre-merge the layer without a copy (see build-scene-mesh.ts).
	const indices = sharedArray(Uint32Array, length);
	const pixels = new Int32Array(Math.min(pixelCount, length));
	let vertexCount = 0;
	for (let i = 0; i < length; i++) {
		const pixel = corners[i];
		let vertex = vertexOfPixel[pixel];
		if (vertex < 0) {
			vertex = vertexCount++;
			vertexOfPixel[pixel] = vertex;
			pixels[vertex] = pixel;
		}
		indices[i] = vertex;
	}
	const vertexPixels = sharedArray(Int32Array, vertexCount);
	vertexPixels.set(pixels.subarray(0, vertexCount));
	for (let v = 0; v < vertexCount; v++) {
		const pixel = vertexPixels[v];
		vertexOfPixel[pixel] = -1;
		if (layersUsingPixel[pixel] < 2) layersUsingPixel[pixel]++;
	}
	return {layerIndex, vertexPixels, indices, sharedVertices: sharedArray(Uint8Array, vertexCount)};
}

/** Sets `sharedVertices` of the layer's vertices whose pixel more than one layer uses. */
function markSharedVertices({vertexPixels, sharedVertices}: LayerTriangles, layersUsingPixel: Uint8Array): void {
	for (let v = 0; v < vertexPixels.length; v++) sharedVertices[v] = layersUsingPixel[vertexPixels[v]] > 1 ? 1 : 0;
}

/**
 * Adds, for every corner of `layer`'s lattice triangles (as {@link triangulateLdi} or splitLayerIntoTiles
 * write them: right-angle corner first), the angle the triangle spans there in eighths of a turn (2 at
 * its right angle, 1 at its 45° corners) to `eighthTurns`, indexed by the layer's vertex. A total of 8
 * means the corner lies inside the surface; less, on its boundary. (Sums per LDI pixel over all layers
 * come from triangulateLdi's `eighthTurnsByPixel`.)
 *
 * ```ts
 * const turns = new Uint8Array(layer.vertexPixels.length);
 * addCornerEighthTurns(layer, turns);
 * ```
 */
export function addCornerEighthTurns(layer: LayerTriangles, eighthTurns: Uint8Array): void {
	const {indices} = layer;
	for (let t = 0; t < indices.length; t += 3) {
		eighthTurns[indices[t]] += 2;
		eighthTurns[indices[t + 1]] += 1;
		eighthTurns[indices[t + 2]] += 1;
	}
}
