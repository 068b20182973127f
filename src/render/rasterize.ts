import {createRgbaImage, type RgbaImage} from '../image/raster.js';
import type {LayerMesh, Scene} from '../scene/scene.js';
import {cameraFocalLengthPixels, rotationMatrix, type RenderCamera} from './camera.js';

/**
 * The software renderer: draws a {@link Scene}'s layer meshes from any pinhole {@link RenderCamera}
 * with a z-buffer, perspective-correct UVs and bilinear texture sampling, on the CPU, into typed arrays.
 *
 * How it works. Vertices are projected once per layer and snapped to 1/16 pixel; triangles are
 * rasterized with integer edge functions evaluated incrementally over their bounding box (a row stops
 * at the first pixel past the triangle), with the half-open top-left fill rule, so two triangles sharing
 * an edge cover every pixel centre on it exactly once (exact in float64: snapped coordinates stay below
 * 2^24). Edges on the mesh's boundary (used by one triangle of the layer) own the centres on them too:
 * a mesh with vertices at pixel centres then covers its last row and column and the pixels along its
 * cuts, so the photo's own camera reproduces the photo pixel for pixel and no half-pixel frame border is
 * left empty. Shading is deferred: the raster pass keeps, per pixel, the nearest surface's 1/w, layer
 * and perspective-correct (u, v); one pass at the end samples the textures, so overdrawn pixels cost no
 * texture reads. Bilinear sampling weights texels by their alpha, so the unused (alpha 0) texels of an
 * inpainted layer's texture never bleed into its charts. Triangles with a vertex nearer than
 * `znearMeters` are dropped rather than clipped: the scene is always seen from near the photo's camera.
 *
 * Pixels nothing drew (disocclusions the scene has no layer for, the outer samples of a supersampled
 * frame border) are filled from the drawn pixels on their row, then column, choosing the farther of the
 * two ends of the gap (the classic DIBR rule: a gap is background showing), up to `fillEmptyPixels`.
 *
 * Measured (bench/render.ts on the shared 2-core machine while other jobs kept the load average at
 * 10–14, so CPU time beside wall time): a dense one-vertex-per-pixel 1024×768 grid (1.57 M triangles)
 * takes 105–170 ms CPU per view (wall 0.3–1.3 s under that load), a pair 240–380 ms CPU; a built
 * scene (moon.jpg via ldiToScene, 1024×1024, 11.7 k triangles) 50–58 ms CPU per view, a pair ~100 ms
 * CPU; ssaa 2 costs ~4× the per-pixel work (~270 ms CPU). The mesh-boundary table is built once per
 * mesh and cached (~1 s wall for the dense grid). Tried: a hash table of edges for that table (3.6 s
 * wall on the grid; edges bucketed by their lower vertex replaced it); per-render Float64Array vertex
 * buffers (140 ms CPU median on the grid, 111 ms with the reused Float32Array scratch kept here);
 * reusing the raster target between renders (no gain measurable through the noise, not kept);
 * Math.min/ceil in the triangle setup (no measurable change against the integer version kept here).
 */

/** Options for {@link renderScene}. */
export interface RenderOptions {
	/** Supersampling factor per axis: 2 renders 2× wider and taller and box-downsamples. */
	ssaa: number;
	/** Also return the depth buffer (metres along the view axis, +Infinity where nothing drew). */
	depth: boolean;
	/**
	 * Pixels nothing drew are filled from the farther end of their gap on the row (then the column)
	 * when it is at most this many output pixels away; 0 leaves them empty (alpha 0), Infinity fills
	 * every gap. The default covers the half-pixel frame border of a pixel-centred mesh.
	 */
	fillEmptyPixels: number;
}

export const RENDER_DEFAULTS: RenderOptions = {ssaa: 1, depth: false, fillEmptyPixels: 2};

/** What {@link renderScene} returns. */
export interface RenderResult {
	/** The view; alpha 255 where a surface (or a gap fill) covers the pixel, 0 where nothing does. */
	image: RgbaImage;
	/** Depth in metres along the view axis per pixel (`options.depth`), +Infinity where empty. */
	depthMeters: Float32Array | undefined;
}

