import {createRgbaImage} from '../image/raster.js';
import type {Ldi} from '../ldi/ldi.js';
import {type DepthRange, depthFromDisparity, focalLengthPixels, type LayerMesh} from '../scene/scene.js';
import type {UnprojectCamera} from './simplify.js';

/**
 * The backdrop: one coarse, continuous sheet behind every other layer, so that no camera pose inside
 * the comfort range shows an empty pixel even where it looks farther behind an edge, or past the frame,
 * than the inpainted layers reach. The hidden layers and the frame extension are inpainted for the
 * parallax moves (8 % of the near depth sideways, 10 % forward); an orbit about the median depth moves
 * the camera sideways by up to twice that (comfort-range.ts; 10° moved moon's 0.33 m, 4× the 8 % move),
 * and inpainting for a 10° orbit doubled moon's inpainting crops (1.74 → 3.84 Mpx, ~+75 % of the LDI stage's
 * CPU). The sheet costs 25–55 ms of the mesh stage and ~1.2 k triangles (moon 1024²: 1,152, 192² texels).
 *
 * Depth: a height field over the photo's pixel grid (extended past the frame by `extendPixels`), at the
 * farthest disparity of every LDI pixel (all layers) within `envelopeRadiusPixels`, minus
 * `disparityMargin`: behind everything near it, so it never hides a layer, and at the local background's
 * depth, so what it shows through a gap sits about where the background does. Colour: the mean of the
 * LDI pixels within `backgroundTolerance` of that envelope, per `texelPixels` square (the background
 * around, never the occluder), gaps filled from their neighbours; blurred by construction: it is a seal,
 * not a surface to look at.
 *
 * Measured (three.js, default build at 1024 px; bench/comfort.ts): before, a 10° orbit left 4.0–13.9 %
 * of moon's pixels empty (shelf up to 8.2 %, hut 22 %), a move of 8 % down 1.3 % (moon); with the frame
 * extension sized for the parallax moves and this sheet: 0 at every edge of the range on all three.
 * Tried: a sheet on the 32-px grid (4.4 k triangles) took triangles from layer 0 (moon 35.80 → 35.50 dB
 * at rest); on the scene's quantization grid it coarsened every layer (see gltf/quantize.ts).
 * A margin of 0.02 would do; 0.03 stays clear of the simplifier's depth error (≈ 0.018).
 * The colour fill visits each ring's neighbours only, in one loop compiled once (fillRings): moon's
 * sheet in a fresh process, CPU median of 7 alternating, 75 → 62 ms, same bytes.
 */

/** Options for {@link meshBackdrop}. Pixel sizes are at `referenceSizePixels` and scale with the photo. */
export interface BackdropOptions {
	/** Distance between the sheet's vertices. */
	cellPixels: number;
	/** Size of one texel of its texture. */
	texelPixels: number;
	/** Radius of the square window whose farthest pixel sets the sheet's depth. */
	envelopeRadiusPixels: number;
	/** Normalized disparity the sheet stays behind that farthest pixel. */
	disparityMargin: number;
	/** Pixels within this disparity of the envelope give the sheet its colour. */
	backgroundTolerance: number;
	/** How far the sheet reaches past the frame, photo pixels (not scaled); at most `maxExtendPixels`. */
	extendPixels: number;
	/**
	 * The farthest the sheet reaches past the frame, at the reference size (scaled). What an orbit reveals
	 * grows without bound as the field of view widens (10° about a 160° photo looks along its image plane;
	 * sample.jpg at 165° with a 10° orbit: a 4280² backdrop texture, 550 k triangles), so a very wide photo
	 * shows empty space at the edges of its orbit range instead (from ~145° at a 10° orbit, ~165° at 4°).
	 */
	maxExtendPixels: number;
	/** Long side the sizes above are given for. */
	referenceSizePixels: number;
}

export const BACKDROP_DEFAULTS: BackdropOptions = {
	cellPixels: 64,
	texelPixels: 8,
	envelopeRadiusPixels: 96,
	// Above the simplifier's depth error (0.75 px of a 41-px parallax range ≈ 0.018): never in front of layer 0.
	disparityMargin: 0.03,
	backgroundTolerance: 0.05,
	extendPixels: 0,
	maxExtendPixels: 1024,
	referenceSizePixels: 1024,
};

