import assert from 'node:assert/strict';
import {existsSync} from 'node:fs';
import {readFile} from 'node:fs/promises';
import {join} from 'node:path';

import {getBounds} from '@gltf-transform/core';

import {loadPhoto} from '../../src/image/load.js';
import {psnr} from '../../src/image/metrics.js';
import {repoRoot, sharedFile} from '../helpers/shared.js';
import {useBuildGlb} from './build-glb.js';
import {countTransparentPixels, meanAbsoluteDifference, rgbFromRgba} from './pixels.js';
import {createNodeIo} from './quad-scene.js';
import {useBrowserHarness} from './three-harness.js';

/** The stereo default: at most 2.5 % of the image width of parallax between the nearest and farthest point. */
const COMFORT_PARALLAX_FRACTION = 0.025;

/** Empty pixels tolerated after that move, as a fraction of the image: 10 per million (see the assertion). */
const MAX_HOLE_FRACTION = 0.00001;

const BUILD_SOURCES = ['src/pipeline/build-scene.ts', 'src/commands/build.ts'];

describe('three.js renders the real `ldi-gltf build` output', function () {
	this.timeout(120_000);
	const missing = BUILD_SOURCES.filter((path) => !existsSync(join(repoRoot, path)));

	// Registered before the harness's hooks so a missing writer skips without launching the browser.
	before(function () {
		if (missing.length > 0) {
			console.log(`      skipped: ${missing.join(', ')} not written yet`);
			this.skip();
		}
	});
	const buildGlb = useBuildGlb('ldi-gltf-build-consumer-');
	const harness = useBrowserHarness();

	const cases = [
		{name: 'moon.jpg + its depth', files: (context: Mocha.Context) => [sharedFile(context, 'photos/moon.jpg'), sharedFile(context, 'photos/moon_depth_midas.png')], args: []},
		{name: 'the bundled sample', files: () => [join(repoRoot, 'assets', 'sample.jpg'), join(repoRoot, 'assets', 'sample-depth.png')], args: []},
		// Depthy's maps are depth (near = dark), hence --depth-invert.
		{name: 'depthy_hut.jpg + its depth', files: (context: Mocha.Context) => [sharedFile(context, 'photos/depthy_hut.jpg'), sharedFile(context, 'photos/depthy_hut_depth.jpg')], args: ['--depth-invert']},
		{name: 'depthy_shelf.jpg + its depth', files: (context: Mocha.Context) => [sharedFile(context, 'photos/depthy_shelf.jpg'), sharedFile(context, 'photos/depthy_shelf_depth.jpg')], args: ['--depth-invert']},
	];
	for (const {name, files, args} of cases) it(`${name}: the own camera reproduces the photo (≥ 30 dB), a sideways move differs and has almost no holes`, async function () {
		const [photoPath, depthPath] = files(this);
		const glb = await buildGlb(photoPath, depthPath, `${name.split(' ')[0]}.glb`, args);
		const photo = await loadPhoto(photoPath, {maxSize: 1024});
		const {width, height} = photo.image;

		const started = performance.now();
		const result = await harness().renderGlbInBrowserWithLog(glb, {width, height, background: [255, 0, 255, 0]});
		const renderMs = performance.now() - started;
		assert.equal(result.cameraCount, 1);
		assert.deepEqual(result.warnings.filter((warning) => /unknown extension/i.test(warning)), [], 'three.js knows every required extension');
		const ownCameraDb = psnr(rgbFromRgba(result.image).data, photo.image.data, {channels: 3});
		const ownHoles = countTransparentPixels(result.image);
		console.log(`      own camera: ${ownCameraDb.toFixed(2)} dB vs the photo, ${ownHoles} empty pixels, ${renderMs.toFixed(0)} ms`);
		assert.ok(ownCameraDb >= 30, `PSNR ${ownCameraDb.toFixed(2)} dB < 30 dB`);

		// Sideways move of the comfort range: parallax f·t·(1/near − 1/far) = 2.5 % of the width.
		const document = await (await createNodeIo()).readBinary(glb);
		const root = document.getRoot();
		const bounds = getBounds(root.getDefaultScene() ?? root.listScenes()[0]);
		const nearMeters = -bounds.max[2];
		const farMeters = -bounds.min[2];
		assert.ok(nearMeters > 0 && farMeters > nearMeters, `scene depth range ${nearMeters}..${farMeters} m`);
		const yfov = root.listCameras()[0].getYFov();
		const focalPixels = height / 2 / Math.tan(yfov / 2);
		const offsetMeters = (COMFORT_PARALLAX_FRACTION * width) / (focalPixels * (1 / nearMeters - 1 / farMeters));
		for (const direction of [-1, 1]) {
			const moved = await harness().renderGlbInBrowser(glb, {width, height, background: [255, 0, 255, 0], cameraOffsetMeters: [direction * offsetMeters, 0, 0]});
			const holes = countTransparentPixels(moved);
			const difference = meanAbsoluteDifference(moved.data, result.image.data);
			console.log(`      moved ${(direction * offsetMeters).toFixed(3)} m: ${holes} empty pixels, mean difference ${difference.toFixed(2)} levels`);
			assert.ok(difference > 0.5, 'a sideways move must change the image (the scene is 3D)');
			// Fill-rule holes (pixel centres exactly on a horizontal boundary edge, which a sideways move
			// keeps on its row) are closed by the splats and the border strips' links, real gaps beside
			// speckles and between meeting bands by links: moon 23 and 67 of 1,048,576 before, 1 and 0
			// after, the sample 6 and 6 before, 0 and 0 after. Re-linking cuts whose hidden band does not
			// reach back to them (relink-unfilled-cuts.ts) took depthy_hut from 4 and 12 to 2 and 1 (its
			// bound is 6). What is left on moon is a real gap where a hidden band behind the astronaut's
			// blurred outline ends one pixel short (the project's own renderer shows it too). The bound
			// catches regressions (before the seam, cut and splat fixes: 488 on moon).
			const maxHoles = Math.ceil(MAX_HOLE_FRACTION * width * height);
			assert.ok(holes <= maxHoles, `${holes} empty pixels after a sideways move of ${offsetMeters.toFixed(3)} m (at most ${maxHoles})`);
		}
	});

	it('`build --camera-path circle`: AnimationMixer drives the camera and the frames differ', async function () {
		const command = await readFile(join(repoRoot, 'src/commands/build.ts'), 'utf8');
		if (!command.includes("'camera-path'")) {
			console.log('      skipped: `ldi-gltf build` has no --camera-path flag yet');
			this.skip();
		}
		const photoPath = sharedFile(this, 'photos/moon.jpg');
		const depthPath = sharedFile(this, 'photos/moon_depth_midas.png');
		const glb = await buildGlb(photoPath, depthPath, 'moon-circle.glb', ['--camera-path', 'circle']);
		const document = await (await createNodeIo()).readBinary(glb);
		const animations = document.getRoot().listAnimations();
		assert.equal(animations.length, 1);
		const durationSeconds = Math.max(...animations[0].listSamplers().map((sampler) => sampler.getInput()?.getMax([])[0] ?? 0));
		assert.ok(durationSeconds > 0);
		const width = 256;
		const height = 256;
		const quarter = await harness().renderGlbInBrowser(glb, {width, height, animationTimeSeconds: durationSeconds / 4});
		const threeQuarters = await harness().renderGlbInBrowser(glb, {width, height, animationTimeSeconds: (3 * durationSeconds) / 4});
		const difference = meanAbsoluteDifference(quarter.data, threeQuarters.data);
		console.log(`      circle at 1/4 vs 3/4 of ${durationSeconds.toFixed(2)} s: mean difference ${difference.toFixed(2)} levels`);
		assert.ok(difference > 0.5, 'the camera animation must move the view');
	});
});
