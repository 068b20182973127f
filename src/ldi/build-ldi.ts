/**
 * The LDI engine (Shih et al. 2020): photo + disparity → a Layered Depth Image whose hidden surfaces
 * behind every depth edge exist as inpainted colour and depth.
 *
 * Stages: normalize disparity to [0, 1]; bilateral median filter; depth edges (detect, link, drop
 * short); ldiFromImage and cut the links across kept edges; then `passes` times: silhouettes of the
 * newest layer → per edge context/synthesis regions → depth inpainting → colour inpainting → merge as
 * layer `pass`; finally the frame-border strips as their own layer, `passes + 1` (so layer k is still
 * "made by pass k", layer 0 stays exactly the photo, whose texture the mesher maps 1:1, and the border
 * can be toggled on its own; its pixels link to layer 0 across the frame edge like any inpainted layer
 * links to its context).
 *
 * Edges are inpainted one after another, each region grown on the LDI as the previous edges left it: a
 * later edge then sees the earlier edges' pixels (as context, and as occupied positions it must not
 * fill again), which is what keeps overlapping regions from making duplicate pixels.
 *
 * Synthesis bands are sized by the parallax a move of `maxParallaxPercent` can reveal (regions.ts);
 * that cut the hidden pixels from 0.7–1.25 M to 65–171 k at 1024 px. LDI stage CPU now (bench/ldi.ts,
 * coherence, snapping on): moon ~1.85 s, shelf ~1.9 s, hut ~1.9 s (bench/RESULTS.md). Not kept: 128-px
 * tiles of long edges (no gain); inpainting or the frame strips on a worker thread (regions chain on
 * earlier merges; in a fresh process the worker's start-up made builds 2–15 % slower). The measurements
 * are in the commit history of this file and in RESULTS.md.
 */
import {UserError} from '../errors.js';
import {BILATERAL_MEDIAN_DEFAULTS, type BilateralMedianOptions, bilateralMedianFilter} from '../image/bilateral-median.js';
import type {FloatImage, RgbImage} from '../image/raster.js';
import {inpaintDisparity} from '../inpaint/depth.js';
import type {ColorInpainter} from '../inpaint/inpainter.js';
import {releaseMembraneKernel} from '../inpaint/membrane.js';
import {collectGarbage} from '../memory/collect-garbage.js';
import {DEFAULT_COLOR_INPAINTER, getColorInpainter} from '../inpaint/registry.js';
import {COARSE_TO_FINE_DEFAULTS, type CoarseToFineOptions, inpaintCoarseToFine} from '../inpaint/coarse-to-fine.js';
import {ScratchArrays} from '../inpaint/scratch.js';
import {BORDER_SIDES, type BorderSide, borderRegion, stripContextBandPixels} from './border.js';
import {type LdiDebugImages, renderDebugImages} from './debug.js';
import {cutDepthEdges, type DepthEdges, detectDepthEdges, updateDepthEdges, withNeighbours} from './depth-edges.js';
import {normalizeDisparity} from '../depth/normalize.js';
import {reattachStripPixels} from './reattach-strips.js';
import {relinkUnfilledCuts} from './relink-unfilled-cuts.js';
import {type Ldi, ldiFromImage, pixelsPerLayer} from './ldi.js';
import {mergeRegion} from './merge.js';
import {mixedPixelMoves} from './mixed-pixels.js';
import {type EdgeRegion, RegionGrower, type RegionOptions} from './regions.js';
import {findSilhouetteEdges} from './silhouettes.js';
import {snapDepthEdgesToColor} from './snap-edges.js';
import {restoreStepsOffEdges, sharpenSoftSteps} from './soft-steps.js';
import {EXACT_STEP_SHARE, measureStepSharpness} from '../depth/step-sharpness.js';