/** Subpixel precision of snapped screen coordinates (16 steps per pixel). */
const SUBPIXEL_BITS = 4;
const SUBPIXEL_STEPS = 1 << SUBPIXEL_BITS;
const SUBPIXEL_CEIL_OFFSET = SUBPIXEL_STEPS - 1 - SUBPIXEL_STEPS / 2;
/** Vertices projecting further than this from the image (pixels) are treated as unusable. */
const GUARD_BAND_PIXELS = 1 << 20;
const NO_LAYER = -1;

/**
 * Renders `scene` from `camera`.
 *
 * ```ts
 * const {image} = renderScene(scene, photoCamera(scene));              // reproduces the photo
 * const {image: right, depthMeters} = renderScene(scene, rightEye, {ssaa: 2, depth: true});
 * ```
 */
export function renderScene(scene: Scene, camera: RenderCamera, options: Partial<RenderOptions> = {}): RenderResult {
	const {ssaa, depth, fillEmptyPixels} = {...RENDER_DEFAULTS, ...options};
	if (!Number.isInteger(ssaa) || ssaa < 1) throw new Error(`renderScene: ssaa must be a positive integer, got ${ssaa}`);
	const width = camera.width * ssaa;
	const height = camera.height * ssaa;
	const target = createRasterTarget(width, height);
	const projection: Projection = {
		rotation: rotationMatrix(camera.rotation),
		positionMeters: camera.positionMeters,
		focalPixels: cameraFocalLengthPixels(camera) * ssaa,
		centerX: width / 2 + camera.principalPointShiftPixels[0] * ssaa,
		centerY: height / 2 + camera.principalPointShiftPixels[1] * ssaa,
		znearMeters: camera.znearMeters,
	};
	for (let layer = 0; layer < scene.layers.length; layer++) {
		rasterizeLayer(target, scene.layers[layer], layer, projection);
	}
	if (fillEmptyPixels > 0) fillEmptyFromFartherEnd(target, fillEmptyPixels * ssaa);
	const shaded = shade(target, scene.layers);
	const depthBuffer = depth ? depthFromInverse(target.inverseDepth) : undefined;
	if (ssaa === 1) return {image: shaded, depthMeters: depthBuffer};
	return {
		image: downsampleRgba(shaded, ssaa),
		depthMeters: depthBuffer ? downsampleDepthNearest(depthBuffer, width, height, ssaa) : undefined,
	};
}

/** Per-pixel state of the deferred raster pass. */
interface RasterTarget {
	width: number;
	height: number;
	/** 1 / depth of the nearest surface so far (0 = nothing drawn, i.e. infinitely far). */
	inverseDepth: Float32Array;
	/** Texture coordinates of the nearest surface (glTF convention). */
	u: Float32Array;
	v: Float32Array;
	/** Layer index of the nearest surface, NO_LAYER where nothing drew. */
	layer: Int16Array;
}

interface Projection {
	rotation: Float64Array;
	positionMeters: readonly [number, number, number];
	focalPixels: number;
	centerX: number;
	centerY: number;
	znearMeters: number;
}

function createRasterTarget(width: number, height: number): RasterTarget {
	const count = width * height;
	const layer = new Int16Array(count);
	layer.fill(NO_LAYER);
	return {width, height, inverseDepth: new Float32Array(count), u: new Float32Array(count), v: new Float32Array(count), layer};
}

