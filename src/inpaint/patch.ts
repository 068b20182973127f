import {diffuseColor} from './diffusion.js';
import {chamferDistance} from './distance.js';
import type {ColorInpainter, InpaintRegion} from './inpainter.js';
import {fillMembraneInPlace} from './membrane.js';

/**
 * The `patch` colour inpainter: exemplar-based synthesis that copies texture from the context.
 *
 * Approach: Wexler et al. 2007 style expectation-maximization over an image pyramid. At each level a
 * PatchMatch nearest-neighbour field (Barnes et al. 2009: propagation from the scan-order neighbours and
 * a shrinking random search, plus one uniform draw among all sources at the coarsest level) maps the
 * target patches (centred on a `voteStride` grid, overlapping the hole) to source patches lying wholly
 * in the context; then every hole pixel becomes the similarity-weighted vote of the source pixels the
 * covering targets map onto it. Sources are restricted to full-context patches, so colour outside the
 * context is never read; the patch distance adds a disparity term (inpainted disparity against the
 * source's) so background is copied from background. The coarsest level starts from a membrane fill;
 * each finer level takes, per target, the match of the nearest coarse target (doubled offset), and
 * votes it before searching. Every pixel is a target at the coarsest level of a pyramid, where the field
 * starts random; finer levels and single-level holes use the grid.
 *
 * Measured (CPU ms, least of several runs, on a shared 2-core x64 machine under a load average of
 * 7–12; scores from bench/inpaint.ts: per-pixel MAE, and the local-contrast error / contrast ratio of
 * 10×10 blocks, luminance σ of the fill against the hidden truth, a blur has ratio ≈ 0). 200×300 crop,
 * 60×300 hole (18 000 pixels), 7×7 patches: stripes and checker 31.6 → 9.4 ms, MAE 0.0, ratio 1.00;
 * noise 31.0 → 9.6 ms, ratio 0.97 (diffusion 0.04); a gravel-and-bicycle crop of da2_demo08.jpg
 * 34.6 → 9.5 ms, local-contrast error 15.8 → 14.1 (diffusion 36.6), ratio 0.83 → 0.80 (per-pixel MAE 53
 * vs diffusion's 44: texture that is not the hidden one costs more per pixel than a blur, which is why
 * MAE is not the quality measure here). The engine's own regions at 1024 px (bench/inpaint.ts replays
 * them): moon.jpg 198 regions / 476 000 hole pixels 1188 → 342 ms (720 ns per hole pixel, all levels and
 * iterations), depthy_shelf 241 / 346 000: 1103 → 224 ms, depthy_hut 299 / 372 000: 1225 → 276 ms.
 * What made it 3.5–5× faster: searching only the targets on the vote grid (now every 3rd row and
 * column; the grid used to limit the votes only: at every 2nd, 1345 → 565 ms on moon); voting by
 * gathering, per hole pixel, the grid targets within the patch radius (thin holes no longer pay for the
 * context part of each patch); patch distances over a checkerboard half of the patch (−15%, same
 * scores); membrane seeding and fallback on the hole's bounds only; per-column tables instead of
 * divisions in the inner loops.
 * Kept in spite of their cost: the vote right after upsampling a field (skipping it: photo ratio
 * 0.80 → 0.59); every pixel a target at the coarsest level (on the grid alone that random-started field
 * locked onto the band's checker half a period off in part of the hole, MAE 117, and two sweeps did not
 * help; keeping the grid for 2-level pyramids saved 27% on moon but stripes behind a disc in the LDI
 * engine came out of phase, MAE 3–17 over seeds instead of 0.0, and 1.2–2.5 on a thin ring; 6 coarsest
 * EM iterations on the grid: 0–0.9 for +26%).
 * Tried: one level only (stripes MAE 62: the random field never locks on); picking the best of the 4
 * coarse targets around a fine target's parent when upsampling (4 distances per target, same scores);
 * 5×5 patches (2× faster, stripes MAE 41: the stripes lose alignment); covering each pixel with only the
 * targets within 2 pixels (half the vote work, stripes MAE 1.8); the context colours as bytes for the
 * scattered source reads of the votes (no gain: the extra copy ate it); 2 instead of 3 EM iterations at
 * the coarsest level (−15%, stripes MAE 1.6, behind the disc 3–6); without the disparity term, a hole at background depth
 * next to a nearer surface in the context copied it into 50% of its pixels; weight 800 lets 0.2%
 * through. `finestEmIterations: 0` (no search at full resolution) is the speed setting: moon 335 → 296
 * ms, photo ratio 0.80 → 0.76, noise 0.97 → 0.93, disc stripes MAE 0.0 → 0.3.
 *
 * Low-frequency correction (`lowFrequencyRadius`), for the stereo evaluation (`npm run eval:stereo`,
 * the right view of four Middlebury pairs, PSNR over the disoccluded pixels against the README's classic
 * DIBR fill; issue 5's goal is a mean gain ≥ 1 dB). Copied texture that is not the hidden one costs
 * more than a blur there, and the measured loss was mostly in its local mean, not its detail: without
 * the correction patch gained −0.26 dB on average (cones −0.47, teddy +0.24, tsukuba +0.31, venus
 * −1.11; diffusion +1.20). The finished synthesis now takes its local mean from a membrane fill of the
 * hole and keeps its own detail, colour + blur(membrane) − blur(colour): at half resolution (2×2 cells:
 * mean context colour, context nearer than the hole left out, and mean synthesized colour), the
 * membrane over the hole's cells, (membrane − synthesis) per cell averaged over its usable pixels,
 * a 3×3-cell box weighted by usable pixels, interpolated bilinearly back; scaled per hole pixel by
 * the covering targets' patch distance (recomputed after the last vote, mean weighted as in the vote)
 * / 40, at most 1, so copies that fit their surroundings exactly (stripes, checker: distance 0) keep
 * their own mean. Gain +1.03 dB (cones +1.42, teddy +0.80, tsukuba +1.37, venus +0.54), all-pixel
 * PSNR 0.85–4.01 dB above the baseline; bench/inpaint.ts stripes and checker unchanged (MAE 0.0,
 * ratio 1.00), noise local-contrast error 4.1 → 4.3, ratio 0.97 → 0.95, photo 14.1 → 15.0, ratio
 * 0.80 → 0.72; CPU on the moon engine workload +21–24% (bench/inpaint.ts rows `patch` and `patch -lf`:
 * 1155 against 930 ns per synthesized pixel under a load average of 4–7; the correction's share is
 * mostly the half-resolution membrane, the per-pixel share and the recomputed distances, ~3%).
 * Steps and alternatives (mean gain over the four scenes): everything at full resolution, 7×7 box
 * once, no distance scaling +0.84 (stripes MAE 25, ratio 0.66: the box leaves part of the stripes in
 * the local mean, which the correction then flattens); scaled by the plain mean of the last search's
 * distances / 100 +0.88 with stripes exact (/ 30 +0.88, / 300 +0.70, / 1000 +0.29); 5×5 box twice
 * +0.94; the membrane alone at half resolution +1.05 (cones −0.37, venus −0.22, tsukuba +1.06: the
 * context pixels along a depth edge blend in the occluder, and a full-resolution membrane carries them
 * into the hole unaveraged; eroding the context by 1–3 px for a full-resolution membrane instead:
 * +0.99, +0.86, +0.71), but +30% CPU and stripes around the disc at MAE 1–3.4 for 3 of 6 seeds
 * (stale or outvoted matches looked like misfits: hence the recomputed, vote-weighted distances, and
 * the / 40); all at half resolution with 2 box passes +1.00, 3 passes +0.95, a 5×5-cell box +0.89,
 * / 12, 18, 25, 30, 60 +0.97 to +1.03; 3×3 box (full resolution) thrice +0.99 but noise ratio 0.87,
 * once +1.06 but noise ratio 0.76; the mean of the hole pixels only in each box (so thin holes get the
 * whole correction) +0.75, tsukuba −0.6; detail × 0.5 +1.22, but that is half a blur (noise ratio
 * 0.48). Tried on the synthesis itself, each with the correction: a proximity prior (distance +
 * w · offset in full-resolution pixels, w = 0.3–10) +0.84 to +0.91, no trend; 9×9 patches +0.98
 * (+1.04 with 5×5 twice) at +30% search cost; 5×5 patches +0.59; vote stride 2 +0.88 at +30%,
 * stride 4 +0.74; 2 EM iterations at full resolution +0.79; none +0.93 but stripes MAE 26; disparity
 * weight 200 / 3000 +0.82 / +0.64; 3 pyramid levels at most: unchanged. A frame-border strip as wide
 * as the largest disparity (build-ldi's `borderPixels` 140 instead of the renderer's row fill past
 * the strip): no help to patch (−0.70 without the correction, +0.74 with the distance / 100 one),
 * diffusion +1.25.
 */

