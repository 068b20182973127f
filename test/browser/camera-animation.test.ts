import assert from 'node:assert/strict';

import {addCameraAnimation} from '../../src/gltf/camera-animation.js';
import {psnr} from '../../src/image/metrics.js';
import {CAMERA_PATH_PERIODIC, cameraPath, type CameraPathName, type CameraPathOptions} from '../../src/render/camera-path.js';
import {countTransparentPixels, meanAbsoluteDifference} from './pixels.js';
import {buildQuadScene, compressWithMeshopt, createNodeIo, testPattern} from './quad-scene.js';
import {useBrowserHarness} from './three-harness.js';

const WIDTH = 192;
const HEIGHT = 144;
const FOV_Y_RADIANS = (50 * Math.PI) / 180;
const DISTANCE_METERS = 2;
const FPS = 10;
const FRAMES = 21;

async function animatedGlb(name: CameraPathName, options: Partial<CameraPathOptions> = {}): Promise<Uint8Array> {
	const {document} = await buildQuadScene({
		texture: testPattern(WIDTH, HEIGHT),
		textureFormat: 'webp',
		fovYRadians: FOV_Y_RADIANS,
		distanceMeters: DISTANCE_METERS,
	});
	const poses = cameraPath(name, {frames: FRAMES, referenceDepthMeters: DISTANCE_METERS, fovYRadians: FOV_Y_RADIANS, ...options});
	addCameraAnimation(document, poses, {fps: FPS, loop: CAMERA_PATH_PERIODIC[name]});
	await compressWithMeshopt(document);
	return (await createNodeIo()).writeBinary(document);
}

describe('glTF camera animation played by three.js (AnimationMixer)', function () {
	this.timeout(60_000);
	const harness = useBrowserHarness();
	const endSeconds = (FRAMES - 1) / FPS;

	it('drives the camera: two times of a straight path give two different frames', async () => {
		const glb = await animatedGlb('straight', {amplitude: [0.05, 0, 0]});
		const result = await harness().renderGlbInBrowserWithLog(glb, {width: WIDTH, height: HEIGHT, animationTimeSeconds: 0});
		assert.equal(result.animationCount, 1);
		const end = await harness().renderGlbInBrowser(glb, {width: WIDTH, height: HEIGHT, animationTimeSeconds: endSeconds});
		assert.ok(meanAbsoluteDifference(result.image.data, end.data) > 5, 'the frames at 0 s and at the end must differ');
		// Without the animation the camera is the photo's, which is the middle of the straight path.
		const still = await harness().renderGlbInBrowser(glb, {width: WIDTH, height: HEIGHT});
		const middle = await harness().renderGlbInBrowser(glb, {width: WIDTH, height: HEIGHT, animationTimeSeconds: endSeconds / 2});
		assert.ok(psnr(still.data, middle.data, {channels: 4}) > 40);
	});

	it('zoom-in starts at the photo view and ends closer (the quad overfills the view)', async () => {
		const glb = await animatedGlb('zoom-in');
		const still = await harness().renderGlbInBrowser(glb, {width: WIDTH, height: HEIGHT});
		const first = await harness().renderGlbInBrowser(glb, {width: WIDTH, height: HEIGHT, animationTimeSeconds: 0});
		const last = await harness().renderGlbInBrowser(glb, {width: WIDTH, height: HEIGHT, animationTimeSeconds: endSeconds});
		assert.ok(psnr(still.data, first.data, {channels: 4}) > 40);
		assert.ok(meanAbsoluteDifference(first.data, last.data) > 5);
	});

	it('dolly zoom: with the FOV track applied the subject plane keeps its size', async () => {
		const glb = await animatedGlb('dolly-zoom', {amplitude: [0, 0, 0.3]});
		const first = await harness().renderGlbInBrowser(glb, {width: WIDTH, height: HEIGHT, animationTimeSeconds: 0, background: [0, 0, 0, 0]});
		const last = await harness().renderGlbInBrowser(glb, {width: WIDTH, height: HEIGHT, animationTimeSeconds: endSeconds, background: [0, 0, 0, 0]});
		assert.equal(countTransparentPixels(last), 0);
		const dB = psnr(first.data, last.data, {channels: 4});
		const zoomIn = await harness().renderGlbInBrowser(await animatedGlb('zoom-in', {amplitude: [0, 0, 0.3]}), {
			width: WIDTH,
			height: HEIGHT,
			animationTimeSeconds: endSeconds,
		});
		const zoomInDb = psnr(first.data, zoomIn.data, {channels: 4});
		console.log(`      first vs last frame: dolly zoom ${dB.toFixed(1)} dB, plain zoom-in ${zoomInDb.toFixed(1)} dB`);
		assert.ok(dB > 30, `dolly zoom changed the subject plane: ${dB.toFixed(1)} dB`);
		assert.ok(zoomInDb < 25, `zoom-in should enlarge the subject plane: ${zoomInDb.toFixed(1)} dB`);
	});

	it('a circle aimed at the subject turns the camera and keeps the subject centred', async () => {
		const glb = await animatedGlb('circle', {aim: 'subject', amplitude: [0.1, 0.1, 0]});
		const quarter = await harness().renderGlbInBrowser(glb, {width: WIDTH, height: HEIGHT, animationTimeSeconds: (FRAMES / FPS) * 0.25});
		const half = await harness().renderGlbInBrowser(glb, {width: WIDTH, height: HEIGHT, animationTimeSeconds: (FRAMES / FPS) * 0.5});
		assert.ok(meanAbsoluteDifference(quarter.data, half.data) > 2);
		const pattern = testPattern(WIDTH, HEIGHT);
		for (const frame of [quarter, half]) {
			const x = WIDTH / 2;
			const y = HEIGHT / 2;
			const centre = (y * WIDTH + x) * 4;
			// The texel at the optical axis (red ramps with x, green with y) is the pattern's centre texel.
			assert.ok(Math.abs(frame.data[centre] - pattern.data[(y * WIDTH + x) * 3]) <= 3);
			assert.ok(Math.abs(frame.data[centre + 1] - pattern.data[(y * WIDTH + x) * 3 + 1]) <= 3);
		}
	});
});
