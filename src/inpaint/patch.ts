import {diffuseColor} from './diffusion.js';
import {chamferDistance} from './distance.js';
import type {ColorInpainter, InpaintRegion} from './inpainter.js';
import {fillMembrane} from './membrane.js';

/**
 * The `patch` colour inpainter: exemplar-based synthesis that copies texture from the context.
 *
 * Approach: Wexler et al. 2007 style expectation-maximization over an image pyramid. At each level a
 * PatchMatch nearest-neighbour field (Barnes et al. 2009: propagation from the scan-order neighbours and
 * a shrinking random search, plus one uniform draw among all sources) maps every patch overlapping the
 * hole to a source patch lying wholly in the context; then every hole pixel becomes the
 * similarity-weighted vote of the source pixels that cover it. Sources are restricted to full-context
 * patches, so colour outside the context is never read; the patch distance adds a disparity term
 * (inpainted disparity against the source's) so background is copied from background. The coarsest
 * level starts from a membrane fill; each finer level from the upsampled field's vote (parent colours
 * where no vote lands).
 *
 * Measured (CPU ms on a shared 2-core x64 machine under a load average of ~12; bench/inpaint.ts), on a
 * 200×300 crop with a 60×300 hole (18 000 pixels) and 7×7 patches. Scores: per-pixel MAE, and the
 * local-contrast error / contrast ratio of 10×10 blocks (luminance σ of the fill against the hidden
 * truth; a blur has ratio ≈ 0): stripes 38 ms, MAE 0.0, ratio 1.00; noise 40 ms, ratio 0.97 (diffusion
 * 0.04); a gravel-and-bicycle crop of da2_demo08.jpg 39 ms, local-contrast error 15.8 vs diffusion's
 * 36.6, ratio 0.83 (per-pixel MAE 53 vs diffusion's 44: texture that is not the hidden one costs more
 * per pixel than a blur, which is why MAE is not the quality measure here).
 * Tried: one level only (stripes MAE 62: the random field never locks on); EM 6 → 2 iterations with 2
 * PatchMatch sweeps (3.5× the time, same scores); 2 instead of 3 EM iterations at the coarsest level
 * (−12% time, but behind a disc in the LDI engine's striped test scene MAE 5.3 instead of 1.0); starting a finer level from its parent's colours
 * alone, without a vote of the upsampled field (photo ratio 0.75 → 0.50); voting only with the patches
 * on every other row and column (`voteStride: 2`: −17% time, ratio 0.75 → 0.86, fewer votes blur less); no search
 * at the finest level (`finestEmIterations: 0`: half the time, photo ratio 0.84 → 0.78, stripes MAE 0.4),
 * a good setting when speed matters more. Without the disparity term, a hole at background depth next to
 * a nearer surface in the context copied it into 50% of its pixels; weight 400 let 5% through, 800 0.1%
 * (on a slanted background 800 costs some texture, photo ratio 0.87 → 0.77, as sources at other depths
 * get dearer; 1500 gains nothing more).
 * In the LDI engine on moon.jpg at 1024 px (302 regions, 1 050 000 hole pixels in all) colour
 * inpainting takes ~5 s CPU on that loaded machine (diffusion 0.9 s; `finestEmIterations: 0` 3 s):
 * about a fifth goes to per-crop set-up (pyramid, target lists), the rest to search and votes.
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
	 * Only target patches centred on every `voteStride`-th row and column vote: fewer, less blurred
	 * votes, and a quarter of the work at 2 (a hole pixel no vote reaches keeps its previous colour).
	 */
	voteStride: number;
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
	voteStride: 2,
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
	/** Padded row stride. */
	stride: number;
	/** Per pixel r, g, b (0..255) and disparity × `disparityWeight`: one patch distance covers both. */
	features: Float32Array;
	context: Uint8Array;
	synthesis: Uint8Array;
	/** context | synthesis: pixels a target patch may compare. */
	usable: Uint8Array;
	/** 1 where a patch centred here lies wholly in the context. */
	validSource: Uint8Array;
	validSources: Int32Array;
}