/** Options for {@link PatchInpainter}. */
export interface PatchInpainterOptions {
	/** Side of the square patches, pixels (odd; an even side acts as the next odd one). */
	patchSize: number;
	/** PRNG seed; the same seed and region give the same output. */
	seed: number;
	/** Grey levels one unit of disparity difference counts as in the patch distance. */
	disparityWeight: number;
	/** Most pyramid levels (1 = work at full resolution only). */
	maxLevels: number;
	/** A coarser level is only used when it still has this many full-context source patches. */
	minSourcePatches: number;
	/** EM iterations (search + vote) at the coarsest level; they fall linearly to `finestEmIterations`. */
	coarsestEmIterations: number;
	/** EM iterations at the full-resolution level. */
	finestEmIterations: number;
	/** PatchMatch sweeps per EM iteration. */
	searchIterations: number;
	/** Random-search radius at levels finer than the coarsest, pixels (the coarse field is already good). */
	refineSearchRadiusPixels: number;
	/**
	 * Only target patches centred on every `voteStride`-th row and column are searched and vote (the
	 * coarsest level of a multi-level pyramid excepted): fewer, less blurred votes, and 1/9 of the search
	 * at 3 (a hole pixel no target reaches keeps its previous colour).
	 */
	voteStride: number;
	/**
	 * Box radius (full-resolution pixels) of the local mean that the finished synthesis takes from a
	 * membrane fill of the hole, keeping its own detail: colour + blur(membrane) − blur(colour), the blur
	 * `lowFrequencyPasses` box filters over the usable pixels. Both run at half resolution, so the box is
	 * radius / 2 cells (at least 1). 0 turns the correction off.
	 */
	lowFrequencyRadius: number;
	/** Box filter passes of that blur (2 = a triangle filter, without the box's side lobes). */
	lowFrequencyPasses: number;
	/**
	 * Patch distance (mean squared feature difference) from which a hole pixel gets the whole
	 * correction; below it, the share falls linearly to none at 0, so a texture whose copies fit their
	 * surroundings exactly (stripes, a checker) keeps its own local mean. 0 = always the whole correction.
	 */
	confidentDistance: number;
}

export const PATCH_INPAINTER_DEFAULTS: PatchInpainterOptions = {
	patchSize: 7,
	seed: 1,
	disparityWeight: 800,
	maxLevels: 5,
	minSourcePatches: 64,
	coarsestEmIterations: 3,
	finestEmIterations: 1,
	searchIterations: 1,
	refineSearchRadiusPixels: 3,
	voteStride: 3,
	lowFrequencyRadius: 2,
	lowFrequencyPasses: 1,
	confidentDistance: 40,
};

/**
 * Fills synthesis pixels with texture copied patch by patch from the context.
 *
 * ```ts
 * const inpainter = new PatchInpainter({seed: 3});
 * const color = await inpainter.inpaintColor(region);
 * ```
 */
export class PatchInpainter implements ColorInpainter {
	readonly name = 'patch';
	readonly options: PatchInpainterOptions;

	constructor(options: Partial<PatchInpainterOptions> = {}) {
		this.options = {...PATCH_INPAINTER_DEFAULTS, ...options};
	}

	async inpaintColor(region: InpaintRegion): Promise<Uint8Array> {
		return synthesizePatches(region, this.options);
	}
}

/** One pyramid level, padded by the patch radius on every side so patch loops need no bounds checks. */
interface Level {
	/** Unpadded size. */
	width: number;
	height: number;
	/** Padded row stride and row count. */
	stride: number;
	rows: number;
	/** Per pixel r, g, b (0..255) and disparity × `disparityWeight`: one patch distance covers both. */
	features: Float32Array;
	context: Uint8Array;
	synthesis: Uint8Array;
	/** context | synthesis: pixels a target patch may compare. */
	usable: Uint8Array;
	/** 1 where a patch centred here lies wholly in the context. */
	validSource: Uint8Array;
	validSources: Int32Array;
	/** Padded indices of the synthesis pixels, and their unpadded coordinates. */
	holePixels: Int32Array;
	holeX: Int32Array;
	holeY: Int32Array;
}

/**
 * Per-level nearest-neighbour field over the target patches: those centred on the `spacing` grid, on a
 * usable pixel, and overlapping the hole.
 */
interface Field {
	spacing: number;
	/** Grid cells per row and per column. */
	cellsPerRow: number;
	cellRows: number;
	/** Grid cell → target number, or -1. */
	targetAtCell: Int32Array;
	/** Padded pixel index of each target's centre, and its grid cell. */
	targets: Int32Array;
	targetCellX: Int32Array;
	targetCellY: Int32Array;
	/** Source centre of each target. */
	match: Int32Array;
	distance: Float32Array;
	/** Usable pixels in each target's patch (distance = squared error sum / this). */
	usableCount: Float32Array;
	/** Per column (row): the first and last grid column (row) whose patches cover it. */
	firstCellX: Int32Array;
	lastCellX: Int32Array;
	firstCellY: Int32Array;
	lastCellY: Int32Array;
}

