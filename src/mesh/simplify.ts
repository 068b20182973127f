import {availableParallelism} from 'node:os';

import {MeshoptSimplifier} from 'meshoptimizer';

import type {Ldi} from '../ldi/ldi.js';
import {focalLengthPixels, type DepthRange} from '../scene/scene.js';
import {simplifyTileBatch, simplifyTileBatchOnWorker, type TileBatch, type TileBatchResult} from './simplify-tiles.js';
import type {LayerTriangles} from './triangulate.js';

/**
 * Simplification of one layer's pixel-lattice mesh, with the error bounded in pixels of parallax.
 *
 * The mesh is simplified in (x, y, k·d) space: x, y in photo pixels, d the normalized disparity and k
 * (`parallaxRangePixels`) the parallax, in pixels, between disparity 0 and disparity 1 for the largest
 * camera move the scene is made for. For a sideways move the screen shift of a point is proportional to
 * its inverse depth, which is affine in d, so a vertical error of e in this space is at most e pixels of
 * parallax error for any move up to that size, and a plane in 3D is a plane in this space (1/z is affine
 * in screen coordinates over a 3D plane): planar regions collapse to a few triangles. Border
 * vertices are locked (silhouettes, seams and vertices shared with another layer; only the straight
 * outer frame may slide along itself), so silhouettes stay on their pixels and stitched layers keep
 * their shared seam.
 *
 * A second error hides here: glTF consumers interpolate UVs perspective-correctly, i.e. linearly in 3D,
 * while the texture is laid out linearly in screen space, so a large triangle whose depth varies makes
 * the texture swim by about (edge length)² × |∇(1/z)| / (1/z) pixels even from the original camera. The
 * simplifier is therefore also given the attributes (x, y)·w/w_min (w = 1/z): their deviation from
 * linear over a triangle, divided by w/w_min, is that swim. Their weight (`textureSwimWeight`, in
 * meshoptimizer's absolute attribute units) trades triangles for texture fidelity.
 *
 * Approaches tried, measured at 1024 px through ldiFromImage (no depth cuts), error 0.75 px, default
 * depth range (1 m–10 m), "swim PSNR" = PSNR of the original view from texture swim alone
 * (measure-error.ts), triangles moon / shelf / hut:
 * - one meshoptimizer pass over the whole 2.09 M-triangle moon layer: 4.3–5.2 s wall on the shared
 *   machine; per-tile calls on the full vertex buffer were slower still (WebAssembly copies the whole
 *   vertex buffer per call). Now: tiles of 64×64 px with their own compact vertex buffers, simplified
 *   one by one with tile borders locked, then one 'Sparse' pass over what is left. CPU of the whole simplification of moon (default
 *   weights): tiles of 32 px 1.71 s, 64 px 1.42 s (chosen), 128 px 1.57 s, 256 px 2.15 s. The tile pass
 *   is ~85–90% of it, so half of the tiles go to a worker thread (simplify-tiles.ts) when 2 cores exist.
 *   Same result (11711 triangles either way) and the same process CPU (1.4–1.9 s); on the shared machine
 *   (load average 7–10 on 2 cores) the wall time barely moved (best of 6: 1.76 s with 1 thread,
 *   1.62 s with 2), so the gain on idle cores is still to be measured; `threads: 1` turns it off.
 * - LockBorder everywhere keeps the 4 × 1023 frame vertices: 8982 triangles on moon with it, 4917 with
 *   the frame free to slide along itself (an earlier swim weight), and a 64×64 plane becomes 2 triangles.
 * - texture swim weight (layer 0 only; triangles, measured max swim, swim PSNR):
 *   weight 0:     moon 1156, 32.6 px, 19.6 dB | shelf 9947, 9.9 px, 50.0 dB | hut 13941, 4.5 px, 39.3 dB
 *   weight 0.003: moon 11711, 4.0 px, 38.8 dB | shelf 59412, 6.2 px, 59.8 dB | hut 50954, 2.7 px, 42.5 dB
 *   weight 0.01:  moon 32415, 2.5 px, 45.4 dB | shelf 180115, 1.6 px, 64.8 dB | hut 135029, 1.8 px, 45.1 dB
 *   0.003 is the default: every photo stays far below 150 k triangles and above 38 dB from texture swim.
 *
 * Worst-case parallax error: meshoptimizer's error is a point-to-plane distance in (x, y, k·d) space,
 * so the vertical (parallax) error exceeds `simplifyErrorPixels` on steep surfaces by 1/cos(slope).
 * On surfaces without depth steps it stays near the bound (0.53 px for 0.5 px on the curved surface of
 * test/mesh/simplify.test.ts); through ldiFromImage, whose uncut depth steps are near-vertical walls,
 * the measured maximum is 2.3 px on moon, 3.9 px on shelf, 7.3 px on hut (where it occurs was not
 * located; the walls are the likely place). The LDI engine cuts such steps, so built scenes lack them.
 */