/** Per-level nearest-neighbour field over the target patches (those overlapping the hole). */
interface Field {
	targets: Int32Array;
	/** Padded pixel → target number, or -1. */
	targetAt: Int32Array;
	/** Source centre of each target. */
	match: Int32Array;
	distance: Float32Array;
	/** Usable pixels in each target's patch (distance = squared error sum / this). */
	usableCount: Float32Array;
	/** Vote accumulators, 3 and 1 per padded pixel, reused by every vote of the level. */
	accumulated: Float32Array;
	weightSum: Float32Array;
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
	const random = mulberry32(settings.seed);
	const result = Uint8Array.from(region.color);

	const levels = buildPyramid(region, radius, settings);
	if (levels.length === 0) return diffuseColor(region);

	let field: Field | undefined;
	for (let l = levels.length - 1; l >= 0; l--) {
		const level = levels[l];
		const isCoarsest = l === levels.length - 1;
		const previous = field;
		field = createField(level, radius);
		if (previous === undefined) {
			seedCoarsestColor(level);
			for (let t = 0; t < field.targets.length; t++) field.match[t] = randomSource(level, random);
		} else {
			upsampleField(levels[l + 1], previous, level, field, random);
			upsampleColor(levels[l + 1], level, radius);
			vote(level, field, radius, false, settings.voteStride);
		}
		// A single level is the coarsest one too: it starts from a random field and needs the iterations.
		const fraction = levels.length === 1 ? 1 : l / (levels.length - 1);
		const emIterations = Math.round(
			settings.finestEmIterations + fraction * (settings.coarsestEmIterations - settings.finestEmIterations),
		);
		const searchRadius = isCoarsest ? Math.max(level.width, level.height) : settings.refineSearchRadiusPixels;
		for (let iteration = 0; iteration < emIterations; iteration++) {
			for (let t = 0; t < field.targets.length; t++) {
				field.distance[t] = patchDistance(level, field.targets[t], field.match[t], field.usableCount[t], radius, Infinity);
			}
			for (let sweep = 0; sweep < settings.searchIterations; sweep++) {
				searchField(level, field, radius, searchRadius, sweep, isCoarsest, random);
			}
			vote(level, field, radius, true, settings.voteStride);
		}
	}

	const finest = levels[0];
	for (let y = 0; y < region.height; y++) {
		for (let x = 0; x < region.width; x++) {
			const i = y * region.width + x;
			if (!region.synthesisMask[i]) continue;
			const p = (y + radius) * finest.stride + x + radius;
			for (let c = 0; c < 3; c++) {
				const value = Math.round(finest.features[4 * p + c]);
				result[3 * i + c] = value < 0 ? 0 : value > 255 ? 255 : value;
			}
		}
	}
	return result;
}

/**
 * Finest level first; empty when even the finest level has no full-context patch. A coarser level is
 * added while its hole is still deeper than a patch radius (measured on that level, a quarter of the
 * work of measuring at full resolution), it is large enough and it has enough source patches.
 */
function buildPyramid(region: InpaintRegion, radius: number, settings: PatchInpainterOptions): Level[] {
	const finest = finestLevel(region, radius, settings.disparityWeight);
	if (finest.validSources.length === 0) return [];
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
	const rows = level.synthesis.length / level.stride;
	const toContext = chamferDistance(level.context, level.stride, rows);
	let depth = 0;
	for (let p = 0; p < toContext.length; p++) {
		if (level.synthesis[p] && toContext[p] > depth) depth = Math.min(toContext[p], level.stride + rows);
	}
	return depth;
}

function allocateLevel(width: number, height: number, radius: number): Level {
	const stride = width + 2 * radius;
	const size = stride * (height + 2 * radius);
	return {
		width,
		height,
		stride,
		features: new Float32Array(size * 4),
		context: new Uint8Array(size),
		synthesis: new Uint8Array(size),
		usable: new Uint8Array(size),
		validSource: new Uint8Array(size),
		validSources: new Int32Array(0),
	};
}

function finestLevel(region: InpaintRegion, radius: number, disparityWeight: number): Level {
	const level = allocateLevel(region.width, region.height, radius);
	for (let y = 0; y < region.height; y++) {
		for (let x = 0; x < region.width; x++) {
			const i = y * region.width + x;
			const p = (y + radius) * level.stride + x + radius;
			if (region.contextMask[i]) {
				level.context[p] = 1;
				level.features[4 * p] = region.color[3 * i];
				level.features[4 * p + 1] = region.color[3 * i + 1];
				level.features[4 * p + 2] = region.color[3 * i + 2];
				level.features[4 * p + 3] = region.disparity[i] * disparityWeight;
			} else if (region.synthesisMask[i]) {
				level.synthesis[p] = 1;
				level.features[4 * p + 3] = region.disparity[i] * disparityWeight;
			}
		}
	}
	finishLevel(level, radius);
	return level;
}

