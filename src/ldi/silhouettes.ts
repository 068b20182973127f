/**
 * Background silhouettes of an LDI layer, grouped into edges: the units of work of one inpainting pass.
 *
 * A pixel is a silhouette pixel in direction k when its link k is absent and its surface is hidden at the
 * lattice position that way (inside the photo): something there is nearer by more than the threshold
 * and nothing there continues the surface yet. On layer 0 after the cuts these are exactly the background sides
 * of the kept depth edges; on a synthesized layer they are its borders that are still hidden (the band
 * ended before the occluder did) and the discontinuities inside it, which is what the next pass extends.
 * Grouping repeats the rule of depth-edges.ts (8-connected, disparities of both sides agree within the
 * threshold), on LDI pixels instead of photo pixels.
 */
import {findRoot} from './depth-edges.js';
import {LINK_DX, LINK_DY, NO_LINK, type Ldi, positionIndex} from './ldi.js';

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
 * Finds the silhouette pixels of layer `layerIndex` and links them into edges.
 *
 * ```ts
 * const {edges, hiddenDirections} = findSilhouetteEdges(ldi, 0, {thresholdDisparity: 0.02});
 * ```
 */
export function findSilhouetteEdges(ldi: Ldi, layerIndex: number, options: Partial<SilhouetteOptions> = {}): SilhouetteEdges {
	const settings = {...SILHOUETTE_DEFAULTS, ...options};
	const threshold = settings.thresholdDisparity;
	const hiddenDirections = new Uint8Array(ldi.count);
	const foreground = new Float32Array(ldi.count);
	const silhouette: number[] = [];
	for (let p = 0; p < ldi.count; p++) {
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
		silhouette.push(p);
	}
	const localIndex = new Int32Array(ldi.count).fill(-1);
	for (let i = 0; i < silhouette.length; i++) localIndex[silhouette[i]] = i;
	const parent = new Int32Array(silhouette.length);
	for (let i = 0; i < parent.length; i++) parent[i] = i;
	const forward = [[1, 0], [-1, 1], [0, 1], [1, 1]] as const;
	for (let i = 0; i < silhouette.length; i++) {
		const p = silhouette[i];
		for (const [dx, dy] of forward) {
			const position = positionIndex(ldi, ldi.x[p] + dx, ldi.y[p] + dy);
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
	const members = new Map<number, number[]>();
	for (let i = 0; i < silhouette.length; i++) {
		const root = findRoot(parent, i);
		let list = members.get(root);
		if (!list) members.set(root, list = []);
		list.push(silhouette[i]);
	}
	const edges: Int32Array[] = [];
	for (const root of [...members.keys()].sort((a, b) => a - b)) {
		const list = members.get(root) as number[];
		if (list.length >= minLength) edges.push(Int32Array.from(list));
	}
	return {edges, hiddenDirections, edgesFound: members.size};
}

function nearestDisparityAt(ldi: Ldi, position: number): number {
	let nearest = -Infinity;
	for (let p = ldi.firstAtPosition[position]; p !== NO_LINK; p = ldi.nextAtPosition[p]) nearest = Math.max(nearest, ldi.disparity[p]);
	return nearest;
}