/** Options for {@link simplifyLayer}. */
export interface SimplifyOptions {
	/**
	 * Largest deviation meshoptimizer may introduce in (x, y, k·d) space, pixels (≈ pixels of parallax; see
	 * the header note for measured maxima). 0 disables simplification.
	 */
	simplifyErrorPixels: number;
	/**
	 * Parallax in pixels between disparity 0 and disparity 1 for the largest camera move the scene is
	 * made for; 0 = 4% of the photo's long side (41 px at 1024 px).
	 */
	parallaxRangePixels: number;
	/** Weight of the texture-swim attributes (0 ignores texture swim; see the header note for figures). */
	textureSwimWeight: number;
	/** Threads for the tile pass: 0 = min(2, available cores); 1 = this thread only. */
	threads: number;
}

export const SIMPLIFY_DEFAULTS: SimplifyOptions = {
	simplifyErrorPixels: 0.75,
	parallaxRangePixels: 0,
	textureSwimWeight: 0.003,
	threads: 0,
};

/** Tiles of 2^TILE_SHIFT pixels are simplified one by one before the whole layer (see the header note). */
const TILE_SHIFT = 6;

/** Below this many indices a worker costs more than it saves. */
const PARALLEL_MIN_INDICES = 300_000;

/** The layer's triangles reordered tile by tile (tile of the first corner), with each tile's first triangle. */
function sortTrianglesByTile(ldi: Ldi, layer: LayerTriangles, tileShift: number): {indices: Uint32Array; tileStarts: Int32Array} {
	const {indices, vertexPixels} = layer;
	const tilesX = ((ldi.width + 2 * ldi.border) >> tileShift) + 1;
	const tilesY = ((ldi.height + 2 * ldi.border) >> tileShift) + 1;
	const triangleCount = indices.length / 3;
	const tileOfTriangle = new Int32Array(triangleCount);
	const tileStarts = new Int32Array(tilesX * tilesY + 1);
	for (let t = 0; t < triangleCount; t++) {
		const p = vertexPixels[indices[t * 3]];
		const tile = ((ldi.y[p] + ldi.border) >> tileShift) * tilesX + ((ldi.x[p] + ldi.border) >> tileShift);
		tileOfTriangle[t] = tile;
		tileStarts[tile + 1]++;
	}
	for (let i = 1; i < tileStarts.length; i++) tileStarts[i] += tileStarts[i - 1];
	const cursor = tileStarts.slice(0, tilesX * tilesY);
	const sorted = new Uint32Array(indices.length);
	for (let t = 0; t < triangleCount; t++) {
		const o = cursor[tileOfTriangle[t]]++ * 3;
		sorted[o] = indices[t * 3];
		sorted[o + 1] = indices[t * 3 + 1];
		sorted[o + 2] = indices[t * 3 + 2];
	}
	return {indices: sorted, tileStarts};
}

/**
 * Vertices the simplifier must not move: stitch vertices shared with another layer, and mesh-border
 * vertices (silhouettes, seams) except those on the straight outer frame of the lattice, which may slide
 * along it; frame corners stay. A vertex is inside the mesh when the angles of its triangles add up to
 * 360° (each lattice triangle has one 90° and two 45° corners).
 */
