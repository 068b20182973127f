/**
 * Context and synthesis regions of one depth edge (Shih et al. 2020, §3.2), cropped into an
 * {@link InpaintRegion}.
 *
 * From the edge's background silhouette, two breadth-first fronts grow alternately, one ring per step.
 * The synthesis region grows over lattice positions, stepping only into positions where the background
 * surface would be hidden (something there nearer than it by more than the threshold, nothing there on
 * it yet), so it never steps back across the silhouette into visible background. The context region
 * grows over LDI pixels, following links whose disparity step is below the threshold, so it stops at
 * silhouettes and at uncut short edges; and only into pixels farther than the occluder its silhouette
 * pixel is hidden by (minus the margin): where a depth map joins foreground and background smoothly
 * (the moon astronaut's feet on the ground), links would otherwise lead the context up into the
 * foreground, whose colour then showed in the hidden layer as bright spacesuit texture behind the
 * astronaut. The context stops at twice the synthesis depth (at most its thickness): small holes get
 * small contexts. The context pixels within `dilationPixels` link steps of the silhouette (their colour
 * mixes foreground and background where the depth edge is misaligned) become synthesis pixels for the
 * colour inpainter but are not merged as new pixels: the photo keeps its pixels, the new layer links to
 * them. For the depth inpainter they stay context (`depthRegion`), so the new pixels continue the
 * disparity of the photo pixels they link to: re-synthesized, a plane fitted further out met the seam
 * off by more than the threshold on ramps, the merge left it unlinked and a crack opened when the camera
 * moved (moon, 4 % move at 0/90/45/180/270°: 98/86/121/116/74 empty pixels → 55/96/121/88/53).
 *
 * Sizes. A synthesis band only has to cover what the product's camera moves can uncover: parallax
 * `parallaxPixels` between disparity 1 and 0 uncovers Δ · parallaxPixels behind a step of Δ, so each
 * band grows ceil(that) + `synthesisMarginPixels` rings, Δ measured against the front-most surface met
 * on the way (a ramp cut into several steps uncovers its whole height; against the immediate occluder
 * the bands behind the lower steps ended too soon), at most `synthesisThicknessPixels`. Measured with
 * diffusion, 2 passes, border on, 1024 px (hidden layers 1 + 2 in pixels; pixels left empty by the
 * software renderer, no gap filling, after a camera move giving 4 % of the long side between disparity
 * 1 and 0, converged at 0.5, in 5 directions):
 *   moon   paper 75/149 rings: 404 k + 319 k, 7.3 M px of crops, empty 14–52; parallax 4 %: 78 k + 95 k, 1.7 M, empty 32–115
 *   shelf  paper: 485 k + 559 k, empty 13–123; parallax: 29 k + 36 k, empty 98–393 (margin 10 instead of 4: 60 k + 69 k, 57–299)
 *   hut    paper: 498 k + 487 k, empty 10–135; parallax: 44 k + 71 k, empty 149–523
 * i.e. 4–16× less to inpaint for a few hundred scattered empty pixels (≤ 0.06 % of the view, where
 * fragmented 8-bit JPEG depth maps make many tiny bands), which the renderer's gap filling covers.
 * Tried: letting pass 2 extend only discontinuities inside the new layers, not the ends of the bands
 * (moon 77 k + 30 k pixels): 264–457 empty pixels, since bands on MiDaS ramps end early. Not kept.
 * The context may rise above its silhouette pixel by at most `contextCeilingFraction` of the step to
 * the occluder: a mid-depth object standing smoothly on the background is not background. Middlebury
 * right-view synthesis, patch inpainter, mean disoccluded PSNR vs the classic DIBR baseline: −0.39 dB
 * without, −0.30 dB with 0.5 (venus 18.19 → 18.60 dB, the other scenes within ±0.05). On the same
 * measure, larger regions score lower (paper sizes −0.62 dB, parallax 12 % of the long side −0.50,
 * 4 % −0.36): where the inpainted layer is not needed the renderer's gap fill, a copy of the farther
 * row end, is closer to the truth than the synthesized texture. No systematic foreground colour was
 * found in the hidden layers of cones (per-pixel comparison with that fill: both lose on similar
 * numbers of disoccluded pixels, 4.1 k vs 3.4 k of 20 k, half of them in the frame-border band).
 *
 * Tried (before the context ceiling): letting the synthesis follow only one continuous occluder
 * (neighbouring occluder disparities within the threshold). It hardly shrinks the layers — pass 2 picks up where the occluder changed —
 * but adds regions (moon 1024 px, passes 1 + 2: 124 + 205 regions and 485 k new pixels, instead of
 * 116 + 134 and 545 k), and each region costs the colour inpainter a fixed overhead. Not kept.
 *
 * Cost: both fronts are bounded by their thickness, so one edge costs O(edge length × thickness); all
 * per-position bookkeeping lives in stamp arrays allocated once per LDI (no clearing between edges) and
 * the fronts in two reused index lists. Moon at 1024 px, pass 1 (125 edges, crops totalling 6.0 M
 * pixels): ~400 ms of CPU for growing and cropping, most of it proportional to the crop area; with
 * parallax-sized regions (1.7 M px of crops over both passes) the whole regions stage is 110–150 ms of
 * CPU on a warm run, most of it the context front's random walk over the links.
 */