function rasterizeLayer(target: RasterTarget, mesh: LayerMesh, layerIndex: number, projection: Projection): void {
	const {width, height, inverseDepth, u: uBuffer, v: vBuffer, layer: layerBuffer} = target;
	const vertexCount = mesh.positions.length / 3;
	// 1/w, u/w, v/w interpolate linearly in screen space; a negative 1/w marks an unusable vertex.
	const {snappedX, snappedY, inverseW, uOverW, vOverW} = vertexScratch(vertexCount);
	const {rotation: r, positionMeters, focalPixels, centerX, centerY, znearMeters} = projection;
	const [px, py, pz] = positionMeters;
	const positions = mesh.positions;
	const uvs = mesh.uvs;
	for (let i = 0; i < vertexCount; i++) {
		const dx = positions[i * 3] - px;
		const dy = positions[i * 3 + 1] - py;
		const dz = positions[i * 3 + 2] - pz;
		// Scene → camera is the transpose of the camera → scene rotation.
		const cameraX = r[0] * dx + r[3] * dy + r[6] * dz;
		const cameraY = r[1] * dx + r[4] * dy + r[7] * dz;
		const w = -(r[2] * dx + r[5] * dy + r[8] * dz);
		if (w < znearMeters) {
			inverseW[i] = -1;
			continue;
		}
		const iw = 1 / w;
		const screenX = centerX + focalPixels * cameraX * iw;
		const screenY = centerY - focalPixels * cameraY * iw;
		if (Math.abs(screenX) > GUARD_BAND_PIXELS || Math.abs(screenY) > GUARD_BAND_PIXELS) {
			inverseW[i] = -1;
			continue;
		}
		snappedX[i] = Math.round(screenX * SUBPIXEL_STEPS);
		snappedY[i] = Math.round(screenY * SUBPIXEL_STEPS);
		inverseW[i] = iw;
		uOverW[i] = uvs[i * 2] * iw;
		vOverW[i] = uvs[i * 2 + 1] * iw;
	}

	const indices = mesh.indices;
	const boundary = boundaryEdgeFlags(mesh);
	const half = SUBPIXEL_STEPS / 2;
	for (let t = 0; t < indices.length; t += 3) {
		const i0 = indices[t];
		let i1 = indices[t + 1];
		let i2 = indices[t + 2];
		if (inverseW[i0] < 0 || inverseW[i1] < 0 || inverseW[i2] < 0) continue;
		const ax = snappedX[i0], ay = snappedY[i0];
		let bx = snappedX[i1], by = snappedY[i1];
		let cx = snappedX[i2], cy = snappedY[i2];
		let area = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
		if (area === 0) continue;
		const flags = boundary[t / 3];
		let swapped = false;
		if (area < 0) {
			swapped = true;
			// Both windings are drawn; make them one so a single fill rule applies.
			const swapIndex = i1; i1 = i2; i2 = swapIndex;
			let swap = bx; bx = cx; cx = swap;
			swap = by; by = cy; cy = swap;
			area = -area;
		}
		const minX = ax < bx ? (ax < cx ? ax : cx) : (bx < cx ? bx : cx);
		const maxX = ax > bx ? (ax > cx ? ax : cx) : (bx > cx ? bx : cx);
		const minY = ay < by ? (ay < cy ? ay : cy) : (by < cy ? by : cy);
		const maxY = ay > by ? (ay > cy ? ay : cy) : (by > cy ? by : cy);
		// Pixel centres at 16·i + 8: ceil((v − 8) / 16) = (v − 8 + 15) >> 4, exact for |v| < 2^31.
		let firstColumn = (minX + SUBPIXEL_CEIL_OFFSET) >> SUBPIXEL_BITS;
		let lastColumn = (maxX - half) >> SUBPIXEL_BITS;
		let firstRow = (minY + SUBPIXEL_CEIL_OFFSET) >> SUBPIXEL_BITS;
		let lastRow = (maxY - half) >> SUBPIXEL_BITS;
		if (firstColumn < 0) firstColumn = 0;
		if (lastColumn >= width) lastColumn = width - 1;
		if (firstRow < 0) firstRow = 0;
		if (lastRow >= height) lastRow = height - 1;
		if (firstColumn > lastColumn || firstRow > lastRow) continue;

		// Edge P→Q: E(p) = (Qx−Px)(py−Py) − (Qy−Py)(px−Px), positive inside. Top-left edges (dy < 0, or
		// dy = 0 and dx > 0 in this winding, y down) own the pixel centres on them; others get a −1 bias.
		// Mesh-boundary edges own their pixel centres too: nothing on the other side would draw them.
		const bias0 = (flags & 2) !== 0 || by > cy || (cy === by && cx > bx) ? 0 : -1;
		const bias1 = (flags & (swapped ? 1 : 4)) !== 0 || cy > ay || (ay === cy && ax > cx) ? 0 : -1;
		const bias2 = (flags & (swapped ? 4 : 1)) !== 0 || ay > by || (by === ay && bx > ax) ? 0 : -1;
		const startX = firstColumn * SUBPIXEL_STEPS + half;
		const startY = firstRow * SUBPIXEL_STEPS + half;
		const stepX0 = -(cy - by) * SUBPIXEL_STEPS, stepY0 = (cx - bx) * SUBPIXEL_STEPS;
		const stepX1 = -(ay - cy) * SUBPIXEL_STEPS, stepY1 = (ax - cx) * SUBPIXEL_STEPS;
		const stepX2 = -(by - ay) * SUBPIXEL_STEPS, stepY2 = (bx - ax) * SUBPIXEL_STEPS;
		let row0 = (cx - bx) * (startY - by) - (cy - by) * (startX - bx) + bias0;
		let row1 = (ax - cx) * (startY - cy) - (ay - cy) * (startX - cx) + bias1;
		let row2 = (bx - ax) * (startY - ay) - (by - ay) * (startX - ax) + bias2;

		const inverseArea = 1 / area;
		const iw0 = inverseW[i0], iwD1 = inverseW[i1] - iw0, iwD2 = inverseW[i2] - iw0;
		const uw0 = uOverW[i0], uwD1 = uOverW[i1] - uw0, uwD2 = uOverW[i2] - uw0;
		const vw0 = vOverW[i0], vwD1 = vOverW[i1] - vw0, vwD2 = vOverW[i2] - vw0;
		for (let y = firstRow; y <= lastRow; y++) {
			let e0 = row0, e1 = row1, e2 = row2;
			let entered = false;
			let pixel = y * width + firstColumn;
			for (let x = firstColumn; x <= lastColumn; x++, pixel++, e0 += stepX0, e1 += stepX1, e2 += stepX2) {
				if (e0 < 0 || e1 < 0 || e2 < 0) {
					// A triangle's row span is one interval: once left, the rest of the row is outside.
					if (entered) break;
					continue;
				}
				entered = true;
				const l1 = (e1 - bias1) * inverseArea;
				const l2 = (e2 - bias2) * inverseArea;
				const iw = iw0 + l1 * iwD1 + l2 * iwD2;
				if (iw <= inverseDepth[pixel]) continue;
				inverseDepth[pixel] = iw;
				uBuffer[pixel] = (uw0 + l1 * uwD1 + l2 * uwD2) / iw;
				vBuffer[pixel] = (vw0 + l1 * vwD1 + l2 * vwD2) / iw;
				layerBuffer[pixel] = layerIndex;
			}
			row0 += stepY0;
			row1 += stepY1;
			row2 += stepY2;
		}
	}
}

