/**
 * Debug images of the LDI engine, as plain rasters (src/io/debug-dir.ts writes them as PNG). The file
 * names are a contract (`ldi-gltf build --debug-dir`): disparity-filtered.png (16-bit grey, bright =
 * near), edges.png (each kept edge in its own colour over the dimmed photo: background silhouette and
 * the foreground pixels it touches), regions.png (context blue, synthesis red, as in the paper's
 * figures), and per layer k ≥ 1 layer-<k>-color.png (RGBA, transparent where the layer has no pixel) and
 * layer-<k>-disparity.png (16-bit, 0 where no pixel, else 1 + disparity · 65534).
 *
 * Layer images cover the whole lattice, photo plus border: photo pixel (x, y) is at (x + border,
 * y + border), so the border layer is visible and every layer image has the same size.
 */
import type {FloatImage, RgbImage} from '../image/raster.js';
import {type DepthEdges, occludedDirections} from './depth-edges.js';
import {LINK_DX, LINK_DY, type Ldi, latticeHeight, latticeWidth} from './ldi.js';

/** One debug image: `channels` interleaved samples per pixel, 8 or 16 bits each. */
export interface DebugImage {
	fileName: string;
	width: number;
	height: number;
	channels: 1 | 3 | 4;
	data: Uint8Array | Uint16Array;
}

export type LdiDebugImages = DebugImage[];

/** What {@link renderDebugImages} draws from. */
export interface DebugSources {
	image: RgbImage;
	filtered: FloatImage;
	edges: DepthEdges;
	/** Per photo pixel: 0 none, 1 context, 2 synthesis (of any edge of any pass). */
	regionMask: Uint8Array;
	ldi: Ldi;
	thresholdDisparity: number;
}

const DIM = 0.35;

/**
 * Renders the debug images of one buildLdi run.
 *
 * ```ts
 * const images = renderDebugImages({image, filtered, edges, regionMask, ldi, thresholdDisparity: 0.02});
 * await writeDebugImages('debug/', images);
 * ```
 */
export function renderDebugImages(sources: DebugSources): LdiDebugImages {
	const {image, filtered, edges, regionMask, ldi} = sources;
	const {width, height} = image;
	const n = width * height;
	const images: DebugImage[] = [];

	const filteredData = new Uint16Array(n);
	for (let i = 0; i < n; i++) filteredData[i] = Math.round(Math.min(1, Math.max(0, filtered.data[i])) * 65535);
	images.push({fileName: 'disparity-filtered.png', width, height, channels: 1, data: filteredData});

	const edgeData = dimmed(image);
	const sides = occludedDirections(filtered, sources.thresholdDisparity);
	for (let i = 0; i < n; i++) {
		const edge = edges.edgeOfPixel[i];
		if (edge < 0) continue;
		const [r, g, b] = edgeColor(edge);
		const x = i % width;
		const y = Math.floor(i / width);
		paint(edgeData, i, r, g, b);
		for (let k = 0; k < 4; k++) {
			if ((sides[i] & (1 << k)) === 0) continue;
			paint(edgeData, (y + LINK_DY[k]) * width + x + LINK_DX[k], r, g, b);
		}
	}
	images.push({fileName: 'edges.png', width, height, channels: 3, data: edgeData});

	const regionData = dimmed(image);
	for (let i = 0; i < n; i++) {
		if (regionMask[i] === 1) blend(regionData, i, 40, 90, 255);
		else if (regionMask[i] === 2) blend(regionData, i, 255, 40, 40);
	}
	images.push({fileName: 'regions.png', width, height, channels: 3, data: regionData});

	const lw = latticeWidth(ldi);
	const lh = latticeHeight(ldi);
	let layers = 0;
	for (let p = 0; p < ldi.count; p++) layers = Math.max(layers, ldi.layerIndex[p]);
	for (let layer = 1; layer <= layers; layer++) {
		const color = new Uint8Array(lw * lh * 4);
		const depth = new Uint16Array(lw * lh);
		for (let p = 0; p < ldi.count; p++) {
			if (ldi.layerIndex[p] !== layer) continue;
			const i = (ldi.y[p] + ldi.border) * lw + ldi.x[p] + ldi.border;
			if (color[i * 4 + 3] !== 0) continue;
			color[i * 4] = ldi.color[p * 3];
			color[i * 4 + 1] = ldi.color[p * 3 + 1];
			color[i * 4 + 2] = ldi.color[p * 3 + 2];
			color[i * 4 + 3] = 255;
			depth[i] = 1 + Math.round(Math.min(1, Math.max(0, ldi.disparity[p])) * 65534);
		}
		images.push({fileName: `layer-${layer}-color.png`, width: lw, height: lh, channels: 4, data: color});
		images.push({fileName: `layer-${layer}-disparity.png`, width: lw, height: lh, channels: 1, data: depth});
	}
	return images;
}

/** A distinct, saturated colour per edge id (golden-ratio hue steps). */
export function edgeColor(edge: number): [number, number, number] {
	const hue = (edge * 0.618033988749895) % 1;
	const h6 = hue * 6;
	const f = h6 - Math.floor(h6);
	const v = 255;
	const q = Math.round(v * (1 - f));
	const t = Math.round(v * f);
	switch (Math.floor(h6) % 6) {
		case 0: return [v, t, 0];
		case 1: return [q, v, 0];
		case 2: return [0, v, t];
		case 3: return [0, q, v];
		case 4: return [t, 0, v];
		default: return [v, 0, q];
	}
}

function dimmed(image: RgbImage): Uint8Array {
	const out = new Uint8Array(image.data.length);
	for (let i = 0; i < out.length; i++) out[i] = Math.round(image.data[i] * DIM);
	return out;
}

function paint(data: Uint8Array, i: number, r: number, g: number, b: number): void {
	data[i * 3] = r;
	data[i * 3 + 1] = g;
	data[i * 3 + 2] = b;
}

function blend(data: Uint8Array, i: number, r: number, g: number, b: number): void {
	data[i * 3] = Math.round(data[i * 3] * 0.4 + r * 0.6);
	data[i * 3 + 1] = Math.round(data[i * 3 + 1] * 0.4 + g * 0.6);
	data[i * 3 + 2] = Math.round(data[i * 3 + 2] * 0.4 + b * 0.6);
}
