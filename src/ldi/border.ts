/**
 * Frame-border extension (Shih et al. 2020 extrapolate 60 px at 960 px): four strips of new pixels
 * around the photo, so a moving camera does not reveal empty space past the frame. Each strip is an
 * inpainting region like an edge's: context = the pixels within `contextBandPixels` inside the border
 * (and the strips already made, so corners join), synthesis = the strip. Top and bottom strips span the
 * corners; left and right strips come after them.
 *
 * Disparity is not inpainted but replicated from the nearest photo pixel along the border normal: a
 * smooth fill (membrane or plane) across a depth edge that meets the frame would bridge foreground and
 * background with a rubber sheet, while replication continues each discontinuity straight out as a
 * one-pixel step. The merge links across that step (`linkAcrossSteps`) instead of cutting it: no layer
 * lies behind a strip, so a cut there is a hole. Cut, a step continued out of the left or right frame
 * ran along a row of the strip, with that row of pixel centres exactly on the strip's edge after a
 * sideways move, which the GPU's fill rule dropped: moon.jpg at 1024 px, three.js, 2.5 %-parallax move
 * to the right, 42 of the 67 empty pixels (two rows at the right frame); linked, 0. A vertical move
 * stretches such a link over the step's parallax, where the cut opened a hole as wide.
 */
import {coarseGridFactor, coarseToFineReachPixels} from '../inpaint/coarse-to-fine.js';
import {createInpaintRegion, type InpaintRegion} from '../inpaint/inpainter.js';
import type {ScratchArrays} from '../inpaint/scratch.js';
import {NO_LINK, type Ldi, pixelAt} from './ldi.js';
import type {EdgeRegion} from './regions.js';

/** Which side of the photo a strip extends. */
export type BorderSide = 'top' | 'bottom' | 'left' | 'right';

/** The order strips must be made in (left and right read the corners top and bottom made). */
export const BORDER_SIDES: readonly BorderSide[] = ['top', 'bottom', 'left', 'right'];

/**
 * The inpainting region of one border strip of `ldi` (whose `border` is the strip width), with the
 * synthesized disparity already filled in; undefined when the LDI has no border. With `scratch`, its
 * arrays are views of that scratch's slots, valid until the next strip made with it (the four strips,
 * of about one size, then share one set of arrays).
 *
 * ```ts
 * for (const side of BORDER_SIDES) {
 *   const strip = borderRegion(ldi, side, 128);
 *   if (strip) mergeRegion(ldi, strip, strip.region.disparity, await inpainter.inpaintColor(strip.region), 3, 0.02);
 * }
 * ```
 */
export function borderRegion(ldi: Ldi, side: BorderSide, contextBandPixels: number, scratch?: ScratchArrays): EdgeRegion | undefined {
	const {width: w, height: h, border: b} = ldi;
	if (b <= 0) return undefined;
	const band = Math.max(1, contextBandPixels);
	// The crop, and the strip inside it (inclusive).
	let crop: Rect;
	let strip: Rect;
	switch (side) {
		case 'top':
			crop = {x0: -b, x1: w + b - 1, y0: -b, y1: Math.min(h, band) - 1};
			strip = {x0: -b, x1: w + b - 1, y0: -b, y1: -1};
			break;
		case 'bottom':
			crop = {x0: -b, x1: w + b - 1, y0: Math.max(0, h - band), y1: h + b - 1};
			strip = {x0: -b, x1: w + b - 1, y0: h, y1: h + b - 1};
			break;
		case 'left':
			crop = {x0: -b, x1: Math.min(w, band) - 1, y0: -b, y1: h + b - 1};
			strip = {x0: -b, x1: -1, y0: 0, y1: h - 1};
			break;
		case 'right':
			crop = {x0: Math.max(0, w - band), x1: w + b - 1, y0: -b, y1: h + b - 1};
			strip = {x0: w, x1: w + b - 1, y0: 0, y1: h - 1};
			break;
	}
	const width = crop.x1 - crop.x0 + 1;
	const height = crop.y1 - crop.y0 + 1;
	const n = width * height;
	const region = createInpaintRegion(width, height, scratch, 'strip');
	const contextPixel = (scratch?.int32('strip.contextPixel', n) ?? new Int32Array(n)).fill(-1);
	const newPixelMask = scratch?.uint8('strip.newPixelMask', n) ?? new Uint8Array(n);
	// One function per loop (see planar-quadtree.ts): one loop over the strip, one over the context.
	const newPixelCount = fillStrip(ldi, crop, strip, region, newPixelMask);
	copyBandContext(ldi, crop, strip, region, contextPixel);
	return {region, depthRegion: region, originX: crop.x0, originY: crop.y0, newPixelMask, contextPixel, newPixelCount, linkAcrossSteps: true};
}