import {createInpaintRegion, type InpaintRegion} from '../inpaint/inpainter.js';
import {LINK_DX, LINK_DY, NO_LINK, type Ldi, latticeWidth, positionIndex} from './ldi.js';
import {isHiddenAt} from './silhouettes.js';
import {grownArray} from '../memory/grow-array.js';

/** Options for {@link RegionGrower.grow}; spatial sizes are at the working resolution (already scaled). */
export interface RegionOptions {
	/** Most rings of the synthesis region (paper's code: background thickness 70 at 960 px). */
	synthesisThicknessPixels: number;
	/**
	 * Parallax between disparity 1 and 0 of the largest camera move the scene is made for, pixels. An
	 * edge whose occluder is Δ nearer than its background reveals at most Δ · this many pixels, so its
	 * synthesis grows that many rings plus `synthesisMarginPixels` (never more than the thickness). 0 grows
	 * every edge to the full thickness (the paper's behaviour).
	 */
	parallaxPixels: number;
	/** Rings added to the parallax-derived depth of every synthesis region. */
	synthesisMarginPixels: number;
	/** Rings of the context region (paper's code: context thickness 140 at 960 px). */
	contextThicknessPixels: number;
	/** Context rings next to the silhouette handed to the inpainter as synthesis (paper: 5 px). */
	dilationPixels: number;
	/** Disparity step that counts as a discontinuity (normalized disparity). */
	thresholdDisparity: number;
	/** Synthesized disparity stays this far below the nearest pixel it is hidden by. */
	disparityMargin: number;
	/**
	 * Context pixels may be nearer than the silhouette pixel they grew from by at most this fraction of
	 * its step to the occluder (and at least the threshold): something joined smoothly to the background
	 * but standing halfway to the occluder is not background.
	 */
	contextCeilingFraction: number;
	/** No position gets more pixels than this (bounds memory when thresholds are extreme). */
	maxPixelsPerPosition: number;
}

/** One edge's inpainting problem and what the merge needs to put its result into the LDI. */
export interface EdgeRegion {
	/** The colour problem: the band next to the silhouette (`dilationPixels`) is synthesized too. */
	region: InpaintRegion;
	/**
	 * The depth problem: the same crop (sharing `region`'s buffers) with the band as context, so the
	 * new pixels continue the disparity of the photo pixels they link to at the seam.
	 */
	depthRegion: InpaintRegion;
	/** Photo coordinates of the crop's top-left pixel. */
	originX: number;
	originY: number;
	/** Per crop pixel: 1 where a new LDI pixel is to be made (synthesis minus the dilated band). */
	newPixelMask: Uint8Array;
	/** Per crop pixel: the context LDI pixel there (including the dilated band), or -1. */
	contextPixel: Int32Array;
	/** Number of pixels in `newPixelMask`. */
	newPixelCount: number;
	/**
	 * Link the new pixels to each other and to their context whatever their disparity step (border
	 * strips: no layer lies behind a strip, so a cut there is a hole as soon as the camera moves, while a
	 * link only stretches one pixel). Absent: steps above the merge threshold stay cut.
	 */
	linkAcrossSteps?: boolean;
}

/**
 * Grows regions for successive edges of one LDI, reusing its bookkeeping arrays; pixels may be added to
 * the LDI between calls (per-pixel arrays follow its capacity, the lattice never changes).
 *
 * ```ts
 * const grower = new RegionGrower(ldi);
 * const edgeRegion = grower.grow(edgePixels, hiddenDirections, options);
 * ```
 */