/** Projected vertices of the layer being drawn; reused between layers and renders (rendering is synchronous). */
interface VertexScratch {
	snappedX: Int32Array;
	snappedY: Int32Array;
	inverseW: Float32Array;
	uOverW: Float32Array;
	vOverW: Float32Array;
}

let sharedVertexScratch: VertexScratch | undefined;

function vertexScratch(vertexCount: number): VertexScratch {
	if (!sharedVertexScratch || sharedVertexScratch.snappedX.length < vertexCount) {
		sharedVertexScratch = {
			snappedX: new Int32Array(vertexCount),
			snappedY: new Int32Array(vertexCount),
			inverseW: new Float32Array(vertexCount),
			uOverW: new Float32Array(vertexCount),
			vOverW: new Float32Array(vertexCount),
		};
	}
	return sharedVertexScratch;
}

const boundaryCache = new WeakMap<LayerMesh, Uint8Array>();

/**
 * Per triangle, which of its edges (bit 0: v0–v1, bit 1: v1–v2, bit 2: v2–v0) no other triangle of the
 * layer shares. Cached per mesh: a scene renders many views.
 */
function boundaryEdgeFlags(mesh: LayerMesh): Uint8Array {
	const cached = boundaryCache.get(mesh);
	if (cached) return cached;
	const indices = mesh.indices;
	const vertexCount = mesh.positions.length / 3;
	// Undirected edges bucketed by their lower vertex (compressed rows): buckets are a few entries long,
	// which is ~10× faster than a hash table on a 1.5M-triangle grid.
	const bucketStart = new Int32Array(vertexCount + 1);
	for (let e = 0; e < indices.length; e++) {
		const a = indices[e];
		const b = indices[e % 3 === 2 ? e - 2 : e + 1];
		bucketStart[(a < b ? a : b) + 1]++;
	}
	for (let v = 0; v < vertexCount; v++) bucketStart[v + 1] += bucketStart[v];
	const cursor = bucketStart.slice(0, vertexCount);
	const higher = new Int32Array(indices.length);
	for (let e = 0; e < indices.length; e++) {
		const a = indices[e];
		const b = indices[e % 3 === 2 ? e - 2 : e + 1];
		higher[cursor[a < b ? a : b]++] = a < b ? b : a;
	}
	const flags = new Uint8Array(indices.length / 3);
	for (let e = 0; e < indices.length; e++) {
		const a = indices[e];
		const b = indices[e % 3 === 2 ? e - 2 : e + 1];
		const low = a < b ? a : b;
		const high = a < b ? b : a;
		let uses = 0;
		for (let k = bucketStart[low]; k < bucketStart[low + 1]; k++) if (higher[k] === high) uses++;
		if (uses === 1) flags[(e / 3) | 0] |= 1 << (e % 3);
	}
	boundaryCache.set(mesh, flags);
	return flags;
}