/** Options for {@link buildLdi}. Spatial sizes are at `referenceSizePixels` and scale with the photo. */
export interface BuildLdiOptions {
	/** Colour inpainter: a registered name ('patch', 'diffusion', 'onnx', …) or an instance. */
	inpainter: string | ColorInpainter;
	/** Options handed to the registry when `inpainter` is a name. */
	inpainterOptions: Readonly<Record<string, unknown>>;
	/** Inpainting passes; pass k makes layer k from the silhouettes of layer k - 1 (paper: ~2). */
	passes: number;
	/** Disparity step between 4-neighbours that is a depth edge (normalized disparity). */
	thresholdDisparity: number;
	/**
	 * Whether the map's steps are on the objects' outlines. 'estimated' (networks, phones, upscaled maps:
	 * steps a few pixels off and blurred): they are snapped to colour edges (`snapEdgesToColor`) and a band
	 * of `dilationPixels` beside each outline is re-synthesized. 'exact' (rendered, measured, true maps):
	 * neither. 'auto': exact when the map was made at the LDI's resolution or finer
	 * (`depthSampleSpacingPixels` ≤ 1) and its steps are one pixel sharp (depth/step-sharpness.ts).
	 */
	depthEdges: 'auto' | 'exact' | 'estimated';
	/**
	 * Move every kept depth edge onto the colour edge it belongs to before cutting (snap-edges.ts), for
	 * estimated maps (see `depthEdges`), whose steps sit a few pixels off the outline.
	 */
	snapEdgesToColor: boolean;
	/** Half-width of the zone around each edge that snapping may change, pixels (misalignment of a sharp map). */
	snapRadiusPixels: number;
	/**
	 * Photo pixels per sample of the depth map as it was made (e.g. 1.6 for a 640-px map of a 1024-px photo;
	 * 1 when unknown); the snapping zone widens by twice this, since upscaling blurs each step over it.
	 */
	depthSampleSpacingPixels: number;
	/**
	 * Samples of the depth map as it was made (× `depthSampleSpacingPixels` photo pixels) over which a step
	 * the map spread out (a ramp under the threshold per pixel, or a staircase of mixed values that the edge
	 * linking breaks up) is made one pixel wide before the edges are found (soft-steps.ts): networks and
	 * phone maps spread an outline's step over 2–4 samples. Only where edges are snapped (estimated maps
	 * with `snapEdgesToColor`: the snapping puts the sharpened step on the outline); below 2: off.
	 */
	softStepSpanSamples: number;
	/**
	 * Give the mixed pixels just outside each outline (part object, part background) to the object when
	 * their colour is mostly the object's (mixed-pixels.ts), so no outline of it stays on the background.
	 */
	mixedPixelsToForeground: boolean;
	/** Edges with fewer silhouette pixels are not cut nor inpainted. */
	minEdgeLengthPixels: number;
	/**
	 * Parallax between the nearest and the farthest surface (disparity 1 and 0) of the largest camera
	 * move the scene is made for, percent of the long side. An edge whose occluder is Δ nearer than its
	 * background can reveal Δ times that, so its synthesis region grows that deep (Δ taken against the
	 * front-most surface met on the way; plus `synthesisMarginPixels`, at most
	 * `synthesisThicknessPixels`). Default 4 %: stereo pairs use 2.5 % of the width between both eyes,
	 * camera paths 2–4 %. 0 grows every region to the full thickness, as the paper does
	 * ({@link PAPER_REGION_OPTIONS}).
	 */
	maxParallaxPercent: number;
	/** Rings added to every parallax-sized synthesis region (edge misalignment, mesh error). */
	synthesisMarginPixels: number;
	/**
	 * Most synthesis rings grown behind an edge (paper's code: 70 at 960 px); raised to what
	 * `maxParallaxPercent` can reveal behind a full-range step when that is more.
	 */
	synthesisThicknessPixels: number;
	/**
	 * Most context rings grown into the visible background (paper's code: 140 at 960 px); raised to twice
	 * the parallax-derived synthesis depth when that is more.
	 */
	contextThicknessPixels: number;
	/** Context rings next to the edge re-synthesized rather than trusted, for estimated maps (paper: 5). */
	dilationPixels: number;
	/** Inpainted disparity stays at least this far below the foreground hiding it. */
	disparityMargin: number;
	/**
	 * Context (the inpainters' only source) may rise above the background at the edge by at most this
	 * fraction of the edge's depth step: what stands halfway to the occluder, even joined smoothly to
	 * the background (a cone on a table, feet on the ground), is not background.
	 */
	contextCeilingFraction: number;
	/** Most pixels one lattice position may hold (depth complexity cap; bounds memory). */
	maxPixelsPerPosition: number;
	/** Extend the scene past the frame. */
	extendBorder: boolean;
	/**
	 * Width of the border extension (paper's code: 60 at 960 px). buildScene sizes it per photo from the
	 * comfort range (scene/comfort-range.ts); the default is what that gives at the default field of view
	 * and depth range: 8 % of the near depth sideways combined with 10 % back, 96.5 + 3 px at 1024 px.
	 */
	borderPixels: number;
	/** Depth of the band inside the frame the border strips learn from. */
	borderContextPixels: number;
	/**
	 * The sides of the frame extended. A view that only moves sideways (a stereo pair drawn from the LDI)
	 * never shows the rows above and below the photo: `['left', 'right']` skips those strips (moon's
	 * `stereo`: −5 % CPU of the whole process, the pair identical but for 216 bytes near the corners).
	 */
	borderSides: readonly BorderSide[];
	/** Long side (pixels) the spatial sizes above are given for. */
	referenceSizePixels: number;
	/** Bilateral median filter settings (its discontinuity threshold follows `thresholdDisparity`). */
	filter: Partial<Omit<BilateralMedianOptions, 'discontinuityThreshold'>>;
	/** Also render the debug images (disparity-filtered, edges, regions, per-layer colour and disparity). */
	debug: boolean;
	/**
	 * Re-link layer-0 cuts that no inpainted surface lies behind (a stretched pixel instead of a hole;
	 * see relink-unfilled-cuts.ts). false keeps them cut, to see what inpainting alone covers.
	 */
	relinkUnfilledCuts: boolean;
	/** What to call the disparity input in error messages (e.g. its file name). */
	disparityName: string;
}

