/**
 * WebAssembly kernel of src/render/rasterize.ts (AssemblyScript; `npm run build:wasm` compiles it to
 * wasm/rasterize.wasm): projecting a layer's vertices, rasterizing its triangles into the deferred
 * target (1/w, u, v, layer per pixel), filling the gaps from their farther end and shading with the
 * layers' textures. Arithmetic mirrors the JavaScript it replaced (f64, f32 and integer arrays stored as
 * JavaScript stores them; the edge functions are exact integers in f64), so the views are the same to
 * the byte. Pointers are byte offsets into this module's memory.
 */

import {f32At, i32At, setF32, setI32, u8At} from './shared/elements';

const SUBPIXEL_BITS = 4;
const SUBPIXEL_STEPS = 1 << SUBPIXEL_BITS;
const SUBPIXEL_CEIL_OFFSET = SUBPIXEL_STEPS - 1 - SUBPIXEL_STEPS / 2;
const HALF_STEP = SUBPIXEL_STEPS / 2;
const GUARD_BAND_PIXELS: f64 = 1_048_576;
const NO_LAYER: i16 = -1;

/** Reserves nothing: the TypeScript side lays arrays out from here (KernelLayout). */
export function heapBase(): usize {
	return __heap_base;
}

@inline function layerAt(layer: usize, i: i32): i16 {
	return load<i16>(layer + (<usize>i << 1));
}

@inline function setLayer(layer: usize, i: i32, value: i16): void {
	store<i16>(layer + (<usize>i << 1), value);
}

@inline function f64At(base: usize, i: i32): f64 {
	return load<f64>(base + (<usize>i << 3));
}

/** Clears `count` pixels of the target and of the RGBA image `out`: nothing drawn (1/w 0, no layer). */
export function clearTarget(inverseDepth: usize, layer: usize, out: usize, count: i32): void {
	memory.fill(inverseDepth, 0, <usize>count << 2);
	memory.fill(out, 0, <usize>count << 2);
	for (let i = 0; i < count; i++) setLayer(layer, i, NO_LAYER);
}

/**
 * Projects `vertexCount` vertices (`positions` xyz f32, `uvs` f32) with the camera in `camera` (f64: the
 * camera → scene rotation's 9 entries, position x, y, z, focal length, centre x, y, znear), snapped to
 * 1/16 pixel; a vertex nearer than znear or past the guard band gets 1/w = −1.
 */
export function project(
	positions: usize, uvs: usize, vertexCount: i32, camera: usize, snappedX: usize, snappedY: usize, inverseW: usize, uOverW: usize, vOverW: usize,
): void {
	const r0 = f64At(camera, 0), r1 = f64At(camera, 1), r2 = f64At(camera, 2);
	const r3 = f64At(camera, 3), r4 = f64At(camera, 4), r5 = f64At(camera, 5);
	const r6 = f64At(camera, 6), r7 = f64At(camera, 7), r8 = f64At(camera, 8);
	const px = f64At(camera, 9), py = f64At(camera, 10), pz = f64At(camera, 11);
	const focalPixels = f64At(camera, 12), centerX = f64At(camera, 13), centerY = f64At(camera, 14), znearMeters = f64At(camera, 15);
	for (let i = 0; i < vertexCount; i++) {
		const dx = f32At(positions, i * 3) - px;
		const dy = f32At(positions, i * 3 + 1) - py;
		const dz = f32At(positions, i * 3 + 2) - pz;
		const cameraX = r0 * dx + r3 * dy + r6 * dz;
		const cameraY = r1 * dx + r4 * dy + r7 * dz;
		const w = -(r2 * dx + r5 * dy + r8 * dz);
		if (w < znearMeters) {
			setF32(inverseW, i, -1);
			continue;
		}
		const iw = 1 / w;
		const screenX = centerX + focalPixels * cameraX * iw;
		const screenY = centerY - focalPixels * cameraY * iw;
		if (Math.abs(screenX) > GUARD_BAND_PIXELS || Math.abs(screenY) > GUARD_BAND_PIXELS) {
			setF32(inverseW, i, -1);
			continue;
		}
		setI32(snappedX, i, <i32>Math.round(screenX * SUBPIXEL_STEPS));
		setI32(snappedY, i, <i32>Math.round(screenY * SUBPIXEL_STEPS));
		setF32(inverseW, i, iw);
		setF32(uOverW, i, f32At(uvs, i * 2) * iw);
		setF32(vOverW, i, f32At(uvs, i * 2 + 1) * iw);
	}
}

