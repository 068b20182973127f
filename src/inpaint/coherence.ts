import {type Bounds, maskBounds} from './bounds.js';
import {contextLevels, ringBreaksFromContext} from './context-levels.js';
import type {ColorInpainter, InpaintRegion} from './inpainter.js';
import {fillMembraneInPlace} from './membrane.js';
import {ScratchArrays} from './scratch.js';
import {instantiateKernel, type KernelInstance, KernelLayout} from '../wasm/kernel.js';

/**
 * The `coherence` colour inpainter (the default): structure before texture, by coherence transport
 * (Bornemann & März 2007). Synthesis pixels are filled in order of their distance from the context; each
 * becomes a weighted mean of the known pixels (context, or already filled) in a ball around it, weights
 * 1/|p − q| · exp(−μ²/(2ε²) · ⟨n, p − q⟩²) favouring pixels along the isophote through p. n and the
 * anisotropy come from a luminance structure tensor, smoothed on the context and carried along with the
 * colour (the isotropic mean of the known pixels' tensors sets p's direction, then p's colour and tensor
 * are the anisotropic means), so edges, stripes and horizons continue across the hole, each side with its
 * own colour. Known pixels nearer than p (disparity) get no weight: an occluder in the context never
 * leaks in; the context ring next to the hole (antialiased silhouette pixels) weighs 0.2. Where the
 * structure is weak the result leans halfway to a membrane fill (less noise than a one-sided mean),
 * unless the two disagree by more than an edge's worth of grey levels. How far it leans is each wide
 * region's own choice: it hides a band of its context, fills it both ways and keeps the share that
 * predicted the band best (least squares). A context ring that breaks from the context behind it (a
 * silhouette's mixed pixels, a dark frame column) is not read. Weights come from tables per quantized
 * normal angle and anisotropy: no Math.exp in the inner loop.
 *
 * Measured (eval:stereo, mean disoccluded gain over the README's DIBR; diffusion 1.26): transport alone
 * 1.27; + half a membrane 1.60; the tensor carried with the colour 1.71; Scharr gradients and the
 * agreement gate keep a slanted edge (0.2 % of pixels off) and shallow stripes in phase; μ 12 instead of
 * 25 costs horizontal stripes 59 → 20 dB; mixed pixels given to the foreground 1.79; the share validated
 * per region 1.72 alone (frame strips chose the membrane, which took tsukuba's half-dark last column),
 * 2.06 with broken rings set aside (cones 2.34, teddy 1.78, tsukuba 2.16, venus 1.97), ±0.03 for band
 * depths 3–8 px; held out: eval:border 18.37 → 18.50 dB, network-like depth (EVAL_DEGRADE=3) 1.03 → 1.26.
 * Not kept: a share rising with the distance from the context (1.86, but slanted edges and stripes blur;
 * frame strips only 1.81–1.85); the context's detail mirrored into the hole (1.65).
 * CPU: the trust, tensor, fill order and ball loop run as a WebAssembly kernel on a padded copy of the
 * box (assembly/coherence-transport.ts, bit-identical, one instance per process): first run of a fresh
 * process, inpaint stage moon 958 → 869 ms for the ball loop; with the tensor and order too, whole builds
 * ×0.905 moon, ×0.895 shelf, ×0.956 hut (with the membrane kernel).
 */