export class RegionGrower {
	private readonly ldi: Ldi;
	private stamp = 0;
	private readonly synthesisStamp: Int32Array;
	private readonly contextPositionStamp: Int32Array;
	private readonly backgroundDisparity: Float32Array;
	private readonly occluderDisparity: Float32Array;
	/** Per synthesis position, the ring the synthesis may grow to through it. */
	private readonly ringLimit: Int32Array;
	private contextStamp: Int32Array;
	private readonly synthesisList = new IndexList();
	private readonly contextList = new IndexList();
	private contextDepth: Int32Array;
	private contextCeiling: Float32Array;

	constructor(ldi: Ldi) {
		this.ldi = ldi;
		const positions = ldi.firstAtPosition.length;
		this.synthesisStamp = new Int32Array(positions);
		this.contextPositionStamp = new Int32Array(positions);
		this.backgroundDisparity = new Float32Array(positions);
		this.occluderDisparity = new Float32Array(positions);
		this.ringLimit = new Int32Array(positions);
		this.contextStamp = new Int32Array(ldi.x.length);
		this.contextDepth = new Int32Array(ldi.x.length);
		this.contextCeiling = new Float32Array(ldi.x.length);
	}

	/**
	 * The regions of the edge whose silhouette is `edgePixels` (hidden towards the directions in
	 * `hiddenDirections`), or undefined when there is nothing to synthesize or no context to learn from.
	 */
	grow(edgePixels: Int32Array, hiddenDirections: Uint8Array, options: RegionOptions): EdgeRegion | undefined {
		if (this.contextStamp.length < this.ldi.count) this.growPixelArrays();
		const stamp = ++this.stamp;
		const maxRings = options.synthesisThicknessPixels;
		const synthesis = this.synthesisList;
		const context = this.contextList;
		synthesis.length = 0;
		context.length = 0;
		// One function per loop: see planar-quadtree.ts.
		this.seedFronts(edgePixels, hiddenDirections, options, stamp);
		if (synthesis.length === 0) return undefined;
		let synthesisStart = 0;
		let contextStart = 0;
		let synthesisRings = 1;
		for (let step = 1; ; step++) {
			const growSynthesis = step < maxRings && synthesisStart < synthesis.length;
			// A hole only needs context about twice its own depth: small occluders get small contexts
			// instead of the full thickness around them.
			const contextLimit = Math.min(options.contextThicknessPixels, 2 * synthesisRings + options.dilationPixels);
			const growContext = step <= contextLimit && contextStart < context.length;
			if (!growSynthesis && !growContext) break;
			if (growSynthesis) {
				const end = synthesis.length;
				this.growSynthesisRing(synthesisStart, end, step, stamp, options);
				synthesisStart = end;
				if (synthesis.length > end) synthesisRings = step + 1;
			}
			if (growContext) {
				const end = context.length;
				this.growContextRing(contextStart, end, step, stamp, options.thresholdDisparity);
				contextStart = end;
			}
		}
		return this.crop(synthesis, context, options);
	}

	/** Grows the per-pixel arrays to the LDI's capacity (pixels were added since they were made). */
	private growPixelArrays(): void {
		const length = this.ldi.x.length;
		this.contextStamp = grownArray(this.contextStamp, length);
		this.contextDepth = grownArray(this.contextDepth, length);
		this.contextCeiling = grownArray(this.contextCeiling, length);
	}

