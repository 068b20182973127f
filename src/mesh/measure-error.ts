import type {Ldi} from '../ldi/ldi.js';
import type {DepthRange} from '../scene/scene.js';
import type {SimplifiedLayer} from './simplify.js';

/** Worst errors of a simplified layer against the LDI pixels it covers. */
export interface LayerError {
	/** Largest |d_mesh - d|·k over covered pixel centres, pixels of parallax. */
	parallaxPixels: number;
	/**
	 * Largest distance between a pixel centre and the texel a perspective-correct consumer samples
	 * there (texture laid out in screen space, interpolated linearly in 3D), pixels.
	 */
	swimPixels: number;
	/** Distinct pixel centres covered by the layer's triangles. */
	coveredPixels: number;
	/**
	 * PSNR (dB) over covered pixels of the layer's colours sampled (bilinearly, on the photo grid) where
	 * a perspective-correct consumer samples them, against the colours at the pixel centres: the
	 * original view's quality loss from texture swim alone (Infinity when there is none).
	 */
	swimPsnr: number;
}

/** Bilinear sample of channel c of the first-pixel colour grid at continuous photo coordinate (x, y). */
function sampleColor(ldi: Ldi, x: number, y: number, c: number): number {
	const fx = Math.min(Math.max(x - 0.5, 0), ldi.width - 1);
	const fy = Math.min(Math.max(y - 0.5, 0), ldi.height - 1);
	const x0 = Math.floor(fx);
	const y0 = Math.floor(fy);
	const x1 = Math.min(x0 + 1, ldi.width - 1);
	const y1 = Math.min(y0 + 1, ldi.height - 1);
	const tx = fx - x0;
	const ty = fy - y0;
	const lw = ldi.width + 2 * ldi.border;
	const row0 = (y0 + ldi.border) * lw + ldi.border;
	const row1 = (y1 + ldi.border) * lw + ldi.border;
	const c00 = ldi.color[ldi.firstAtPosition[row0 + x0] * 3 + c];
	const c10 = ldi.color[ldi.firstAtPosition[row0 + x1] * 3 + c];
	const c01 = ldi.color[ldi.firstAtPosition[row1 + x0] * 3 + c];
	const c11 = ldi.color[ldi.firstAtPosition[row1 + x1] * 3 + c];
	return (c00 * (1 - tx) + c10 * tx) * (1 - ty) + (c01 * (1 - tx) + c11 * tx) * ty;
}

/**
 * Measures a simplified layer against the LDI by visiting every pixel centre inside each triangle
 * (screen space). A pixel centre's reference is the LDI pixel of the same layer at that position or,
 * failing that, the first pixel there. Disparity is affine in screen space over a 3D plane, so the
 * mesh's disparity at a pixel is the screen-linear interpolation of its corners'.
 *
 * ```ts
 * const {parallaxPixels, swimPixels, swimPsnr} = measureLayerError(ldi, simplified[0], range, 41);
 * ```
 */
export function measureLayerError(ldi: Ldi, layer: SimplifiedLayer, depthRange: DepthRange, parallaxRangePixels: number): LayerError {
	const inverseNear = 1 / depthRange.nearMeters;
	const inverseFar = 1 / depthRange.farMeters;
	const latticeWidth = ldi.width + 2 * ldi.border;
	let parallaxPixels = 0;
	let swimPixels = 0;
	let coveredPixels = 0;
	const covered = new Uint8Array(latticeWidth * (ldi.height + 2 * ldi.border));
	let squaredError = 0;
	const xs = new Float64Array(3);
	const ys = new Float64Array(3);
	const ds = new Float64Array(3);
	const ws = new Float64Array(3);
	for (let t = 0; t < layer.indices.length; t += 3) {
		for (let i = 0; i < 3; i++) {
			const p = layer.vertexPixels[layer.indices[t + i]];
			xs[i] = ldi.x[p] + 0.5;
			ys[i] = ldi.y[p] + 0.5;
			ds[i] = ldi.disparity[p];
			ws[i] = ds[i] * inverseNear + (1 - ds[i]) * inverseFar;
		}
		const area = (xs[1] - xs[0]) * (ys[2] - ys[0]) - (ys[1] - ys[0]) * (xs[2] - xs[0]);
		if (area === 0) continue;
		const minX = Math.floor(Math.min(xs[0], xs[1], xs[2]));
		const maxX = Math.max(xs[0], xs[1], xs[2]);
		const minY = Math.floor(Math.min(ys[0], ys[1], ys[2]));
		const maxY = Math.max(ys[0], ys[1], ys[2]);
		for (let y = minY; y <= maxY; y++) {
			const sy = y + 0.5;
			for (let x = minX; x <= maxX; x++) {
				const sx = x + 0.5;
				const b0 = ((xs[1] - sx) * (ys[2] - sy) - (ys[1] - sy) * (xs[2] - sx)) / area;
				const b1 = ((xs[2] - sx) * (ys[0] - sy) - (ys[2] - sy) * (xs[0] - sx)) / area;
				const b2 = 1 - b0 - b1;
				if (b0 < -1e-9 || b1 < -1e-9 || b2 < -1e-9) continue;
				const position = (y + ldi.border) * latticeWidth + x + ldi.border;
				let reference = ldi.firstAtPosition[position];
				for (let q = reference; q >= 0; q = ldi.nextAtPosition[q]) {
					if (ldi.layerIndex[q] === layer.layerIndex) {
						reference = q;
						break;
					}
				}
				if (reference < 0) continue;
				if (!covered[position]) {
					covered[position] = 1;
					coveredPixels++;
				}
				const meshDisparity = b0 * ds[0] + b1 * ds[1] + b2 * ds[2];
				const parallax = Math.abs(meshDisparity - ldi.disparity[reference]) * parallaxRangePixels;
				if (parallax > parallaxPixels) parallaxPixels = parallax;
				const w0 = b0 * ws[0];
				const w1 = b1 * ws[1];
				const w2 = b2 * ws[2];
				const sum = w0 + w1 + w2;
				const u = (w0 * xs[0] + w1 * xs[1] + w2 * xs[2]) / sum;
				const v = (w0 * ys[0] + w1 * ys[1] + w2 * ys[2]) / sum;
				const swim = Math.hypot(u - sx, v - sy);
				if (swim > swimPixels) swimPixels = swim;
				if (layer.layerIndex === 0 && x >= 0 && y >= 0 && x < ldi.width && y < ldi.height) {
					for (let c = 0; c < 3; c++) {
						const difference = sampleColor(ldi, u, v, c) - sampleColor(ldi, sx, sy, c);
						squaredError += difference * difference;
					}
				}
			}
		}
	}
	const meanSquaredError = squaredError / Math.max(1, coveredPixels * 3);
	const swimPsnr = meanSquaredError === 0 ? Infinity : 10 * Math.log10(255 * 255 / meanSquaredError);
	return {parallaxPixels, swimPixels, coveredPixels, swimPsnr};
}