function lockedVertices(ldi: Ldi, layer: LayerTriangles): Uint8Array {
	const {vertexPixels, indices, sharedVertices} = layer;
	const vertexCount = vertexPixels.length;
	const eighthTurns = new Uint8Array(vertexCount);
	for (let t = 0; t < indices.length; t += 3) {
		for (let k = 0; k < 3; k++) {
			const v = indices[t + k];
			const a = vertexPixels[v];
			const b = vertexPixels[indices[t + (k + 1) % 3]];
			const c = vertexPixels[indices[t + (k + 2) % 3]];
			const rightAngle = (ldi.x[b] === ldi.x[a] || ldi.y[b] === ldi.y[a]) && (ldi.x[c] === ldi.x[a] || ldi.y[c] === ldi.y[a]);
			eighthTurns[v] += rightAngle ? 2 : 1;
		}
	}
	const minX = -ldi.border;
	const minY = -ldi.border;
	const maxX = ldi.width - 1 + ldi.border;
	const maxY = ldi.height - 1 + ldi.border;
	const lock = new Uint8Array(vertexCount);
	for (let v = 0; v < vertexCount; v++) {
		if (sharedVertices[v]) {
			lock[v] = 1;
			continue;
		}
		if (eighthTurns[v] === 8) continue;
		const p = vertexPixels[v];
		const onFrameX = ldi.x[p] === minX || ldi.x[p] === maxX;
		const onFrameY = ldi.y[p] === minY || ldi.y[p] === maxY;
		// Free only in the middle of a straight frame side: on the frame, and half a turn of triangles.
		if (onFrameX === onFrameY || eighthTurns[v] !== 4) lock[v] = 1;
	}
	return lock;
}

/**
 * Every non-empty tile as a compact mesh of its own (local vertex numbering), concatenated into one
 * batch, and the layer vertex of each batch vertex. Two passes: count, then fill.
 */
function buildTileBatch(
	sorted: {indices: Uint32Array; tileStarts: Int32Array},
	lattice: Float32Array, swim: Float32Array, lock: Uint8Array, vertexCount: number,
): {batch: TileBatch; globalOfLocal: Int32Array} {
	const localOfVertex = new Int32Array(vertexCount).fill(-1);
	const tiles: number[] = [];
	for (let tile = 0; tile + 1 < sorted.tileStarts.length; tile++) if (sorted.tileStarts[tile + 1] > sorted.tileStarts[tile]) tiles.push(tile);
	const vertexStarts = new Int32Array(tiles.length + 1);
	const indexStarts = new Int32Array(tiles.length + 1);
	const touched: number[] = [];
	tiles.forEach((tile, t) => {
		let localCount = 0;
		for (let i = sorted.tileStarts[tile] * 3; i < sorted.tileStarts[tile + 1] * 3; i++) {
			const v = sorted.indices[i];
			if (localOfVertex[v] < 0) {
				localOfVertex[v] = localCount++;
				touched.push(v);
			}
		}
		for (const v of touched) localOfVertex[v] = -1;
		touched.length = 0;
		vertexStarts[t + 1] = vertexStarts[t] + localCount;
		indexStarts[t + 1] = indexStarts[t] + (sorted.tileStarts[tile + 1] - sorted.tileStarts[tile]) * 3;
	});
	const total = vertexStarts[tiles.length];
	const batch: TileBatch = {
		indices: new Uint32Array(indexStarts[tiles.length]),
		indexStarts,
		lattice: new Float32Array(total * 3),
		swim: new Float32Array(total * 2),
		lock: new Uint8Array(total),
		vertexStarts,
		swimWeight: 0,
		errorPixels: 0,
	};
	const globalOfLocal = new Int32Array(total);
	tiles.forEach((tile, t) => {
		const base = vertexStarts[t];
		let localCount = 0;
		let o = indexStarts[t];
		for (let i = sorted.tileStarts[tile] * 3; i < sorted.tileStarts[tile + 1] * 3; i++) {
			const v = sorted.indices[i];
			let local = localOfVertex[v];
			if (local < 0) {
				local = localCount++;
				localOfVertex[v] = local;
				const g = base + local;
				globalOfLocal[g] = v;
				batch.lattice[g * 3] = lattice[v * 3];
				batch.lattice[g * 3 + 1] = lattice[v * 3 + 1];
				batch.lattice[g * 3 + 2] = lattice[v * 3 + 2];
				batch.swim[g * 2] = swim[v * 2];
				batch.swim[g * 2 + 1] = swim[v * 2 + 1];
				batch.lock[g] = lock[v];
			}
			batch.indices[o++] = local;
		}
		for (let l = 0; l < localCount; l++) localOfVertex[globalOfLocal[base + l]] = -1;
	});
	return {batch, globalOfLocal};
}