/** The farthest depth the backdrop may lie at (disparity −`disparityMargin`), metres. */
export function backdropFarMeters(depthRange: DepthRange, disparityMargin = BACKDROP_DEFAULTS.disparityMargin): number {
	return depthFromDisparity(-disparityMargin, depthRange);
}

/**
 * The backdrop of `ldi` as layer `layerIndex` (see the header).
 *
 * ```ts
 * const backdrop = meshBackdrop(ldi, 4, {width: ldi.width, height: ldi.height, fovYRadians}, range, {extendPixels: 230});
 * ```
 */
export function meshBackdrop(ldi: Ldi, layerIndex: number, camera: UnprojectCamera, depthRange: DepthRange, options: Partial<BackdropOptions> = {}): LayerMesh {
	const settings = {...BACKDROP_DEFAULTS, ...options};
	const {width, height} = ldi;
	const scale = Math.max(width, height) / settings.referenceSizePixels;
	const texel = Math.max(1, Math.round(settings.texelPixels * scale));
	const cellTexels = Math.max(1, Math.round(settings.cellPixels / settings.texelPixels));
	const extendPixels = Math.min(Math.max(0, settings.extendPixels), settings.maxExtendPixels * scale);
	const extendTexels = Math.ceil(extendPixels / texel) + 1;
	// The texture grid: photo texels plus `extendTexels` on every side; a whole number of cells.
	const innerW = Math.ceil(width / texel);
	const innerH = Math.ceil(height / texel);
	const cellsX = Math.ceil((innerW + 2 * extendTexels) / cellTexels);
	const cellsY = Math.ceil((innerH + 2 * extendTexels) / cellTexels);
	const texW = cellsX * cellTexels;
	const texH = cellsY * cellTexels;
	const originX = -extendTexels;
	const originY = -extendTexels;

	// Farthest disparity and background colour per photo texel.
	const farthest = new Float32Array(innerW * innerH).fill(Infinity);
	const texelOf = texelTables(ldi, texel, innerW);
	nearestPass(ldi, texelOf, farthest);
	const radius = Math.max(1, Math.round(settings.envelopeRadiusPixels * scale / texel));
	const envelope = minFilter(farthest, innerW, innerH, radius);
	const sums = new Float64Array(innerW * innerH * 4);
	colorPass(ldi, texelOf, envelope, settings.backgroundTolerance, sums);

	// Extended texture: every texel takes the nearest photo texel's envelope and colour.
	const texture = createRgbaImage(texW, texH);
	const depthTexels = new Float32Array(texW * texH);
	const color = fillColors(sums, innerW, innerH);
	for (let ty = 0; ty < texH; ty++) {
		const sy = Math.min(innerH - 1, Math.max(0, ty + originY));
		for (let tx = 0; tx < texW; tx++) {
			const sx = Math.min(innerW - 1, Math.max(0, tx + originX));
			const s = sy * innerW + sx;
			const t = ty * texW + tx;
			depthTexels[t] = envelope[s];
			texture.data[t * 4] = color[s * 3];
			texture.data[t * 4 + 1] = color[s * 3 + 1];
			texture.data[t * 4 + 2] = color[s * 3 + 2];
			texture.data[t * 4 + 3] = 255;
		}
	}

	// Vertices every `cellTexels` texels, at the farthest envelope of the cells around them, so every
	// triangle lies behind all the pixels it covers.
	const f = focalLengthPixels(camera.height, camera.fovYRadians);
	const cx = camera.width / 2;
	const cy = camera.height / 2;
	const lowest = -settings.disparityMargin;
	const vx = cellsX + 1;
	const vy = cellsY + 1;
	const positions = new Float32Array(vx * vy * 3);
	const uvs = new Float32Array(vx * vy * 2);
	for (let j = 0; j < vy; j++) {
		for (let i = 0; i < vx; i++) {
			let d = Infinity;
			for (let ty = Math.max(0, (j - 1) * cellTexels); ty < Math.min(texH, (j + 1) * cellTexels); ty++) {
				for (let tx = Math.max(0, (i - 1) * cellTexels); tx < Math.min(texW, (i + 1) * cellTexels); tx++) d = Math.min(d, depthTexels[ty * texW + tx]);
			}
			const z = depthFromDisparity(Math.max(lowest, d - settings.disparityMargin), depthRange);
			const px = (originX + i * cellTexels) * texel;
			const py = (originY + j * cellTexels) * texel;
			const v = j * vx + i;
			positions[v * 3] = ((px - cx) / f) * z;
			positions[v * 3 + 1] = (-(py - cy) / f) * z;
			positions[v * 3 + 2] = -z;
			uvs[v * 2] = (i * cellTexels) / texW;
			uvs[v * 2 + 1] = (j * cellTexels) / texH;
		}
	}
	const indices = new Uint32Array(cellsX * cellsY * 6);
	let k = 0;
	for (let j = 0; j < cellsY; j++) {
		for (let i = 0; i < cellsX; i++) {
			const a = j * vx + i;
			const b = a + 1;
			const c = a + vx;
			const d = c + 1;
			// Counter-clockwise seen from the camera (image y runs down, scene y up).
			indices.set([a, c, d, a, d, b], k);
			k += 6;
		}
	}
	return {layerIndex, positions, uvs, indices, texture, backdrop: true};
}