export const BUILD_LDI_DEFAULTS: BuildLdiOptions = {
	inpainter: DEFAULT_COLOR_INPAINTER,
	inpainterOptions: {},
	passes: 2,
	thresholdDisparity: 0.02,
	depthEdges: 'auto',
	snapEdgesToColor: true,
	snapRadiusPixels: 4,
	depthSampleSpacingPixels: 1,
	softStepSpanSamples: 3,
	mixedPixelsToForeground: true,
	minEdgeLengthPixels: 10,
	maxParallaxPercent: 4,
	synthesisMarginPixels: 4,
	// 4 % of 1024 px plus the margin, and twice that: no parallax-sized region needs more.
	synthesisThicknessPixels: 45,
	contextThicknessPixels: 90,
	dilationPixels: 5,
	disparityMargin: 0.01,
	contextCeilingFraction: 0.5,
	maxPixelsPerPosition: 8,
	extendBorder: true,
	borderPixels: 100,
	borderContextPixels: 128,
	borderSides: BORDER_SIDES,
	referenceSizePixels: 1024,
	filter: {},
	debug: false,
	relinkUnfilledCuts: true,
	disparityName: 'disparity',
};

/**
 * The paper's region sizes (Shih et al.'s code at 960 px, scaled to 1024): every edge grows 75 synthesis
 * and 149 context rings whatever its depth step.
 *
 * ```ts
 * const {ldi} = await buildLdi(image, disparity, {...PAPER_REGION_OPTIONS});
 * ```
 */
export const PAPER_REGION_OPTIONS: Readonly<Pick<BuildLdiOptions, 'maxParallaxPercent' | 'synthesisThicknessPixels' | 'contextThicknessPixels'>> = {
	maxParallaxPercent: 0,
	synthesisThicknessPixels: 75,
	contextThicknessPixels: 149,
};

/** Milliseconds spent per stage of {@link buildLdi}. */
export interface LdiTimings {
	filter: number;
	edges: number;
	regions: number;
	inpaint: number;
	merge: number;
	total: number;
}

/** What {@link buildLdi} did. */
export interface LdiStats {
	/** Depth-edge components found on the filtered disparity, before dropping short ones. */
	edgesFound: number;
	/** Edges kept (cut in layer 0). */
	edgesKept: number;
	/** How the map's steps were taken (`depthEdges`, 'auto' decided). */
	depthEdges: 'exact' | 'estimated';
	/** The median share of a step its own pixel pair makes (1: one-pixel steps; see depth/step-sharpness.ts), when measured. */
	stepShare?: number;
	/** Edges inpainted in each pass (index 0 = pass 1). */
	edgesPerPass: number[];
	/** Pixels in each layer (index = layer). */
	pixelsPerLayer: number[];
	/** Layer of the border extension (`passes + 1`), or -1 without one. */
	borderLayerIndex: number;
	/** Border width actually used, pixels (after scaling). */
	borderPixels: number;
	/** Inpainting calls (edge regions and border strips). */
	inpaintCalls: number;
	/** Pixels of all crops handed to the inpainters (what their cost grows with). */
	inpaintCropPixels: number;
	/** Wall-clock milliseconds per stage. */
	timingsMs: LdiTimings;
	/**
	 * CPU milliseconds of the process per stage (user + system, all threads): the fair figure on a busy
	 * machine. Regions, inpaint and merge share the CPU time of the per-edge loop in proportion to
	 * their wall time.
	 */
	cpuTimingsMs: LdiTimings;
}

