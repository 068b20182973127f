import {createRgbaImage, type RgbaImage} from '../../src/image/raster.js';
import {cameraFocalLengthPixels, rotationMatrix, type RenderCamera} from '../../src/render/camera.js';
import {
	boundaryEdgeFlags, depthFromInverse, downsampleDepthNearest, downsampleRgba, RENDER_DEFAULTS, type RenderOptions, type RenderResult,
} from '../../src/render/rasterize.js';
import type {LayerMesh, Scene} from '../../src/scene/scene.js';

const SUBPIXEL_BITS = 4;
const SUBPIXEL_STEPS = 1 << SUBPIXEL_BITS;
const SUBPIXEL_CEIL_OFFSET = SUBPIXEL_STEPS - 1 - SUBPIXEL_STEPS / 2;
const GUARD_BAND_PIXELS = 1 << 20;
const NO_LAYER = -1;

/**
 * The TypeScript twin of src/render/rasterize.ts's renderScene: the JavaScript its WebAssembly kernel
 * (assembly/rasterize.ts) replaced, kept for the test that compares them.
 */
export function renderSceneReference(scene: Scene, camera: RenderCamera, options: Partial<RenderOptions> = {}): RenderResult {
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

