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
import {createInpaintRegion} from '../inpaint/inpainter.js';
import {NO_LINK, type Ldi, pixelAt} from './ldi.js';
import type {EdgeRegion} from './regions.js';

/** Which side of the photo a strip extends. */
export type BorderSide = 'top' | 'bottom' | 'left' | 'right';

/** The order strips must be made in (left and right read the corners top and bottom made). */
export const BORDER_SIDES: readonly BorderSide[] = ['top', 'bottom', 'left', 'right'];

/**
 * The inpainting region of one border strip of `ldi` (whose `border` is the strip width), with the
 * synthesized disparity already filled in; undefined when the LDI has no border.
 *
 * ```ts
 * for (const side of BORDER_SIDES) {
 *   const strip = borderRegion(ldi, side, 128);
 *   if (strip) mergeRegion(ldi, strip, strip.region.disparity, await inpainter.inpaintColor(strip.region), 3, 0.02);
 * }
 * ```
 */
export function borderRegion(ldi: Ldi, side: BorderSide, contextBandPixels: number): EdgeRegion | undefined {
	const {width: w, height: h, border: b} = ldi;
	if (b <= 0) return undefined;
	const band = Math.max(1, contextBandPixels);
	let x0: number;
	let x1: number;
	let y0: number;
	let y1: number;
	switch (side) {
		case 'top': [x0, x1, y0, y1] = [-b, w + b - 1, -b, Math.min(h, band) - 1]; break;
		case 'bottom': [x0, x1, y0, y1] = [-b, w + b - 1, Math.max(0, h - band), h + b - 1]; break;
		case 'left': [x0, x1, y0, y1] = [-b, Math.min(w, band) - 1, -b, h + b - 1]; break;
		case 'right': [x0, x1, y0, y1] = [Math.max(0, w - band), w + b - 1, -b, h + b - 1]; break;
	}
	const width = x1 - x0 + 1;
	const height = y1 - y0 + 1;
	const n = width * height;
	const region = createInpaintRegion(width, height);
	const contextPixel = new Int32Array(n).fill(-1);
	const newPixelMask = new Uint8Array(n);
	let newPixelCount = 0;
	for (let cy = 0; cy < height; cy++) {
		const y = y0 + cy;
		for (let cx = 0; cx < width; cx++) {
			const x = x0 + cx;
			const c = cy * width + cx;
			const inStrip = side === 'top' ? y < 0 : side === 'bottom' ? y >= h : side === 'left' ? x < 0 && y >= 0 && y < h : x >= w && y >= 0 && y < h;
			if (inStrip) {
				const nearest = Math.min(h - 1, Math.max(0, y)) * w + Math.min(w - 1, Math.max(0, x));
				region.synthesisMask[c] = 1;
				region.disparity[c] = ldi.disparity[nearest];
				newPixelMask[c] = 1;
				newPixelCount++;
				continue;
			}
			const p = pixelAt(ldi, x, y);
			if (p === NO_LINK) continue;
			contextPixel[c] = p;
			region.contextMask[c] = 1;
			region.disparity[c] = ldi.disparity[p];
			region.color[c * 3] = ldi.color[p * 3];
			region.color[c * 3 + 1] = ldi.color[p * 3 + 1];
			region.color[c * 3 + 2] = ldi.color[p * 3 + 2];
		}
	}
	return {region, depthRegion: region, originX: x0, originY: y0, newPixelMask, contextPixel, newPixelCount, linkAcrossSteps: true};
}