/** Result of {@link buildLdi}. */
export interface BuildLdiResult {
	ldi: Ldi;
	stats: LdiStats;
	/** Present when `options.debug`. */
	debug?: LdiDebugImages;
}

/**
 * Builds the layered depth image of `image` with disparity `disparity` (any scale, larger = nearer;
 * non-finite values are treated as the farthest). Throws a {@link UserError} when the disparity has no
 * finite value or does not match the image size. Deterministic for the same input and options.
 *
 * ```ts
 * const {ldi, stats} = await buildLdi(photo.image, disparity, {inpainter: 'patch', passes: 2});
 * console.log(stats.edgesKept, stats.pixelsPerLayer);
 * ```
 */
export async function buildLdi(image: RgbImage, disparity: FloatImage, options: Partial<BuildLdiOptions> = {}): Promise<BuildLdiResult> {
	const settings = {...BUILD_LDI_DEFAULTS, ...options};
	const clock = new StageClock();
	const {width, height} = image;
	if (disparity.width !== width || disparity.height !== height) {
		throw new UserError(`${settings.disparityName}: is ${disparity.width}x${disparity.height}, the photo is ${width}x${height}`);
	}
	if (width < 1 || height < 1) throw new UserError(`${settings.disparityName}: the photo is empty (${width}x${height})`);
	const inpainter = typeof settings.inpainter === 'string' ? getColorInpainter(settings.inpainter, settings.inpainterOptions) : settings.inpainter;
	const longSide = Math.max(width, height);
	const scale = longSide / settings.referenceSizePixels;
	const scaled = (pixels: number): number => scaledPixels(pixels, scale);
	const threshold = settings.thresholdDisparity;
	const passes = Math.max(0, Math.floor(settings.passes));
	const parallaxPixels = Math.max(0, settings.maxParallaxPercent) / 100 * longSide;
	const parallaxRings = parallaxRingCount(settings, longSide);

	const edgeOptions = {thresholdDisparity: threshold, minEdgeLengthPixels: settings.minEdgeLengthPixels, referenceSizePixels: settings.referenceSizePixels};
	const stripPlan = frameStripPlan(settings, longSide, inpainter.contextReachPixels);
	const {borderPixels} = stripPlan;
	const synthesisThicknessPixels = synthesisBandPixels(settings, longSide);
	// Each stage in a function of its own, so that its images (filtered disparity, edge maps, the region
	// grower's lattice arrays) can be collected once it is done, not when buildLdi returns.
	const layerZero = cutLayerZero(image, disparity, borderPixels, settings, scale, edgeOptions, clock);
	const {ldi} = layerZero;
	const regionMask = settings.debug ? new Uint8Array(width * height) : undefined;
	const {edgesPerPass, inpaintCalls: passCalls, inpaintCropPixels: passCropPixels} = await inpaintPasses(ldi, layerZero.candidates, inpainter, {
		// A larger parallax than the defaults are sized for raises the caps with it.
		synthesisThicknessPixels,
		contextThicknessPixels: Math.max(1, scaled(settings.contextThicknessPixels), 2 * parallaxRings),
		parallaxPixels,
		synthesisMarginPixels: scaled(settings.synthesisMarginPixels),
		dilationPixels: layerZero.exactEdges ? 0 : scaled(settings.dilationPixels),
		thresholdDisparity: threshold,
		disparityMargin: settings.disparityMargin,
		contextCeilingFraction: settings.contextCeilingFraction,
		maxPixelsPerPosition: Math.max(1, settings.maxPixelsPerPosition),
	}, passes, edgeOptions, clock, regionMask);
	let inpaintCalls = passCalls;
	let inpaintCropPixels = passCropPixels;

	if (settings.relinkUnfilledCuts) relinkUnfilledCuts(ldi);
	// The passes' garbage (region grower, silhouettes, crops) goes before the strips fill the border.
	collectGarbage();
	const borderLayerIndex = borderPixels > 0 ? passes + 1 : -1;
	if (borderPixels > 0) {
		// One set of crop and work arrays for the four strips, each merged before the next is made; no room
		// to spare: the top and bottom strips' crops are of one size, the left and right ones' of another.
		const stripScratch = new ScratchArrays(1);
		for (const side of BORDER_SIDES) {
			if (!settings.borderSides.includes(side)) continue;
			const strip = borderRegion(ldi, side, stripPlan.contextBandPixels, stripScratch);
			clock.lap('regions');
			if (!strip) continue;
			const color = await inpaintCoarseToFine(inpainter, strip.region, stripPlan.coarseToFine, stripScratch);
			clock.lap('inpaint');
			mergeRegion(ldi, strip, strip.region.disparity, color, borderLayerIndex, threshold);
			clock.lap('merge');
			inpaintCalls++;
			inpaintCropPixels += strip.region.width * strip.region.height;
		}
	}
	inpainter.release?.();
	// The depth and colour fills share the membrane kernel; its memory is kept only while they run.
	releaseMembraneKernel();
	const stats: LdiStats = {
		edgesFound: layerZero.edgesFound,
		edgesKept: layerZero.edgesKept,
		depthEdges: layerZero.exactEdges ? 'exact' : 'estimated',
		...(layerZero.stepShare === undefined ? {} : {stepShare: layerZero.stepShare}),
		edgesPerPass,
		pixelsPerLayer: pixelsPerLayer(ldi),
		borderLayerIndex,
		borderPixels,
		inpaintCalls,
		inpaintCropPixels,
		timingsMs: clock.wall,
		cpuTimingsMs: clock.cpu,
	};
	clock.finish();
	const {filtered, edges} = layerZero;
	const debug = regionMask && filtered && edges ? renderDebugImages({image, filtered, edges, regionMask, ldi, thresholdDisparity: threshold}) : undefined;
	return {ldi, stats, debug};
}