/**
 * The band of the photo a strip's crop needs when an inpainter reading `reachPixels` past its synthesis
 * bounds fills it through inpaintCoarseToFine with `coarseFactor`: as deep as that reads, at most
 * `bandPixels` (all of it when the reach is unknown). The bottom and right crops begin at the band's
 * inner edge, where the coarse pass lays its first cells: the band keeps `bandPixels`'s remainder modulo
 * the cell size, so every cell read stays where the full band put it. The strips then come out bit for bit
 * as with the full band when the cell size is a power of two (2, 4, 8 px: photos of 1024, 2048, 4096 px);
 * with another, the coarse pass's bilinear weights, computed from the crop's own coordinates, may round
 * differently in the bottom and right strips (a level on a few pixels). Very narrow photos aside: the
 * coherence inpainter's coarse pass validates its membrane share only with 1000 cells of context, which
 * a band this deep holds once the strip is ~75 cells long.
 *
 * ```ts
 * const band = stripContextBandPixels(128, inpainter.contextReachPixels, 2);   // coherence: 42
 * ```
 */
export function stripContextBandPixels(bandPixels: number, reachPixels: number | undefined, coarseFactor: number): number {
	if (reachPixels === undefined) return bandPixels;
	const needed = coarseToFineReachPixels(reachPixels, coarseFactor);
	if (needed >= bandPixels) return bandPixels;
	const cell = coarseGridFactor(coarseFactor);
	return bandPixels - Math.floor((bandPixels - needed) / cell) * cell;
}

/** An inclusive rectangle of photo coordinates. */
interface Rect {
	x0: number;
	x1: number;
	y0: number;
	y1: number;
}

/**
 * Marks the strip's pixels in the crop as synthesis and new pixels, with the disparity of the nearest
 * photo pixel; returns their number.
 */
function fillStrip(ldi: Ldi, crop: Rect, strip: Rect, region: InpaintRegion, newPixelMask: Uint8Array): number {
	const {width: w, height: h} = ldi;
	const width = crop.x1 - crop.x0 + 1;
	for (let y = strip.y0; y <= strip.y1; y++) {
		for (let x = strip.x0; x <= strip.x1; x++) {
			const c = (y - crop.y0) * width + x - crop.x0;
			const nearest = Math.min(h - 1, Math.max(0, y)) * w + Math.min(w - 1, Math.max(0, x));
			region.synthesisMask[c] = 1;
			region.disparity[c] = ldi.disparity[nearest];
			newPixelMask[c] = 1;
		}
	}
	return (strip.x1 - strip.x0 + 1) * (strip.y1 - strip.y0 + 1);
}

/** Copies the LDI pixels in the crop outside the strip (photo and earlier strips) into the region as context. */
function copyBandContext(ldi: Ldi, crop: Rect, strip: Rect, region: InpaintRegion, contextPixel: Int32Array): void {
	const width = crop.x1 - crop.x0 + 1;
	for (let y = crop.y0; y <= crop.y1; y++) {
		for (let x = crop.x0; x <= crop.x1; x++) {
			if (x >= strip.x0 && x <= strip.x1 && y >= strip.y0 && y <= strip.y1) continue;
			const p = pixelAt(ldi, x, y);
			if (p === NO_LINK) continue;
			const c = (y - crop.y0) * width + x - crop.x0;
			contextPixel[c] = p;
			region.contextMask[c] = 1;
			region.disparity[c] = ldi.disparity[p];
			region.color[c * 3] = ldi.color[p * 3];
			region.color[c * 3 + 1] = ldi.color[p * 3 + 1];
			region.color[c * 3 + 2] = ldi.color[p * 3 + 2];
		}
	}
}
