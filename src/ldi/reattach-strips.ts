import {LINK_DOWN, LINK_DX, LINK_DY, LINK_LEFT, LINK_RIGHT, LINK_UP, NO_LINK, linkPixels, type Ldi} from './ldi.js';

/**
 * Re-links layer-0 pixels that the depth-edge cuts left unable to form a triangle: a pixel linked on one
 * axis only (a one-pixel-wide strip), or not at all (a speckle). Such pixels sit in the ramp of a blurred
 * depth step, where the steps on both sides exceed the threshold and both get cut. No 2×2 block can
 * hold them, so the mesh drops them and the original view shows the inpainted background through a
 * band along every silhouette: on moon.jpg at 1024 px, 6,024 photo pixels (2.5 px wide along the
 * astronaut), 59 % of the squared error of the photo's own view. Each such pixel is joined, on each
 * axis it lacks, to the cut neighbour closest in disparity, so the ramp belongs to one side and a single
 * cut remains. A speckle is joined on both axes: joined on one only (as before), it stayed a strip that
 * formed no triangle, splat-covered in the photo's own view but opening a real gap beside it when the
 * camera moved (moon: 244 speckles of 5,786 re-linked pixels; three.js after a 2.5 %-parallax move to
 * the right, 3 empty pixels at the astronaut's shoulder → 0; left 1 → 1, elsewhere; own view 35.88 →
 * 35.77 dB).
 *
 * Only a ramp pixel is joined on an axis: one whose disparity lies between its two neighbours' there
 * (or that has one neighbour there, at the frame). A pixel nearer than both (a one-pixel protrusion of
 * the near side: the top or bottom pixel of a disc) or farther than both (a one-pixel gap in it) stays
 * cut on that axis. Joined, it took the far-side pixel's link slot that the inpainted surface continuing
 * that pixel needs (each LDI pixel has one link per direction): behind a disc's top pixel, the inpainted
 * pixel could not link to the background pixel beside it, the cell between them lost a corner triangle
 * in every layer (a stretched near-to-far triangle stood in its place), and a sideways move opened a
 * hole at each horizontal tangent (disc-tangents.test.ts, no backdrop, 8 % of the near depth sideways:
 * 2–3 empty pixels → 0, with the exact map too). Left cut, the pixel is drawn by its splat
 * (pixel-splats.ts), and relinkUnfilledCuts joins it after the passes when nothing was inpainted behind
 * it. Empty pixels with no backdrop at 1024 px, software renderer, 8 % of the near depth left / right /
 * down / up: moon 9/12/0/7 → 2/1/0/0, depthy_shelf 16/15/4/1 → 4/4/3/0, depthy_hut 11/93/11/27 →
 * 5/24/8/10; three.js at the comfort range's sideways, vertical and forward/back poses (bench/comfort.ts
 * --no-backdrop): moon 17/20/0/9/7/37 → 5/3/0/1/0/5, shelf 37/29/6/18/21/21 → 16/6/5/10/8/5, hut
 * 22/119/37/63/75/22 → 8/34/31/37/26/10; 330–760 fewer triangles. Own views move by meshoptimizer's
 * noise (three.js: moon 36.24 → 36.30, sample 40.96 → 40.73 dB; without meshoptimizer the sample's own
 * view is the same before and after, 53.41 dB in the software renderer).
 *
 * Expects layer 0 as ldiFromImage lays it out (pixel index = y · width + x). `pixels`, when given, are
 * the only photo pixels that can lack a link (ascending: the pixels beside the cuts; see withNeighbours
 * in depth-edges.ts): the rest of the photo is not looked at, the result is the same (joining only adds
 * links, so the pixels not listed keep both axes). Scanning every pixel's links took 30–45 ms of a fresh
 * 1024-px build for the ~1–2 % of pixels that can need it. Returns the number of pixels re-linked.
 *
 * ```ts
 * cutDepthEdges(ldi, filtered, edges, threshold);
 * reattachStripPixels(ldi, withNeighbours(edges.keptPixels, ldi.width, ldi.height));
 * ```
 */
export function reattachStripPixels(ldi: Ldi, pixels?: Int32Array): number {
	if (pixels === undefined) return reattachAll(ldi);
	let reattached = 0;
	for (let k = 0; k < pixels.length; k++) if (reattachPixel(ldi, pixels[k])) reattached++;
	return reattached;
}

function reattachAll(ldi: Ldi): number {
	const n = ldi.width * ldi.height;
	let reattached = 0;
	for (let p = 0; p < n; p++) if (reattachPixel(ldi, p)) reattached++;
	return reattached;
}

/** Joins photo pixel `p` on each axis it has no link on (see reattachStripPixels); true when it joined on one. */
function reattachPixel(ldi: Ldi, p: number): boolean {
	const {links} = ldi;
	const horizontal = links[p * 4 + LINK_LEFT] !== NO_LINK || links[p * 4 + LINK_RIGHT] !== NO_LINK;
	const vertical = links[p * 4 + LINK_UP] !== NO_LINK || links[p * 4 + LINK_DOWN] !== NO_LINK;
	if (horizontal && vertical) return false;
	// Each missing axis on its own: a speckle joined on one axis only would still be a strip.
	const joinedHorizontally = !horizontal && joinNearest(ldi, p, LINK_LEFT, LINK_RIGHT);
	const joinedVertically = !vertical && joinNearest(ldi, p, LINK_UP, LINK_DOWN);
	return joinedHorizontally || joinedVertically;
}

/**
 * Links photo pixel `p` to the one of its two neighbours along `first` / `second` nearer in disparity;
 * false when both are outside the photo, or when p is no ramp pixel on that axis: nearer than both
 * neighbours or farther than both (see reattachStripPixels).
 */
function joinNearest(ldi: Ldi, p: number, first: number, second: number): boolean {
	const {disparity, width, height} = ldi;
	const x = p % width;
	const y = (p - x) / width;
	let best = NO_LINK;
	let bestDirection = -1;
	let bestDifference = Infinity;
	let nearerNeighbours = 0;
	let fartherNeighbours = 0;
	for (const direction of [first, second]) {
		const qx = x + LINK_DX[direction];
		const qy = y + LINK_DY[direction];
		if (qx < 0 || qy < 0 || qx >= width || qy >= height) continue;
		const q = qy * width + qx;
		if (disparity[q] > disparity[p]) nearerNeighbours++;
		else fartherNeighbours++;
		const difference = Math.abs(disparity[p] - disparity[q]);
		if (difference < bestDifference) {
			bestDifference = difference;
			best = q;
			bestDirection = direction;
		}
	}
	if (best === NO_LINK || nearerNeighbours === 2 || fartherNeighbours === 2) return false;
	linkPixels(ldi, p, best, bestDirection);
	return true;
}