/** How {@link buildLdi} makes the frame-border strips of a photo: their width, context band and inpainting. */
export interface FrameStripPlan {
	/** Width of each strip, pixels. */
	borderPixels: number;
	/** Depth of the band of the photo each strip's crop holds, pixels. */
	contextBandPixels: number;
	/** How each strip is inpainted (inpaintCoarseToFine). */
	coarseToFine: CoarseToFineOptions;
}

/**
 * The frame strips {@link buildLdi} makes for a photo of `longSidePixels` with `settings`, when the colour
 * inpainter reads `contextReachPixels` past its synthesis bounds (bench/eval-border.ts measures them).
 *
 * ```ts
 * const plan = frameStripPlan(BUILD_LDI_DEFAULTS, 1024, new CoherenceInpainter().contextReachPixels);
 * ```
 */
export function frameStripPlan(settings: BuildLdiOptions, longSidePixels: number, contextReachPixels: number | undefined): FrameStripPlan {
	const scale = longSidePixels / settings.referenceSizePixels;
	// What a move reveals first, as deep as an edge's synthesis band, in full detail; the rest of the
	// strip at half the resolution of a 1024-px photo's (see inpaint/coarse-to-fine.ts).
	const {coarseFactor, blendPixels} = COARSE_TO_FINE_DEFAULTS;
	const coarseToFine = {
		fineDistancePixels: synthesisBandPixels(settings, longSidePixels),
		coarseFactor: Math.max(coarseFactor, Math.round(coarseFactor * scale)),
		blendPixels: Math.max(blendPixels, scaledPixels(blendPixels, scale)),
	};
	return {
		borderPixels: settings.extendBorder ? scaledPixels(settings.borderPixels, scale) : 0,
		// Only as much of the photo as the inpainter reads: moon at 4096 px, 512 → 168 px (see border.ts).
		contextBandPixels: stripContextBandPixels(scaledPixels(settings.borderContextPixels, scale), contextReachPixels, coarseToFine.coarseFactor),
		coarseToFine,
	};
}