/** Texel row offset per photo row and texel column per photo column (no division per LDI pixel). */
interface TexelTables {
	rowOf: Int32Array;
	columnOf: Int32Array;
}

function texelTables(ldi: Ldi, texel: number, innerW: number): TexelTables {
	const rowOf = new Int32Array(ldi.height);
	const columnOf = new Int32Array(ldi.width);
	for (let y = 0; y < ldi.height; y++) rowOf[y] = Math.floor(y / texel) * innerW;
	for (let x = 0; x < ldi.width; x++) columnOf[x] = Math.floor(x / texel);
	return {rowOf, columnOf};
}

/** Smallest disparity of any LDI pixel inside the photo, per texel. */
function nearestPass(ldi: Ldi, {rowOf, columnOf}: TexelTables, farthest: Float32Array): void {
	const {width, height} = ldi;
	for (let p = 0; p < ldi.count; p++) {
		const x = ldi.x[p];
		const y = ldi.y[p];
		if (x < 0 || y < 0 || x >= width || y >= height) continue;
		const t = rowOf[y] + columnOf[x];
		const d = ldi.disparity[p];
		if (d < farthest[t]) farthest[t] = d;
	}
}

/** Colour sums (r, g, b, count) per texel of the LDI pixels within `tolerance` of the texel's envelope. */
function colorPass(ldi: Ldi, {rowOf, columnOf}: TexelTables, envelope: Float32Array, tolerance: number, sums: Float64Array): void {
	const {width, height} = ldi;
	for (let p = 0; p < ldi.count; p++) {
		const x = ldi.x[p];
		const y = ldi.y[p];
		if (x < 0 || y < 0 || x >= width || y >= height) continue;
		const t = rowOf[y] + columnOf[x];
		if (ldi.disparity[p] > envelope[t] + tolerance) continue;
		sums[t * 4] += ldi.color[p * 3];
		sums[t * 4 + 1] += ldi.color[p * 3 + 1];
		sums[t * 4 + 2] += ldi.color[p * 3 + 2];
		sums[t * 4 + 3]++;
	}
}

/** Square-window minimum (separable: rows, then columns). */
function minFilter(values: Float32Array, w: number, h: number, radius: number): Float32Array {
	const rows = new Float32Array(w * h);
	for (let y = 0; y < h; y++) {
		for (let x = 0; x < w; x++) {
			let m = Infinity;
			for (let dx = Math.max(0, x - radius); dx <= Math.min(w - 1, x + radius); dx++) m = Math.min(m, values[y * w + dx]);
			rows[y * w + x] = m;
		}
	}
	const out = new Float32Array(w * h);
	for (let y = 0; y < h; y++) {
		for (let x = 0; x < w; x++) {
			let m = Infinity;
			for (let dy = Math.max(0, y - radius); dy <= Math.min(h - 1, y + radius); dy++) m = Math.min(m, rows[dy * w + x]);
			// A window with no pixel at all (cannot happen inside the photo) falls back to the far end.
			out[y * w + x] = Number.isFinite(m) ? m : 0;
		}
	}
	return out;
}

/**
 * Mean colours per texel; texels without any are filled from their filled 8-neighbours, ring by ring.
 * Each ring visits only the texels next to the previous one (one full scan to start), as texture.ts'
 * dilation does: the same colours as sweeping the whole grid once per ring, as this did before.
 */