/** Options for {@link CoherenceInpainter}. */
export interface CoherenceInpainterOptions {
	/** Radius ε of the ball of known pixels each synthesized pixel averages, pixels. */
	radius: number;
	/** Anisotropy μ at full coherence (Bornemann & März use 25): how strictly the mean follows isophotes. */
	anisotropy: number;
	/** Radius of the box filters smoothing the structure tensor (two passes), pixels. */
	tensorRadius: number;
	/**
	 * Squared grey levels of luminance gradient added to the smoothed tensor's trace when it is
	 * normalized (tensor / (trace + this)): weaker structure counts as flat, and decides less of the
	 * direction and of the membrane's share.
	 */
	contrastFloor: number;
	/** Normalized disparity by which a known pixel may be nearer than the pixel it fills. */
	disparityMargin: number;
	/** Weight of the context pixels next to the synthesis region (antialiased silhouette pixels), 0..1. */
	edgeRingWeight: number;
	/**
	 * Grey levels (largest channel difference) up to which the membrane fill and the transport count as
	 * agreeing; the membrane's share falls to none at twice this: where they differ more, the membrane
	 * has crossed a structure the transport follows.
	 */
	agreementLevels: number;
	/**
	 * Share of a membrane (harmonic) fill of the context in the result, 0..1, where the region is too
	 * small to validate its own (see `validationBandPixels`): transport follows structure, the membrane
	 * averages both sides of the hole; their mean beat either alone in the stereo evaluation.
	 */
	membraneShare: number;
	/**
	 * Depth of the band of context, pixels, that each region hides and fills to choose its own membrane
	 * share (least squares over the band); 0 uses `membraneShare` everywhere.
	 */
	validationBandPixels: number;
	/**
	 * The context ring touching the hole is not used as a source when its colour step to the ring behind
	 * it exceeds this many times the next ring's step (an antialiased silhouette, a dark frame column);
	 * Infinity always uses it.
	 */
	ringBreakRatio: number;
}

export const COHERENCE_INPAINTER_DEFAULTS: CoherenceInpainterOptions = {
	radius: 5,
	anisotropy: 25,
	tensorRadius: 3,
	contrastFloor: 100,
	disparityMargin: 0.05,
	edgeRingWeight: 0.2,
	agreementLevels: 60,
	membraneShare: 0.5,
	validationBandPixels: 6,
	ringBreakRatio: 2,
};

/** Work arrays shared by every call (transportColor is synchronous; its result is read before the next call). */
const scratch = new ScratchArrays();

/** Quantized normal angles over [0, π) and anisotropy levels of the weight tables. */
const ANGLE_STEPS = 32;
const ANISOTROPY_STEPS = 8;

/**
 * Fills synthesis pixels by coherence transport of the context.
 *
 * ```ts
 * const color = await new CoherenceInpainter({radius: 6}).inpaintColor(region);
 * ```
 */
export class CoherenceInpainter implements ColorInpainter {
	readonly name = 'coherence';
	readonly options: CoherenceInpainterOptions;

	constructor(options: Partial<CoherenceInpainterOptions> = {}) {
		this.options = {...COHERENCE_INPAINTER_DEFAULTS, ...options};
	}

	/** The work box's margin, past the band of context the validation fill hides (see transportColor). */
	get contextReachPixels(): number {
		const margin = workBoxMargin(this.options);
		return this.options.validationBandPixels > 0 ? validationBandDepth(this.options) + 1 + margin : margin;
	}

	async inpaintColor(region: InpaintRegion): Promise<Uint8Array> {
		const filled = transportColor(region, this.options);
		return filled === undefined ? Uint8Array.from(region.color) : toBytes(region, filled.values, filled.box);
	}

	/**
	 * Drops the work arrays and the transport kernel's memory that every instance shares (a WebAssembly
	 * memory never shrinks; the instance goes): 13 MB and 7.6 MB after moon at 1024 px, ~190 MB and 86 MB
	 * at 4096. The next call allocates them again.
	 */
	release(): void {
		scratch.clear();
		kernel = undefined;
		tablesInKernel = undefined;
	}
}

/** The crop area an inpainter works in: the synthesis bounds grown by what the fill reads. */
export interface WorkBox {
	left: number;
	top: number;
	width: number;
	height: number;
}

/**
 * Synchronous core of {@link CoherenceInpainter}: float RGB of the work box (synthesis bounds grown by the
 * ball and tensor reach), synthesis pixels filled, context pixels copied, others 0; undefined when there
 * is nothing to synthesize. `values` is a shared work array, valid until the next call. `transport` is
 * the loop that fills the pixels: the WebAssembly kernel, or (in the tests) its TypeScript twin.
 *
 * ```ts
 * const filled = transportColor(region);
 * ```
 */
