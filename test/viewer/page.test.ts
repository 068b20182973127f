import assert from 'node:assert/strict';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {pathToFileURL} from 'node:url';

import {createSuppliedDepthSource} from '../../src/depth/supplied.js';
import {loadPhoto} from '../../src/image/load.js';
import {psnr} from '../../src/image/metrics.js';
import {selfContainedPageHtml} from '../../src/viewer/page-html.js';
import {buildGlbInMemory} from '../../src/viewer/scene-source.js';
import {startViewerServer} from '../../src/viewer/server.js';
import {countTransparentPixels, meanAbsoluteDifference, rgbFromRgba} from '../browser/pixels.js';
import {buildQuadScene, compressWithMeshopt, createNodeIo, testPattern} from '../browser/quad-scene.js';
import {sharedFile} from '../helpers/shared.js';
import {snapshot, useChromium, waitForSettled, waitForViewerReady, type ViewerPage} from './browser.js';
import {ensureFreshViewerBundle, SAMPLE_PHOTO, sampleGlbWithPath} from './fixtures.js';

/** The sample is 640 × 480: a window of that size shows it 1:1 at rest. */
const WIDTH = 640;
const HEIGHT = 480;

/** What a page opened from file:// may load: the file itself and what it makes in memory. */
const LOCAL_ONLY = (url: string): boolean => /^(file|data|blob):/.test(url);

function offLimits(viewer: ViewerPage, allowed: (url: string) => boolean): string[] {
	return viewer.requests.filter((url) => !allowed(url));
}

/** A 2 m quad scene (no camera path) with `comfortRange` stored in its extras. */
async function quadGlbWithComfortRange(): Promise<Uint8Array> {
	const {document} = await buildQuadScene({texture: testPattern(160, 120), textureFormat: 'webp', fovYRadians: 0.8, distanceMeters: 2});
	const comfortRange = {lateralMeters: 0.04, verticalMeters: 0.02, forwardMeters: 0.08, orbitDegrees: 1.5, orbitPivotMeters: 2};
	document.getRoot().getAsset().extras = {ldiGltf: {depthRange: {nearMeters: 2, farMeters: 2.5}, comfortRange}};
	await compressWithMeshopt(document);
	return (await createNodeIo()).writeBinary(document);
}