/** Tiles [first, end) of a batch as a batch of their own (copied, so it can be posted to a worker). */
function sliceTileBatch(batch: TileBatch, first: number, end: number): TileBatch {
	const v0 = batch.vertexStarts[first];
	const v1 = batch.vertexStarts[end];
	const i0 = batch.indexStarts[first];
	return {
		indices: batch.indices.slice(i0, batch.indexStarts[end]),
		indexStarts: batch.indexStarts.slice(first, end + 1).map((start) => start - i0),
		lattice: batch.lattice.slice(v0 * 3, v1 * 3),
		swim: batch.swim.slice(v0 * 2, v1 * 2),
		lock: batch.lock.slice(v0, v1),
		vertexStarts: batch.vertexStarts.slice(first, end + 1).map((start) => start - v0),
		swimWeight: batch.swimWeight,
		errorPixels: batch.errorPixels,
	};
}

/**
 * Simplifies the batch's tiles: with 2 threads the second half (by index count) goes to the worker
 * while this thread does the first half.
 */
async function simplifyTiles(batch: TileBatch, threads: number): Promise<(TileBatchResult & {firstTile: number})[]> {
	const tileCount = batch.indexStarts.length - 1;
	const half = batch.indexStarts[tileCount] / 2;
	let split = 0;
	while (split < tileCount && batch.indexStarts[split] < half) split++;
	if (threads < 2 || split === 0 || split === tileCount || batch.indexStarts[tileCount] < PARALLEL_MIN_INDICES) {
		return [{...simplifyTileBatch(batch, MeshoptSimplifier), firstTile: 0}];
	}
	const theirs = simplifyTileBatchOnWorker(sliceTileBatch(batch, split, tileCount));
	const mine = simplifyTileBatch(sliceTileBatch(batch, 0, split), MeshoptSimplifier);
	return [{...mine, firstTile: 0}, {...await theirs, firstTile: split}];
}

/** A simplified, unprojected layer. */
export interface SimplifiedLayer {
	layerIndex: number;
	/** LDI pixel of each kept vertex. */
	vertexPixels: Int32Array;
	/** Index of each kept vertex in the triangulated layer's `vertexPixels` (to carry UVs over). */
	sourceVertices: Int32Array;
	/** x, y, z per vertex, metres, camera space. */
	positions: Float32Array;
	/** Three vertex indices per triangle, counter-clockwise seen from the camera. */
	indices: Uint32Array;
	/** Error meshoptimizer reports, in pixels of (x, y, k·d) space. */
	errorPixels: number;
	/** Threads the tile pass ran on (2 when a worker thread took half of the tiles). */
	threadsUsed: number;
}

/** Camera intrinsics needed to unproject LDI pixels. */
export interface UnprojectCamera {
	width: number;
	height: number;
	fovYRadians: number;
}

/** Resolves `parallaxRangePixels: 0` to its photo-size default. */
export function resolveParallaxRangePixels(width: number, height: number, parallaxRangePixels: number): number {
	return parallaxRangePixels > 0 ? parallaxRangePixels : 0.04 * Math.max(width, height);
}

/**
 * Simplifies one triangulated layer with meshoptimizer and unprojects the kept vertices to metres.
 *
 * ```ts
 * const layer = await simplifyLayer(ldi, triangles[0], {width, height, fovYRadians}, range, {simplifyErrorPixels: 0.5});
 * ```
 */
