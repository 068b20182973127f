/**
 * Background silhouettes of an LDI layer, grouped into edges: the units of work of one inpainting pass.
 *
 * A pixel is a silhouette pixel in direction k when its link k is absent and its surface is hidden at the
 * lattice position that way (inside the photo): something there is nearer by more than the threshold
 * and nothing there continues the surface yet. On layer 0 after the cuts these are exactly the background sides
 * of the kept depth edges; on a synthesized layer they are its borders that are still hidden (the band
 * ended before the occluder did) and the discontinuities inside it, which is what the next pass extends.
 * Grouping repeats the rule of depth-edges.ts (8-connected, disparities of both sides agree within the
 * threshold), on LDI pixels instead of photo pixels; members are gathered by a counting sort over the
 * union-find roots (a Map of arrays before).
 *
 * buildLdi hands in the pixels that can be silhouettes (layer 0: the background sides of the kept
 * edges; later layers: the index range their pass appended) instead of scanning the whole LDI twice:
 * the full scan of 1.3 M pixels' links was the largest part of this function on the moon at 1024 px.
 *
 * Tried: joining each component shorter than `minEdgeLengthPixels` to a long one it touches (any
 * disparity). On a ramp of small depth steps a silhouette falls apart into short pieces whose cuts
 * then have nothing behind unless a neighbouring band covers them (moon at 1024 px, pass 1: 406 of
 * 492 components, 1,023 pixels, dropped; one such cut is the last empty pixel three.js shows on moon
 * after a 2.5 % move). Empty pixels of the software renderer without gap filling after a 2.5 % move at
 * 0/90/45/180/270°: moon 0 0 1 1 0 → 1 0 0 0 0, depthy_shelf 0 1 2 0 0 → 3 4 4 3 1, depthy_hut 15 10 8
 * 7 3 → 31 17 41 101 24 (the joined regions grow differently and leave other gaps), and 11 k more
 * triangles on moon. Not kept.
 */
import {findRoot} from './depth-edges.js';
import {LINK_DX, LINK_DY, NO_LINK, type Ldi, positionIndex} from './ldi.js';

/** The 8-neighbours after a pixel in raster order: each neighbouring pair is visited once. */
const FORWARD_DX = [1, -1, 0, 1] as const;
const FORWARD_DY = [0, 1, 1, 1] as const;

/** Options for {@link findSilhouetteEdges}. */
export interface SilhouetteOptions {
	/** Disparity difference that makes a neighbour position "hidden by something nearer". */
	thresholdDisparity: number;
	/** Edges with fewer silhouette pixels are ignored; pixels at the reference size. */
	minEdgeLengthPixels: number;
	/** Long side (pixels) at which `minEdgeLengthPixels` applies. */
	referenceSizePixels: number;
}

export const SILHOUETTE_DEFAULTS: SilhouetteOptions = {
	thresholdDisparity: 0.02,
	minEdgeLengthPixels: 10,
	referenceSizePixels: 1024,
};

/** Silhouette edges of one layer. */
export interface SilhouetteEdges {
	/** LDI pixel indices of each edge's silhouette, ascending; edges ordered by their first pixel. */
	edges: Int32Array[];
	/** Per LDI pixel (length = ldi.count when found), bit k set when the pixel is hidden in link direction k. */
	hiddenDirections: Uint8Array;
	/** Components before dropping short ones. */
	edgesFound: number;
}

/**
 * True when a surface at `disparity` would be hidden at lattice position `position`: something there is
 * nearer by more than `gap`, and no pixel there already lies on that surface (within `gap`). Farther
 * pixels do not matter, so a middle layer still extends behind a near occluder where the far background
 * has already been filled in. Positions already holding `maxPixels` pixels count as not hidden, which
 * bounds the LDI's size whatever the threshold.
 */
export function isHiddenAt(ldi: Ldi, position: number, disparity: number, gap: number, maxPixels = Infinity): boolean {
	let occluded = false;
	let count = 0;
	for (let p = ldi.firstAtPosition[position]; p !== NO_LINK; p = ldi.nextAtPosition[p]) {
		if (++count >= maxPixels) return false;
		const difference = ldi.disparity[p] - disparity;
		if (difference > gap) occluded = true;
		else if (difference >= -gap) return false;
	}
	return occluded;
}

/**
 * Finds the silhouette pixels of layer `layerIndex` and links them into edges. `candidates` (ascending
 * pixel indices) limits the search to pixels that can be silhouettes, e.g. the background sides of the
 * kept depth edges for layer 0 (the only layer-0 pixels whose links were cut towards something
 * nearer); without it every pixel of the layer is examined.
 *
 * ```ts
 * const {edges, hiddenDirections} = findSilhouetteEdges(ldi, 0, {thresholdDisparity: 0.02});
 * ```
 */