export function transportColor(
	region: InpaintRegion, options: Partial<CoherenceInpainterOptions> = {}, transport: TransportLoop = transportInKernel,
): {values: Float32Array; box: WorkBox} | undefined {
	const settings = {...COHERENCE_INPAINTER_DEFAULTS, ...options};
	const share = (settings.validationBandPixels > 0 ? validatedMembraneShare(region, settings, transport) : undefined) ?? settings.membraneShare;
	const fill = fillUnblended(region, settings, transport, share > 0);
	if (fill === undefined) return undefined;
	const {values, membrane, order, coherence} = fill;
	if (membrane) blendMembrane(values, membrane, order, coherence, share, settings.agreementLevels);
	return {values, box: fill.box};
}

// One function per hot loop, here and below: V8 compiles a loop of a fresh process on the spot (on-stack
// replacement) and throws the code away when the function then reaches code that has not run yet, so a
// loop followed by more code in the same function was compiled again for every large region (moon.jpg:
// transportColor 19 deoptimizations in one build).

/** Moves each synthesis pixel `share` of the way to the membrane fill, as far as {@link membraneGate} allows. */
function blendMembrane(values: Float32Array, membrane: Float32Array, order: Int32Array, coherence: Float32Array, share: number, agreementLevels: number): void {
	for (let o = 0; o < order.length; o++) {
		const p = order[o];
		const weight = share * membraneGate(values, membrane, p, coherence[o], agreementLevels);
		for (let c = 0; c < 3; c++) values[3 * p + c] += weight * (membrane[3 * p + c] - values[3 * p + c]);
	}
}

/** Transport and (when `withMembrane`) membrane fills of `region`, before they are blended. */
interface UnblendedFill {
	/** Transported colour of the work box (see {@link transportColor}). */
	values: Float32Array;
	/** Membrane fill of the same box; undefined when not asked for or no context is far enough. */
	membrane: Float32Array | undefined;
	/** Box indices of the synthesis pixels in fill order, and the coherence each was transported with. */
	order: Int32Array;
	coherence: Float32Array;
	box: WorkBox;
}

/** Ball radius and structure-tensor radius in whole pixels. */
function roundedRadii(settings: CoherenceInpainterOptions): {radius: number; tensorRadius: number} {
	return {radius: Math.max(1, Math.round(settings.radius)), tensorRadius: Math.max(1, Math.round(settings.tensorRadius))};
}

/** How far the work box reaches past the synthesis bounds: the ball, and the tensor's two blurs and gradient it reads. */
function workBoxMargin(settings: CoherenceInpainterOptions): number {
	const {radius, tensorRadius} = roundedRadii(settings);
	return radius + 2 * tensorRadius + 2;
}

/** Depth of the context band the validation hides, pixels. */
function validationBandDepth(settings: CoherenceInpainterOptions): number {
	return Math.min(254, Math.max(1, Math.round(settings.validationBandPixels)));
}

function fillUnblended(region: InpaintRegion, settings: CoherenceInpainterOptions, transport: TransportLoop, withMembrane: boolean): UnblendedFill | undefined {
	const {radius, tensorRadius} = roundedRadii(settings);
	const bounds = maskBounds(region.synthesisMask, region.width, region.height, workBoxMargin(settings));
	if (bounds === undefined) return undefined;
	const box = {left: bounds.left, top: bounds.top, width: bounds.right - bounds.left + 1, height: bounds.bottom - bounds.top + 1};
	const n = box.width * box.height;
	const values = scratch.float32('values', 3 * n);
	const disparity = scratch.float32('disparity', n);
	// 0 = not readable, 1 = context, 2 = synthesis, SET_ASIDE = context not used as a source.
	const state = scratch.uint8('state', n);
	const contextCount = copyIntoBox(region, box, values, disparity, state);
	if (contextCount === 0) {
		const known = new Uint8Array(n);
		const unknown = Uint8Array.from(state, (s) => (s === 2 ? 1 : 0));
		fillMembraneInPlace(values, 3, box.width, box.height, known, unknown, {fallbackValue: 128});
		return {values, membrane: undefined, order: new Int32Array(0), coherence: new Float32Array(0), box};
	}
	if (Number.isFinite(settings.ringBreakRatio)) setAsideBrokenRing(values, state, box, settings.ringBreakRatio);
	const membrane = withMembrane ? membraneFill(values, disparity, state, box, settings.disparityMargin, 'membrane') : undefined;
	const tables = weightTables(radius, settings.anisotropy);
	const {order, coherence, deferred} = transport(values, disparity, state, box.width, box.height, tables, settings, tensorRadius);
	if (deferred > 0) fillDeferred(values, disparity, state, box, settings.disparityMargin);
	return {values, membrane, order, coherence, box};
}