/** `pixels` at `referenceSizePixels` scaled by `scale`, whole and not negative. */
function scaledPixels(pixels: number, scale: number): number {
	return Math.max(0, Math.round(pixels * scale));
}

/** The rings a move of `maxParallaxPercent` can reveal, with the margin (0 without a parallax cap). */
function parallaxRingCount(settings: BuildLdiOptions, longSidePixels: number): number {
	const parallaxPixels = Math.max(0, settings.maxParallaxPercent) / 100 * longSidePixels;
	return parallaxPixels > 0 ? Math.ceil(parallaxPixels) + scaledPixels(settings.synthesisMarginPixels, longSidePixels / settings.referenceSizePixels) : 0;
}

/**
 * The depth of an edge region's synthesis band for a photo of `longSidePixels`, pixels: what a move of
 * `maxParallaxPercent` reveals, with the margin.
 *
 * ```ts
 * synthesisBandPixels(BUILD_LDI_DEFAULTS, 1024);   // 45
 * ```
 */
export function synthesisBandPixels(settings: BuildLdiOptions, longSidePixels: number): number {
	const scale = longSidePixels / settings.referenceSizePixels;
	return Math.max(1, scaledPixels(settings.synthesisThicknessPixels, scale), parallaxRingCount(settings, longSidePixels));
}

/** Layer 0 cut at its depth edges, what the passes start from, and (for the debug images) its edges. */
interface LayerZero {
	ldi: Ldi;
	edgesFound: number;
	edgesKept: number;
	/** Layer-0 pixels on the background side of a kept edge: the first pass's silhouette candidates. */
	candidates: Int32Array;
	/** Whether the map's steps were taken as exact (not snapped, no re-synthesized band). */
	exactEdges: boolean;
	/** The measured step sharpness ('auto' only). */
	stepShare?: number;
	/** The filtered disparity and its edges, kept only when the debug images are asked for. */
	filtered?: FloatImage;
	edges?: DepthEdges;
}

/**
 * The stages 'filter' and 'edges': normalized, filtered, snapped disparity, its depth edges, and the
 * fully linked layer 0 cut along them (with the border's room).
 */
function cutLayerZero(
	image: RgbImage, disparity: FloatImage, borderPixels: number, settings: BuildLdiOptions, scale: number,
	edgeOptions: {thresholdDisparity: number; minEdgeLengthPixels: number; referenceSizePixels: number}, clock: StageClock,
): LayerZero {
	const threshold = settings.thresholdDisparity;
	const {disparity: normalized, rawMin, rawMax} = normalizeDisparity(disparity);
	if (!(rawMin <= rawMax)) throw new UserError(`${settings.disparityName}: no usable disparity values (all NaN or infinite)`);
	const {exactEdges, stepShare} = judgeDepthEdges(normalized, settings);
	const sharpened = bilateralMedianFilter(normalized, {
		...BILATERAL_MEDIAN_DEFAULTS, ...settings.filter, discontinuityThreshold: threshold, referenceSizePixels: settings.referenceSizePixels,
	});
	clock.lap('filter');

	// Snapping and the mixed pixels change a few pixels of the map each: the edges are updated there
	// rather than found again (a fresh process spent ~100 ms of moon's 380 in the three detections and
	// the cut's own), and the cut's neighbours are the only pixels reattaching has to look at.
	let filtered = sharpened;
	// Steps the map spread over a few samples are made one pixel wide first, so that they are found, linked
	// and snapped like any other; those that make no kept edge are put back (soft-steps.ts).
	const snapping = settings.snapEdgesToColor && !exactEdges;
	const steps = snapping ? sharpenSoftSteps(sharpened, threshold, Math.round(settings.softStepSpanSamples * settings.depthSampleSpacingPixels)) : undefined;
	let edges = detectDepthEdges(sharpened, edgeOptions);
	if (steps && steps.changes > 0) {
		const restored = restoreStepsOffEdges(sharpened.data, steps, edges.edgeOfPixel);
		if (restored.length > 0) edges = updateDepthEdges(edges, sharpened, restored, edgeOptions);
	}
	if (snapping) {
		// The steps to snap are also found across a span (blurredStepSpanPixels), so that a step an upscaled
		// map blurred over many pixels is snapped sharp; the edges cut are found per pixel on the snapped map.
		const span = blurredStepSpanPixels(scale, settings.depthSampleSpacingPixels);
		const snapped = snapDepthEdgesToColor(image, sharpened, span > 1 ? detectDepthEdges(sharpened, {...edgeOptions, stepSpanPixels: span}) : edges, {
			radiusPixels: settings.snapRadiusPixels * scale,
			depthSampleSpacingPixels: settings.depthSampleSpacingPixels,
			thresholdDisparity: threshold,
		});
		filtered = snapped.disparity;
		edges = updateDepthEdges(edges, filtered, snapped.changed, edgeOptions);
	}
	if (settings.mixedPixelsToForeground) {
		// `filtered` is this function's own copy (the filter's or the snapping's output).
		const moves = mixedPixelMoves(image, filtered, edges, {thresholdDisparity: threshold});
		if (moves.pixels.length > 0) {
			for (let k = 0; k < moves.pixels.length; k++) filtered.data[moves.pixels[k]] = moves.values[k];
			edges = updateDepthEdges(edges, filtered, moves.pixels, edgeOptions);
		}
	}
	const ldi = ldiFromImage(image, filtered, borderPixels);
	cutDepthEdges(ldi, filtered, edges, threshold);
	reattachStripPixels(ldi, withNeighbours(edges.keptPixels, image.width, image.height));
	clock.lap('edges');
	return {
		ldi, edgesFound: edges.edgesFound, edgesKept: edges.edgeLengths.length, candidates: edges.keptPixels, exactEdges, stepShare,
		...(settings.debug ? {filtered, edges} : {}),
	};
}

