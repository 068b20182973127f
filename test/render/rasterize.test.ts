import assert from 'node:assert/strict';

import sharp from 'sharp';

import {psnr} from '../../src/image/metrics.js';
import {photoCamera} from '../../src/render/camera.js';
import {gridScene} from '../../src/render/grid-scene.js';
import {renderScene} from '../../src/render/rasterize.js';
import {focalLengthPixels} from '../../src/scene/scene.js';
import {sharedFile} from '../helpers/shared.js';
import {coveredCount, FOV_Y, generatedPhoto, rgbOf, sceneOf, screenLayer, unproject} from './scene-fixtures.js';

const W = 100;
const H = 80;

function insideTriangle(px: number, py: number, a: number[], b: number[], c: number[]): boolean {
	const e = (p: number[], q: number[]) => (q[0] - p[0]) * (py - p[1]) - (q[1] - p[1]) * (px - p[0]);
	const e0 = e(a, b), e1 = e(b, c), e2 = e(c, a);
	return (e0 > 0 && e1 > 0 && e2 > 0) || (e0 < 0 && e1 < 0 && e2 < 0);
}

function smoothDepth(width: number, height: number): Float32Array {
	const depth = new Float32Array(width * height);
	for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) depth[y * width + x] = 3 + Math.sin(x / 9) * 0.8 + Math.cos(y / 13) * 0.5;
	return depth;
}