/** A coarse cell is context when all its children are, synthesis when any child is. */
function coarsenLevel(fine: Level, radius: number): Level {
	const level = allocateLevel((fine.width + 1) >> 1, (fine.height + 1) >> 1, radius);
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
						r += fine.features[4 * f];
						g += fine.features[4 * f + 1];
						b += fine.features[4 * f + 2];
						disparitySum += fine.features[4 * f + 3];
					} else if (fine.synthesis[f]) {
						synthesisChildren++;
						disparitySum += fine.features[4 * f + 3];
					}
				}
			}
			if (synthesisChildren > 0) {
				level.synthesis[p] = 1;
				level.features[4 * p + 3] = disparitySum / (synthesisChildren + contextChildren);
			} else if (contextChildren === children) {
				level.context[p] = 1;
				level.features[4 * p] = r / children;
				level.features[4 * p + 1] = g / children;
				level.features[4 * p + 2] = b / children;
				level.features[4 * p + 3] = disparitySum / children;
			}
		}
	}
	finishLevel(level, radius);
	return level;
}

/** Fills `usable`, `validSource` and `validSources` from the masks (summed-area table of the context). */
function finishLevel(level: Level, radius: number): void {
	const {stride, context, synthesis, usable, validSource} = level;
	const rows = level.height + 2 * radius;
	const integral = new Int32Array((stride + 1) * (rows + 1));
	for (let y = 0; y < rows; y++) {
		let rowSum = 0;
		for (let x = 0; x < stride; x++) {
			const p = y * stride + x;
			usable[p] = context[p] | synthesis[p];
			rowSum += context[p];
			integral[(y + 1) * (stride + 1) + x + 1] = integral[y * (stride + 1) + x + 1] + rowSum;
		}
	}
	const side = 2 * radius + 1;
	const full = side * side;
	let count = 0;
	for (let y = radius; y < rows - radius; y++) {
		for (let x = radius; x < stride - radius; x++) {
			const top = y - radius;
			const left = x - radius;
			const sum =
				integral[(top + side) * (stride + 1) + left + side] -
				integral[top * (stride + 1) + left + side] -
				integral[(top + side) * (stride + 1) + left] +
				integral[top * (stride + 1) + left];
			if (sum === full) {
				validSource[y * stride + x] = 1;
				count++;
			}
		}
	}
	level.validSources = new Int32Array(count);
	for (let p = 0, k = 0; p < validSource.length; p++) if (validSource[p]) level.validSources[k++] = p;
}

