import assert from 'node:assert/strict';

import type {DepthSource} from '../../src/depth/source.js';
import type {FloatImage, Photo} from '../../src/image/raster.js';
import {detectDepthEdges} from '../../src/ldi/depth-edges.js';
import {snapDepthEdgesToColor} from '../../src/ldi/snap-edges.js';
import {buildScene} from '../../src/pipeline/build-scene.js';
import {photoCamera} from '../../src/render/camera.js';
import {renderScene} from '../../src/render/rasterize.js';
import {focalLengthPixels} from '../../src/scene/scene.js';
import {type BackgroundTexture, makeScene, networkLikeDisparity, type Occluder, type Scene} from './scenes.js';

const WIDTH = 288;
const HEIGHT = 216;
const FACTOR = 3;
const FOV_Y_RADIANS = 1;
const DISC: Occluder = {kind: 'disc', centerX: 150, centerY: 110, radiusX: 55, radiusY: 55, disparity: 0.8, color: [220, 30, 30]};

function sourceOf(disparity: FloatImage): DepthSource {
	return {
		name: 'network-like',
		estimate: async () => ({
			disparity, rawMin: 0, rawMax: 1, kind: 'model', source: 'network-like', timingsMs: {},
			nativeSize: {width: WIDTH / FACTOR, height: HEIGHT / FACTOR},
		}),
	};
}

const redness = (r: number, g: number, b: number): number => r - Math.max(g, b);

interface MoveMeasure {
	/** Background pixels the move reveals (hidden behind the disc in the photo). */
	revealed: number;
	/** Pixels off the disc (its true outline in the moved view, grown by 1.5 px) that carry its red. */
	haloPixels: number;
	/** Pixels off the disc drawn at the disc's depth: background carried along with it (a ghost rim). */
	rimPixels: number;
	emptyPixels: number;
}

/**
 * Builds `scene` from its network-like disparity and renders it from a camera moved sideways by 8 % of the
 * nearest distance; the disc is at the near end (1 m) and the background at the far end (10 m).
 */
async function measureMove(scene: Scene, grow: 1 | -1, snapEdgesToColor: boolean, directionX: 1 | -1): Promise<MoveMeasure> {
	const photo: Photo = {image: scene.image, fovYRadians: FOV_Y_RADIANS, fovSource: 'option', sourcePath: '', originalWidth: WIDTH, originalHeight: HEIGHT};
	const {scene: built} = await buildScene(photo, {depth: sourceOf(networkLikeDisparity(scene.disparity, grow, FACTOR)), ldi: {snapEdgesToColor}});
	const moveMeters = 0.08 * built.depthRange.nearMeters * directionX;
	const {image, depthMeters} = renderScene(built, photoCamera(built, {positionMeters: [moveMeters, 0, 0]}), {fillEmptyPixels: 0, depth: true});
	const nearSideMeters = Math.sqrt(built.depthRange.nearMeters * built.depthRange.farMeters);
	const focal = focalLengthPixels(HEIGHT, FOV_Y_RADIANS);
	// A point at depth z moves by −f·t/z pixels when the camera moves by t.
	const discShift = (focal * moveMeters) / built.depthRange.nearMeters;
	const backgroundShift = (focal * moveMeters) / built.depthRange.farMeters;
	const discAt = (x: number, y: number): boolean => (x - DISC.centerX) ** 2 + (y - DISC.centerY) ** 2 <= DISC.radiusX ** 2;
	let revealed = 0;
	let haloPixels = 0;
	let emptyPixels = 0;
	let rimPixels = 0;
	for (let y = 0; y < HEIGHT; y++) {
		for (let x = 0; x < WIDTH; x++) {
			const i = (y * WIDTH + x) * 4;
			if (image.data[i + 3] === 0) emptyPixels++;
			const [cx, cy] = [x + 0.5 + discShift, y + 0.5];
			const nearDisc = (cx - DISC.centerX) ** 2 + (cy - DISC.centerY) ** 2 <= (DISC.radiusX + 1.5) ** 2;
			if (nearDisc) continue;
			if (discAt(x + 0.5 + backgroundShift, y + 0.5)) revealed++;
			if (redness(image.data[i], image.data[i + 1], image.data[i + 2]) > 40) haloPixels++;
			if ((depthMeters as Float32Array)[i / 4] < nearSideMeters) rimPixels++;
		}
	}
	return {revealed, haloPixels, rimPixels, emptyPixels};
}

describe('snapDepthEdgesToColor', () => {
	it('moves a blurred, offset step onto the colour edge and leaves pixels far from it alone', () => {
		const scene = makeScene(WIDTH, HEIGHT, 'stripes', [DISC]);
		const disparity = networkLikeDisparity(scene.disparity, 1, FACTOR);
		const edges = detectDepthEdges(disparity, {thresholdDisparity: 0.02});
		const {disparity: snapped, zone} = snapDepthEdgesToColor(scene.image, disparity, edges, {radiusPixels: 1, depthSampleSpacingPixels: FACTOR});
		let wrongBefore = 0;
		let wrongAfter = 0;
		for (let i = 0; i < snapped.data.length; i++) {
			// A pixel is on the near side when its disparity is nearer the disc's than the background's.
			const truthNear = scene.occluderAt[i] !== 0;
			if ((disparity.data[i] > 0.45) !== truthNear) wrongBefore++;
			if ((snapped.data[i] > 0.45) !== truthNear) wrongAfter++;
			if (zone[i] === 0) assert.equal(snapped.data[i], disparity.data[i]);
		}
		assert.ok(wrongBefore > 600, `the network-like map misplaces ${wrongBefore} pixels`);
		assert.ok(wrongAfter < wrongBefore / 10, `${wrongAfter} pixels on the wrong side after snapping (${wrongBefore} before)`);
	});

	for (const texture of ['stripes', 'noise', 'checker'] as BackgroundTexture[]) {
		it(`no foreground colour nor carried background where an 8 % move reveals, and no hole (disc on ${texture}, network-like depth)`, async function () {
			this.timeout(120_000);
			const scene = makeScene(WIDTH, HEIGHT, texture, [DISC]);
			for (const grow of [1, -1] as const) {
				for (const directionX of [1, -1] as const) {
					const before = await measureMove(scene, grow, false, directionX);
					const after = await measureMove(scene, grow, true, directionX);
					const report = `near side ${grow > 0 ? 'dilated' : 'eroded'}, moved ${directionX > 0 ? 'right' : 'left'}, ${after.revealed} pixels revealed: `
						+ `red off the disc ${before.haloPixels} → ${after.haloPixels}, background at the disc's depth ${before.rimPixels} → ${after.rimPixels}`;
					// The measure must see what unsnapped edges leave, or it proves nothing.
					assert.ok(before.haloPixels + before.rimPixels > 0.05 * before.revealed, report);
					assert.ok(after.haloPixels < 0.01 * after.revealed, report);
					assert.ok(after.rimPixels < 0.01 * after.revealed, report);
					// With the backdrop on, as built by default; disc-tangents.test.ts checks the inpainted layers
					// alone (backdrop off) leave no hole either.
					assert.equal(after.emptyPixels, 0, `${after.emptyPixels} empty pixels; ${report}`);
				}
			}
		});
	}
});