describe('software rasterizer', () => {
	it('covers the pixel centres inside a triangle (analytic area and point-in-triangle count)', () => {
		const a = [10.25, 5.75], b = [90.125, 20.0625], c = [30.5625, 70.875];
		const scene = sceneOf([screenLayer([[a[0], a[1], 2, 0, 0], [b[0], b[1], 2, 1, 0], [c[0], c[1], 2, 0, 1]], [0, 1, 2], W, H)], W, H);
		const {image} = renderScene(scene, photoCamera(scene), {fillEmptyPixels: 0});
		let expected = 0;
		for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if (insideTriangle(x + 0.5, y + 0.5, a, b, c)) expected++;
		const area = Math.abs((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])) / 2;
		const covered = coveredCount(image.data);
		assert.ok(Math.abs(covered - expected) <= 2, `covered ${covered}, centres inside ${expected}`);
		assert.ok(Math.abs(covered - area) / area < 0.03, `covered ${covered}, area ${area}`);
	});

	it('draws both windings identically', () => {
		const vertices = [[12.3, 7.7, 2, 0, 0], [80.1, 30.2, 2, 1, 0], [25.9, 66.6, 2, 0, 1]] as const;
		const counterClockwise = sceneOf([screenLayer(vertices, [0, 2, 1], W, H)], W, H);
		const clockwise = sceneOf([screenLayer(vertices, [0, 1, 2], W, H)], W, H);
		const first = renderScene(counterClockwise, photoCamera(counterClockwise), {fillEmptyPixels: 0}).image.data;
		const second = renderScene(clockwise, photoCamera(clockwise), {fillEmptyPixels: 0}).image.data;
		assert.deepEqual(first, second);
	});

	it('leaves no crack and no double hit between triangles sharing edges (a 12-triangle fan)', () => {
		const center = [40.3, 33.7];
		const ring: (readonly [number, number, number, number, number])[] = [[center[0], center[1], 2, 0.5, 0.5]];
		for (let k = 0; k < 12; k++) {
			const angle = (k / 12) * 2 * Math.PI + 0.1;
			ring.push([center[0] + 27.3 * Math.cos(angle), center[1] + 25.1 * Math.sin(angle), 2 + 0.1 * k, 0.5, 0.5]);
		}
		const hits = new Uint8Array(W * H);
		let total = 0;
		for (let k = 0; k < 12; k++) {
			const scene = sceneOf([screenLayer(ring, [0, 1 + k, 1 + ((k + 1) % 12)], W, H)], W, H);
			const {image} = renderScene(scene, photoCamera(scene), {fillEmptyPixels: 0});
			for (let p = 0; p < W * H; p++) if (image.data[p * 4 + 3]) hits[p]++;
			total += coveredCount(image.data);
		}
		assert.ok(Math.max(...hits) === 1, 'a pixel centre was drawn by two triangles');
		const whole = sceneOf([screenLayer(ring, Array.from({length: 12}, (_, k) => [0, 1 + k, 1 + ((k + 1) % 12)]).flat(), W, H)], W, H);
		assert.equal(coveredCount(renderScene(whole, photoCamera(whole), {fillEmptyPixels: 0}).image.data), total);
		// Every pixel centre well inside the fan (radius < 24 around the centre) is drawn.
		for (let y = 0; y < H; y++) {
			for (let x = 0; x < W; x++) {
				if (Math.hypot(x + 0.5 - center[0], y + 0.5 - center[1]) < 24) assert.equal(hits[y * W + x], 1, `crack at (${x}, ${y})`);
			}
		}
	});

	it('top-left rule: centres exactly on shared edges are drawn once, by one triangle', () => {
		// Vertices on pixel centres, so whole rows, columns and diagonals of centres lie on the edges. Each
		// triangle is drawn alone, but degenerate (a, b, a) triangles mark all its edges as shared, as
		// they are in the fan, so only the fill rule decides.
		const ring = [[10.5, 5.5], [40.5, 5.5], [70.5, 5.5], [70.5, 32.5], [70.5, 60.5], [40.5, 60.5], [10.5, 60.5], [10.5, 32.5]];
		const vertices = [[40.5, 32.5, 2, 0.5, 0.5], ...ring.map(([x, y]) => [x, y, 2, 0.5, 0.5])] as [number, number, number, number, number][];
		const hits = new Uint8Array(W * H);
		for (let k = 0; k < 8; k++) {
			const [a, b, c] = [0, 1 + k, 1 + ((k + 1) % 8)];
			const scene = sceneOf([screenLayer(vertices, [a, b, c, a, b, a, b, c, b, c, a, c], W, H)], W, H);
			const {image} = renderScene(scene, photoCamera(scene), {fillEmptyPixels: 0});
			for (let p = 0; p < W * H; p++) if (image.data[p * 4 + 3]) hits[p]++;
		}
		let drawn = 0;
		for (let y = 0; y < H; y++) {
			for (let x = 0; x < W; x++) {
				const inside = x >= 10 && x < 70 && y >= 5 && y < 60;
				assert.equal(hits[y * W + x], inside ? 1 : 0, `pixel (${x}, ${y})`);
				drawn += hits[y * W + x];
			}
		}
		assert.equal(drawn, 60 * 55);
	});

	it('mesh-boundary edges own the centres on them (a pixel-centred grid covers its last row and column)', () => {
		const quad = sceneOf([screenLayer([[10.5, 5.5, 2, 0, 0], [70.5, 5.5, 2, 1, 0], [70.5, 60.5, 2, 1, 1], [10.5, 60.5, 2, 0, 1]], [0, 3, 2, 0, 2, 1], W, H)], W, H);
		const {image} = renderScene(quad, photoCamera(quad), {fillEmptyPixels: 0});
		assert.equal(coveredCount(image.data), 61 * 56);
	});

	it('keeps the nearest surface whatever the drawing order (z-buffer)', () => {
		const quad = (x0: number, y0: number, x1: number, y1: number, z: number) => [
			[x0, y0, z, 0, 0], [x1, y0, z, 1, 0], [x1, y1, z, 1, 1], [x0, y1, z, 0, 1],
		] as const;
		const near = screenLayer(quad(10, 10, 60, 60, 2), [0, 3, 2, 0, 2, 1], W, H, [255, 0, 0]);
		const far = screenLayer(quad(30, 20, 90, 70, 3), [0, 3, 2, 0, 2, 1], W, H, [0, 255, 0], 1);
		for (const layers of [[near, far], [far, near]]) {
			const scene = sceneOf(layers, W, H);
			const {image, depthMeters} = renderScene(scene, photoCamera(scene), {fillEmptyPixels: 0, depth: true});
			const overlap = (40 * W + 45) * 4;
			assert.deepEqual([...image.data.subarray(overlap, overlap + 4)], [255, 0, 0, 255]);
			const farOnly = (65 * W + 80) * 4;
			assert.deepEqual([...image.data.subarray(farOnly, farOnly + 4)], [0, 255, 0, 255]);
			assert.ok(Math.abs(depthMeters![40 * W + 45] - 2) < 1e-5);
			assert.ok(Math.abs(depthMeters![65 * W + 80] - 3) < 1e-5);
			assert.equal(depthMeters![5 * W + 5], Number.POSITIVE_INFINITY);
		}
	});

	it('interpolates texture coordinates perspective-correctly on a slanted quad', () => {
		// Left edge at depth 1, right edge at depth 4; the texture's red channel is the texel column.
		const layer = screenLayer([[10, 10, 1, 0, 0], [90, 10, 4, 1, 0], [90, 70, 4, 1, 1], [10, 70, 1, 0, 1]], [0, 3, 2, 0, 2, 1], W, H);
		const textureWidth = 256;
		layer.texture = {width: textureWidth, height: 1, data: new Uint8Array(textureWidth * 4)};
		for (let x = 0; x < textureWidth; x++) layer.texture.data.set([x, 0, 0, 255], x * 4);
		const scene = sceneOf([layer], W, H);
		const {image} = renderScene(scene, photoCamera(scene), {fillEmptyPixels: 0});
		const f = focalLengthPixels(H, FOV_Y);
		const xLeft = unproject(10, 40, 1, W, H)[0];
		const xRight = unproject(90, 40, 4, W, H)[0];
		let worstAffineError = 0;
		for (let x = 11; x < 89; x++) {
			const k = (x + 0.5 - W / 2) / f;
			const u = (k - xLeft) / (xRight - xLeft - 3 * k);
			const expected = Math.min(255, Math.max(0, u * textureWidth - 0.5));
			const actual = image.data[(40 * W + x) * 4];
			assert.ok(Math.abs(actual - expected) <= 1, `x=${x}: red ${actual}, expected ${expected.toFixed(2)}`);
			const affine = ((x + 0.5 - 10) / 80) * textureWidth - 0.5;
			worstAffineError = Math.max(worstAffineError, Math.abs(affine - expected));
		}
		assert.ok(worstAffineError > 30, 'the slant must be strong enough for affine UVs to fail this test');
	});

	it('samples bilinearly without bleeding texels of alpha 0', () => {
		const layer = screenLayer([[0, 0, 2, 0.5, 0.5], [W, 0, 2, 0.5, 0.5], [W, H, 2, 0.5, 0.5], [0, H, 2, 0.5, 0.5]], [0, 3, 2, 0, 2, 1], W, H);
		layer.texture = {width: 2, height: 1, data: Uint8Array.of(255, 0, 0, 0, 0, 0, 255, 255)};
		const scene = sceneOf([layer], W, H);
		const {image} = renderScene(scene, photoCamera(scene));
		assert.deepEqual([...image.data.subarray(0, 4)], [0, 0, 255, 255]);
	});

	it('supersamples: a half-covered pixel column gets half coverage', () => {
		const layer = screenLayer([[20, 10, 2, 0, 0], [60.5, 10, 2, 1, 0], [60.5, 50, 2, 1, 1], [20, 50, 2, 0, 1]], [0, 3, 2, 0, 2, 1], W, H);
		const scene = sceneOf([layer], W, H);
		const {image, depthMeters} = renderScene(scene, photoCamera(scene), {ssaa: 2, fillEmptyPixels: 0, depth: true});
		assert.equal(image.width, W);
		const alphaAt = (x: number) => image.data[(30 * W + x) * 4 + 3];
		assert.equal(alphaAt(59), 255);
		assert.ok(Math.abs(alphaAt(60) - 128) <= 1, `alpha ${alphaAt(60)}`);
		assert.equal(alphaAt(61), 0);
		assert.equal(depthMeters!.length, W * H);
		assert.ok(Math.abs(depthMeters![30 * W + 60] - 2) < 1e-5);
	});

	it('reproduces a generated photo from its own camera (PSNR ≥ 35 dB), frame border included', () => {
		const photo = generatedPhoto(160, 120);
		const scene = gridScene(photo, smoothDepth(160, 120), {fovYRadians: FOV_Y});
		const {image} = renderScene(scene, photoCamera(scene));
		// The last row and column of pixel centres lie on the mesh's boundary edges, which own them.
		assert.equal(coveredCount(renderScene(scene, photoCamera(scene), {fillEmptyPixels: 0}).image.data), 160 * 120);
		const dB = psnr(rgbOf(image.data), photo.data);
		assert.ok(dB >= 35, `PSNR ${dB.toFixed(2)} dB`);
		// The last column and row show their own texels, not a copy of their neighbours.
		const lastColumn = new Uint8Array(120), expectedColumn = new Uint8Array(120);
		for (let y = 0; y < 120; y++) {
			lastColumn[y] = image.data[(y * 160 + 159) * 4 + 2];
			expectedColumn[y] = photo.data[(y * 160 + 159) * 3 + 2];
		}
		assert.ok(psnr(lastColumn, expectedColumn, {channels: 1}) >= 35);
		// Supersampling averages samples ±¼ px around each centre: exact on the smooth red and green ramps.
		const supersampled = rgbOf(renderScene(scene, photoCamera(scene), {ssaa: 2}).image.data);
		for (let i = 2; i < supersampled.length; i += 3) supersampled[i] = photo.data[i];
		assert.ok(psnr(supersampled, photo.data) >= 40, 'ssaa 2 keeps the smooth channels');
		// The outer supersamples (¼ px from the frame) lie outside the mesh: the gap fill covers them.
		const unfilled = renderScene(scene, photoCamera(scene), {ssaa: 2, fillEmptyPixels: 0}).image;
		assert.ok(unfilled.data[3] < 255, 'without the fill the outer supersamples are empty');
		const filled = renderScene(scene, photoCamera(scene), {ssaa: 2}).image.data;
		for (let i = 3; i < filled.length; i += 4) assert.equal(filled[i], 255, `pixel ${(i - 3) / 4} is not fully covered`);
	});

	it('reproduces a real photo from its own camera (PSNR ≥ 35 dB)', async function () {
		const path = sharedFile(this, 'photos/da2_demo08.jpg');
		const {data, info} = await sharp(path).removeAlpha().raw().toBuffer({resolveWithObject: true});
		const photo = {width: info.width, height: info.height, data: new Uint8Array(data)};
		const scene = gridScene(photo, smoothDepth(info.width, info.height), {fovYRadians: FOV_Y});
		const {image} = renderScene(scene, photoCamera(scene));
		const dB = psnr(rgbOf(image.data), photo.data);
		assert.ok(dB >= 35, `PSNR ${dB.toFixed(2)} dB`);
	});

	it('drops geometry behind the near plane instead of drawing it mirrored', () => {
		const layer = screenLayer([[10, 10, 2, 0, 0], [90, 10, 2, 1, 0], [50, 70, 2, 0, 1]], [0, 1, 2], W, H);
		const scene = sceneOf([layer], W, H);
		const behind = renderScene(scene, photoCamera(scene, {positionMeters: [0, 0, -3]}), {fillEmptyPixels: 0}).image;
		assert.equal(coveredCount(behind.data), 0);
	});
});