/**
 * Synchronous core of {@link PatchInpainter}: a new RGB buffer with the synthesis pixels synthesized from
 * the context, every other pixel copied from `region.color`. Falls back to a membrane fill when the
 * context holds no whole patch (smaller patches were tried for that case: from a 4–6 px wide context
 * they copy blobs, not texture).
 *
 * ```ts
 * const color = synthesizePatches(region, {patchSize: 5});
 * ```
 */
export function synthesizePatches(region: InpaintRegion, options: Partial<PatchInpainterOptions> = {}): Uint8Array {
	const settings = {...PATCH_INPAINTER_DEFAULTS, ...options};
	const radius = settings.patchSize >> 1;
	const spacing = Math.max(1, Math.floor(settings.voteStride));
	const random = new Mulberry32(settings.seed);
	const result = Uint8Array.from(region.color);

	const levels = buildPyramid(region, radius, settings);
	if (levels.length === 0) return diffuseColor(region);

	let field: Field | undefined;
	let sweep = 0;
	// One function per loop (see planar-quadtree.ts): the loops over pixels and targets are helpers.
	for (let l = levels.length - 1; l >= 0; l--) {
		const level = levels[l];
		const isCoarsest = l === levels.length - 1;
		const coarseField = field;
		// Every pixel is a target at the coarsest level of a pyramid: from a random field, the grid alone
		// can lock onto a periodic texture out of phase (see the header).
		field = createField(level, radius, isCoarsest && levels.length > 1 ? 1 : spacing);
		const weights = new Float32Array(field.targets.length);
		if (coarseField === undefined) {
			seedCoarsestColor(level);
			randomizeField(level, field, random);
			computeDistances(level, field, radius);
		} else {
			upsampleColor(levels[l + 1], level, radius);
			upsampleField(levels[l + 1], coarseField, level, field, radius, random);
			vote(level, field, weights);
		}
		// A single level is the coarsest one too: it starts from a random field and needs the iterations.
		const fraction = levels.length === 1 ? 1 : l / (levels.length - 1);
		const emIterations = Math.round(
			settings.finestEmIterations + fraction * (settings.coarsestEmIterations - settings.finestEmIterations),
		);
		const searchRadius = isCoarsest ? Math.max(level.width, level.height) : settings.refineSearchRadiusPixels;
		for (let iteration = 0; iteration < emIterations; iteration++) {
			if (iteration > 0 || coarseField !== undefined) computeDistances(level, field, radius);
			for (let s = 0; s < settings.searchIterations; s++) {
				searchField(level, field, radius, searchRadius, sweep++, isCoarsest, random);
			}
			vote(level, field, weights);
		}
	}

	const finest = levels[0];
	if (settings.lowFrequencyRadius > 0 && field !== undefined) {
		// The distances of the colours just voted, not of those the last search started from.
		computeDistances(finest, field, radius);
		correctLowFrequencies(finest, field, settings);
	}
	writeHoleColors(finest, region.width, result);
	return result;
}

/** Writes the colours of `level`'s hole pixels, rounded and clamped, into `rgb` (rows of `width` pixels). */
function writeHoleColors(level: Level, width: number, rgb: Uint8Array): void {
	const {holePixels, holeX, holeY, features} = level;
	for (let k = 0; k < holePixels.length; k++) {
		const p = holePixels[k];
		const i = holeY[k] * width + holeX[k];
		for (let c = 0; c < 3; c++) {
			const value = Math.round(features[4 * p + c]);
			rgb[3 * i + c] = value < 0 ? 0 : value > 255 ? 255 : value;
		}
	}
}

/**
 * Finest level first; empty when even the finest level has no full-context patch. A coarser level is
 * added while its hole is still deeper than a patch radius (measured on that level, a quarter of the
 * work of measuring at full resolution), it is large enough and it has enough source patches.
 */
function buildPyramid(region: InpaintRegion, radius: number, settings: PatchInpainterOptions): Level[] {
	const finest = finestLevel(region, radius, settings.disparityWeight);
	if (finest.validSources.length === 0 || finest.holePixels.length === 0) return finest.validSources.length === 0 ? [] : [finest];
	const levels = [finest];
	while (levels.length < settings.maxLevels) {
		const fine = levels[levels.length - 1];
		if (Math.min(fine.width, fine.height) < 4 * settings.patchSize) break;
		const coarse = coarsenLevel(fine, radius);
		if (coarse.validSources.length < settings.minSourcePatches || holeDepth(coarse) <= radius) break;
		levels.push(coarse);
	}
	return levels;
}

/** Largest distance (pixels of the level) from a hole pixel to the context. */
function holeDepth(level: Level): number {
	const toContext = chamferDistance(level.context, level.stride, level.rows);
	let depth = 0;
	for (let k = 0; k < level.holePixels.length; k++) {
		const d = toContext[level.holePixels[k]];
		if (d > depth) depth = Math.min(d, level.stride + level.rows);
	}
	return depth;
}

function allocateLevel(width: number, height: number, radius: number): Level {
	const stride = width + 2 * radius;
	const rows = height + 2 * radius;
	const size = stride * rows;
	return {
		width,
		height,
		stride,
		rows,
		features: new Float32Array(size * 4),
		context: new Uint8Array(size),
		synthesis: new Uint8Array(size),
		usable: new Uint8Array(size),
		validSource: new Uint8Array(size),
		validSources: new Int32Array(0),
		holePixels: new Int32Array(0),
		holeX: new Int32Array(0),
		holeY: new Int32Array(0),
	};
}

function finestLevel(region: InpaintRegion, radius: number, disparityWeight: number): Level {
	const level = allocateLevel(region.width, region.height, radius);
	copyRegion(region, radius, disparityWeight, level);
	finishLevel(level, radius);
	return level;
}

/** Copies the region's masks, colours and weighted disparities into the padded `level`. */
function copyRegion(region: InpaintRegion, radius: number, disparityWeight: number, level: Level): void {
	const {features, context, synthesis, stride} = level;
	const {color, disparity, contextMask, synthesisMask} = region;
	for (let y = 0; y < region.height; y++) {
		let i = y * region.width;
		let p = (y + radius) * stride + radius;
		for (let x = 0; x < region.width; x++, i++, p++) {
			if (contextMask[i]) {
				context[p] = 1;
				features[4 * p] = color[3 * i];
				features[4 * p + 1] = color[3 * i + 1];
				features[4 * p + 2] = color[3 * i + 2];
				features[4 * p + 3] = disparity[i] * disparityWeight;
			} else if (synthesisMask[i]) {
				synthesis[p] = 1;
				features[4 * p + 3] = disparity[i] * disparityWeight;
			}
		}
	}
}