/**
 * How much of the membrane's share box pixel `p` may take, 0..1: none where the transport was coherent
 * (it follows a structure), and none where the two fills differ by more than twice `agreementLevels`
 * (the membrane has crossed a structure the transport follows).
 */
function membraneGate(values: Float32Array, membrane: Float32Array, p: number, coherence: number, agreementLevels: number): number {
	let difference = 0;
	for (let c = 0; c < 3; c++) difference = Math.max(difference, Math.abs(values[3 * p + c] - membrane[3 * p + c]));
	return (1 - coherence) * Math.max(0, Math.min(1, 2 - difference / agreementLevels));
}

/** State of context ring pixels that break from the context behind them: never read, solved for by the membrane. */
const SET_ASIDE = 3;

/**
 * Sets the context ring touching the hole aside (state SET_ASIDE) when it breaks from the context behind
 * it (see {@link ringBreaksFromContext}): an antialiased silhouette or a dark frame column would otherwise
 * be read as a line to continue, and copied into the whole hole along it.
 */
function setAsideBrokenRing(values: Float32Array, state: Uint8Array, box: WorkBox, ratio: number): void {
	const levels = scratch.uint8('levels', state.length);
	contextLevels(state, box.width, box.height, 3, levels, scratch.int32('queue', state.length));
	if (!ringBreaksFromContext(values, levels, box.width, box.height, ratio)) return;
	for (let i = 0; i < state.length; i++) if (levels[i] === 1) state[i] = SET_ASIDE;
}

/** Whether `mask` has at least `count` pixels set. */
function hasAtLeast(mask: Uint8Array, count: number): boolean {
	let found = 0;
	for (let i = 0; i < mask.length && found < count; i++) found += mask[i];
	return found >= count;
}

/**
 * Fewest pixels a validation band, and the context left beyond it, must have for the region to validate
 * its share. Small regions are most of the calls (hut: 269 of 275) and their validation fill costs about
 * what their own fill does, while the wide ones carry the gain: from 20 to 1000 px, eval:stereo 2.06 →
 * 2.07 dB, eval:border 18.50 either way, the inpainter's CPU +45–60 % → +19–31 % over no validation.
 */
const MIN_VALIDATION_PIXELS = 1000;

/**
 * The membrane's share that best fills the region's own context: the band of context
 * `validationBandPixels` deep behind the ring that touches the hole is hidden and filled from the context
 * beyond it (the ring, the context least like what is hidden, and the hole are not read), and the
 * share minimizing the squared error of the blend over the band is taken, clamped to 0..1 (a least-squares
 * fit with one unknown: blend = T + share · gate · (M − T)). Undefined when the band or the context beyond
 * it is too small to tell.
 */
