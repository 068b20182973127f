import assert from 'node:assert/strict';

import {psnr} from '../../src/image/metrics.js';
import {buildQuadScene, compressWithMeshopt, createNodeIo, testPattern} from './quad-scene.js';
import {countTransparentPixels, meanAbsoluteDifference, rgbFromRgba} from './pixels.js';
import {useBrowserHarness} from './three-harness.js';

const FOV_Y_RADIANS = (50 * Math.PI) / 180;

async function quadGlb(width: number, height: number, textureFormat: 'png' | 'webp', compress: boolean): Promise<Uint8Array> {
	const {document} = await buildQuadScene({texture: testPattern(width, height), textureFormat, fovYRadians: FOV_Y_RADIANS, distanceMeters: 2});
	if (compress) await compressWithMeshopt(document);
	return (await createNodeIo()).writeBinary(document);
}

describe('three.js consumer in headless Chromium', function () {
	this.timeout(60_000);
	const harness = useBrowserHarness();

	it('loads a quantized, meshopt-compressed .glb and renders its texture back from the file camera (≥ 40 dB)', async () => {
		const width = 320;
		const height = 240;
		const glb = await quadGlb(width, height, 'png', true);
		const json = JSON.parse(new TextDecoder().decode(glb.subarray(20, 20 + new DataView(glb.buffer, glb.byteOffset).getUint32(12, true))));
		assert.ok(json.extensionsRequired.includes('EXT_meshopt_compression'));
		assert.ok(json.extensionsUsed.includes('KHR_mesh_quantization'));
		const result = await harness().renderGlbInBrowserWithLog(glb, {width, height, background: [255, 0, 255, 0]});
		assert.equal(result.cameraCount, 1);
		assert.equal(countTransparentPixels(result.image), 0, 'the quad must cover the whole view');
		const dB = psnr(rgbFromRgba(result.image).data, testPattern(width, height).data, {channels: 3});
		console.log(`      three.js render vs texture: ${dB.toFixed(1)} dB`);
		assert.ok(dB >= 40, `PSNR ${dB.toFixed(2)} dB < 40 dB`);
	});

	it('decodes EXT_texture_webp textures (the writer’s default format)', async () => {
		const width = 256;
		const height = 256;
		const image = await harness().renderGlbInBrowser(await quadGlb(width, height, 'webp', true), {width, height});
		const dB = psnr(rgbFromRgba(image).data, testPattern(width, height).data, {channels: 3});
		assert.ok(dB >= 40, `PSNR ${dB.toFixed(2)} dB < 40 dB`);
	});

	it('a camera moved sideways sees a different, shifted image', async () => {
		const width = 256;
		const height = 192;
		const glb = await quadGlb(width, height, 'png', true);
		const centre = await harness().renderGlbInBrowser(glb, {width, height, background: [0, 0, 0, 0]});
		const moved = await harness().renderGlbInBrowser(glb, {width, height, background: [0, 0, 0, 0], cameraOffsetMeters: [0.2, 0, 0]});
		assert.ok(meanAbsoluteDifference(centre.data, moved.data) > 5, 'a sideways move must change the image');
		// Moving right by 0.2 m at 2 m shifts the quad left by f·0.2/2 px and uncovers the right edge.
		const focalPixels = height / 2 / Math.tan(FOV_Y_RADIANS / 2);
		const shiftPixels = (focalPixels * 0.2) / 2;
		const expectedUncovered = Math.round(shiftPixels) * height;
		const uncovered = countTransparentPixels(moved);
		assert.ok(Math.abs(uncovered - expectedUncovered) <= 2 * height, `uncovered ${uncovered}, expected ≈ ${expectedUncovered}`);
		const rowStart = (height / 2) * width * 4;
		assert.equal(moved.data[rowStart + (width - 1) * 4 + 3], 0, 'the right edge is uncovered');
		assert.equal(moved.data[rowStart + 3], 255, 'the left edge is still covered');
	});

	it('rejects with the console error when a texture cannot be decoded', async () => {
		const {document} = await buildQuadScene({texture: testPattern(16, 16), textureFormat: 'png', fovYRadians: FOV_Y_RADIANS, distanceMeters: 2});
		document.getRoot().listTextures()[0].setImage(new TextEncoder().encode('this is not a PNG'));
		const glb = await (await createNodeIo()).writeBinary(document);
		await assert.rejects(harness().renderGlbInBrowser(glb, {width: 16, height: 16}), /browser console: .*texture/i);
	});

	it('rejects with the loader’s message when the file is not a glTF', async () => {
		await assert.rejects(harness().renderGlbInBrowser(new TextEncoder().encode('not a glb at all'), {width: 16, height: 16}), /three\.js could not render the \.glb: SyntaxError: .*not valid JSON/);
	});
});