/** A coarse cell is context when all its children are, synthesis when any child is. */
function coarsenLevel(fine: Level, radius: number): Level {
	const level = allocateLevel((fine.width + 1) >> 1, (fine.height + 1) >> 1, radius);
	downsample(fine, radius, level);
	finishLevel(level, radius);
	return level;
}

/** Fills the masks and features of `level` from its 2×2 children in `fine`. */
function downsample(fine: Level, radius: number, level: Level): void {
	const {features, context, synthesis} = level;
	const fineFeatures = fine.features;
	for (let y = 0; y < level.height; y++) {
		for (let x = 0; x < level.width; x++) {
			const p = (y + radius) * level.stride + x + radius;
			let children = 0;
			let contextChildren = 0;
			let synthesisChildren = 0;
			let disparitySum = 0;
			let r = 0;
			let g = 0;
			let b = 0;
			for (let dy = 0; dy < 2; dy++) {
				const fy = 2 * y + dy;
				if (fy >= fine.height) continue;
				for (let dx = 0; dx < 2; dx++) {
					const fx = 2 * x + dx;
					if (fx >= fine.width) continue;
					const f = (fy + radius) * fine.stride + fx + radius;
					children++;
					if (fine.context[f]) {
						contextChildren++;
						r += fineFeatures[4 * f];
						g += fineFeatures[4 * f + 1];
						b += fineFeatures[4 * f + 2];
						disparitySum += fineFeatures[4 * f + 3];
					} else if (fine.synthesis[f]) {
						synthesisChildren++;
						disparitySum += fineFeatures[4 * f + 3];
					}
				}
			}
			if (synthesisChildren > 0) {
				synthesis[p] = 1;
				features[4 * p + 3] = disparitySum / (synthesisChildren + contextChildren);
			} else if (contextChildren === children) {
				context[p] = 1;
				features[4 * p] = r / children;
				features[4 * p + 1] = g / children;
				features[4 * p + 2] = b / children;
				features[4 * p + 3] = disparitySum / children;
			}
		}
	}
}

/**
 * Fills `usable`, `holePixels`, `validSource` and `validSources` from the masks. A patch is wholly
 * context when, on each of its rows, the run of context pixels reaching its right edge is a patch wide:
 * per-row runs and per-column counts of such rows find them in one pass (a summed-area table, 3 passes
 * and an Int32 array of the level's size, cost 2.5× more).
 */
function finishLevel(level: Level, radius: number): void {
	markUsableAndSources(level, radius);
	level.validSources = indicesOfOnes(level.validSource, countOnes(level.validSource));
	const holeCount = countOnes(level.synthesis);
	level.holePixels = new Int32Array(holeCount);
	level.holeX = new Int32Array(holeCount);
	level.holeY = new Int32Array(holeCount);
	listHolePixels(level.synthesis, level.stride, level.rows, radius, level.holePixels, level.holeX, level.holeY);
}

/** Fills `usable` and `validSource` of `level` from its masks. */
function markUsableAndSources(level: Level, radius: number): void {
	const {stride, rows, context, synthesis, usable, validSource} = level;
	const side = 2 * radius + 1;
	const fullRows = new Int32Array(stride);
	for (let y = 0; y < rows; y++) {
		let run = 0;
		const row = y * stride;
		for (let x = 0; x < stride; x++) {
			const p = row + x;
			usable[p] = context[p] | synthesis[p];
			run = context[p] ? run + 1 : 0;
			// The window [x - side + 1, x] is wholly context: count it for the column of its centre.
			const centreX = x - radius;
			if (centreX < 0) continue;
			fullRows[centreX] = run >= side ? fullRows[centreX] + 1 : 0;
			if (fullRows[centreX] >= side) validSource[p - radius * stride - radius] = 1;
		}
	}
}

/** Number of non-zero entries of `mask`. */
function countOnes(mask: Uint8Array): number {
	let count = 0;
	for (let i = 0; i < mask.length; i++) if (mask[i]) count++;
	return count;
}

/** The indices of the `count` non-zero entries of `mask`, ascending. */
function indicesOfOnes(mask: Uint8Array, count: number): Int32Array {
	const indices = new Int32Array(count);
	for (let i = 0, k = 0; k < count; i++) if (mask[i]) indices[k++] = i;
	return indices;
}

/**
 * Writes the padded index and unpadded coordinates of every synthesis pixel, in raster order. It only
 * fills arrays: when it also stored them into the level after its loop, the loop's on-stack-replaced
 * code deoptimized at that store at every call (moon.jpg's build: 175 deopts, 49–79 ms of CPU profile;
 * now none and 3 ms; the inpaint stage without a profiler 674 → 658 ms, median of 9, within the noise).
 */
function listHolePixels(
	synthesis: Uint8Array, stride: number, rows: number, radius: number, holePixels: Int32Array, holeX: Int32Array, holeY: Int32Array,
): void {
	for (let y = 0, k = 0; y < rows; y++) {
		for (let x = 0, p = y * stride; x < stride; x++, p++) {
			if (!synthesis[p]) continue;
			holePixels[k] = p;
			holeX[k] = x - radius;
			holeY[k++] = y - radius;
		}
	}
}

/**
 * Targets on the `spacing` grid: usable pixels whose patch overlaps the hole, found by marking the grid
 * cells within the patch radius of each hole pixel.
 */
function createField(level: Level, radius: number, spacing: number): Field {
	const {stride, width, height, usable, holeX, holeY} = level;
	const cellsPerRow = Math.ceil(width / spacing);
	const cellRows = Math.ceil(height / spacing);
	const [firstCellX, lastCellX] = coveringCells(width, cellsPerRow, spacing, radius);
	const [firstCellY, lastCellY] = coveringCells(height, cellRows, spacing, radius);
	const targetAtCell = new Int32Array(cellsPerRow * cellRows);
	markCoveringCells(holeX, holeY, firstCellX, lastCellX, firstCellY, lastCellY, cellsPerRow, targetAtCell);
	const count = numberTargets(targetAtCell, usable, cellsPerRow, cellRows, spacing, radius, stride);
	const targets = new Int32Array(count);
	const targetCellX = new Int32Array(count);
	const targetCellY = new Int32Array(count);
	const usableCount = new Float32Array(count);
	listTargets(targetAtCell, usable, cellsPerRow, spacing, radius, stride, targets, targetCellX, targetCellY, usableCount);
	return {
		spacing,
		cellsPerRow,
		cellRows,
		targetAtCell,
		targets,
		targetCellX,
		targetCellY,
		match: new Int32Array(count),
		distance: new Float32Array(count),
		usableCount,
		firstCellX,
		lastCellX,
		firstCellY,
		lastCellY,
	};
}