function validatedMembraneShare(region: InpaintRegion, settings: CoherenceInpainterOptions, transport: TransportLoop): number | undefined {
	const {width, height, contextMask, synthesisMask, color} = region;
	const depth = validationBandDepth(settings);
	const bounds = maskBounds(synthesisMask, width, height, depth + 1);
	if (bounds === undefined) return undefined;
	// The rings are found on the hole's bounds grown by their depth: all context beyond is test context.
	const cropWidth = bounds.right - bounds.left + 1;
	const cropHeight = bounds.bottom - bounds.top + 1;
	const cropState = scratch.uint8('cropState', cropWidth * cropHeight);
	cropStates(synthesisMask, contextMask, width, bounds, cropState);
	const levels = scratch.uint8('levels', cropWidth * cropHeight);
	contextLevels(cropState, cropWidth, cropHeight, depth + 1, levels, scratch.int32('queue', cropWidth * cropHeight));
	const testContext = scratch.uint8('testContext', width * height);
	testContext.set(contextMask);
	const testSynthesis = scratch.uint8('testSynthesis', width * height);
	const bandCount = hideValidationBand(levels, width, bounds, testContext, testSynthesis);
	if (bandCount < MIN_VALIDATION_PIXELS || !hasAtLeast(testContext, MIN_VALIDATION_PIXELS)) return undefined;
	// Colours are read only where the context mask is set: the band's true colours stay hidden.
	const fill = fillUnblended({...region, contextMask: testContext, synthesisMask: testSynthesis}, settings, transport, true);
	if (fill?.membrane === undefined) return undefined;
	return leastSquaresShare(fill, fill.membrane, color, width, settings.agreementLevels);
}

/** Per pixel of `bounds`: 2 synthesis, else the context mask's value. */
function cropStates(synthesisMask: Uint8Array, contextMask: Uint8Array, width: number, bounds: Bounds, cropState: Uint8Array): void {
	const cropWidth = bounds.right - bounds.left + 1;
	const cropHeight = bounds.bottom - bounds.top + 1;
	for (let y = 0; y < cropHeight; y++) {
		for (let x = 0, c = y * cropWidth, i = (y + bounds.top) * width + bounds.left; x < cropWidth; x++, c++, i++) {
			cropState[c] = synthesisMask[i] ? 2 : contextMask[i];
		}
	}
}

/** Takes every ring (level ≥ 1) out of the test context and makes levels ≥ 2 its synthesis; returns their number. */
function hideValidationBand(levels: Uint8Array, width: number, bounds: Bounds, testContext: Uint8Array, testSynthesis: Uint8Array): number {
	const cropWidth = bounds.right - bounds.left + 1;
	const cropHeight = bounds.bottom - bounds.top + 1;
	let bandCount = 0;
	for (let y = 0; y < cropHeight; y++) {
		for (let x = 0, c = y * cropWidth, i = (y + bounds.top) * width + bounds.left; x < cropWidth; x++, c++, i++) {
			if (levels[c] === 0) continue;
			testContext[i] = 0;
			if (levels[c] >= 2) {
				testSynthesis[i] = 1;
				bandCount++;
			}
		}
	}
	return bandCount;
}

/** The share of the membrane's step that brings the blend closest to `color` over the filled band (least squares, 0..1). */
function leastSquaresShare(fill: UnblendedFill, membrane: Float32Array, color: Uint8Array, width: number, agreementLevels: number): number | undefined {
	const {values, order, coherence, box} = fill;
	let correlation = 0;
	let energy = 0;
	for (let o = 0; o < order.length; o++) {
		const p = order[o];
		const gate = membraneGate(values, membrane, p, coherence[o], agreementLevels);
		const x = p % box.width;
		const i = ((p - x) / box.width + box.top) * width + x + box.left;
		for (let c = 0; c < 3; c++) {
			const step = gate * (membrane[3 * p + c] - values[3 * p + c]);
			correlation += step * (color[3 * i + c] - values[3 * p + c]);
			energy += step * step;
		}
	}
	return energy > 0 ? Math.max(0, Math.min(1, correlation / energy)) : undefined;
}

/** Copies the box's context colours and all disparities in; marks context 1, synthesis 2. Returns the context count. */
function copyIntoBox(region: InpaintRegion, box: WorkBox, values: Float32Array, disparity: Float32Array, state: Uint8Array): number {
	const {width, color, contextMask, synthesisMask} = region;
	let contextCount = 0;
	for (let y = 0; y < box.height; y++) {
		for (let x = 0, b = y * box.width, i = (y + box.top) * width + box.left; x < box.width; x++, b++, i++) {
			disparity[b] = region.disparity[i];
			if (synthesisMask[i]) {
				state[b] = 2;
			} else if (contextMask[i]) {
				state[b] = 1;
				contextCount++;
				values[3 * b] = color[3 * i];
				values[3 * b + 1] = color[3 * i + 1];
				values[3 * b + 2] = color[3 * i + 2];
			}
		}
	}
	return contextCount;
}