	/**
	 * Starts both fronts from the silhouette: its pixels are the context's ring 0 (with their disparity
	 * ceilings), the hidden positions beside them the synthesis' ring 0.
	 */
	private seedFronts(edgePixels: Int32Array, hiddenDirections: Uint8Array, options: RegionOptions, stamp: number): void {
		const {ldi, synthesisStamp, contextPositionStamp, backgroundDisparity, occluderDisparity, ringLimit, contextStamp, contextDepth, contextCeiling} = this;
		const threshold = options.thresholdDisparity;
		const maxPixels = options.maxPixelsPerPosition;
		const synthesis = this.synthesisList;
		const context = this.contextList;
		for (const p of edgePixels) {
			contextStamp[p] = stamp;
			contextDepth[p] = 0;
			contextPositionStamp[positionIndex(ldi, ldi.x[p], ldi.y[p])] = stamp;
			context.push(p);
			const bits = hiddenDirections[p];
			let nearestOccluder = Infinity;
			for (let k = 0; k < 4; k++) {
				if ((bits & (1 << k)) === 0) continue;
				const position = positionIndex(ldi, ldi.x[p] + LINK_DX[k], ldi.y[p] + LINK_DY[k]);
				if (synthesisStamp[position] === stamp) {
					nearestOccluder = Math.min(nearestOccluder, occluderDisparity[position]);
					ringLimit[position] = Math.max(ringLimit[position], ringsNeeded(options, frontDisparityAt(ldi, position) - ldi.disparity[p]));
					continue;
				}
				// Earlier edges of this pass may have filled the position since the silhouettes were found.
				const occluder = occluderAt(ldi, position, ldi.disparity[p], threshold, maxPixels);
				if (occluder < 0) continue;
				nearestOccluder = Math.min(nearestOccluder, occluder);
				synthesisStamp[position] = stamp;
				backgroundDisparity[position] = ldi.disparity[p];
				occluderDisparity[position] = occluder;
				ringLimit[position] = ringsNeeded(options, frontDisparityAt(ldi, position) - ldi.disparity[p]);
				synthesis.push(position);
			}
			const d = ldi.disparity[p];
			contextCeiling[p] = nearestOccluder === Infinity
				? d + threshold - options.disparityMargin
				: Math.min(nearestOccluder - options.disparityMargin, d + Math.max(threshold, options.contextCeilingFraction * (nearestOccluder - d)));
		}
	}

	/** Grows the synthesis front by ring `step`: the positions `synthesisList[start, end)` step into. */
	private growSynthesisRing(start: number, end: number, step: number, stamp: number, options: RegionOptions): void {
		const {ldi, synthesisStamp, contextPositionStamp, backgroundDisparity, occluderDisparity, ringLimit} = this;
		const lw = latticeWidth(ldi);
		const threshold = options.thresholdDisparity;
		const maxPixels = options.maxPixelsPerPosition;
		const synthesis = this.synthesisList;
		for (let i = start; i < end; i++) {
			const position = synthesis.data[i];
			const limit = ringLimit[position];
			if (step >= limit) continue;
			const x = (position % lw) - ldi.border;
			const y = ((position - x - ldi.border) / lw) - ldi.border;
			const reference = backgroundDisparity[position];
			for (let k = 0; k < 4; k++) {
				const nx = x + LINK_DX[k];
				const ny = y + LINK_DY[k];
				if (nx < 0 || ny < 0 || nx >= ldi.width || ny >= ldi.height) continue;
				const next = position + LINK_DX[k] + LINK_DY[k] * lw;
				if (synthesisStamp[next] === stamp) {
					if (ringLimit[next] < limit) ringLimit[next] = limit;
					continue;
				}
				if (contextPositionStamp[next] === stamp) continue;
				const occluder = occluderAt(ldi, next, reference, threshold, maxPixels);
				if (occluder < 0) continue;
				synthesisStamp[next] = stamp;
				backgroundDisparity[next] = reference;
				occluderDisparity[next] = occluder;
				// The band must reach as far as the front-most surface met on the way can uncover: the
				// surfaces between may be bands that end sooner.
				ringLimit[next] = Math.max(limit, ringsNeeded(options, frontDisparityAt(ldi, next) - reference));
				synthesis.push(next);
			}
		}
	}

	/** Grows the context front by ring `step`: the linked pixels `contextList[start, end)` lead to. */
	private growContextRing(start: number, end: number, step: number, stamp: number, threshold: number): void {
		const {ldi, synthesisStamp, contextPositionStamp, contextStamp, contextDepth, contextCeiling} = this;
		const lw = latticeWidth(ldi);
		const context = this.contextList;
		for (let i = start; i < end; i++) {
			const p = context.data[i];
			const disparity = ldi.disparity[p];
			const ceiling = contextCeiling[p];
			// Links join lattice neighbours: q's position follows from p's without reading q's x, y.
			const from = (ldi.y[p] + ldi.border) * lw + ldi.x[p] + ldi.border;
			for (let k = 0; k < 4; k++) {
				const q = ldi.links[p * 4 + k];
				if (q === NO_LINK || contextStamp[q] === stamp) continue;
				const dq = ldi.disparity[q];
				if (Math.abs(dq - disparity) > threshold || dq >= ceiling) continue;
				const position = from + LINK_DX[k] + LINK_DY[k] * lw;
				if (synthesisStamp[position] === stamp) continue;
				contextStamp[q] = stamp;
				contextDepth[q] = step;
				contextCeiling[q] = ceiling;
				contextPositionStamp[position] = stamp;
				context.push(q);
			}
		}
	}