/** Sets `targetAtCell` to 1 at every grid cell whose patch covers a hole pixel. */
function markCoveringCells(
	holeX: Int32Array, holeY: Int32Array, firstCellX: Int32Array, lastCellX: Int32Array, firstCellY: Int32Array, lastCellY: Int32Array,
	cellsPerRow: number, targetAtCell: Int32Array,
): void {
	for (let k = 0; k < holeX.length; k++) {
		const fromX = firstCellX[holeX[k]];
		const toX = lastCellX[holeX[k]];
		for (let cellY = firstCellY[holeY[k]], lastY = lastCellY[holeY[k]]; cellY <= lastY; cellY++) {
			for (let cell = cellY * cellsPerRow + fromX, end = cellY * cellsPerRow + toX; cell <= end; cell++) targetAtCell[cell] = 1;
		}
	}
}

/** Numbers the marked cells centred on a usable pixel in raster order (-1 elsewhere); returns their count. */
function numberTargets(
	targetAtCell: Int32Array, usable: Uint8Array, cellsPerRow: number, cellRows: number, spacing: number, radius: number, stride: number,
): number {
	let count = 0;
	for (let cellY = 0, cell = 0; cellY < cellRows; cellY++) {
		const row = (cellY * spacing + radius) * stride + radius;
		for (let cellX = 0; cellX < cellsPerRow; cellX++, cell++) {
			targetAtCell[cell] = targetAtCell[cell] && usable[row + cellX * spacing] ? count++ : -1;
		}
	}
	return count;
}

/** Fills each target's centre, grid cell and count of usable pixels in its patch. */
function listTargets(
	targetAtCell: Int32Array, usable: Uint8Array, cellsPerRow: number, spacing: number, radius: number, stride: number,
	targets: Int32Array, targetCellX: Int32Array, targetCellY: Int32Array, usableCount: Float32Array,
): void {
	const side = 2 * radius + 1;
	for (let cell = 0, t = 0; t < targets.length; cell++) {
		if (targetAtCell[cell] < 0) continue;
		const cellX = cell % cellsPerRow;
		const cellY = (cell - cellX) / cellsPerRow;
		const p = (cellY * spacing + radius) * stride + cellX * spacing + radius;
		targets[t] = p;
		targetCellX[t] = cellX;
		targetCellY[t] = cellY;
		let usableInPatch = 0;
		for (let dy = -radius; dy <= radius; dy++) {
			for (let q = p + dy * stride - radius, end = q + side; q < end; q++) usableInPatch += usable[q];
		}
		usableCount[t++] = usableInPatch;
	}
}

/** Per coordinate along one axis, the first and last grid cell within `radius` of it. */
function coveringCells(length: number, cells: number, spacing: number, radius: number): [Int32Array, Int32Array] {
	const first = new Int32Array(length);
	const last = new Int32Array(length);
	for (let v = 0; v < length; v++) {
		first[v] = v < radius ? 0 : Math.ceil((v - radius) / spacing);
		last[v] = Math.min(cells - 1, Math.floor((v + radius) / spacing));
	}
	return [first, last];
}

/** Membrane fill of the coarsest level's hole: the starting point of the first EM iteration. */
function seedCoarsestColor(level: Level): void {
	const {stride, rows, context, synthesis, features, holeX, holeY} = level;
	const color = new Float32Array(synthesis.length * 3);
	// The membrane reads the context only within the hole's bounds grown by one pixel.
	const left = minOf(holeX, stride);
	const right = maxOf(holeX);
	const top = minOf(holeY, rows);
	const bottom = maxOf(holeY);
	const radius = (stride - level.width) >> 1;
	for (let y = top - 1 + radius; y <= bottom + 1 + radius; y++) {
		for (let p = y * stride + left - 1 + radius, end = y * stride + right + 1 + radius; p <= end; p++) {
			if (!context[p]) continue;
			color[3 * p] = features[4 * p];
			color[3 * p + 1] = features[4 * p + 1];
			color[3 * p + 2] = features[4 * p + 2];
		}
	}
	fillMembraneInPlace(color, 3, stride, rows, context, synthesis);
	for (const p of level.holePixels) {
		for (let c = 0; c < 3; c++) features[4 * p + c] = color[3 * p + c];
	}
}

/** Gives every target of `field` a random source. */
function randomizeField(level: Level, field: Field, random: Mulberry32): void {
	for (let t = 0; t < field.targets.length; t++) field.match[t] = randomSource(level, random);
}

function randomSource(level: Level, random: Mulberry32): number {
	return level.validSources[Math.floor(random.next() * level.validSources.length)];
}

function computeDistances(level: Level, field: Field, radius: number): void {
	const {targets, match, distance, usableCount} = field;
	for (let t = 0; t < targets.length; t++) {
		distance[t] = patchDistance(level, targets[t], match[t], usableCount[t], radius, Infinity);
	}
}

/**
 * Each fine target takes the match of the coarse target nearest its parent, doubled and offset by the
 * target's position relative to that coarse target (a random source when that is not valid). Trying
 * the four coarse targets around the parent and keeping the closest cost 4 patch distances per target
 * and changed no score.
 */
function upsampleField(coarse: Level, coarseField: Field, fine: Level, fineField: Field, radius: number, random: Mulberry32): void {
	const {spacing, cellsPerRow, cellRows, targetAtCell, match: coarseMatch} = coarseField;
	const {targets, targetCellX, targetCellY, match, distance, usableCount} = fineField;
	const fineSpacing = fineField.spacing;
	for (let t = 0; t < targets.length; t++) {
		const p = targets[t];
		const x = targetCellX[t] * fineSpacing;
		const y = targetCellY[t] * fineSpacing;
		const cellX = Math.min(cellsPerRow - 1, Math.round((x >> 1) / spacing));
		const cellY = Math.min(cellRows - 1, Math.round((y >> 1) / spacing));
		const coarseTarget = findNearbyTarget(targetAtCell, cellsPerRow, cellRows, cellX, cellY);
		let source = -1;
		if (coarseTarget >= 0) {
			// Source and target centres differ by the same offset at both levels, doubled at the finer one.
			const coarseSource = coarseMatch[coarseTarget];
			const sourceRow = Math.floor(coarseSource / coarse.stride);
			const sx = x + 2 * (coarseSource - sourceRow * coarse.stride - radius - coarseField.targetCellX[coarseTarget] * spacing);
			const sy = y + 2 * (sourceRow - radius - coarseField.targetCellY[coarseTarget] * spacing);
			if (sx >= 0 && sy >= 0 && sx < fine.width && sy < fine.height) {
				const candidate = (sy + radius) * fine.stride + sx + radius;
				if (fine.validSource[candidate]) source = candidate;
			}
		}
		match[t] = source >= 0 ? source : randomSource(fine, random);
		distance[t] = patchDistance(fine, p, match[t], usableCount[t], radius, Infinity);
	}
}