/** Ball offsets and, per quantized normal angle and anisotropy level, the weight of each offset. */
export interface WeightTables {
	dx: Int32Array;
	dy: Int32Array;
	/** [(angle · ANISOTROPY_STEPS + level) · offsets + offset]. */
	weights: Float32Array;
}

const tableCache = new Map<string, WeightTables>();

/** {@link buildWeightTables}, kept per radius and anisotropy: the engine calls an inpainter hundreds of times. */
function weightTables(radius: number, anisotropy: number): WeightTables {
	const key = `${radius} ${anisotropy}`;
	let tables = tableCache.get(key);
	if (tables === undefined) {
		tables = buildWeightTables(radius, anisotropy);
		tableCache.set(key, tables);
	}
	return tables;
}

function buildWeightTables(radius: number, anisotropy: number): WeightTables {
	const dxs: number[] = [];
	const dys: number[] = [];
	for (let dy = -radius; dy <= radius; dy++) {
		for (let dx = -radius; dx <= radius; dx++) {
			if ((dx !== 0 || dy !== 0) && dx * dx + dy * dy <= radius * radius + radius) {
				dxs.push(dx);
				dys.push(dy);
			}
		}
	}
	const offsets = dxs.length;
	const weights = new Float32Array(ANGLE_STEPS * ANISOTROPY_STEPS * offsets);
	for (let a = 0; a < ANGLE_STEPS; a++) {
		const angle = (Math.PI * a) / ANGLE_STEPS;
		const nx = Math.cos(angle);
		const ny = Math.sin(angle);
		for (let level = 0; level < ANISOTROPY_STEPS; level++) {
			const mu = (anisotropy * level) / (ANISOTROPY_STEPS - 1);
			const sharpness = (mu * mu) / (2 * radius * radius);
			for (let k = 0; k < offsets; k++) {
				const along = nx * dxs[k] + ny * dys[k];
				// Never 0 (exp underflows far across the isophote): a pixel whose usable neighbours all lie
				// across it still gets their mean rather than 0 / 0.
				weights[(a * ANISOTROPY_STEPS + level) * offsets + k] = Math.max(1e-30, Math.exp(-sharpness * along * along)) / Math.hypot(dxs[k], dys[k]);
			}
		}
	}
	return {dx: Int32Array.from(dxs), dy: Int32Array.from(dys), weights};
}

/** The exports of assembly/coherence-transport.ts; pointers are byte offsets into `memory`. */
interface TransportKernel extends KernelInstance {
	heapBase(): number;
	prepare(
		values: number, state: number, disparity: number, width: number, height: number, tensorRadius: number, contrastFloor: number, ringWeight: number,
		trust: number, luminance: number, tensor: number, weight: number, sums: number, distance: number, starts: number, order: number,
		features: number, gate: number, paddedTrust: number, radius: number,
	): number;
	transport(
		features: number, gate: number, trust: number, disparity: number, state: number, values: number, order: number, orderLength: number,
		width: number, radius: number, relative: number, offsets: number, weights: number, margin: number, coherenceOut: number,
		usableOffset: number, usablePixel: number, usableTrust: number,
	): number;
}

/**
 * The transport and what it reads: each context pixel's trust as a source (`edgeRingWeight` for those
 * 4-adjacent to the synthesis region: along a silhouette they mix in the occluder's colour), the smoothed
 * luminance structure tensor over the context (Scharr gradients, two normalized box blurs of
 * `tensorRadius`, scaled to trace / (trace + `contrastFloor`)), and the fill order (synthesis pixels by
 * their 3-4 chamfer distance from the context, nearest first). Then fills the synthesis pixels in that
 * order, each the weighted mean of the known pixels in its ball no nearer than it by more than the
 * margin; a filled pixel becomes known (state 1, full trust). Pixels with no such pixel keep state 2.
 * Returns the order (box indices), the coherence each pixel was transported with (both valid until the
 * next call) and the number of pixels left unfilled.
 */