	private crop(synthesis: IndexList, context: IndexList, options: RegionOptions): EdgeRegion | undefined {
		const ldi = this.ldi;
		// Bounds start at a synthesis position, not at ±Infinity: fields that once held a double keep
		// the crop's width a double, and with it the fields of every inpainting region and patch level
		// (the patch inpainter ran ~25 % slower).
		const start = synthesisPosition(ldi, synthesis.data[0]);
		const bounds: Bounds = {minX: start.x, minY: start.y, maxX: start.x, maxY: start.y};
		addSynthesisBounds(ldi, synthesis, bounds);
		addContextBounds(ldi, context, bounds);
		const {minX, minY} = bounds;
		const width = bounds.maxX - minX + 1;
		const height = bounds.maxY - minY + 1;
		const n = width * height;
		const region = createInpaintRegion(width, height);
		const contextPixel = new Int32Array(n).fill(-1);
		const newPixelMask = new Uint8Array(n);
		const depthContextMask = new Uint8Array(n);
		const kept = copyContext(ldi, context, minX, minY, width, this.contextDepth, options.dilationPixels, region, contextPixel, depthContextMask);
		if (kept > 0) resynthesizeBand(ldi, context, minX, minY, width, this.contextDepth, options.dilationPixels, region, contextPixel);
		markSynthesis(ldi, synthesis, minX, minY, width, this.occluderDisparity, options.disparityMargin, region, newPixelMask);
		// Spelled out in createInpaintRegion's order rather than spread: a spread's first copy gets another
		// hidden class than the later ones, which deoptimized the depth inpainter.
		const depthRegion: InpaintRegion = {
			width, height, color: region.color, disparity: region.disparity, contextMask: depthContextMask, synthesisMask: newPixelMask,
			disparityCeiling: region.disparityCeiling,
		};
		return {region, depthRegion, originX: minX, originY: minY, newPixelMask, contextPixel, newPixelCount: synthesis.length};
	}
}

/** Photo-coordinate bounds of a region's crop (inclusive). */
interface Bounds {
	minX: number;
	minY: number;
	maxX: number;
	maxY: number;
}

/** Photo coordinates of lattice position `position`. */
function synthesisPosition(ldi: Ldi, position: number): {x: number; y: number} {
	const lw = latticeWidth(ldi);
	return {x: (position % lw) - ldi.border, y: Math.floor(position / lw) - ldi.border};
}

/** Extends `bounds` over the lattice positions of `synthesis`. */
function addSynthesisBounds(ldi: Ldi, synthesis: IndexList, bounds: Bounds): void {
	const lw = latticeWidth(ldi);
	let {minX, minY, maxX, maxY} = bounds;
	for (let i = 0; i < synthesis.length; i++) {
		const position = synthesis.data[i];
		const x = (position % lw) - ldi.border;
		const y = Math.floor(position / lw) - ldi.border;
		if (x < minX) minX = x;
		if (x > maxX) maxX = x;
		if (y < minY) minY = y;
		if (y > maxY) maxY = y;
	}
	bounds.minX = minX;
	bounds.minY = minY;
	bounds.maxX = maxX;
	bounds.maxY = maxY;
}

/** Extends `bounds` over the pixels of `context`. */
function addContextBounds(ldi: Ldi, context: IndexList, bounds: Bounds): void {
	let {minX, minY, maxX, maxY} = bounds;
	for (let i = 0; i < context.length; i++) {
		const p = context.data[i];
		if (ldi.x[p] < minX) minX = ldi.x[p];
		if (ldi.x[p] > maxX) maxX = ldi.x[p];
		if (ldi.y[p] < minY) minY = ldi.y[p];
		if (ldi.y[p] > maxY) maxY = ldi.y[p];
	}
	bounds.minX = minX;
	bounds.minY = minY;
	bounds.maxX = maxX;
	bounds.maxY = maxY;
}

/**
 * Copies the context pixels into the crop (the first pixel of `context` at each crop pixel) as colour
 * and depth context; returns how many lie at least `dilationPixels` rings from the silhouette.
 */