/** Whether `normalized`'s steps are taken as exact, per `depthEdges` (measured for 'auto' on maps at the LDI's resolution). */
function judgeDepthEdges(normalized: FloatImage, settings: BuildLdiOptions): {exactEdges: boolean; stepShare?: number} {
	if (settings.depthEdges !== 'auto') return {exactEdges: settings.depthEdges === 'exact'};
	// An upscaled map's steps are off the outline by construction, however sharp the upscaling left them.
	if (settings.depthSampleSpacingPixels > 1) return {exactEdges: false};
	const {medianShare} = measureStepSharpness(normalized, {thresholdDisparity: settings.thresholdDisparity});
	return {exactEdges: medianShare >= EXACT_STEP_SHARE, stepShare: medianShare};
}

/**
 * The span, pixels, across which the steps to snap are found: one pixel of the reference size, but no
 * more than one sample of the depth map as it was made (1 for photos at most the reference size, and for
 * maps made at the photo's size, whose steps upscaling did not blur).
 *
 * The threshold is a step per pixel of the reference size; per pixel of a larger photo, a step an
 * upscaled map blurred over a few of its samples falls under it (moon at 4096 px, a 640-px MiDaS map:
 * shoulder 0.68 → 0.18 over ~50 px, 0.01 per pixel; not cut, a move smeared the suit over the ground).
 * Across the span it is cut as at the reference size. Tried first: the threshold divided by the scale,
 * per pixel (a9cef3d on branch large-ldi-streaks): the same on straight ramps, but per-pixel noise and
 * 8-bit steps of the map count in full at a quarter of the threshold. Across the map's sample spacing
 * (6 px for moon at 4096, 1.6 samples per reference pixel): more slopes cut than at the reference size,
 * and the revealed band behind the shoulder was brighter (10.5 % of it luma > 180, vs 1.3 %).
 */
function blurredStepSpanPixels(scale: number, depthSampleSpacingPixels: number): number {
	return Math.max(1, Math.floor(Math.min(scale, depthSampleSpacingPixels)));
}

/**
 * The inpainting passes: pass k grows the regions behind the silhouettes of layer k - 1, inpaints their
 * depth and colour and merges them as layer k. Returns the edges inpainted per pass, the inpainting calls
 * and their crop pixels.
 */
