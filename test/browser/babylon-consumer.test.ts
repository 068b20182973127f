import assert from 'node:assert/strict';
import {join} from 'node:path';

import {loadPhoto} from '../../src/image/load.js';
import {psnr} from '../../src/image/metrics.js';
import {repoRoot, sharedFile} from '../helpers/shared.js';
import {LOCAL_DECODER_PATH, useBabylonHarness} from './babylon-harness.js';
import {useBuildGlb} from './build-glb.js';
import {countTransparentPixels, rgbFromRgba} from './pixels.js';

/**
 * The README's Babylon.js recipe, proven: the real `ldi-gltf build` output, loaded by Babylon's glTF loader
 * with the meshopt decoder served locally (every other request blocked), rendered from the glTF camera,
 * reproduces the photo as the three.js consumer test does.
 */
describe('Babylon.js renders the real `ldi-gltf build` output (meshopt decoder served locally, no CDN)', function () {
	this.timeout(180_000);
	const buildGlb = useBuildGlb('ldi-gltf-babylon-consumer-');
	const harness = useBabylonHarness();

	// The later tests render the files the preset tests built: each is built once.
	const built = new Map<string, Uint8Array>();
	async function build(photoPath: string, depthPath: string, outName: string, extraArgs: string[]): Promise<Uint8Array> {
		const cached = built.get(outName);
		if (cached) return cached;
		const glb = await buildGlb(photoPath, depthPath, outName, extraArgs);
		built.set(outName, glb);
		return glb;
	}

	const photos = [
		{key: 'sample', name: 'the bundled sample', files: () => [join(repoRoot, 'assets', 'sample.jpg'), join(repoRoot, 'assets', 'sample-depth.png')]},
		{key: 'moon', name: 'moon.jpg + its depth', files: (context: Mocha.Context) => [sharedFile(context, 'photos/moon.jpg'), sharedFile(context, 'photos/moon_depth_midas.png')]},
	];
	const presets = [{label: 'default preset', args: [] as string[]}, {label: '--preset babylon', args: ['--preset', 'babylon']}];
	for (const {key, name, files} of photos) for (const {label, args} of presets) {
		it(`${name}, ${label}: the glTF camera reproduces the photo (≥ 30 dB)`, async function () {
			const [photoPath, depthPath] = files(this);
			const glb = await build(photoPath, depthPath, `${key}-${args.length === 0 ? 'default' : 'babylon'}.glb`, args);
			const photo = await loadPhoto(photoPath, {maxSize: 1024});
			const {width, height} = photo.image;
			const externalBefore = harness().externalRequests.length;
			const started = performance.now();
			const result = await harness().render(glb, {width, height, background: [255, 0, 255, 0]});
			const renderMs = performance.now() - started;
			assert.equal(result.cameraCount, 1, 'the glTF camera is imported as the one Babylon camera');
			assert.ok(result.meshCount > 0, 'the meshopt-compressed geometry was decoded');
			const db = psnr(rgbFromRgba(result.image).data, photo.image.data, {channels: 3});
			const holes = countTransparentPixels(result.image);
			console.log(`      Babylon.js ${harness().babylonVersion}, ${width}×${height}: ${db.toFixed(2)} dB vs the photo, ${holes} empty pixels, ${(glb.byteLength / 1e6).toFixed(2)} MB, ${renderMs.toFixed(0)} ms`);
			assert.ok(db >= 30, `PSNR ${db.toFixed(2)} dB < 30 dB`);
			assert.ok(harness().localRequests.includes(LOCAL_DECODER_PATH), 'Babylon fetched the meshopt decoder from the local server');
			assert.deepEqual(harness().externalRequests.slice(externalBefore), [], 'no request left 127.0.0.1 (no CDN)');
		});
	}

	it('moon.jpg: Babylon\'s default approximate sRGB output lifts dark tones; useExactSrgbConversions (the README\'s setting) removes it', async function () {
		const [photoPath, depthPath] = [sharedFile(this, 'photos/moon.jpg'), sharedFile(this, 'photos/moon_depth_midas.png')];
		const glb = await build(photoPath, depthPath, 'moon-default.glb', []);
		const photo = await loadPhoto(photoPath, {maxSize: 1024});
		const {width, height} = photo.image;
		const scores = [];
		for (const exactSrgb of [false, true]) {
			const rendered = rgbFromRgba((await harness().render(glb, {width, height, exactSrgb})).image).data;
			let darkLift = 0;
			let darkCount = 0;
			for (let i = 0; i < rendered.length; i++) {
				if (photo.image.data[i] >= 32) continue;
				darkLift += rendered[i] - photo.image.data[i];
				darkCount++;
			}
			scores.push({exactSrgb, db: psnr(rendered, photo.image.data, {channels: 3}), darkLift: darkLift / darkCount});
		}
		console.log(`      ${scores.map((s) => `exact ${s.exactSrgb}: ${s.db.toFixed(2)} dB, dark channel values (< 32) lifted by ${s.darkLift.toFixed(1)}`).join('; ')}`);
		const [approximate, exact] = scores;
		assert.ok(approximate.darkLift > 4, `the approximation lifts dark values by ${approximate.darkLift.toFixed(1)} (expected > 4: has Babylon changed its default?)`);
		assert.ok(Math.abs(exact.darkLift) < 2, `exact conversions keep dark values (lift ${exact.darkLift.toFixed(1)})`);
		assert.ok(exact.db >= approximate.db + 2, `exact ${exact.db.toFixed(2)} dB vs approximate ${approximate.db.toFixed(2)} dB`);
	});

	it('Babylon\'s default decoder URL is its CDN: the request is made, blocked, and loading fails (why the README serves it locally)', async function () {
		const [photoPath, depthPath] = [join(repoRoot, 'assets', 'sample.jpg'), join(repoRoot, 'assets', 'sample-depth.png')];
		const glb = await build(photoPath, depthPath, 'sample-default.glb', []);
		const externalBefore = harness().externalRequests.length;
		await assert.rejects(harness().render(glb, {width: 64, height: 48, cdnDecoder: true}), /Babylon\.js could not render/);
		const blocked = harness().externalRequests.slice(externalBefore);
		console.log(`      blocked: ${blocked.join(', ')}`);
		assert.ok(blocked.some((url) => /meshopt_decoder/.test(url)), `the CDN decoder request was made and blocked (${blocked.join(', ') || 'none'})`);
	});
});