function copyContext(
	ldi: Ldi, context: IndexList, minX: number, minY: number, width: number, contextDepth: Int32Array, dilationPixels: number,
	region: InpaintRegion, contextPixel: Int32Array, depthContextMask: Uint8Array,
): number {
	let kept = 0;
	for (let i = 0; i < context.length; i++) {
		const p = context.data[i];
		const c = (ldi.y[p] - minY) * width + ldi.x[p] - minX;
		if (contextPixel[c] !== -1) continue;
		contextPixel[c] = p;
		region.contextMask[c] = 1;
		depthContextMask[c] = 1;
		region.color[c * 3] = ldi.color[p * 3];
		region.color[c * 3 + 1] = ldi.color[p * 3 + 1];
		region.color[c * 3 + 2] = ldi.color[p * 3 + 2];
		region.disparity[c] = ldi.disparity[p];
		if (contextDepth[p] >= dilationPixels) kept++;
	}
	return kept;
}

/** Turns the crop's context pixels within `dilationPixels` rings of the silhouette into colour synthesis. */
function resynthesizeBand(
	ldi: Ldi, context: IndexList, minX: number, minY: number, width: number, contextDepth: Int32Array, dilationPixels: number,
	region: InpaintRegion, contextPixel: Int32Array,
): void {
	for (let i = 0; i < context.length; i++) {
		const p = context.data[i];
		if (contextDepth[p] >= dilationPixels) continue;
		const c = (ldi.y[p] - minY) * width + ldi.x[p] - minX;
		if (contextPixel[c] !== p) continue;
		region.contextMask[c] = 0;
		region.synthesisMask[c] = 1;
	}
}

/** Marks the synthesis positions in the crop as new pixels, with their disparity ceilings. */
function markSynthesis(
	ldi: Ldi, synthesis: IndexList, minX: number, minY: number, width: number, occluderDisparity: Float32Array, disparityMargin: number,
	region: InpaintRegion, newPixelMask: Uint8Array,
): void {
	const lw = latticeWidth(ldi);
	for (let i = 0; i < synthesis.length; i++) {
		const position = synthesis.data[i];
		const x = (position % lw) - ldi.border;
		const y = Math.floor(position / lw) - ldi.border;
		const c = (y - minY) * width + x - minX;
		region.synthesisMask[c] = 1;
		region.contextMask[c] = 0;
		newPixelMask[c] = 1;
		region.disparityCeiling[c] = Math.max(0, occluderDisparity[position] - disparityMargin);
	}
}
/** Synthesis rings an edge needs where its occluder is `jumpDisparity` nearer than its background. */
function ringsNeeded(options: RegionOptions, jumpDisparity: number): number {
	if (options.parallaxPixels <= 0) return options.synthesisThicknessPixels;
	return Math.min(options.synthesisThicknessPixels, Math.ceil(options.parallaxPixels * jumpDisparity) + options.synthesisMarginPixels);
}

/** Disparity of the front-most pixel at lattice position `position` (-Infinity when empty). */
function frontDisparityAt(ldi: Ldi, position: number): number {
	let front = -Infinity;
	for (let p = ldi.firstAtPosition[position]; p !== NO_LINK; p = ldi.nextAtPosition[p]) if (ldi.disparity[p] > front) front = ldi.disparity[p];
	return front;
}

/**
 * The disparity of the occluder that hides a surface at `disparity` at lattice position `position` (the
 * farthest pixel there nearer than `disparity + gap`), or -1 when the surface is not hidden there (see
 * {@link isHiddenAt}).
 */
function occluderAt(ldi: Ldi, position: number, disparity: number, gap: number, maxPixels: number): number {
	if (!isHiddenAt(ldi, position, disparity, gap, maxPixels)) return -1;
	let occluder = Infinity;
	const above = disparity + gap;
	for (let p = ldi.firstAtPosition[position]; p !== NO_LINK; p = ldi.nextAtPosition[p]) {
		if (ldi.disparity[p] > above && ldi.disparity[p] < occluder) occluder = ldi.disparity[p];
	}
	return occluder;
}

/** A reusable growable list of indices: the fronts of every edge share two of these, no per-edge arrays. */
class IndexList {
	data: Int32Array = new Int32Array(1024);
	length = 0;

	push(value: number): void {
		if (this.length === this.data.length) this.growData();
		this.data[this.length++] = value;
	}

	/** Doubles the capacity (the rare path of {@link push}, kept out of it). */
	private growData(): void {
		this.data = grownArray(this.data, this.data.length * 2);
	}
}
