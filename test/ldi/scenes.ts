/**
 * Generated RGB-D scenes with known truth for the LDI tests: a textured background at a known disparity
 * (whose full colour, including what the occluders hide, is kept) and occluders in front.
 */
import type {FloatImage} from '../../src/image/raster.js';
import {LINK_DX, LINK_DY, NO_LINK, OPPOSITE_LINK, type Ldi} from '../../src/ldi/ldi.js';

export type BackgroundTexture = 'stripes' | 'checker' | 'noise' | 'gradient';

export interface Occluder {
	/** Axis-aligned ellipse (rx = ry: disc) or bar (kind 'bar'). */
	kind: 'disc' | 'bar';
	centerX: number;
	centerY: number;
	/** Disc radius or bar half-width / half-height. */
	radiusX: number;
	radiusY: number;
	disparity: number;
	color: [number, number, number];
}

export interface Scene {
	width: number;
	height: number;
	/** The photo: background with the occluders painted over it. */
	image: {width: number; height: number; data: Uint8Array};
	disparity: {width: number; height: number; data: Float32Array};
	/** The background alone, everywhere. */
	background: Uint8Array;
	backgroundDisparity: Float32Array;
	/** Per pixel: index + 1 of the front-most occluder there, 0 for background. */
	occluderAt: Uint8Array;
}

/** Background colour at (x, y): greys and blues only, so red foreground is easy to spot. */
export function backgroundColor(texture: BackgroundTexture, x: number, y: number): [number, number, number] {
	switch (texture) {
		case 'stripes': return Math.floor(x / 4) % 2 === 0 ? [40, 60, 200] : [200, 200, 210];
		case 'checker': return (Math.floor(x / 6) + Math.floor(y / 6)) % 2 === 0 ? [30, 30, 90] : [180, 190, 230];
		case 'noise': {
			const h = Math.imul(x * 73856093 ^ y * 19349663, 0x9e3779b1) >>> 24;
			return [h >> 1, h >> 1, 90 + (h >> 1)];
		}
		case 'gradient': return [Math.round(40 + x * 0.5) & 255, Math.round(60 + y * 0.5) & 255, 200];
	}
}

function inside(o: Occluder, x: number, y: number): boolean {
	const dx = (x - o.centerX) / o.radiusX;
	const dy = (y - o.centerY) / o.radiusY;
	return o.kind === 'disc' ? dx * dx + dy * dy <= 1 : Math.abs(dx) <= 1 && Math.abs(dy) <= 1;
}

/**
 * A scene of `width`×`height`: background `texture` at disparity `backgroundDisparity(x, y)` and the
 * occluders painted in order (later ones in front).
 */
export function makeScene(
	width: number, height: number, texture: BackgroundTexture, occluders: Occluder[],
	backgroundDisparityAt: (x: number, y: number) => number = () => 0.1,
): Scene {
	const n = width * height;
	const data = new Uint8Array(n * 3);
	const background = new Uint8Array(n * 3);
	const disparity = new Float32Array(n);
	const backgroundDisparity = new Float32Array(n);
	const occluderAt = new Uint8Array(n);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const i = y * width + x;
			const c = backgroundColor(texture, x, y);
			background.set(c, i * 3);
			backgroundDisparity[i] = backgroundDisparityAt(x, y);
			let color = c;
			let d = backgroundDisparity[i];
			occluders.forEach((o, k) => {
				if (!inside(o, x, y)) return;
				color = o.color;
				d = o.disparity;
				occluderAt[i] = k + 1;
			});
			data.set(color, i * 3);
			disparity[i] = d;
		}
	}
	return {width, height, image: {width, height, data}, disparity: {width, height, data: disparity}, background, backgroundDisparity, occluderAt};
}

/** Problems with the LDI's links: asymmetric, or not joining lattice neighbours. Empty when sound. */
export function linkProblems(ldi: Ldi): string[] {
	const problems: string[] = [];
	for (let p = 0; p < ldi.count && problems.length < 5; p++) {
		for (let k = 0; k < 4; k++) {
			const q = ldi.links[p * 4 + k];
			if (q === NO_LINK) continue;
			if (ldi.links[q * 4 + OPPOSITE_LINK[k]] !== p) problems.push(`link ${p}→${q} (${k}) is not symmetric`);
			if (ldi.x[q] !== ldi.x[p] + LINK_DX[k] || ldi.y[q] !== ldi.y[p] + LINK_DY[k]) problems.push(`link ${p}→${q} (${k}) is not a lattice step`);
		}
	}
	return problems;
}

/**
 * The disparity a depth network gives for a true map: averaged down by `factor`, blurred, the near side
 * dilated (`grow` 1) or eroded (-1) by one low-resolution sample (`factor` px), and upsampled bilinearly:
 * each step lands ~`factor` px outside (inside) the outline and is spread over ~2·`factor` px.
 */
export function networkLikeDisparity(truth: FloatImage, grow: 1 | -1, factor = 3): FloatImage {
	const {width, height} = truth;
	const lowWidth = Math.ceil(width / factor);
	const lowHeight = Math.ceil(height / factor);
	const low = new Float32Array(lowWidth * lowHeight);
	for (let y = 0; y < lowHeight; y++) {
		for (let x = 0; x < lowWidth; x++) {
			let sum = 0;
			let count = 0;
			for (let ty = y * factor; ty < Math.min(height, (y + 1) * factor); ty++) {
				for (let tx = x * factor; tx < Math.min(width, (x + 1) * factor); tx++) {
					sum += truth.data[ty * width + tx];
					count++;
				}
			}
			low[y * lowWidth + x] = sum / count;
		}
	}
	const at = (image: Float32Array, x: number, y: number): number => image[Math.min(lowHeight - 1, Math.max(0, y)) * lowWidth + Math.min(lowWidth - 1, Math.max(0, x))];
	const blurred = new Float32Array(low.length);
	const dilated = new Float32Array(low.length);
	for (let y = 0; y < lowHeight; y++) {
		for (let x = 0; x < lowWidth; x++) {
			let sum = 0;
			for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) sum += at(low, x + dx, y + dy);
			blurred[y * lowWidth + x] = sum / 9;
		}
	}
	for (let y = 0; y < lowHeight; y++) {
		for (let x = 0; x < lowWidth; x++) {
			let extreme = at(blurred, x, y);
			for (let dy = -1; dy <= 1; dy++) {
				for (let dx = -1; dx <= 1; dx++) extreme = grow > 0 ? Math.max(extreme, at(blurred, x + dx, y + dy)) : Math.min(extreme, at(blurred, x + dx, y + dy));
			}
			dilated[y * lowWidth + x] = extreme;
		}
	}
	const data = new Float32Array(width * height);
	for (let y = 0; y < height; y++) {
		const sy = Math.max(0, (y + 0.5) / factor - 0.5);
		const y0 = Math.floor(sy);
		const fy = sy - y0;
		for (let x = 0; x < width; x++) {
			const sx = Math.max(0, (x + 0.5) / factor - 0.5);
			const x0 = Math.floor(sx);
			const fx = sx - x0;
			const top = at(dilated, x0, y0) * (1 - fx) + at(dilated, x0 + 1, y0) * fx;
			const bottom = at(dilated, x0, y0 + 1) * (1 - fx) + at(dilated, x0 + 1, y0 + 1) * fx;
			data[y * width + x] = top * (1 - fy) + bottom * fy;
		}
	}
	return {width, height, data};
}