/** The target at grid cell (cellX, cellY), else at one of its 8 neighbours, else -1. */
function findNearbyTarget(targetAtCell: Int32Array, cellsPerRow: number, cellRows: number, cellX: number, cellY: number): number {
	const here = targetAtCell[cellY * cellsPerRow + cellX];
	if (here >= 0) return here;
	for (let dy = -1; dy <= 1; dy++) {
		const y = cellY + dy;
		if (y < 0 || y >= cellRows) continue;
		for (let dx = -1; dx <= 1; dx++) {
			const x = cellX + dx;
			if (x < 0 || x >= cellsPerRow) continue;
			const target = targetAtCell[y * cellsPerRow + x];
			if (target >= 0) return target;
		}
	}
	return -1;
}

/**
 * Hole pixels take their parent cell's colour (a hole pixel's parent is always a hole pixel): the value
 * a pixel keeps when no voting patch covers it.
 */
function upsampleColor(coarse: Level, fine: Level, radius: number): void {
	const {holePixels, holeX, holeY, features} = fine;
	for (let k = 0; k < holePixels.length; k++) {
		const p = holePixels[k];
		const parent = ((holeY[k] >> 1) + radius) * coarse.stride + (holeX[k] >> 1) + radius;
		features[4 * p] = coarse.features[4 * parent];
		features[4 * p + 1] = coarse.features[4 * parent + 1];
		features[4 * p + 2] = coarse.features[4 * parent + 2];
	}
}

/**
 * Mean squared difference of the features (colour, and weighted disparity) over the target's
 * `usableCount` usable pixels; stops early and returns `bound` once the mean must exceed it. Most targets
 * have a wholly usable patch and skip the mask test.
 */
function patchDistance(level: Level, target: number, source: number, usableCount: number, radius: number, bound: number): number {
	const {stride, features, usable} = level;
	const side = 2 * radius + 1;
	const limit = bound * usableCount;
	const complete = usableCount === side * side;
	let sum = 0;
	for (let dy = -radius; dy <= radius; dy++) {
		const rowOffset = dy * stride;
		const skip = (dy + radius) & 1;
		let t = target + rowOffset - radius + skip;
		let ti = 4 * t;
		let si = 4 * (source + rowOffset - radius + skip);
		for (let dx = skip; dx < side; dx += 2, t += 2, ti += 8, si += 8) {
			if (!complete && !usable[t]) continue;
			const d0 = features[ti] - features[si];
			const d1 = features[ti + 1] - features[si + 1];
			const d2 = features[ti + 2] - features[si + 2];
			const d3 = features[ti + 3] - features[si + 3];
			sum += d0 * d0 + d1 * d1 + d2 * d2 + d3 * d3;
		}
		if (sum > limit) return bound;
	}
	return sum / usableCount;
}

/**
 * One PatchMatch sweep over the targets (forward on even sweeps, backward on odd ones): propagation
 * from the two grid neighbours already visited, a shrinking random search around the best match, and
 * (at the coarsest level) one uniform draw among all sources.
 */
function searchField(
	level: Level,
	field: Field,
	radius: number,
	searchRadius: number,
	sweep: number,
	globalDraw: boolean,
	random: Mulberry32,
): void {
	const {stride, width, height, validSource} = level;
	const {spacing, cellsPerRow, targetAtCell, targets, targetCellX, targetCellY, match, distance, usableCount} = field;
	const size = validSource.length;
	const forward = (sweep & 1) === 0;
	const step = forward ? -1 : 1;
	const last = targets.length - 1;
	// The same arithmetic both ways: code optimized during a forward sweep never ran `last - k`, and
	// the backward sweep deoptimized it.
	const first = forward ? 0 : last;
	const direction = forward ? 1 : -1;
	for (let k = 0; k <= last; k++) {
		const t = first + direction * k;
		const p = targets[t];
		let best = match[t];
		let bestDistance = distance[t];
		const cellX = targetCellX[t];
		const cellY = targetCellY[t];

		for (let axis = 0; axis < 2; axis++) {
			const neighbourX = axis === 0 ? cellX + step : cellX;
			const neighbourY = axis === 0 ? cellY : cellY + step;
			if (neighbourX < 0 || neighbourY < 0 || neighbourX >= cellsPerRow || neighbourY >= field.cellRows) continue;
			const neighbour = targetAtCell[neighbourY * cellsPerRow + neighbourX];
			if (neighbour < 0) continue;
			const candidate = match[neighbour] - (axis === 0 ? step * spacing : step * spacing * stride);
			if (candidate === best || candidate < 0 || candidate >= size || !validSource[candidate]) continue;
			const d = patchDistance(level, p, candidate, usableCount[t], radius, bestDistance);
			if (d < bestDistance) {
				best = candidate;
				bestDistance = d;
			}
		}

		const bestY = Math.floor(best / stride) - radius;
		const bestX = best - (bestY + radius) * stride - radius;
		for (let r = searchRadius; r >= 1; r >>= 1) {
			const sx = Math.min(width - 1, Math.max(0, bestX + Math.floor((2 * random.next() - 1) * r + 0.5)));
			const sy = Math.min(height - 1, Math.max(0, bestY + Math.floor((2 * random.next() - 1) * r + 0.5)));
			const candidate = (sy + radius) * stride + sx + radius;
			if (candidate === best || !validSource[candidate]) continue;
			const d = patchDistance(level, p, candidate, usableCount[t], radius, bestDistance);
			if (d < bestDistance) {
				best = candidate;
				bestDistance = d;
			}
		}
		if (globalDraw) {
			const candidate = randomSource(level, random);
			const d = patchDistance(level, p, candidate, usableCount[t], radius, bestDistance);
			if (d < bestDistance) {
				best = candidate;
				bestDistance = d;
			}
		}
		match[t] = best;
		distance[t] = bestDistance;
	}
}

/**
 * Sets each hole pixel to the weighted mean of the source pixels the covering target patches map onto
 * it; weights exp(-d / 2σ²) with σ² the median patch distance. Gathers per hole pixel over the grid
 * targets within the patch radius, so thin holes (most of the engine's) pay nothing for the context
 * part of their targets' patches. A pixel no target covers keeps its value.
 */
function vote(level: Level, field: Field, weights: Float32Array): void {
	const {features, holePixels, holeX, holeY} = level;
	const {cellsPerRow, targetAtCell, targets, match, distance} = field;
	fillVoteWeights(distance, weights);
	const {firstCellX, lastCellX, firstCellY, lastCellY} = field;
	for (let k = 0; k < holePixels.length; k++) {
		const q = holePixels[k];
		const x = holeX[k];
		const y = holeY[k];
		let r = 0;
		let g = 0;
		let b = 0;
		let weightSum = 0;
		const fromX = firstCellX[x];
		const toX = lastCellX[x];
		for (let cellY = firstCellY[y], lastY = lastCellY[y]; cellY <= lastY; cellY++) {
			const row = cellY * cellsPerRow;
			for (let cellX = fromX; cellX <= toX; cellX++) {
				const t = targetAtCell[row + cellX];
				if (t < 0) continue;
				const weight = weights[t];
				const from = 4 * (match[t] + q - targets[t]);
				r += weight * features[from];
				g += weight * features[from + 1];
				b += weight * features[from + 2];
				weightSum += weight;
			}
		}
		if (weightSum === 0) continue;
		// Writing in place is safe: sources are context pixels, which no vote changes.
		features[4 * q] = r / weightSum;
		features[4 * q + 1] = g / weightSum;
		features[4 * q + 2] = b / weightSum;
	}
}

