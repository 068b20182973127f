import type {InpaintRegion} from '../../src/inpaint/inpainter.js';

/** Background textures with a known truth behind the occluder. */
export type TextureKind = 'stripes' | 'checker' | 'noise' | 'flat';

export const MAGENTA = [255, 0, 255] as const;

export interface BandScene {
	region: InpaintRegion;
	/** The background everywhere, as if the occluder were not there. */
	truthColor: Uint8Array;
	truthDisparity: Float32Array;
}

export interface BandSceneOptions {
	width: number;
	height: number;
	/** Columns [contextEnd, synthesisEnd) are synthesized; [0, contextEnd) is context; the rest is foreground. */
	contextEnd: number;
	synthesisEnd: number;
	texture: TextureKind;
	/** Background disparity = base + slopeX · x + slopeY · y. */
	disparityBase: number;
	disparitySlopeX: number;
	disparitySlopeY: number;
	foregroundDisparity: number;
	ceilingMargin: number;
	seed: number;
	/** When set, the background is this RGB image's pixels from (left, top) instead of `texture`. */
	photo?: {data: Uint8Array; width: number; left: number; top: number};
}

export const BAND_SCENE_DEFAULTS: BandSceneOptions = {
	width: 200,
	height: 300,
	contextEnd: 120,
	synthesisEnd: 180,
	texture: 'stripes',
	disparityBase: 0.3,
	disparitySlopeX: 0,
	disparitySlopeY: 0,
	foregroundDisparity: 0.8,
	ceilingMargin: 0.05,
	seed: 1,
};

