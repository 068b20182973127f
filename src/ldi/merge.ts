/**
 * Puts an inpainted region into the LDI: one new pixel per synthesized position, linked to its
 * synthesized 4-neighbours and to the context pixels it continues (Shih et al. 2020, §3.3). A link is
 * made only where the two disparities differ by at most the threshold, so a discontinuity the depth
 * inpainter produced stays cut and becomes a silhouette for the next pass (a border strip, with nothing
 * behind it, links across every step: `linkAcrossSteps`, see border.ts). Links are always made in both
 * directions and only into free slots, so every link is symmetric and joins lattice neighbours — the
 * mesher's triangles follow them.
 */
import {LINK_DOWN, LINK_DX, LINK_DY, LINK_RIGHT, NO_LINK, OPPOSITE_LINK, type Ldi, addPixel, linkPixels, positionIndex} from './ldi.js';
import type {InpaintRegion} from '../inpaint/inpainter.js';
import type {EdgeRegion} from './regions.js';

/**
 * Adds the pixels of `edgeRegion.newPixelMask` with the inpainted `disparity` (clamped to the region's
 * ceiling) and `color`, in layer `layerIndex`; returns how many were added (`edgeRegion.newPixelCount`).
 *
 * ```ts
 * const added = mergeRegion(ldi, edgeRegion, filledDisparity, filledColor, pass, 0.02);
 * ```
 */
export function mergeRegion(
	ldi: Ldi, edgeRegion: EdgeRegion, disparity: Float32Array, color: Uint8Array, layerIndex: number, thresholdDisparity: number,
): number {
	const {region, originX, originY, contextPixel} = edgeRegion;
	const {width, height} = region;
	const linkLimit = edgeRegion.linkAcrossSteps ? Infinity : thresholdDisparity;
	// One function per loop: see planar-quadtree.ts.
	const newPixel = addNewPixels(ldi, region, originX, originY, edgeRegion.newPixelMask, disparity, color, layerIndex);
	linkNewPixels(ldi, newPixel, width, height, originX, originY, contextPixel, linkLimit);
	return edgeRegion.newPixelCount;
}

/** Adds the pixels of `newPixelMask` to the LDI; returns the new pixel per crop pixel, or -1. */
function addNewPixels(
	ldi: Ldi, region: InpaintRegion, originX: number, originY: number, newPixelMask: Uint8Array, disparity: Float32Array, color: Uint8Array, layerIndex: number,
): Int32Array {
	const {width, height, disparityCeiling} = region;
	const newPixel = new Int32Array(width * height).fill(-1);
	// Rows and columns rather than a division per crop pixel (crops are ~4× the pixels they add).
	for (let cy = 0, c = 0; cy < height; cy++) {
		for (let cx = 0; cx < width; cx++, c++) {
			if (newPixelMask[c] === 0) continue;
			// An inpainter's NaN must not reach the mesh: treat it as the far end, which is always behind.
			const d = Math.min(Number.isFinite(disparity[c]) ? Math.max(disparity[c], 0) : 0, disparityCeiling[c]);
			newPixel[c] = addPixel(ldi, originX + cx, originY + cy, color[c * 3], color[c * 3 + 1], color[c * 3 + 2], d, layerIndex);
		}
	}
	return newPixel;
}

/**
 * Links each new pixel to its new 4-neighbours and to the context pixels (or earlier regions' pixels)
 * it continues, wherever the disparity step is at most `linkLimit`.
 */
function linkNewPixels(
	ldi: Ldi, newPixel: Int32Array, width: number, height: number, originX: number, originY: number, contextPixel: Int32Array, linkLimit: number,
): void {
	for (let cy = 0, c = 0; cy < height; cy++) {
		for (let cx = 0; cx < width; cx++, c++) {
			const p = newPixel[c];
			if (p < 0) continue;
			for (let k = 0; k < 4; k++) {
				const nx = cx + LINK_DX[k];
				const ny = cy + LINK_DY[k];
				if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
				const n = ny * width + nx;
				const neighbour = newPixel[n];
				if (neighbour >= 0 && Math.abs(ldi.disparity[p] - ldi.disparity[neighbour]) <= linkLimit) {
					// Each pair of new pixels is visited twice; link it once, from its left or upper member.
					if (k === LINK_RIGHT || k === LINK_DOWN) linkPixels(ldi, p, neighbour, k);
					continue;
				}
				// Past a step inside the region, an earlier region's pixel at that position may continue p's
				// surface: two bands meeting, left unlinked before (moon, three.js, 2.5 % move left: a real
				// one-pixel gap at the astronaut's outline).
				if (ldi.links[p * 4 + k] !== NO_LINK) continue;
				const back = OPPOSITE_LINK[k];
				let q = contextPixel[n];
				if (q < 0 || ldi.links[q * 4 + back] !== NO_LINK || Math.abs(ldi.disparity[p] - ldi.disparity[q]) > linkLimit) {
					q = nearestFreeNeighbour(ldi, originX + nx, originY + ny, ldi.disparity[p], back);
				}
				if (q < 0 || Math.abs(ldi.disparity[p] - ldi.disparity[q]) > linkLimit) continue;
				linkPixels(ldi, p, q, k);
			}
		}
	}
}

/**
 * The pixel at (x, y) whose `freeSlot` link is free and whose disparity is closest to `disparity`, or -1.
 * A new pixel beside a position outside the context (the dilated band along the silhouette, whose photo
 * pixels are re-synthesized but kept), or beside a context pixel already linked that way, must still
 * join the surface it continues, or a one-pixel crack opens along the seam when the camera moves.
 */
function nearestFreeNeighbour(ldi: Ldi, x: number, y: number, disparity: number, freeSlot: number): number {
	const position = positionIndex(ldi, x, y);
	if (position < 0) return -1;
	let best = -1;
	let bestDifference = Infinity;
	for (let q = ldi.firstAtPosition[position]; q !== NO_LINK; q = ldi.nextAtPosition[q]) {
		if (ldi.links[q * 4 + freeSlot] !== NO_LINK) continue;
		const difference = Math.abs(ldi.disparity[q] - disparity);
		if (difference < bestDifference) {
			bestDifference = difference;
			best = q;
		}
	}
	return best;
}