async function inpaintPasses(
	ldi: Ldi, firstCandidates: Int32Array, inpainter: ColorInpainter, regionOptions: RegionOptions, passes: number,
	edgeOptions: {thresholdDisparity: number; minEdgeLengthPixels: number; referenceSizePixels: number}, clock: StageClock,
	regionMask: Uint8Array | undefined,
): Promise<{edgesPerPass: number[]; inpaintCalls: number; inpaintCropPixels: number}> {
	const grower = new RegionGrower(ldi);
	const edgesPerPass: number[] = [];
	let inpaintCalls = 0;
	let inpaintCropPixels = 0;
	let candidates = firstCandidates;
	for (let pass = 1; pass <= passes; pass++) {
		const passStart = ldi.count;
		const {edges: silhouettes, hiddenDirections} = findSilhouetteEdges(ldi, pass - 1, edgeOptions, candidates);
		clock.lap('regions');
		let inpainted = 0;
		for (const edgePixels of silhouettes) {
			const edgeRegion = grower.grow(edgePixels, hiddenDirections, regionOptions);
			clock.lap('regions');
			if (!edgeRegion) continue;
			if (regionMask) paintRegion(regionMask, ldi.width, ldi.height, edgeRegion);
			edgeRegion.region.disparity = inpaintDisparity(edgeRegion.depthRegion);
			const color = await inpainter.inpaintColor(edgeRegion.region);
			clock.lap('inpaint');
			mergeRegion(ldi, edgeRegion, edgeRegion.region.disparity, color, pass, regionOptions.thresholdDisparity);
			clock.lap('merge');
			inpainted++;
			inpaintCalls++;
			inpaintCropPixels += edgeRegion.region.width * edgeRegion.region.height;
		}
		edgesPerPass.push(inpainted);
		// Pixels are appended, so the layer this pass made is one index range.
		candidates = indexRange(passStart, ldi.count);
	}
	return {edgesPerPass, inpaintCalls, inpaintCropPixels};
}

/** start, start + 1, …, end - 1. Its own function: as a loop in buildLdi, which runs once, it had buildLdi compiled again. */
function indexRange(start: number, end: number): Int32Array {
	const indices = new Int32Array(end - start);
	for (let i = 0; i < indices.length; i++) indices[i] = start + i;
	return indices;
}

/**
 * Wall-clock and CPU time per stage: each lap is charged to the stage named. The CPU clock is read only
 * around filter and edges; regions, inpaint and merge alternate per edge, and reading the CPU clock
 * there (a getrusage call) cost ~30 ms per 1024-px photo on a loaded machine, so they share the rest of
 * the CPU time in proportion to their wall time.
 */
class StageClock {
	readonly wall: LdiTimings = {filter: 0, edges: 0, regions: 0, inpaint: 0, merge: 0, total: 0};
	readonly cpu: LdiTimings = {filter: 0, edges: 0, regions: 0, inpaint: 0, merge: 0, total: 0};
	private readonly startWall = performance.now();
	private readonly startCpu = cpuMs();
	private lastWall = this.startWall;
	private lastCpu = this.startCpu;

	lap(stage: Exclude<keyof LdiTimings, 'total'>): void {
		const wall = performance.now();
		this.wall[stage] += wall - this.lastWall;
		this.lastWall = wall;
		if (stage === 'filter' || stage === 'edges') {
			const cpu = cpuMs();
			this.cpu[stage] += cpu - this.lastCpu;
			this.lastCpu = cpu;
		}
	}

	finish(): void {
		this.wall.total = performance.now() - this.startWall;
		this.cpu.total = cpuMs() - this.startCpu;
		const {wall, cpu} = this;
		const loopWall = wall.regions + wall.inpaint + wall.merge;
		const loopCpu = Math.max(0, cpu.total - cpu.filter - cpu.edges);
		for (const stage of ['regions', 'inpaint', 'merge'] as const) cpu[stage] = loopWall > 0 ? loopCpu * wall[stage] / loopWall : 0;
	}
}

function cpuMs(): number {
	const {user, system} = process.cpuUsage();
	return (user + system) / 1000;
}

function paintRegion(mask: Uint8Array, width: number, height: number, edgeRegion: EdgeRegion): void {
	const {region, originX, originY} = edgeRegion;
	for (let cy = 0; cy < region.height; cy++) {
		const y = originY + cy;
		if (y < 0 || y >= height) continue;
		for (let cx = 0; cx < region.width; cx++) {
			const x = originX + cx;
			if (x < 0 || x >= width) continue;
			const c = cy * region.width + cx;
			if (region.synthesisMask[c]) mask[y * width + x] = 2;
			else if (region.contextMask[c] && mask[y * width + x] === 0) mask[y * width + x] = 1;
		}
	}
}