/** Sets each target's vote weight exp(-d / 2σ²) + 1e-6, σ² the median patch distance (at least 1). */
function fillVoteWeights(distance: Float32Array, weights: Float32Array): void {
	const scale = 1 / (2 * Math.max(1, medianOf(distance)));
	for (let t = 0; t < distance.length; t++) weights[t] = Math.exp(-distance[t] * scale) + 1e-6;
}

/** Median of an evenly spread sample of at most 256 values (0 when empty). */
function medianOf(values: Float32Array): number {
	if (values.length === 0) return 0;
	const step = Math.max(1, Math.floor(values.length / 256));
	const sample = new Float32Array(Math.ceil(values.length / step));
	for (let i = 0, k = 0; i < values.length; i += step) sample[k++] = values[i];
	sample.sort();
	return sample[sample.length >> 1];
}

/**
 * Small, fast, seedable PRNG (mulberry32). A class rather than a closure: every region's generator then
 * calls the same function, where a new closure per region deoptimized the search at each region.
 */
class Mulberry32 {
	private state: number;

	constructor(seed: number) {
		this.state = seed >>> 0;
	}

	/** The next float in [0, 1). */
	next(): number {
		this.state = (this.state + 0x6d2b79f5) >>> 0;
		let z = this.state;
		z = Math.imul(z ^ (z >>> 15), z | 1);
		z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
		return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
	}
}

/** Normalized disparity by which context may be nearer than the nearest hole pixel and still guide its local mean. */
const MEMBRANE_DISPARITY_MARGIN = 0.05;

/**
 * The low-frequency correction (see {@link PatchInpainterOptions.lowFrequencyRadius}), at half
 * resolution over the hole's bounding box grown by the blur's reach: per 2×2 cell, the mean context
 * colour and the mean synthesized colour; a membrane fill of the hole's cells; per cell the mean over
 * its usable pixels of (membrane − synthesis), which is 0 on the context; that blurred (boxes weighted
 * by usable pixels); each hole pixel then adds the bilinear interpolation of it, scaled by the
 * distance of the target patches covering it over `confidentDistance` (at most 1). A quarter of the
 * work at full resolution, and the better local mean in the stereo evaluation (see the header).
 */
function correctLowFrequencies(level: Level, field: Field, settings: PatchInpainterOptions): void {
	const {stride, rows, holePixels} = level;
	if (holePixels.length === 0) return;
	const boxRadius = Math.max(1, Math.round(settings.lowFrequencyRadius / 2));
	const passes = Math.max(1, Math.round(settings.lowFrequencyPasses));
	const pad = (stride - level.width) >> 1;
	const reach = 2 * (boxRadius * passes + 1);
	// Context nearer than every hole pixel cannot be what the hole hides: the membrane leaves it out.
	const farEnough = nearestHoleDisparity(level) + settings.disparityWeight * MEMBRANE_DISPARITY_MARGIN;
	const left = Math.max(0, minOf(level.holeX, stride) + pad - reach);
	const top = Math.max(0, minOf(level.holeY, rows) + pad - reach);
	const width = Math.min(stride - 1, maxOf(level.holeX) + pad + reach) - left + 1;
	const height = Math.min(rows - 1, maxOf(level.holeY) + pad + reach) - top + 1;
	const cellsPerRow = (width + 1) >> 1;
	const cellRows = (height + 1) >> 1;
	const cells = cellsPerRow * cellRows;
	// Per cell: context count and colour sum, hole count and synthesized colour sum.
	const contextCount = new Uint8Array(cells);
	const holeCount = new Uint8Array(cells);
	const contextSum = new Float32Array(cells * 3);
	const holeSum = new Float32Array(cells * 3);
	sumCells(level, left, top, width, height, cellsPerRow, farEnough, contextCount, holeCount, contextSum, holeSum);
	const known = new Uint8Array(cells);
	const unknown = new Uint8Array(cells);
	const usable = new Float32Array(cells);
	const knownCells = classifyCells(contextCount, holeCount, contextSum, known, unknown, usable);
	if (knownCells === 0) return;
	fillMembraneInPlace(contextSum, 3, cellsPerRow, cellRows, known, unknown);
	// (membrane − synthesis) averaged over the cell's usable pixels: the context ones contribute 0.
	const values = contextSum;
	subtractSynthesis(values, holeCount, holeSum, usable);
	const sums = new Float32Array(cells * 4);
	for (let pass = 0; pass < passes; pass++) normalizedBoxBlur(values, usable, cellsPerRow, cellRows, boxRadius, sums);

	// The vote's weights: a target whose match no longer fits what the others voted has little say.
	const weights = new Float32Array(field.distance.length);
	fillVoteWeights(field.distance, weights);
	addCorrection(level, field, weights, settings.confidentDistance, values, usable, cellsPerRow, cellRows, left - pad, top - pad);
}

/** The smallest of `values` (`empty` when there is none). */
function minOf(values: Int32Array, empty: number): number {
	let min = empty;
	for (let k = 0; k < values.length; k++) min = Math.min(min, values[k]);
	return min;
}

/** The largest of `values` (-1 when there is none). */
function maxOf(values: Int32Array): number {
	let max = -1;
	for (let k = 0; k < values.length; k++) max = Math.max(max, values[k]);
	return max;
}

/** The nearest (largest) weighted disparity of `level`'s hole pixels. */
function nearestHoleDisparity(level: Level): number {
	const {features, holePixels} = level;
	let nearest = -Infinity;
	for (let k = 0; k < holePixels.length; k++) nearest = Math.max(nearest, features[4 * holePixels[k] + 3]);
	return nearest;
}

/**
 * Per 2×2 cell of the padded area (`left`, `top`, `width` × `height`): the number and colour sum of its
 * hole pixels, and of its context pixels no nearer than `farEnough`.
 */