/** Targets: usable pixels whose patch overlaps the hole (synthesis dilated by the patch radius). */
function createField(level: Level, radius: number): Field {
	const {stride, synthesis, usable} = level;
	const size = synthesis.length;
	const rows = level.height + 2 * radius;
	const horizontal = new Uint8Array(size);
	for (let y = 0; y < rows; y++) {
		let lastHole = -Infinity;
		for (let x = 0; x < stride; x++) {
			if (synthesis[y * stride + x]) lastHole = x;
			if (x - lastHole <= radius) horizontal[y * stride + x] = 1;
		}
		lastHole = Infinity;
		for (let x = stride - 1; x >= 0; x--) {
			if (synthesis[y * stride + x]) lastHole = x;
			if (lastHole - x <= radius) horizontal[y * stride + x] = 1;
		}
	}
	const near = new Uint8Array(size);
	for (let x = 0; x < stride; x++) {
		let last = -Infinity;
		for (let y = 0; y < rows; y++) {
			if (horizontal[y * stride + x]) last = y;
			if (y - last <= radius) near[y * stride + x] = 1;
		}
		last = Infinity;
		for (let y = rows - 1; y >= 0; y--) {
			if (horizontal[y * stride + x]) last = y;
			if (last - y <= radius) near[y * stride + x] = 1;
		}
	}
	let count = 0;
	for (let p = 0; p < size; p++) if (near[p] && usable[p]) count++;
	const targets = new Int32Array(count);
	const targetAt = new Int32Array(size).fill(-1);
	for (let p = 0, k = 0; p < size; p++) {
		if (near[p] && usable[p]) {
			targetAt[p] = k;
			targets[k++] = p;
		}
	}
	// Usable pixels per target patch from a summed-area table: O(1) per target instead of a patch loop.
	const integralStride = stride + 1;
	const integral = new Int32Array(integralStride * (rows + 1));
	for (let y = 0; y < rows; y++) {
		let rowSum = 0;
		for (let x = 0; x < stride; x++) {
			rowSum += usable[y * stride + x];
			integral[(y + 1) * integralStride + x + 1] = integral[y * integralStride + x + 1] + rowSum;
		}
	}
	const side = 2 * radius + 1;
	const usableCount = new Float32Array(count);
	for (let t = 0; t < count; t++) {
		const left = (targets[t] % stride) - radius;
		const top = Math.floor(targets[t] / stride) - radius;
		usableCount[t] =
			integral[(top + side) * integralStride + left + side] -
			integral[top * integralStride + left + side] -
			integral[(top + side) * integralStride + left] +
			integral[top * integralStride + left];
	}
	return {
		targets,
		targetAt,
		match: new Int32Array(count),
		distance: new Float32Array(count),
		usableCount,
		accumulated: new Float32Array(size * 3),
		weightSum: new Float32Array(size),
	};
}

/** Membrane fill of the coarsest level's hole: the starting point of the first EM iteration. */
function seedCoarsestColor(level: Level): void {
	const size = level.synthesis.length;
	const color = new Float32Array(size * 3);
	for (let p = 0; p < size; p++) {
		if (!level.context[p]) continue;
		for (let c = 0; c < 3; c++) color[3 * p + c] = level.features[4 * p + c];
	}
	const filled = fillMembrane(color, 3, level.stride, size / level.stride, level.context, level.synthesis);
	for (let p = 0; p < size; p++) {
		if (!level.synthesis[p]) continue;
		for (let c = 0; c < 3; c++) level.features[4 * p + c] = filled[3 * p + c];
	}
}

function randomSource(level: Level, random: () => number): number {
	return level.validSources[Math.floor(random() * level.validSources.length)];
}

/** Each fine target takes its parent's match, doubled and offset by its position in the parent cell. */
function upsampleField(coarse: Level, coarseField: Field, fine: Level, fineField: Field, random: () => number): void {
	const radius = (fine.stride - fine.width) >> 1;
	for (let t = 0; t < fineField.targets.length; t++) {
		const p = fineField.targets[t];
		const x = (p % fine.stride) - radius;
		const y = Math.floor(p / fine.stride) - radius;
		const parent = ((y >> 1) + radius) * coarse.stride + (x >> 1) + radius;
		const parentTarget = coarseField.targetAt[parent];
		let source = -1;
		if (parentTarget >= 0) {
			const coarseSource = coarseField.match[parentTarget];
			const sx = 2 * ((coarseSource % coarse.stride) - radius) + (x & 1);
			const sy = 2 * (Math.floor(coarseSource / coarse.stride) - radius) + (y & 1);
			if (sx >= 0 && sy >= 0 && sx < fine.width && sy < fine.height) {
				const candidate = (sy + radius) * fine.stride + sx + radius;
				if (fine.validSource[candidate]) source = candidate;
			}
		}
		fineField.match[t] = source >= 0 ? source : randomSource(fine, random);
	}
}

/**
 * Hole pixels take their parent cell's colour (a hole pixel's parent is always a hole pixel): the value
 * a pixel keeps when no voting patch covers it.
 */
