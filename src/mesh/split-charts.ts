import type {Ldi} from '../ldi/ldi.js';
import type {LayerTriangles} from './triangulate.js';

/**
 * Splits a layer's mesh into square tiles of the pixel lattice by duplicating the vertices on tile
 * borders, so every connected component of the result (a texture chart) fits in one tile. Charts
 * cropped by bounding box waste most of an atlas on ring-shaped or diagonal regions (the frame
 * extension is a ring whose box is the whole frame); tiled charts pack tightly. The duplicated seam
 * vertices sit on the mesh border of each piece, so the simplifier locks them and the pieces stay
 * stitched. A triangle goes to the tile of its top-left lattice corner.
 *
 * Measured on moon.jpg at 1024 px through buildLdi (bench/mesh.ts; 3 inpainted layers; texels = sum
 * of the three atlases' areas):
 * - no split (whole components): 3.37 M texels (20–30% of them in use), 91157 triangles, 1.42 MB .glb;
 * - 512 px tiles: 2.62 M texels, 100206 triangles, 1.50 MB;
 * - 256 px tiles (default): 2.29 M texels (34–55% in use), 104765 triangles, 1.54 MB;
 * - 128 px tiles: 2.10 M texels (37–70% in use), 117327 triangles, 1.65 MB.
 * Locked seams cost triangles, so smaller tiles stop paying off below 256 px.
 */

/** Options for {@link splitLayerIntoTiles}. */
export interface SplitChartsOptions {
	/** Tile side, pixels. */
	tileSizePixels: number;
}

export const SPLIT_CHARTS_DEFAULTS: SplitChartsOptions = {tileSizePixels: 256};

/**
 * The same triangles with vertices duplicated per tile (vertex order: tile by tile).
 *
 * ```ts
 * const tiled = splitLayerIntoTiles(ldi, triangles[1], {tileSizePixels: 128});
 * const {texture, uvs} = bakeLayerTexture(ldi, tiled);
 * ```
 */
export function splitLayerIntoTiles(ldi: Ldi, layer: LayerTriangles, options: Partial<SplitChartsOptions> = {}): LayerTriangles {
	const {tileSizePixels} = {...SPLIT_CHARTS_DEFAULTS, ...options};
	const {vertexPixels, indices, sharedVertices} = layer;
	const triangleCount = indices.length / 3;
	const tilesX = Math.ceil((ldi.width + 2 * ldi.border) / tileSizePixels) + 1;
	const tileCount = tilesX * (Math.ceil((ldi.height + 2 * ldi.border) / tileSizePixels) + 1);
	// One function per loop (see planar-quadtree.ts).
	const tileOfTriangle = new Int32Array(triangleCount);
	const tileStarts = new Int32Array(tileCount + 1);
	assignTiles(ldi, layer, tileSizePixels, tilesX, tileOfTriangle, tileStarts);
	for (let i = 1; i <= tileCount; i++) tileStarts[i] += tileStarts[i - 1];
	const order = new Int32Array(triangleCount);
	const cursor = tileStarts.slice(0, tileCount);
	for (let t = 0; t < triangleCount; t++) order[cursor[tileOfTriangle[t]]++] = t;

	// A tile's vertices are new, so there are at most three per triangle.
	const newPixels = new Int32Array(indices.length);
	const newShared = new Uint8Array(indices.length);
	const newIndices = new Uint32Array(indices.length);
	const newCount = duplicatePerTile(indices, vertexPixels, sharedVertices, order, tileStarts, newPixels, newShared, newIndices);
	return {
		layerIndex: layer.layerIndex,
		vertexPixels: newPixels.slice(0, newCount),
		indices: newIndices,
		sharedVertices: newShared.slice(0, newCount),
	};
}

/** Writes each triangle's tile (that of its top-left lattice corner) and counts triangles per tile at tileStarts[tile + 1]. */
function assignTiles(
	ldi: Ldi, {vertexPixels, indices}: LayerTriangles, tileSizePixels: number, tilesX: number, tileOfTriangle: Int32Array, tileStarts: Int32Array,
): void {
	for (let t = 0; t < tileOfTriangle.length; t++) {
		let minX = Infinity;
		let minY = Infinity;
		for (let k = 0; k < 3; k++) {
			const p = vertexPixels[indices[t * 3 + k]];
			if (ldi.x[p] < minX) minX = ldi.x[p];
			if (ldi.y[p] < minY) minY = ldi.y[p];
		}
		const tile = Math.floor((minY + ldi.border) / tileSizePixels) * tilesX + Math.floor((minX + ldi.border) / tileSizePixels);
		tileOfTriangle[t] = tile;
		tileStarts[tile + 1]++;
	}
}

/**
 * Renumbers the triangles in tile `order` with vertices of their own per tile: fills the new vertices'
 * pixels and stitch flags and the new indices; returns the new vertex count.
 */
function duplicatePerTile(
	indices: Uint32Array, vertexPixels: Int32Array, sharedVertices: Uint8Array, order: Int32Array, tileStarts: Int32Array,
	newPixels: Int32Array, newShared: Uint8Array, newIndices: Uint32Array,
): number {
	const localOfVertex = new Int32Array(vertexPixels.length).fill(-1);
	const touched = new Int32Array(indices.length);
	let newCount = 0;
	for (let tile = 0; tile + 1 < tileStarts.length; tile++) {
		const firstNew = newCount;
		for (let i = tileStarts[tile]; i < tileStarts[tile + 1]; i++) {
			const t = order[i];
			for (let k = 0; k < 3; k++) {
				const v = indices[t * 3 + k];
				if (localOfVertex[v] < 0) {
					localOfVertex[v] = newCount;
					newPixels[newCount] = vertexPixels[v];
					newShared[newCount] = sharedVertices[v];
					touched[newCount] = v;
					newCount++;
				}
				newIndices[i * 3 + k] = localOfVertex[v];
			}
		}
		for (let n = firstNew; n < newCount; n++) localOfVertex[touched[n]] = -1;
	}
	return newCount;
}
