import assert from 'node:assert/strict';
import {createRequire} from 'node:module';

import {sceneToDocument} from '../../src/gltf/document.js';
import {optimizeDocument} from '../../src/gltf/optimize.js';
import {readSceneFromGlb} from '../../src/gltf/read.js';
import {writeGlb} from '../../src/gltf/write.js';
import {BACKDROP_DEFAULTS, meshBackdrop} from '../../src/mesh/backdrop.js';
import {defaultDepthRange, ldiToScene} from '../../src/mesh/build-scene-mesh.js';
import {buildScene} from '../../src/pipeline/build-scene.js';
import {
	comfortPose, comfortRangeFor, comfortReveal, ldiSizingForComfort, medianNormalizedDisparity,
} from '../../src/scene/comfort-range.js';
import {depthFromDisparity, disparityFromDepth} from '../../src/scene/scene.js';
import {comfortRangeFromExtras, poseForInput} from '../../viewer/comfort-range.js';
import {repoRoot} from '../helpers/shared.js';
import {steppedLdi} from '../mesh/ldi-fixtures.js';

const validator = createRequire(import.meta.url)('gltf-validator') as {
	validateBytes(bytes: Uint8Array): Promise<{issues: {numErrors: number; numWarnings: number}}>;
};

describe('comfort range', () => {
	it('is 8 % / 8 % / 10 % of the near depth and up to 10° about the median depth by default, the orbit travelling at most 16 % of the near depth', () => {
		const range = comfortRangeFor({nearMeters: 2, farMeters: 20}, 4.5);
		// asin(0.16 · 2 / 4.5) = 4.077°, down to 0.01°.
		assert.deepEqual(range, {lateralMeters: 0.16, verticalMeters: 0.16, forwardMeters: 0.2, orbitDegrees: 4.07, orbitPivotMeters: 4.5});
		assert.ok(range.orbitPivotMeters * Math.sin((range.orbitDegrees * Math.PI) / 180) <= 0.16 * 2);
		// A pivot close to the near depth keeps the full 10° (1.5 m: asin(0.32 / 1.5) = 12.3°).
		assert.equal(comfortRangeFor({nearMeters: 2, farMeters: 20}, 1.5).orbitDegrees, 10);
		assert.equal(comfortRangeFor({nearMeters: 2, farMeters: 20}, 4.5, {maxOrbitTravelFractionOfNear: Infinity}).orbitDegrees, 10);
	});

	it('finds the median of a disparity map (non-finite values count as the farthest)', () => {
		const data = Float32Array.from([0, 10, 20, 30, 40, 50, 60, 70, 80, Number.NaN, 100]);
		// Normalized: NaN → 0; sorted 0, 0, .1 … .8, 1: the 6th of 11 is 0.4.
		assert.ok(Math.abs(medianNormalizedDisparity({width: 11, height: 1, data}) - 0.4) < 1 / 4096);
	});

	it('poses agree with the viewer’s poseForInput', () => {
		const range = comfortRangeFor({nearMeters: 1, farMeters: 10}, 2.5);
		for (const motion of ['parallax', 'orbit'] as const) {
			for (const input of [[1, 0, 0], [-0.3, 0.8, 0.2], [0.6, -0.6, -0.6], [0, 0, 1]] as Array<[number, number, number]>) {
				const mine = comfortPose(range, ...input, motion);
				const viewer = poseForInput(range, {x: input[0], y: input[1], z: input[2]}, motion);
				for (let i = 0; i < 3; i++) assert.ok(Math.abs(mine.position[i] - viewer.position[i]) < 1e-12, `${motion} position`);
				for (let i = 0; i < 4; i++) assert.ok(Math.abs(mine.quaternion[i] - viewer.quaternion[i]) < 1e-12, `${motion} rotation`);
			}
		}
	});

	it('sizes the frame extension by ray casting: a sideways move t reveals f·t/near pixels', () => {
		const depthRange = {nearMeters: 1, farMeters: 10};
		// Only a sideways move (forward 0): the right edge at the near depth shows f·0.08 pixels past the frame.
		const range = {lateralMeters: 0.08, verticalMeters: 0, forwardMeters: 0, orbitDegrees: 0, orbitPivotMeters: 3};
		const fovY = 2 * Math.atan(0.5);
		const reveal = comfortReveal(range, {width: 1024, height: 1024, fovYRadians: fovY}, depthRange, 'parallax');
		assert.ok(Math.abs(reveal.framePixels - 0.08 * 1024) < 1e-6, `${reveal.framePixels}`);
		// Between the near and the far depth: f·t·(1/near − 1/far).
		assert.ok(Math.abs(reveal.stepParallaxPixels - 1024 * 0.08 * 0.9) < 1e-6, `${reveal.stepParallaxPixels}`);
		// An orbit of 10° about 3 m reveals more at the far depth on the side it turns towards than a plain turn
		// minus the pivot's sideways move: f·(tan(α + θ) − tan α − p·sin θ / far) with tan α = 0.5.
		const orbit = comfortReveal({...range, orbitDegrees: 10, lateralMeters: 0}, {width: 1024, height: 1024, fovYRadians: fovY}, depthRange, 'orbit');
		const theta = Math.PI / 18;
		assert.ok(orbit.framePixels >= 1024 * (Math.tan(Math.atan(0.5) + theta) - 0.5 - 3 * Math.sin(theta) / 10) - 1e-6);
		const sizing = ldiSizingForComfort(range, {width: 512, height: 512, fovYRadians: fovY}, depthRange);
		// At 512 px the reveal is 41 px; the option is given at 1024 px.
		assert.equal(sizing.borderPixels, Math.ceil((0.08 * 512 + 3) * 2));
	});

	it('the backdrop lies behind the LDI pixels of its window and covers the photo and its extension', () => {
		const ldi = steppedLdi(64, 48, 40, 8);
		const depthRange = defaultDepthRange();
		// A window as large as the photo: behind its farthest pixel everywhere.
		const mesh = meshBackdrop(ldi, 2, {width: 64, height: 48, fovYRadians: 1}, depthRange, {extendPixels: 20, envelopeRadiusPixels: 1e6});
		let nearest = Infinity;
		for (let v = 2; v < mesh.positions.length; v += 3) nearest = Math.min(nearest, -mesh.positions[v]);
		let farthestPixel = 0;
		for (let p = 0; p < ldi.count; p++) farthestPixel = Math.max(farthestPixel, depthFromDisparity(ldi.disparity[p], depthRange));
		assert.ok(disparityFromDepth(nearest, depthRange) <= disparityFromDepth(farthestPixel, depthRange) - BACKDROP_DEFAULTS.disparityMargin + 1e-6);
		// Its outermost vertices reach 20 px past the frame (at their own depth).
		const f = 24 / Math.tan(0.5);
		let left = Infinity;
		for (let v = 0; v < mesh.positions.length; v += 3) left = Math.min(left, 32 + (f * mesh.positions[v]) / -mesh.positions[v + 2]);
		assert.ok(left <= -20, `left edge at ${left}`);
		assert.ok(mesh.texture.data.every((value, i) => i % 4 !== 3 || value === 255));
	});

	it('the backdrop reaches at most maxExtendPixels past the frame: an orbit about a very wide photo reveals without bound', () => {
		const ldi = steppedLdi(64, 48, 40, 8);
		// 10° about a 170° photo looks along its image plane: the reveal is many times the photo.
		const camera = {width: 64, height: 48, fovYRadians: (170 * Math.PI) / 180};
		const reveal = comfortReveal(comfortRangeFor(defaultDepthRange(), 2.2), camera, defaultDepthRange(), 'orbit');
		assert.ok(reveal.framePixels > 16 * 64, `${reveal.framePixels}`);
		const mesh = meshBackdrop(ldi, 2, camera, defaultDepthRange(), {extendPixels: reveal.framePixels});
		// maxExtendPixels 1024 at 1024 px is 64 px past each side of this 64-px photo, in 1-px texels, whole 8-texel cells.
		assert.ok(mesh.texture.width <= 64 + 2 * (64 + 1) + 8, `${mesh.texture.width}`);
		assert.ok(mesh.texture.width >= 64 + 2 * 64, `${mesh.texture.width}`);
	});

	it('is stored in asset.extras.ldiGltf.comfortRange, read back, accepted by the validator and used by the viewer', async () => {
		const {scene} = await ldiToScene(steppedLdi(64, 48, 40, 8), {fovYRadians: 1}, defaultDepthRange(), {backdrop: true});
		scene.comfortRange = comfortRangeFor(scene.depthRange, 2.2);
		const document = await sceneToDocument(scene, {toolVersion: 'test', sourceFile: 'stepped.png', depthSource: 'supplied'});
		const plain = await writeGlb(await optimizeDocument(document, {compress: false}));
		const report = await validator.validateBytes(plain);
		assert.equal(report.issues.numErrors + report.issues.numWarnings, 0);
		const extras = document.getRoot().getAsset().extras as {ldiGltf: {comfortRange: unknown}};
		assert.deepEqual(extras.ldiGltf.comfortRange, {lateralMeters: 0.08, verticalMeters: 0.08, forwardMeters: 0.1, orbitDegrees: 4.17, orbitPivotMeters: 2.2});
		const {range, source} = comfortRangeFromExtras(extras.ldiGltf, {nearMeters: 0.5, farMeters: 20});
		assert.equal(source, 'stored');
		assert.deepEqual(range, scene.comfortRange);
		assert.deepEqual((await readSceneFromGlb(plain)).comfortRange, scene.comfortRange);
	});

	it('buildScene stores the default range (pivot = the median depth) and adds the backdrop as the last layer', async function () {
		this.timeout(60_000);
		const {scene, ldiStats} = await buildScene(`${repoRoot}/assets/sample.jpg`, {depth: {depthPath: `${repoRoot}/assets/sample-depth.png`}, photo: {maxSize: 256}});
		const range = scene.comfortRange;
		assert.ok(range);
		assert.equal(range.lateralMeters, 0.08 * scene.depthRange.nearMeters);
		assert.equal(range.forwardMeters, 0.1 * scene.depthRange.nearMeters);
		const travel = Math.asin(0.16 * scene.depthRange.nearMeters / range.orbitPivotMeters) * 180 / Math.PI;
		assert.equal(range.orbitDegrees, Math.min(10, Math.floor(travel * 100) / 100));
		assert.ok(range.orbitPivotMeters > scene.depthRange.nearMeters && range.orbitPivotMeters < scene.depthRange.farMeters);
		assert.equal(scene.layers.at(-1)?.layerIndex, ldiStats.borderLayerIndex + 1);
	});
});