export type TransportLoop = (
	values: Float32Array, disparity: Float32Array, state: Uint8Array, width: number, height: number, tables: WeightTables,
	settings: CoherenceInpainterOptions, tensorRadius: number,
) => {order: Int32Array; coherence: Float32Array; deferred: number};

/** One kernel instance per process: its memory, grown to the largest box so far, serves every call. */
let kernel: TransportKernel | undefined;
/** The weight tables now at the start of the kernel's memory. */
let tablesInKernel: WeightTables | undefined;

/**
 * {@link TransportLoop} in WebAssembly (assembly/coherence-transport.ts): the box's colour, state and
 * disparity are copied in (17 bytes per pixel), the kernel derives the trust, the tensor and the order
 * there, and lays out what the ball loop reads (~2 kB per pixel) as a copy of the box padded by the
 * radius (no bounds test), with colour and tensor side by side and one gate per pixel that folds
 * "known" and "not nearer" into one comparison; colour, state, order and coherence are copied back.
 */
const transportInKernel: TransportLoop = (values, disparity, state, width, height, tables, settings, tensorRadius) => {
	kernel ??= instantiateKernel<TransportKernel>('coherence-transport');
	const {dx, dy, weights} = tables;
	const offsets = dx.length;
	const radius = Math.max(...dx);
	const paddedWidth = width + 2 * radius;
	const paddedCount = paddedWidth * (height + 2 * radius);
	const n = width * height;
	const layout = new KernelLayout(kernel.heapBase());
	const weightsAt = layout.take(4 * weights.length);
	const relativeAt = layout.take(4 * offsets);
	const usableOffsetAt = layout.take(4 * offsets);
	const usablePixelAt = layout.take(4 * offsets);
	const usableTrustAt = layout.take(4 * offsets);
	const featuresAt = layout.take(24 * paddedCount);
	const gateAt = layout.take(4 * paddedCount);
	const paddedTrustAt = layout.take(4 * paddedCount);
	const disparityAt = layout.take(4 * n);
	const valuesAt = layout.take(12 * n);
	const stateAt = layout.take(n);
	const trustAt = layout.take(4 * n);
	const tensorAt = layout.take(12 * n);
	// What only the tensor and the order are made from lies where the padded arrays are packed after
	// them (32 B per padded pixel; these need 28 B per box pixel): 105 → 77 B of kernel memory per box
	// pixel. Padded pixels the packing leaves unset are never read (their gate is ∞).
	const preparing = new KernelLayout(featuresAt);
	const luminanceAt = preparing.take(4 * n);
	const weightAt = preparing.take(4 * n);
	const sumsAt = preparing.take(16 * n);
	const distanceAt = preparing.take(4 * n);
	const startsAt = preparing.take(4 * (3 * (width + height) + 2));
	if (preparing.end > disparityAt) throw new Error('coherence kernel: the preparation arrays overrun the padded ones');
	const orderAt = layout.take(4 * n);
	const coherenceAt = layout.take(4 * n);
	const {memory} = kernel;
	if (layout.reserve(memory)) tablesInKernel = undefined;
	// Views only now: growing the memory detaches the views taken before.
	const {buffer} = memory;
	if (tablesInKernel !== tables) {
		new Float32Array(buffer, weightsAt, weights.length).set(weights);
		tablesInKernel = tables;
	}
	const relative = new Int32Array(buffer, relativeAt, offsets);
	for (let k = 0; k < offsets; k++) relative[k] = dy[k] * paddedWidth + dx[k];
	new Float32Array(buffer, disparityAt, n).set(disparity);
	const kernelValues = new Float32Array(buffer, valuesAt, 3 * n);
	kernelValues.set(values);
	const kernelState = new Uint8Array(buffer, stateAt, n);
	kernelState.set(state);
	const m = kernel.prepare(
		valuesAt, stateAt, disparityAt, width, height, tensorRadius, settings.contrastFloor, settings.edgeRingWeight,
		trustAt, luminanceAt, tensorAt, weightAt, sumsAt, distanceAt, startsAt, orderAt, featuresAt, gateAt, paddedTrustAt, radius,
	);
	const kernelCoherence = new Float32Array(buffer, coherenceAt, m).fill(0);
	const deferred = kernel.transport(
		featuresAt, gateAt, paddedTrustAt, disparityAt, stateAt, valuesAt, orderAt, m, width, radius, relativeAt, offsets, weightsAt,
		settings.disparityMargin, coherenceAt, usableOffsetAt, usablePixelAt, usableTrustAt,
	);
	values.set(kernelValues);
	state.set(kernelState);
	const order = scratch.int32('order', m);
	order.set(new Int32Array(buffer, orderAt, m));
	const coherence = scratch.float32('coherence', m);
	coherence.set(kernelCoherence);
	return {order, coherence, deferred};
};