function upsampleColor(coarse: Level, fine: Level, radius: number): void {
	for (let y = 0; y < fine.height; y++) {
		for (let x = 0; x < fine.width; x++) {
			const p = (y + radius) * fine.stride + x + radius;
			if (!fine.synthesis[p]) continue;
			const parent = ((y >> 1) + radius) * coarse.stride + (x >> 1) + radius;
			for (let c = 0; c < 3; c++) fine.features[4 * p + c] = coarse.features[4 * parent + c];
		}
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
		let t = target + rowOffset - radius;
		let ti = 4 * t;
		let si = 4 * (source + rowOffset - radius);
		for (let dx = 0; dx < side; dx++, t++, ti += 4, si += 4) {
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

function searchField(
	level: Level,
	field: Field,
	radius: number,
	searchRadius: number,
	sweep: number,
	globalDraw: boolean,
	random: () => number,
): void {
	const {stride, width, height, validSource} = level;
	const {targets, targetAt, match, distance, usableCount} = field;
	const forward = (sweep & 1) === 0;
	const step = forward ? -1 : 1;
	const last = targets.length - 1;
	for (let k = 0; k <= last; k++) {
		const t = forward ? k : last - k;
		const p = targets[t];
		let best = match[t];
		let bestDistance = distance[t];

		for (let axis = 0; axis < 2; axis++) {
			const neighbourOffset = axis === 0 ? step : step * stride;
			const neighbour = targetAt[p + neighbourOffset];
			if (neighbour < 0) continue;
			const candidate = match[neighbour] - neighbourOffset;
			if (candidate === best || candidate < 0 || candidate >= validSource.length || !validSource[candidate]) continue;
			const d = patchDistance(level, p, candidate, usableCount[t], radius, bestDistance);
			if (d < bestDistance) {
				best = candidate;
				bestDistance = d;
			}
		}

		const bestX = (best % stride) - radius;
		const bestY = Math.floor(best / stride) - radius;
		for (let r = searchRadius; r >= 1; r >>= 1) {
			const x = Math.min(width - 1, Math.max(0, bestX + Math.floor((2 * random() - 1) * r + 0.5)));
			const y = Math.min(height - 1, Math.max(0, bestY + Math.floor((2 * random() - 1) * r + 0.5)));
			const candidate = (y + radius) * stride + x + radius;
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
 * Sets each hole pixel to the weighted mean of the source pixels the covering target patches (those on
 * the `voteStride` grid) map onto it; weights exp(-d / 2σ²) with σ² the median patch distance (uniform
 * when `weighted` is false). A pixel no voting patch covers keeps its value.
 */
function vote(level: Level, field: Field, radius: number, weighted: boolean, voteStride: number): void {
	const {stride, features, synthesis} = level;
	const {targets, match, distance, accumulated, weightSum} = field;
	const size = synthesis.length;
	accumulated.fill(0);
	weightSum.fill(0);
	const scale = weighted ? 1 / (2 * Math.max(1, medianOf(distance))) : 0;
	for (let t = 0; t < targets.length; t++) {
		const p = targets[t];
		if (voteStride > 1 && ((p % stride) % voteStride !== 0 || Math.floor(p / stride) % voteStride !== 0)) continue;
		const weight = weighted ? Math.exp(-distance[t] * scale) + 1e-6 : 1;
		const s = match[t];
		for (let dy = -radius; dy <= radius; dy++) {
			const rowOffset = dy * stride;
			for (let dx = -radius; dx <= radius; dx++) {
				const q = p + rowOffset + dx;
				if (!synthesis[q]) continue;
				const from = s + rowOffset + dx;
				accumulated[3 * q] += weight * features[4 * from];
				accumulated[3 * q + 1] += weight * features[4 * from + 1];
				accumulated[3 * q + 2] += weight * features[4 * from + 2];
				weightSum[q] += weight;
			}
		}
	}
	for (let q = 0; q < size; q++) {
		if (!synthesis[q] || weightSum[q] === 0) continue;
		features[4 * q] = accumulated[3 * q] / weightSum[q];
		features[4 * q + 1] = accumulated[3 * q + 1] / weightSum[q];
		features[4 * q + 2] = accumulated[3 * q + 2] / weightSum[q];
	}
}

function medianOf(values: Float32Array): number {
	if (values.length === 0) return 0;
	const stride = Math.max(1, Math.floor(values.length / 1024));
	const sample = new Float32Array(Math.ceil(values.length / stride));
	for (let i = 0, k = 0; i < values.length; i += stride) sample[k++] = values[i];
	sample.sort();
	return sample[sample.length >> 1];
}

/** Small, fast, seedable PRNG (mulberry32); returns floats in [0, 1). */
function mulberry32(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let z = state;
		z = Math.imul(z ^ (z >>> 15), z | 1);
		z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
		return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
	};
}