export async function simplifyLayer(
	ldi: Ldi,
	layer: LayerTriangles,
	camera: UnprojectCamera,
	depthRange: DepthRange,
	options: Partial<SimplifyOptions> = {},
): Promise<SimplifiedLayer> {
	const {simplifyErrorPixels, parallaxRangePixels, textureSwimWeight, threads} = {...SIMPLIFY_DEFAULTS, ...options};
	const k = resolveParallaxRangePixels(camera.width, camera.height, parallaxRangePixels);
	const vertexCount = layer.vertexPixels.length;
	const inverseNear = 1 / depthRange.nearMeters;
	const inverseFar = 1 / depthRange.farMeters;

	await MeshoptSimplifier.ready;
	let indices = layer.indices;
	let errorPixels = 0;
	let threadsUsed = 1;
	if (simplifyErrorPixels > 0 && indices.length > 3) {
		const lattice = new Float32Array(vertexCount * 3);
		const swim = new Float32Array(vertexCount * 2);
		let minInverseDepth = Infinity;
		for (let v = 0; v < vertexCount; v++) {
			const d = ldi.disparity[layer.vertexPixels[v]];
			const w = d * inverseNear + (1 - d) * inverseFar;
			if (w < minInverseDepth) minInverseDepth = w;
		}
		for (let v = 0; v < vertexCount; v++) {
			const p = layer.vertexPixels[v];
			const d = ldi.disparity[p];
			const x = ldi.x[p] + 0.5;
			const y = ldi.y[p] + 0.5;
			lattice[v * 3] = x;
			lattice[v * 3 + 1] = y;
			lattice[v * 3 + 2] = k * d;
			const relativeInverseDepth = (d * inverseNear + (1 - d) * inverseFar) / minInverseDepth;
			swim[v * 2] = x * relativeInverseDepth;
			swim[v * 2 + 1] = y * relativeInverseDepth;
		}
		const lock = lockedVertices(ldi, layer);
		const {batch, globalOfLocal} = buildTileBatch(sortTrianglesByTile(ldi, layer, TILE_SHIFT), lattice, swim, lock, vertexCount);
		batch.swimWeight = textureSwimWeight;
		batch.errorPixels = simplifyErrorPixels;
		const pieces = await simplifyTiles(batch, threads > 0 ? threads : Math.min(2, availableParallelism()));
		threadsUsed = pieces.some((piece) => piece.onWorker) ? 2 : 1;
		const merged = new Uint32Array(pieces.reduce((sum, piece) => sum + piece.indices.length, 0));
		let mergedLength = 0;
		for (const piece of pieces) {
			for (let t = 0; t + 1 < piece.starts.length; t++) {
				const vertexBase = batch.vertexStarts[piece.firstTile + t];
				for (let i = piece.starts[t]; i < piece.starts[t + 1]; i++) merged[mergedLength++] = globalOfLocal[vertexBase + piece.indices[i]];
			}
		}
		const weight = textureSwimWeight;
		const [simplified, error] = MeshoptSimplifier.simplifyWithAttributes(
			merged, lattice, 3, swim, 2, [weight, weight], lock, 0, simplifyErrorPixels,
			['ErrorAbsolute', 'Sparse'],
		);
		indices = simplified;
		errorPixels = error;
	}

	const remap = new Int32Array(vertexCount).fill(-1);
	const compactIndices = new Uint32Array(indices.length);
	let kept = 0;
	for (let i = 0; i < indices.length; i++) {
		const v = indices[i];
		if (remap[v] < 0) remap[v] = kept++;
		compactIndices[i] = remap[v];
	}
	const vertexPixels = new Int32Array(kept);
	const sourceVertices = new Int32Array(kept);
	const positions = new Float32Array(kept * 3);
	const f = focalLengthPixels(camera.height, camera.fovYRadians);
	const cx = camera.width / 2;
	const cy = camera.height / 2;
	for (let v = 0; v < vertexCount; v++) {
		const n = remap[v];
		if (n < 0) continue;
		const p = layer.vertexPixels[v];
		vertexPixels[n] = p;
		sourceVertices[n] = v;
		const d = ldi.disparity[p];
		const z = 1 / (d * inverseNear + (1 - d) * inverseFar);
		positions[n * 3] = (ldi.x[p] + 0.5 - cx) / f * z;
		positions[n * 3 + 1] = -(ldi.y[p] + 0.5 - cy) / f * z;
		positions[n * 3 + 2] = -z;
	}
	return {layerIndex: layer.layerIndex, vertexPixels, sourceVertices, positions, indices: compactIndices, errorPixels, threadsUsed};
}

/**
 * {@link simplifyLayer} over every layer, one after the other.
 *
 * ```ts
 * const simplified = await simplifyLayers(ldi, triangulateLdi(ldi), {width, height, fovYRadians}, range);
 * ```
 */
export async function simplifyLayers(
	ldi: Ldi,
	layers: LayerTriangles[],
	camera: UnprojectCamera,
	depthRange: DepthRange,
	options: Partial<SimplifyOptions> = {},
): Promise<SimplifiedLayer[]> {
	const simplified: SimplifiedLayer[] = [];
	for (const layer of layers) simplified.push(await simplifyLayer(ldi, layer, camera, depthRange, options));
	return simplified;
}