/**
 * A membrane fill of the synthesis pixels (a copy of `values`) from the context no nearer than the
 * nearest synthesis pixel by more than `margin` (an occluder in the context cannot be what is hidden);
 * undefined when there is none.
 */
function membraneFill(values: Float32Array, disparity: Float32Array, state: Uint8Array, box: WorkBox, margin: number, slot: string): Float32Array | undefined {
	const farEnough = nearestSynthesisDisparity(state, disparity) + margin;
	const known = scratch.uint8('known', state.length);
	const unknown = scratch.uint8('unknown', state.length);
	if (!membraneMasks(state, disparity, farEnough, known, unknown)) return undefined;
	const membrane = scratch.float32(slot, values.length);
	membrane.set(values);
	fillMembraneInPlace(membrane, 3, box.width, box.height, known, unknown, {fallbackValue: 128});
	return membrane;
}

/** The largest disparity of a synthesis pixel (state 2); -∞ when there is none. */
function nearestSynthesisDisparity(state: Uint8Array, disparity: Float32Array): number {
	let nearest = -Infinity;
	for (let i = 0; i < state.length; i++) if (state[i] === 2) nearest = Math.max(nearest, disparity[i]);
	return nearest;
}

/** The membrane's unknowns (synthesis and set-aside pixels) and knowns (context no nearer than `farEnough`); whether any is known. */
function membraneMasks(state: Uint8Array, disparity: Float32Array, farEnough: number, known: Uint8Array, unknown: Uint8Array): boolean {
	let anyKnown = false;
	for (let i = 0; i < state.length; i++) {
		if (state[i] === 2 || state[i] === SET_ASIDE) {
			unknown[i] = 1;
		} else if (state[i] === 1 && disparity[i] <= farEnough) {
			known[i] = 1;
			anyKnown = true;
		}
	}
	return anyKnown;
}

/** Membrane fill of the synthesis pixels transport could not reach, from the known pixels no nearer than them. */
function fillDeferred(values: Float32Array, disparity: Float32Array, state: Uint8Array, box: WorkBox, margin: number): void {
	const filled = membraneFill(values, disparity, state, box, margin, 'deferred');
	if (filled === undefined) return;
	for (let i = 0; i < state.length; i++) {
		if (state[i] !== 2) continue;
		for (let c = 0; c < 3; c++) values[3 * i + c] = filled[3 * i + c];
	}
}

/** The region's colour with the synthesis pixels replaced by the box's rounded, clamped values. */
function toBytes(region: InpaintRegion, values: Float32Array, box: WorkBox): Uint8Array {
	const result = Uint8Array.from(region.color);
	const {width, synthesisMask} = region;
	for (let y = 0; y < box.height; y++) {
		for (let x = 0, b = y * box.width, i = (y + box.top) * width + box.left; x < box.width; x++, b++, i++) {
			if (!synthesisMask[i]) continue;
			for (let c = 0; c < 3; c++) {
				const value = Math.round(values[3 * b + c]);
				result[3 * i + c] = value < 0 ? 0 : value > 255 ? 255 : value;
			}
		}
	}
	return result;
}