/**
 * Fills undrawn pixels by copying the surface (depth, layer, uv) of the farther end of their gap along
 * the row, then along the column for what is left; only ends at most `maxDistance` pixels away count.
 */
function fillEmptyFromFartherEnd(target: RasterTarget, maxDistance: number): void {
	const {width, height} = target;
	for (let y = 0; y < height; y++) fillGapsAlongLine(target, y * width, 1, width, maxDistance);
	for (let x = 0; x < width; x++) fillGapsAlongLine(target, x, width, height, maxDistance);
}

function fillGapsAlongLine(target: RasterTarget, start: number, stride: number, length: number, maxDistance: number): void {
	const {layer, inverseDepth} = target;
	let position = 0;
	while (position < length) {
		if (layer[start + position * stride] !== NO_LAYER) {
			position++;
			continue;
		}
		const gapStart = position;
		while (position < length && layer[start + position * stride] === NO_LAYER) position++;
		const before = gapStart - 1;
		const after = position;
		const hasBefore = before >= 0;
		const hasAfter = after < length;
		if (!hasBefore && !hasAfter) continue;
		// 1/depth: smaller is farther.
		const beforeIsFarther = hasBefore && (!hasAfter || inverseDepth[start + before * stride] <= inverseDepth[start + after * stride]);
		const farther = beforeIsFarther ? before : after;
		const nearer = beforeIsFarther ? (hasAfter ? after : -1) : (hasBefore ? before : -1);
		for (let p = gapStart; p < after; p++) {
			let source = -1;
			if (Math.abs(p - farther) <= maxDistance) source = farther;
			else if (nearer >= 0 && Math.abs(p - nearer) <= maxDistance) source = nearer;
			if (source < 0) continue;
			copySurface(target, start + source * stride, start + p * stride);
		}
	}
}

function copySurface(target: RasterTarget, from: number, to: number): void {
	target.layer[to] = target.layer[from];
	target.inverseDepth[to] = target.inverseDepth[from];
	target.u[to] = target.u[from];
	target.v[to] = target.v[from];
}