export function findSilhouetteEdges(ldi: Ldi, layerIndex: number, options: Partial<SilhouetteOptions> = {}, candidates?: Int32Array): SilhouetteEdges {
	const settings = {...SILHOUETTE_DEFAULTS, ...options};
	const threshold = settings.thresholdDisparity;
	const hiddenDirections = new Uint8Array(ldi.count);
	const foreground = new Float32Array(ldi.count);
	let silhouette = new Int32Array(1024);
	let silhouetteCount = 0;
	const candidateCount = candidates ? candidates.length : ldi.count;
	for (let i = 0; i < candidateCount; i++) {
		const p = candidates ? candidates[i] : i;
		if (ldi.layerIndex[p] !== layerIndex) continue;
		const x = ldi.x[p];
		const y = ldi.y[p];
		let bits = 0;
		let nearest = -Infinity;
		for (let k = 0; k < 4; k++) {
			if (ldi.links[p * 4 + k] !== NO_LINK) continue;
			const nx = x + LINK_DX[k];
			const ny = y + LINK_DY[k];
			if (nx < 0 || ny < 0 || nx >= ldi.width || ny >= ldi.height) continue;
			const position = positionIndex(ldi, nx, ny);
			if (!isHiddenAt(ldi, position, ldi.disparity[p], threshold)) continue;
			bits |= 1 << k;
			nearest = Math.max(nearest, nearestDisparityAt(ldi, position));
		}
		if (bits === 0) continue;
		hiddenDirections[p] = bits;
		foreground[p] = nearest;
		if (silhouetteCount === silhouette.length) {
			const grown = new Int32Array(silhouette.length * 2);
			grown.set(silhouette);
			silhouette = grown;
		}
		silhouette[silhouetteCount++] = p;
	}
	const localIndex = new Int32Array(ldi.count).fill(-1);
	for (let i = 0; i < silhouetteCount; i++) localIndex[silhouette[i]] = i;
	const parent = new Int32Array(silhouetteCount);
	for (let i = 0; i < parent.length; i++) parent[i] = i;
	for (let i = 0; i < silhouetteCount; i++) {
		const p = silhouette[i];
		for (let f = 0; f < 4; f++) {
			const position = positionIndex(ldi, ldi.x[p] + FORWARD_DX[f], ldi.y[p] + FORWARD_DY[f]);
			if (position < 0) continue;
			for (let q = ldi.firstAtPosition[position]; q !== NO_LINK; q = ldi.nextAtPosition[q]) {
				const j = localIndex[q];
				if (j < 0) continue;
				if (Math.abs(ldi.disparity[p] - ldi.disparity[q]) > threshold || Math.abs(foreground[p] - foreground[q]) > threshold) continue;
				const rootI = findRoot(parent, i);
				const rootJ = findRoot(parent, j);
				if (rootI < rootJ) parent[rootJ] = rootI;
				else if (rootJ < rootI) parent[rootI] = rootJ;
			}
		}
	}
	const scale = Math.max(ldi.width, ldi.height) / settings.referenceSizePixels;
	const minLength = Math.max(1, Math.round(settings.minEdgeLengthPixels * scale));
	// Roots are each component's smallest index (union keeps the smaller one), so ascending roots order
	// the edges by their first pixel; members are gathered in ascending order by a counting sort.
	const size = new Int32Array(silhouetteCount);
	for (let i = 0; i < silhouetteCount; i++) {
		parent[i] = findRoot(parent, i);
		size[parent[i]]++;
	}
	const edgeOfRoot = new Int32Array(silhouetteCount).fill(-1);
	const edges: Int32Array[] = [];
	let edgesFound = 0;
	for (let i = 0; i < silhouetteCount; i++) {
		if (parent[i] !== i) continue;
		edgesFound++;
		if (size[i] < minLength) continue;
		edgeOfRoot[i] = edges.length;
		edges.push(new Int32Array(size[i]));
	}
	const filled = new Int32Array(edges.length);
	for (let i = 0; i < silhouetteCount; i++) {
		const edge = edgeOfRoot[parent[i]];
		if (edge >= 0) edges[edge][filled[edge]++] = silhouette[i];
	}
	return {edges, hiddenDirections, edgesFound};
}

function nearestDisparityAt(ldi: Ldi, position: number): number {
	let nearest = -Infinity;
	for (let p = ldi.firstAtPosition[position]; p !== NO_LINK; p = ldi.nextAtPosition[p]) nearest = Math.max(nearest, ldi.disparity[p]);
	return nearest;
}