/** Deterministic 32-bit hash of a lattice point, for value noise. */
function hash(x: number, y: number, seed: number): number {
	let h = Math.imul(x, 374761393) ^ Math.imul(y, 668265263) ^ Math.imul(seed, 2246822519);
	h = Math.imul(h ^ (h >>> 13), 1274126177);
	return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

function textureColor(kind: TextureKind, x: number, y: number, seed: number, out: number[]): void {
	switch (kind) {
		case 'stripes': {
			const on = Math.floor((x + 0.5 * y) / 6) % 2 === 0;
			out[0] = on ? 220 : 40;
			out[1] = on ? 180 : 60;
			out[2] = on ? 40 : 120;
			break;
		}
		case 'checker': {
			const on = (Math.floor(x / 8) + Math.floor(y / 8)) % 2 === 0;
			out[0] = on ? 230 : 30;
			out[1] = on ? 230 : 90;
			out[2] = on ? 230 : 30;
			break;
		}
		case 'noise': {
			for (let c = 0; c < 3; c++) out[c] = Math.floor(40 + 170 * hash(x >> 1, y >> 1, seed * 3 + c));
			break;
		}
		case 'flat':
			out[0] = 90;
			out[1] = 140;
			out[2] = 200;
			break;
	}
}

/**
 * A crop around a vertical depth edge: background (texture, planar disparity) on the left, an occluder
 * from `contextEnd` on. Every non-context pixel of `region.color` is magenta, so any magenta in an
 * inpainter's output proves it read outside the context.
 */
export function makeBandScene(options: Partial<BandSceneOptions> = {}): BandScene {
	const s = {...BAND_SCENE_DEFAULTS, ...options};
	const n = s.width * s.height;
	const color = new Uint8Array(n * 3);
	const truthColor = new Uint8Array(n * 3);
	const disparity = new Float32Array(n);
	const truthDisparity = new Float32Array(n);
	const contextMask = new Uint8Array(n);
	const synthesisMask = new Uint8Array(n);
	const disparityCeiling = new Float32Array(n).fill(Infinity);
	const rgb = [0, 0, 0];
	for (let y = 0; y < s.height; y++) {
		for (let x = 0; x < s.width; x++) {
			const i = y * s.width + x;
			if (s.photo) {
				const from = 3 * ((y + s.photo.top) * s.photo.width + x + s.photo.left);
				rgb[0] = s.photo.data[from];
				rgb[1] = s.photo.data[from + 1];
				rgb[2] = s.photo.data[from + 2];
			} else {
				textureColor(s.texture, x, y, s.seed, rgb);
			}
			truthColor.set(rgb, 3 * i);
			truthDisparity[i] = s.disparityBase + s.disparitySlopeX * x + s.disparitySlopeY * y;
			if (x < s.contextEnd) {
				contextMask[i] = 1;
				color.set(rgb, 3 * i);
				disparity[i] = truthDisparity[i];
			} else {
				color.set(MAGENTA, 3 * i);
				disparity[i] = s.foregroundDisparity;
				disparityCeiling[i] = s.foregroundDisparity - s.ceilingMargin;
				if (x < s.synthesisEnd) synthesisMask[i] = 1;
			}
		}
	}
	return {
		region: {width: s.width, height: s.height, color, disparity, contextMask, synthesisMask, disparityCeiling},
		truthColor,
		truthDisparity,
	};
}

/** Number of synthesis pixels whose colour is exactly magenta. */
export function countMagenta(color: Uint8Array, synthesisMask: Uint8Array): number {
	let count = 0;
	for (let i = 0; i < synthesisMask.length; i++) {
		if (synthesisMask[i] && color[3 * i] === MAGENTA[0] && color[3 * i + 1] === MAGENTA[1] && color[3 * i + 2] === MAGENTA[2]) {
			count++;
		}
	}
	return count;
}

/** How close an inpainted band is to the hidden truth, per pixel and as texture. */
export interface BandScores {
	/** Mean absolute per-channel error over synthesis pixels, grey levels (favours blur). */
	meanAbsoluteError: number;
	/**
	 * Mean over 10×10 blocks lying wholly in the synthesis region of |σ(output) − σ(truth)|, σ the block's
	 * luminance standard deviation, grey levels: 0 when the fill has the truth's local contrast, the
	 * truth's mean block contrast for a flat (blurred) fill.
	 */
	localContrastError: number;
	/** Mean block σ of the output divided by that of the truth (1 = as much texture as the truth). */
	contrastRatio: number;
}

function blockDeviation(color: Uint8Array, width: number, left: number, top: number, side: number): number {
	let sum = 0;
	let sumSquares = 0;
	for (let y = top; y < top + side; y++) {
		for (let x = left; x < left + side; x++) {
			const i = 3 * (y * width + x);
			const luminance = (color[i] + color[i + 1] + color[i + 2]) / 3;
			sum += luminance;
			sumSquares += luminance * luminance;
		}
	}
	const n = side * side;
	return Math.sqrt(Math.max(0, sumSquares / n - (sum / n) ** 2));
}

/** Scores `output` against `truth` over the synthesis pixels of `mask`. */
export function scoreBand(output: Uint8Array, truth: Uint8Array, mask: Uint8Array, width: number, height: number): BandScores {
	let errorSum = 0;
	let count = 0;
	for (let i = 0; i < mask.length; i++) {
		if (!mask[i]) continue;
		for (let c = 0; c < 3; c++) errorSum += Math.abs(output[3 * i + c] - truth[3 * i + c]);
		count += 3;
	}
	const side = 10;
	let contrastError = 0;
	let outputContrast = 0;
	let truthContrast = 0;
	let blocks = 0;
	for (let top = 0; top + side <= height; top += side) {
		for (let left = 0; left + side <= width; left += side) {
			let inside = true;
			for (let y = top; y < top + side && inside; y++) {
				for (let x = left; x < left + side; x++) {
					if (!mask[y * width + x]) {
						inside = false;
						break;
					}
				}
			}
			if (!inside) continue;
			const outputDeviation = blockDeviation(output, width, left, top, side);
			const truthDeviation = blockDeviation(truth, width, left, top, side);
			contrastError += Math.abs(outputDeviation - truthDeviation);
			outputContrast += outputDeviation;
			truthContrast += truthDeviation;
			blocks++;
		}
	}
	return {
		meanAbsoluteError: errorSum / count,
		localContrastError: contrastError / blocks,
		contrastRatio: outputContrast / truthContrast,
	};
}