/**
 * Rasterizes `triangleCount` triangles (`indices` u32, their mesh-boundary edge bits in `boundaryFlags`)
 * of projected vertices into the target, nearest surface kept; `layerIndex` marks what they draw.
 */
export function rasterize(
	indices: usize, triangleCount: i32, boundaryFlags: usize, snappedX: usize, snappedY: usize, inverseW: usize, uOverW: usize, vOverW: usize,
	width: i32, height: i32, inverseDepth: usize, uBuffer: usize, vBuffer: usize, layerBuffer: usize, layerIndex: i16,
): void {
	for (let triangle = 0; triangle < triangleCount; triangle++) {
		const i0 = i32At(indices, triangle * 3);
		let i1 = i32At(indices, triangle * 3 + 1);
		let i2 = i32At(indices, triangle * 3 + 2);
		if (f32At(inverseW, i0) < 0 || f32At(inverseW, i1) < 0 || f32At(inverseW, i2) < 0) continue;
		const ax = i32At(snappedX, i0), ay = i32At(snappedY, i0);
		let bx = i32At(snappedX, i1), by = i32At(snappedY, i1);
		let cx = i32At(snappedX, i2), cy = i32At(snappedY, i2);
		let area = <f64>(bx - ax) * <f64>(cy - ay) - <f64>(by - ay) * <f64>(cx - ax);
		if (area == 0) continue;
		const flags = <i32>u8At(boundaryFlags, triangle);
		let swapped = false;
		if (area < 0) {
			// Both windings are drawn; make them one so a single fill rule applies.
			swapped = true;
			const swapIndex = i1;
			i1 = i2;
			i2 = swapIndex;
			let swap = bx;
			bx = cx;
			cx = swap;
			swap = by;
			by = cy;
			cy = swap;
			area = -area;
		}
		let firstColumn = (min(ax, min(bx, cx)) + SUBPIXEL_CEIL_OFFSET) >> SUBPIXEL_BITS;
		let lastColumn = (max(ax, max(bx, cx)) - HALF_STEP) >> SUBPIXEL_BITS;
		let firstRow = (min(ay, min(by, cy)) + SUBPIXEL_CEIL_OFFSET) >> SUBPIXEL_BITS;
		let lastRow = (max(ay, max(by, cy)) - HALF_STEP) >> SUBPIXEL_BITS;
		if (firstColumn < 0) firstColumn = 0;
		if (lastColumn >= width) lastColumn = width - 1;
		if (firstRow < 0) firstRow = 0;
		if (lastRow >= height) lastRow = height - 1;
		if (firstColumn > lastColumn || firstRow > lastRow) continue;

		// Top-left edges, and mesh-boundary edges, own the pixel centres on them; others get a −1 bias.
		const bias0: f64 = (flags & 2) != 0 || by > cy || (cy == by && cx > bx) ? 0 : -1;
		const bias1: f64 = (flags & (swapped ? 1 : 4)) != 0 || cy > ay || (ay == cy && ax > cx) ? 0 : -1;
		const bias2: f64 = (flags & (swapped ? 4 : 1)) != 0 || ay > by || (by == ay && bx > ax) ? 0 : -1;
		const startX = <f64>(firstColumn * SUBPIXEL_STEPS + HALF_STEP);
		const startY = <f64>(firstRow * SUBPIXEL_STEPS + HALF_STEP);
		const stepX0 = -<f64>(cy - by) * SUBPIXEL_STEPS, stepY0 = <f64>(cx - bx) * SUBPIXEL_STEPS;
		const stepX1 = -<f64>(ay - cy) * SUBPIXEL_STEPS, stepY1 = <f64>(ax - cx) * SUBPIXEL_STEPS;
		const stepX2 = -<f64>(by - ay) * SUBPIXEL_STEPS, stepY2 = <f64>(bx - ax) * SUBPIXEL_STEPS;
		let row0 = <f64>(cx - bx) * (startY - <f64>by) - <f64>(cy - by) * (startX - <f64>bx) + bias0;
		let row1 = <f64>(ax - cx) * (startY - <f64>cy) - <f64>(ay - cy) * (startX - <f64>cx) + bias1;
		let row2 = <f64>(bx - ax) * (startY - <f64>ay) - <f64>(by - ay) * (startX - <f64>ax) + bias2;

		const inverseArea = 1 / area;
		const iw0 = f32At(inverseW, i0), iwD1 = f32At(inverseW, i1) - iw0, iwD2 = f32At(inverseW, i2) - iw0;
		const uw0 = f32At(uOverW, i0), uwD1 = f32At(uOverW, i1) - uw0, uwD2 = f32At(uOverW, i2) - uw0;
		const vw0 = f32At(vOverW, i0), vwD1 = f32At(vOverW, i1) - vw0, vwD2 = f32At(vOverW, i2) - vw0;
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
				if (iw <= f32At(inverseDepth, pixel)) continue;
				setF32(inverseDepth, pixel, iw);
				setF32(uBuffer, pixel, (uw0 + l1 * uwD1 + l2 * uwD2) / iw);
				setF32(vBuffer, pixel, (vw0 + l1 * vwD1 + l2 * vwD2) / iw);
				setLayer(layerBuffer, pixel, layerIndex);
			}
			row0 += stepY0;
			row1 += stepY1;
			row2 += stepY2;
		}
	}
}