function sumCells(
	level: Level, left: number, top: number, width: number, height: number, cellsPerRow: number, farEnough: number,
	contextCount: Uint8Array, holeCount: Uint8Array, contextSum: Float32Array, holeSum: Float32Array,
): void {
	const {stride, features, context, synthesis} = level;
	for (let y = 0; y < height; y++) {
		const cellRow = (y >> 1) * cellsPerRow;
		for (let x = 0, p = (y + top) * stride + left; x < width; x++, p++) {
			const cell = cellRow + (x >> 1);
			if (synthesis[p]) {
				holeCount[cell]++;
				holeSum[3 * cell] += features[4 * p];
				holeSum[3 * cell + 1] += features[4 * p + 1];
				holeSum[3 * cell + 2] += features[4 * p + 2];
			} else if (context[p] && features[4 * p + 3] <= farEnough) {
				contextCount[cell]++;
				contextSum[3 * cell] += features[4 * p];
				contextSum[3 * cell + 1] += features[4 * p + 1];
				contextSum[3 * cell + 2] += features[4 * p + 2];
			}
		}
	}
}

/**
 * Cells with hole pixels are unknown, cells with only context known (their colour sum becomes the mean);
 * fills `usable` with each cell's pixel count. Returns the number of known cells.
 */
function classifyCells(
	contextCount: Uint8Array, holeCount: Uint8Array, contextSum: Float32Array, known: Uint8Array, unknown: Uint8Array, usable: Float32Array,
): number {
	let knownCells = 0;
	for (let cell = 0; cell < usable.length; cell++) {
		usable[cell] = contextCount[cell] + holeCount[cell];
		if (holeCount[cell] > 0) {
			unknown[cell] = 1;
		} else if (contextCount[cell] > 0) {
			known[cell] = 1;
			knownCells++;
			for (let c = 0; c < 3; c++) contextSum[3 * cell + c] /= contextCount[cell];
		}
	}
	return knownCells;
}

/** In place, each cell's membrane colour minus its synthesized colour, averaged over its usable pixels (0 without hole pixels). */
function subtractSynthesis(values: Float32Array, holeCount: Uint8Array, holeSum: Float32Array, usable: Float32Array): void {
	for (let cell = 0; cell < holeCount.length; cell++) {
		const count = holeCount[cell];
		for (let c = 0; c < 3; c++) values[3 * cell + c] = count > 0 ? (count * values[3 * cell + c] - holeSum[3 * cell + c]) / usable[cell] : 0;
	}
}

/**
 * Adds to each hole pixel the bilinear interpolation of the cells' blurred correction `values`, scaled
 * by the weighted distance of the target patches covering it over `confident` (at most 1; 1 when
 * `confident` is 0). The cells start at unpadded (`cellsLeft`, `cellsTop`).
 */
function addCorrection(
	level: Level, field: Field, weights: Float32Array, confident: number, values: Float32Array, usable: Float32Array,
	cellsPerRow: number, cellRows: number, cellsLeft: number, cellsTop: number,
): void {
	const {features, holePixels, holeX, holeY} = level;
	const {cellsPerRow: gridPerRow, targetAtCell, distance, firstCellX, lastCellX, firstCellY, lastCellY} = field;
	for (let k = 0; k < holePixels.length; k++) {
		const x = holeX[k];
		const y = holeY[k];
		let share = 1;
		if (confident > 0) {
			let sum = 0;
			let count = 0;
			for (let cellY = firstCellY[y], lastY = lastCellY[y]; cellY <= lastY; cellY++) {
				for (let cell = cellY * gridPerRow + firstCellX[x], end = cellY * gridPerRow + lastCellX[x]; cell <= end; cell++) {
					const t = targetAtCell[cell];
					if (t < 0) continue;
					sum += weights[t] * distance[t];
					count += weights[t];
				}
			}
			if (count > 0) share = Math.min(1, sum / (count * confident));
		}
		if (share === 0) continue;
		// Pixel centre x + 0.5 lies at (x − 0.5) / 2 in cell units; its own cell is always one of the 4.
		const fx = (x - cellsLeft - 0.5) / 2;
		const fy = (y - cellsTop - 0.5) / 2;
		const x0 = Math.max(0, Math.min(cellsPerRow - 1, Math.floor(fx)));
		const y0 = Math.max(0, Math.min(cellRows - 1, Math.floor(fy)));
		const x1 = Math.min(cellsPerRow - 1, x0 + 1);
		const y1 = Math.min(cellRows - 1, y0 + 1);
		const wx = Math.max(0, Math.min(1, fx - x0));
		const wy = Math.max(0, Math.min(1, fy - y0));
		let weightSum = 0;
		let r = 0;
		let g = 0;
		let b = 0;
		for (let corner = 0; corner < 4; corner++) {
			const cell = (corner & 2 ? y1 : y0) * cellsPerRow + (corner & 1 ? x1 : x0);
			if (usable[cell] === 0) continue;
			const w = (corner & 1 ? wx : 1 - wx) * (corner & 2 ? wy : 1 - wy) + 1e-6;
			weightSum += w;
			r += w * values[3 * cell];
			g += w * values[3 * cell + 1];
			b += w * values[3 * cell + 2];
		}
		const p = holePixels[k];
		const scaled = share / weightSum;
		features[4 * p] += scaled * r;
		features[4 * p + 1] += scaled * g;
		features[4 * p + 2] += scaled * b;
	}
}
/**
 * In place, the weighted mean of `values` (3 per cell) over a (2r + 1)² box, weights `weight` (a cell
 * whose box weighs nothing keeps its value); separable, with running sums along the rows. `sums` is
 * scratch space, 4 floats per cell.
 */
function normalizedBoxBlur(values: Float32Array, weight: Float32Array, width: number, height: number, r: number, sums: Float32Array): void {
	for (let y = 0; y < height; y++) {
		const row = y * width;
		let a = 0;
		let b = 0;
		let c = 0;
		let n = 0;
		for (let x = -r; x < width; x++) {
			const entering = x + r;
			if (entering < width) {
				const i = row + entering;
				const w = weight[i];
				a += w * values[3 * i];
				b += w * values[3 * i + 1];
				c += w * values[3 * i + 2];
				n += w;
			}
			const leaving = x - r - 1;
			if (leaving >= 0) {
				const i = row + leaving;
				const w = weight[i];
				a -= w * values[3 * i];
				b -= w * values[3 * i + 1];
				c -= w * values[3 * i + 2];
				n -= w;
			}
			if (x < 0) continue;
			const o = 4 * (row + x);
			sums[o] = a;
			sums[o + 1] = b;
			sums[o + 2] = c;
			sums[o + 3] = n;
		}
	}
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			let a = 0;
			let b = 0;
			let c = 0;
			let n = 0;
			for (let v = Math.max(0, y - r), to = Math.min(height - 1, y + r); v <= to; v++) {
				const o = 4 * (v * width + x);
				a += sums[o];
				b += sums[o + 1];
				c += sums[o + 2];
				n += sums[o + 3];
			}
			// Weights are whole pixel counts: a box that lost its last usable pixel reads ≈ 0.
			if (n < 0.5) continue;
			const i = 3 * (y * width + x);
			values[i] = a / n;
			values[i + 1] = b / n;
			values[i + 2] = c / n;
		}
	}
}