function fillColors(sums: Float64Array, w: number, h: number): Uint8Array {
	const n = w * h;
	const color = new Float32Array(n * 3);
	const known = new Uint8Array(n);
	meanColors(sums, color, known);
	fillRings(color, known, w, h, new Int32Array(n), new Int32Array(n), new Uint8Array(n));
	return roundColors(color);
}

function meanColors(sums: Float64Array, color: Float32Array, known: Uint8Array): void {
	for (let t = 0; t < known.length; t++) {
		const count = sums[t * 4 + 3];
		if (count > 0) {
			color[t * 3] = sums[t * 4] / count;
			color[t * 3 + 1] = sums[t * 4 + 1] / count;
			color[t * 3 + 2] = sums[t * 4 + 2] / count;
			known[t] = 1;
		}
	}
}

/**
 * The rings, each texel the mean of its neighbours known before its ring (summed in row order). One
 * function, no calls: moon has 97 rings of ~140 texels, and small functions called once per ring ran
 * slowly until V8's background compiles of them were ready (~20 ms); this loop is compiled on the spot
 * (on-stack replacement) once hot.
 */
function fillRings(color: Float32Array, known: Uint8Array, w: number, h: number, ringBuffer: Int32Array, nextBuffer: Int32Array, queued: Uint8Array): void {
	let ring = ringBuffer;
	let next = nextBuffer;
	let ringLength = firstRing(known, w, h, queued, ring);
	while (ringLength > 0) {
		for (let i = 0; i < ringLength; i++) {
			const t = ring[i];
			const x = t % w;
			const y = (t - x) / w;
			let r = 0;
			let g = 0;
			let b = 0;
			let c = 0;
			for (let dy = y > 0 ? -1 : 0; dy <= (y + 1 < h ? 1 : 0); dy++) {
				for (let dx = x > 0 ? -1 : 0; dx <= (x + 1 < w ? 1 : 0); dx++) {
					const s = t + dy * w + dx;
					if (!known[s]) continue;
					r += color[s * 3];
					g += color[s * 3 + 1];
					b += color[s * 3 + 2];
					c++;
				}
			}
			color[t * 3] = r / c;
			color[t * 3 + 1] = g / c;
			color[t * 3 + 2] = b / c;
		}
		// Known only now, so every texel of this ring averaged the texels known before it.
		for (let i = 0; i < ringLength; i++) known[ring[i]] = 1;
		let nextLength = 0;
		for (let i = 0; i < ringLength; i++) {
			const t = ring[i];
			const x = t % w;
			const y = (t - x) / w;
			for (let dy = y > 0 ? -1 : 0; dy <= (y + 1 < h ? 1 : 0); dy++) {
				for (let dx = x > 0 ? -1 : 0; dx <= (x + 1 < w ? 1 : 0); dx++) {
					const s = t + dy * w + dx;
					if (known[s] || queued[s]) continue;
					queued[s] = 1;
					next[nextLength++] = s;
				}
			}
		}
		// Swapped through a variable: a destructuring swap reads the array iterator's properties, which
		// deoptimized this loop when its first ring ended.
		const filled = ring;
		ring = next;
		next = filled;
		ringLength = nextLength;
	}
}

/** Writes the texels not known with a known 8-neighbour to `ring`, marks them `queued` (each joins one ring), returns their count. */
function firstRing(known: Uint8Array, w: number, h: number, queued: Uint8Array, ring: Int32Array): number {
	let ringLength = 0;
	for (let t = 0; t < known.length; t++) {
		if (known[t]) continue;
		const x = t % w;
		const y = (t - x) / w;
		let touches = false;
		for (let dy = y > 0 ? -1 : 0; dy <= (y + 1 < h ? 1 : 0) && !touches; dy++) {
			for (let dx = x > 0 ? -1 : 0; dx <= (x + 1 < w ? 1 : 0); dx++) touches ||= known[t + dy * w + dx] === 1;
		}
		if (!touches) continue;
		queued[t] = 1;
		ring[ringLength++] = t;
	}
	return ringLength;
}

function roundColors(color: Float32Array): Uint8Array {
	const bytes = new Uint8Array(color.length);
	for (let i = 0; i < color.length; i++) bytes[i] = Math.round(color[i]);
	return bytes;
}