/**
 * Fills undrawn pixels with the surface (1/w, layer, u, v) of the farther end of their gap along the
 * row, then along the column for what is left; only ends at most `maxDistance` pixels away count.
 */
export function fillEmpty(width: i32, height: i32, maxDistance: f64, inverseDepth: usize, uBuffer: usize, vBuffer: usize, layerBuffer: usize): void {
	for (let y = 0; y < height; y++) fillGapsAlongLine(y * width, 1, width, maxDistance, inverseDepth, uBuffer, vBuffer, layerBuffer);
	for (let x = 0; x < width; x++) fillGapsAlongLine(x, width, height, maxDistance, inverseDepth, uBuffer, vBuffer, layerBuffer);
}

function fillGapsAlongLine(
	start: i32, stride: i32, length: i32, maxDistance: f64, inverseDepth: usize, uBuffer: usize, vBuffer: usize, layerBuffer: usize,
): void {
	let position = 0;
	while (position < length) {
		if (layerAt(layerBuffer, start + position * stride) != NO_LAYER) {
			position++;
			continue;
		}
		const gapStart = position;
		while (position < length && layerAt(layerBuffer, start + position * stride) == NO_LAYER) position++;
		const before = gapStart - 1;
		const after = position;
		const hasBefore = before >= 0;
		const hasAfter = after < length;
		if (!hasBefore && !hasAfter) continue;
		// 1/depth: smaller is farther.
		const beforeIsFarther = hasBefore && (!hasAfter || f32At(inverseDepth, start + before * stride) <= f32At(inverseDepth, start + after * stride));
		const farther = beforeIsFarther ? before : after;
		const nearer = beforeIsFarther ? (hasAfter ? after : -1) : (hasBefore ? before : -1);
		for (let p = gapStart; p < after; p++) {
			let source = -1;
			if (<f64>abs(p - farther) <= maxDistance) source = farther;
			else if (nearer >= 0 && <f64>abs(p - nearer) <= maxDistance) source = nearer;
			if (source < 0) continue;
			const from = start + source * stride;
			const to = start + p * stride;
			setLayer(layerBuffer, to, layerAt(layerBuffer, from));
			store<f32>(inverseDepth + (<usize>to << 2), load<f32>(inverseDepth + (<usize>from << 2)));
			store<f32>(uBuffer + (<usize>to << 2), load<f32>(uBuffer + (<usize>from << 2)));
			store<f32>(vBuffer + (<usize>to << 2), load<f32>(vBuffer + (<usize>from << 2)));
		}
	}
}