describe('viewer page in headless Chromium', function () {
	this.timeout(120_000);
	const openPage = useChromium();
	let directory = '';
	let pageUrl = '';
	let glb: Uint8Array;

	before(async function () {
		this.timeout(60_000);
		await ensureFreshViewerBundle();
		glb = await sampleGlbWithPath();
		directory = await mkdtemp(join(tmpdir(), 'ldi-viewer-'));
		const html = await selfContainedPageHtml(glb, {name: 'sample.glb'});
		const path = join(directory, 'sample.html');
		await writeFile(path, html);
		pageUrl = pathToFileURL(path).href;
		const limitBytes = glb.byteLength * 1.37 + 1.5e6;
		console.log(`      page ${(html.length / 1e6).toFixed(3)} MB for a ${(glb.byteLength / 1e6).toFixed(3)} MB .glb (limit ${(limitBytes / 1e6).toFixed(3)} MB)`);
		assert.ok(Buffer.byteLength(html) <= limitBytes, 'page size ≤ .glb × 1.37 + 1.5 MB');
	});

	after(async () => {
		if (directory) await rm(directory, {recursive: true, force: true});
	});

	async function openExported(): Promise<ViewerPage> {
		const viewer = await openPage({width: WIDTH, height: HEIGHT}, LOCAL_ONLY);
		const started = performance.now();
		await viewer.page.goto(pageUrl);
		const readyMs = await waitForViewerReady(viewer.page, started);
		console.log(`      ready after ${readyMs.toFixed(0)} ms`);
		await waitForSettled(viewer.page);
		return viewer;
	}

	it('from file://: no request but file:/data:/blob:, no errors, ready, at rest the photo (≥ 30 dB)', async () => {
		const viewer = await openExported();
		const rest = await snapshot(viewer.page);
		assert.deepEqual(offLimits(viewer, LOCAL_ONLY), [], 'requests other than file:, data:, blob:');
		assert.deepEqual(viewer.refused, []);
		assert.deepEqual(viewer.errors, []);
		assert.equal(rest.width, WIDTH);
		assert.equal(rest.height, HEIGHT);
		assert.equal(countTransparentPixels(rest), 0, 'the photo fills the view');
		const photo = await loadPhoto(SAMPLE_PHOTO, {maxSize: 1024});
		const dB = psnr(rgbFromRgba(rest).data, photo.image.data, {channels: 3});
		console.log(`      at rest vs the photo: ${dB.toFixed(2)} dB`);
		assert.ok(dB >= 30, `PSNR ${dB.toFixed(2)} dB < 30 dB`);
		const status = await viewer.page.evaluate(() => window.ldiViewer?.status());
		assert.equal(status?.sceneName, 'sample.glb');
		// The photo, two inpainted layers, the frame extension and the backdrop.
		assert.deepEqual(status?.layers, [0, 1, 2, 3, 4]);
		// `build` stores the comfort range: 8 % / 8 % / 10 % of the near depth (1 m), an orbit about the median
		// depth of up to 10° that moves the camera at most 0.16 m.
		assert.equal(status?.comfortRangeSource, 'stored');
		const {orbitPivotMeters, orbitDegrees, ...fractions} = status?.comfortRange ?? {orbitPivotMeters: 0, orbitDegrees: 0};
		assert.deepEqual(fractions, {lateralMeters: 0.08, verticalMeters: 0.08, forwardMeters: 0.1});
		assert.equal(orbitDegrees, Math.min(10, Math.floor((Math.asin(0.16 / orbitPivotMeters) * 180 / Math.PI) * 100) / 100));
		assert.ok(orbitPivotMeters > 1 && orbitPivotMeters < 10, `pivot ${orbitPivotMeters} m`);
	});

	it('a pointer at an edge moves the view within the comfort range and leaves no empty pixel; leaving the page returns to rest', async () => {
		const viewer = await openExported();
		const rest = await snapshot(viewer.page);
		for (const [x, y] of [[WIDTH - 1, HEIGHT / 2], [0, HEIGHT / 2], [WIDTH / 2, 0], [WIDTH / 2, HEIGHT - 1], [WIDTH - 1, 0]]) {
			await viewer.page.mouse.move(x, y);
			await waitForSettled(viewer.page);
			const moved = await snapshot(viewer.page);
			const difference = meanAbsoluteDifference(moved.data, rest.data);
			const holes = countTransparentPixels(moved);
			console.log(`      pointer at (${x}, ${y}): mean difference ${difference.toFixed(2)} levels, ${holes} empty pixels`);
			assert.ok(difference > 0.5, 'the view must change');
			assert.equal(holes, 0, 'no empty pixel');
		}
		await viewer.page.mouse.move(WIDTH / 2, HEIGHT / 2);
		await waitForSettled(viewer.page);
		const back = await snapshot(viewer.page);
		assert.ok(psnr(back.data, rest.data, {channels: 4}) > 45, 'the centre is the rest view again');
		assert.deepEqual(viewer.errors, []);
	});

	it('device tilt and the mouse wheel move the view too, within the range and without holes', async () => {
		const viewer = await openExported();
		const rest = await snapshot(viewer.page);
		// The first reading is the reference; 15° more to the right spans the whole range.
		await viewer.page.evaluate(() => {
			window.dispatchEvent(new DeviceOrientationEvent('deviceorientation', {alpha: 0, beta: 40, gamma: 0}));
			window.dispatchEvent(new DeviceOrientationEvent('deviceorientation', {alpha: 0, beta: 40, gamma: 30}));
		});
		await waitForSettled(viewer.page);
		const tilted = await snapshot(viewer.page);
		assert.ok(meanAbsoluteDifference(tilted.data, rest.data) > 0.5, 'tilt moves the view');
		assert.equal(countTransparentPixels(tilted), 0);
		await viewer.page.evaluate(() => window.dispatchEvent(new DeviceOrientationEvent('deviceorientation', {alpha: 0, beta: 40, gamma: 0})));
		await waitForSettled(viewer.page);
		assert.ok(psnr((await snapshot(viewer.page)).data, rest.data, {channels: 4}) > 45, 'level again: the rest view');

		await viewer.page.mouse.move(WIDTH / 2, HEIGHT / 2);
		await viewer.page.mouse.wheel(0, -2000);
		await waitForSettled(viewer.page);
		const forward = await snapshot(viewer.page);
		const difference = meanAbsoluteDifference(forward.data, rest.data);
		console.log(`      wheel forward (the stored 10 % of near): mean difference ${difference.toFixed(2)} levels, ${countTransparentPixels(forward)} empty pixels`);
		assert.ok(difference > 0.5, 'the wheel moves the camera forward');
		assert.equal(countTransparentPixels(forward), 0);
		assert.deepEqual(viewer.errors, []);
	});

	it('orbit mode (O) turns about the pivot: the view changes differently from the sideways move', async () => {
		const viewer = await openExported();
		await viewer.page.mouse.move(WIDTH - 1, HEIGHT / 2);
		await waitForSettled(viewer.page);
		const sideways = await snapshot(viewer.page);
		await viewer.page.keyboard.press('o');
		await waitForSettled(viewer.page);
		assert.equal((await viewer.page.evaluate(() => window.ldiViewer?.status()))?.motion, 'orbit');
		assert.equal(await viewer.page.getAttribute('#ldi-orbit', 'aria-pressed'), 'true');
		const orbit = await snapshot(viewer.page);
		const difference = meanAbsoluteDifference(orbit.data, sideways.data);
		console.log(`      orbit 10° vs sideways at the right edge: mean difference ${difference.toFixed(2)} levels, ${countTransparentPixels(orbit)} empty pixels`);
		assert.ok(difference > 0.5);
		// The stored range's orbit is covered too: the backdrop seals what the frame extension does not reach.
		assert.equal(countTransparentPixels(orbit), 0);
		assert.deepEqual(viewer.errors, []);
	});

	it('plays the stored camera path (Space) and stops it, back at the photo view', async () => {
		const viewer = await openExported();
		const rest = await snapshot(viewer.page);
		const before = await viewer.page.evaluate(() => window.ldiViewer?.status());
		assert.ok((before?.pathDurationSeconds ?? 0) > 1, 'the sample stores a swing path');
		await viewer.page.keyboard.press('Space');
		await viewer.page.waitForFunction(() => (window.ldiViewer?.status().pathSeconds ?? 0) > 0.5);
		const playing = await viewer.page.evaluate(() => window.ldiViewer?.status());
		assert.equal(playing?.playing, true);
		const frame = await snapshot(viewer.page);
		const difference = meanAbsoluteDifference(frame.data, rest.data);
		console.log(`      camera path at ${playing?.pathSeconds.toFixed(2)} s: mean difference ${difference.toFixed(2)} levels from rest`);
		assert.ok(difference > 0.5, 'the camera path moves the view');
		await viewer.page.click('#ldi-play');
		await waitForSettled(viewer.page);
		assert.equal((await viewer.page.evaluate(() => window.ldiViewer?.status()))?.playing, false);
		assert.ok(psnr((await snapshot(viewer.page)).data, rest.data, {channels: 4}) > 45);
		assert.deepEqual(viewer.errors, []);
	});

	it('shows the layers one by one, the wireframe and the depth view', async () => {
		const viewer = await openExported();
		const rest = await snapshot(viewer.page);
		await viewer.page.keyboard.press('l');
		await viewer.page.keyboard.press('l');
		const status = await viewer.page.evaluate(() => window.ldiViewer?.status());
		assert.equal(status?.soloLayer, 1);
		assert.equal(await viewer.page.textContent('#ldi-layers'), 'Layers: 1');
		const layerOne = await snapshot(viewer.page);
		assert.ok(countTransparentPixels(layerOne) > WIDTH * HEIGHT * 0.5, 'layer 1 alone (a hidden layer) leaves most of the view empty');
		await viewer.page.keyboard.press('Shift+L');
		await viewer.page.keyboard.press('Shift+L');
		assert.equal(countTransparentPixels(await snapshot(viewer.page)), 0, 'all layers again');

		await viewer.page.click('#ldi-wireframe');
		const wireframe = await snapshot(viewer.page);
		assert.ok(countTransparentPixels(wireframe) > 0 && meanAbsoluteDifference(wireframe.data, rest.data) > 5, 'wireframe: lines, with gaps');
		await viewer.page.keyboard.press('w');

		await viewer.page.keyboard.press('d');
		const depth = await snapshot(viewer.page);
		let grey = true;
		for (let i = 0; i < depth.data.length; i += 4) grey &&= depth.data[i] === depth.data[i + 1] && depth.data[i] === depth.data[i + 2];
		assert.ok(grey, 'the depth view is grey');
		assert.ok(meanAbsoluteDifference(depth.data, rest.data) > 5);
		assert.equal(await viewer.page.getAttribute('#ldi-depth', 'aria-pressed'), 'true');
		await viewer.page.keyboard.press('r');
		assert.ok(psnr((await snapshot(viewer.page)).data, rest.data, {channels: 4}) > 45, 'R resets every mode');
		assert.deepEqual(viewer.errors, []);
	});

	it('opens a dropped .glb and uses its stored comfort range; a dropped non-glTF is a message, the scene stays', async () => {
		const viewer = await openExported();
		const drop = async (bytes: Uint8Array, name: string): Promise<void> => {
			const dataTransfer = await viewer.page.evaluateHandle(([base64, fileName]) => {
				const transfer = new DataTransfer();
				const data = Uint8Array.from(atob(base64), (character) => character.charCodeAt(0));
				transfer.items.add(new File([data], fileName, {type: 'model/gltf-binary'}));
				return transfer;
			}, [Buffer.from(bytes).toString('base64'), name] as const);
			await viewer.page.dispatchEvent('#ldi-canvas', 'drop', {dataTransfer});
		};
		await drop(new TextEncoder().encode('not a glTF'), 'notes.glb');
		await viewer.page.waitForFunction(() => (window.ldiViewer?.status().error ?? '') !== '');
		assert.match((await viewer.page.evaluate(() => window.ldiViewer?.status()))?.error ?? '', /^notes\.glb: /);
		assert.equal(await viewer.page.isVisible('#ldi-message'), true);
		assert.equal((await viewer.page.evaluate(() => window.ldiViewer?.status()))?.sceneName, 'sample.glb');
		viewer.errors.length = 0;
		await drop(await quadGlbWithComfortRange(), 'quad.glb');
		await viewer.page.waitForFunction(() => window.ldiViewer?.status().sceneName === 'quad.glb');
		assert.equal(await viewer.page.isVisible('#ldi-message'), false, 'the message goes with a good file');
		const status = await viewer.page.evaluate(() => window.ldiViewer?.status());
		assert.equal(status?.comfortRangeSource, 'stored');
		assert.deepEqual(status?.comfortRange, {lateralMeters: 0.04, verticalMeters: 0.02, forwardMeters: 0.08, orbitDegrees: 1.5, orbitPivotMeters: 2});
		assert.equal(status?.pathDurationSeconds, 0);
		assert.equal(await viewer.page.isDisabled('#ldi-play'), true, 'no camera path to play');
		assert.equal(await viewer.page.title(), 'quad.glb — ldi-gltf');
		const view = await snapshot(viewer.page);
		assert.equal(view.width / view.height, 160 / 120, 'the canvas takes the new photo aspect');
		assert.deepEqual(offLimits(viewer, LOCAL_ONLY), []);
		assert.deepEqual(viewer.errors, []);
	});

	it('a real 1024 px photo (moon.jpg): page within the size limit, ready, the photo at rest (≥ 30 dB)', async function () {
		const photoPath = sharedFile(this, 'photos/moon.jpg');
		const depthPath = sharedFile(this, 'photos/moon_depth_midas.png');
		const moonGlb = await buildGlbInMemory(photoPath, {scene: {}, depth: createSuppliedDepthSource(depthPath), depthModelName: 'supplied', encode: {}});
		const html = await selfContainedPageHtml(moonGlb, {name: 'moon.glb'});
		const limitBytes = moonGlb.byteLength * 1.37 + 1.5e6;
		assert.ok(Buffer.byteLength(html) <= limitBytes, `${Buffer.byteLength(html)} bytes > ${limitBytes}`);
		const path = join(directory, 'moon.html');
		await writeFile(path, html);
		const photo = await loadPhoto(photoPath, {maxSize: 1024});
		const viewer = await openPage({width: photo.image.width, height: photo.image.height}, LOCAL_ONLY);
		const started = performance.now();
		await viewer.page.goto(pathToFileURL(path).href);
		const readyMs = await waitForViewerReady(viewer.page, started);
		await waitForSettled(viewer.page);
		const dB = psnr(rgbFromRgba(await snapshot(viewer.page)).data, photo.image.data, {channels: 3});
		console.log(`      moon: page ${(html.length / 1e6).toFixed(2)} MB for ${(moonGlb.byteLength / 1e6).toFixed(2)} MB (limit ${(limitBytes / 1e6).toFixed(2)} MB), ready after ${readyMs.toFixed(0)} ms, ${dB.toFixed(2)} dB at rest`);
		assert.ok(dB >= 30, `PSNR ${dB.toFixed(2)} dB < 30 dB`);
		assert.deepEqual(offLimits(viewer, LOCAL_ONLY), []);
		assert.deepEqual(viewer.errors, []);
	});

	it('the served page loads from 127.0.0.1 and requests nothing from elsewhere', async () => {
		const server = await startViewerServer(glb, {name: 'sample.glb'});
		try {
			const sameOrigin = (url: string): boolean => url.startsWith(server.url) || /^(data|blob):/.test(url);
			const viewer = await openPage({width: WIDTH, height: HEIGHT}, sameOrigin);
			const started = performance.now();
			await viewer.page.goto(server.url);
			const readyMs = await waitForViewerReady(viewer.page, started);
			console.log(`      served page ready after ${readyMs.toFixed(0)} ms`);
			await waitForSettled(viewer.page);
			assert.deepEqual(offLimits(viewer, sameOrigin), []);
			assert.deepEqual(viewer.errors, []);
			const photo = await loadPhoto(SAMPLE_PHOTO, {maxSize: 1024});
			assert.ok(psnr(rgbFromRgba(await snapshot(viewer.page)).data, photo.image.data, {channels: 3}) >= 30);
		} finally {
			await server.close();
		}
	});
});