/** Samples each drawn pixel's layer texture bilinearly (alpha-weighted, clamped at the texture's edges). */
function shade(target: RasterTarget, layers: LayerMesh[]): RgbaImage {
	const {width, height, u, v, layer} = target;
	const image = createRgbaImage(width, height);
	const out = image.data;
	const count = width * height;
	let cachedLayer = NO_LAYER;
	let textureWidth = 0;
	let textureHeight = 0;
	let texels: Uint8Array = new Uint8Array(0);
	for (let pixel = 0; pixel < count; pixel++) {
		const layerIndex = layer[pixel];
		if (layerIndex === NO_LAYER) continue;
		if (layerIndex !== cachedLayer) {
			const texture = layers[layerIndex].texture;
			cachedLayer = layerIndex;
			textureWidth = texture.width;
			textureHeight = texture.height;
			texels = texture.data;
		}
		const x = u[pixel] * textureWidth - 0.5;
		const y = v[pixel] * textureHeight - 0.5;
		let x0 = Math.floor(x);
		let y0 = Math.floor(y);
		const fx = x - x0;
		const fy = y - y0;
		let x1 = x0 + 1;
		let y1 = y0 + 1;
		if (x0 < 0) x0 = 0; else if (x0 >= textureWidth) x0 = textureWidth - 1;
		if (x1 < 0) x1 = 0; else if (x1 >= textureWidth) x1 = textureWidth - 1;
		if (y0 < 0) y0 = 0; else if (y0 >= textureHeight) y0 = textureHeight - 1;
		if (y1 < 0) y1 = 0; else if (y1 >= textureHeight) y1 = textureHeight - 1;
		const t00 = (y0 * textureWidth + x0) * 4;
		const t10 = (y0 * textureWidth + x1) * 4;
		const t01 = (y1 * textureWidth + x0) * 4;
		const t11 = (y1 * textureWidth + x1) * 4;
		let w00 = (1 - fx) * (1 - fy);
		let w10 = fx * (1 - fy);
		let w01 = (1 - fx) * fy;
		let w11 = fx * fy;
		const a00 = texels[t00 + 3], a10 = texels[t10 + 3], a01 = texels[t01 + 3], a11 = texels[t11 + 3];
		if ((a00 & a10 & a01 & a11) !== 255) {
			const weighted00 = w00 * a00, weighted10 = w10 * a10, weighted01 = w01 * a01, weighted11 = w11 * a11;
			const total = weighted00 + weighted10 + weighted01 + weighted11;
			if (total > 0) {
				w00 = weighted00 / total;
				w10 = weighted10 / total;
				w01 = weighted01 / total;
				w11 = weighted11 / total;
			}
		}
		const o = pixel * 4;
		out[o] = w00 * texels[t00] + w10 * texels[t10] + w01 * texels[t01] + w11 * texels[t11] + 0.5;
		out[o + 1] = w00 * texels[t00 + 1] + w10 * texels[t10 + 1] + w01 * texels[t01 + 1] + w11 * texels[t11 + 1] + 0.5;
		out[o + 2] = w00 * texels[t00 + 2] + w10 * texels[t10 + 2] + w01 * texels[t01 + 2] + w11 * texels[t11 + 2] + 0.5;
		out[o + 3] = 255;
	}
	return image;
}

function depthFromInverse(inverseDepth: Float32Array): Float32Array {
	const depth = new Float32Array(inverseDepth.length);
	for (let i = 0; i < inverseDepth.length; i++) depth[i] = inverseDepth[i] > 0 ? 1 / inverseDepth[i] : Number.POSITIVE_INFINITY;
	return depth;
}

/** Box filter over factor×factor blocks; colour averages the covered samples, alpha is the coverage. */
function downsampleRgba(image: RgbaImage, factor: number): RgbaImage {
	const width = image.width / factor;
	const height = image.height / factor;
	const result = createRgbaImage(width, height);
	const source = image.data;
	const out = result.data;
	const samples = factor * factor;
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			let r = 0, g = 0, b = 0, covered = 0;
			for (let sy = 0; sy < factor; sy++) {
				let s = ((y * factor + sy) * image.width + x * factor) * 4;
				for (let sx = 0; sx < factor; sx++, s += 4) {
					if (source[s + 3] === 0) continue;
					r += source[s];
					g += source[s + 1];
					b += source[s + 2];
					covered++;
				}
			}
			if (covered === 0) continue;
			const o = (y * width + x) * 4;
			out[o] = r / covered + 0.5;
			out[o + 1] = g / covered + 0.5;
			out[o + 2] = b / covered + 0.5;
			out[o + 3] = (255 * covered) / samples + 0.5;
		}
	}
	return result;
}

/** The nearest depth of each factor×factor block. */
function downsampleDepthNearest(depth: Float32Array, width: number, height: number, factor: number): Float32Array {
	const outWidth = width / factor;
	const outHeight = height / factor;
	const result = new Float32Array(outWidth * outHeight);
	for (let y = 0; y < outHeight; y++) {
		for (let x = 0; x < outWidth; x++) {
			let nearest = Number.POSITIVE_INFINITY;
			for (let sy = 0; sy < factor; sy++) {
				const rowStart = (y * factor + sy) * width + x * factor;
				for (let sx = 0; sx < factor; sx++) nearest = Math.min(nearest, depth[rowStart + sx]);
			}
			result[y * outWidth + x] = nearest;
		}
	}
	return result;
}