/**
 * Samples each drawn pixel's layer texture bilinearly (alpha-weighted, clamped at the texture's edges)
 * into `out` (RGBA, alpha 255 where drawn; the rest is left as it is). `textures` holds per layer the
 * texels' pointer (RGBA), width and height (i32 each).
 */
export function shade(count: i32, uBuffer: usize, vBuffer: usize, layerBuffer: usize, textures: usize, out: usize): void {
	let cachedLayer: i32 = NO_LAYER;
	let textureWidth = 0;
	let textureHeight = 0;
	let texels: usize = 0;
	for (let pixel = 0; pixel < count; pixel++) {
		const layerIndex = <i32>layerAt(layerBuffer, pixel);
		if (layerIndex == NO_LAYER) continue;
		if (layerIndex != cachedLayer) {
			cachedLayer = layerIndex;
			texels = <usize>i32At(textures, layerIndex * 3);
			textureWidth = i32At(textures, layerIndex * 3 + 1);
			textureHeight = i32At(textures, layerIndex * 3 + 2);
		}
		const x = f32At(uBuffer, pixel) * <f64>textureWidth - 0.5;
		const y = f32At(vBuffer, pixel) * <f64>textureHeight - 0.5;
		const floorX = Math.floor(x);
		const floorY = Math.floor(y);
		const fx = x - floorX;
		const fy = y - floorY;
		let x0 = <i32>floorX;
		let y0 = <i32>floorY;
		let x1 = x0 + 1;
		let y1 = y0 + 1;
		x0 = clampIndex(x0, textureWidth);
		x1 = clampIndex(x1, textureWidth);
		y0 = clampIndex(y0, textureHeight);
		y1 = clampIndex(y1, textureHeight);
		const t00 = texels + <usize>((y0 * textureWidth + x0) * 4);
		const t10 = texels + <usize>((y0 * textureWidth + x1) * 4);
		const t01 = texels + <usize>((y1 * textureWidth + x0) * 4);
		const t11 = texels + <usize>((y1 * textureWidth + x1) * 4);
		let w00 = (1 - fx) * (1 - fy);
		let w10 = fx * (1 - fy);
		let w01 = (1 - fx) * fy;
		let w11 = fx * fy;
		const a00 = load<u8>(t00, 3), a10 = load<u8>(t10, 3), a01 = load<u8>(t01, 3), a11 = load<u8>(t11, 3);
		if ((a00 & a10 & a01 & a11) != 255) {
			const weighted00 = w00 * <f64>a00, weighted10 = w10 * <f64>a10, weighted01 = w01 * <f64>a01, weighted11 = w11 * <f64>a11;
			const total = weighted00 + weighted10 + weighted01 + weighted11;
			if (total > 0) {
				w00 = weighted00 / total;
				w10 = weighted10 / total;
				w01 = weighted01 / total;
				w11 = weighted11 / total;
			}
		}
		const o = out + (<usize>pixel << 2);
		for (let c = 0; c < 3; c++) {
			const value = w00 * <f64>load<u8>(t00 + c) + w10 * <f64>load<u8>(t10 + c) + w01 * <f64>load<u8>(t01 + c) + w11 * <f64>load<u8>(t11 + c) + 0.5;
			store<u8>(o + c, <u8><i32>value);
		}
		store<u8>(o, 255, 3);
	}
}

@inline function clampIndex(index: i32, size: i32): i32 {
	return index < 0 ? 0 : index >= size ? size - 1 : index;
}
