import assert from 'node:assert/strict';
import {join} from 'node:path';

import {loadPhoto} from '../../src/image/load.js';
import {psnr} from '../../src/image/metrics.js';
import {repoRoot, sharedFile} from '../helpers/shared.js';
import {useBuildGlb} from './build-glb.js';
import {countTransparentPixels, rgbFromRgba} from './pixels.js';
import {useBrowserHarness} from './three-harness.js';

/** Reads the JSON chunk of a .glb. */
function glbJson(glb: Uint8Array): {extensionsRequired?: string[]; textures: {source?: number; extensions?: Record<string, {source: number}>}[]; images: {mimeType: string}[]} {
	const jsonLength = new DataView(glb.buffer, glb.byteOffset).getUint32(12, true);
	return JSON.parse(new TextDecoder().decode(glb.subarray(20, 20 + jsonLength)));
}

describe('three.js KTX2Loader renders `ldi-gltf build --texture-format ktx2`', function () {
	this.timeout(180_000);
	const buildGlb = useBuildGlb('ldi-gltf-ktx2-consumer-');
	const harness = useBrowserHarness();

	const cases = [
		{name: 'the bundled sample, UASTC', files: () => [join(repoRoot, 'assets', 'sample.jpg'), join(repoRoot, 'assets', 'sample-depth.png')], args: ['--ktx2-mode', 'uastc']},
		{name: 'moon.jpg + its depth, UASTC', files: (context: Mocha.Context) => [sharedFile(context, 'photos/moon.jpg'), sharedFile(context, 'photos/moon_depth_midas.png')], args: ['--ktx2-mode', 'uastc']},
	];
	for (const {name, files, args} of cases) it(`${name}: KHR_texture_basisu only, the own camera reproduces the photo (≥ 30 dB)`, async function () {
		const [photoPath, depthPath] = files(this);
		const glb = await buildGlb(photoPath, depthPath, `${name.split(/[ ,]/)[0]}.glb`, ['--texture-format', 'ktx2', ...args]);
		const json = glbJson(glb);
		assert.ok(json.extensionsRequired?.includes('KHR_texture_basisu'), 'KHR_texture_basisu is required');
		assert.ok(json.textures.length > 0);
		for (const texture of json.textures) {
			assert.equal(texture.source, undefined, 'no fallback image');
			assert.equal(json.images[texture.extensions?.KHR_texture_basisu.source ?? -1].mimeType, 'image/ktx2');
		}

		const photo = await loadPhoto(photoPath, {maxSize: 1024});
		const {width, height} = photo.image;
		const result = await harness().renderGlbInBrowserWithLog(glb, {width, height, background: [255, 0, 255, 0]});
		assert.deepEqual(result.warnings.filter((warning) => /extension|ktx|basis|texture/i.test(warning)), [], 'no texture or extension warnings');
		const dB = psnr(rgbFromRgba(result.image).data, photo.image.data, {channels: 3});
		const holes = countTransparentPixels(result.image);
		console.log(`      ${name}: ${(glb.byteLength / 1e6).toFixed(2)} MB, own camera ${dB.toFixed(2)} dB vs the photo, ${holes} empty pixels`);
		assert.ok(dB >= 30, `PSNR ${dB.toFixed(2)} dB < 30 dB`);
		assert.equal(holes, 0);
	});
});
