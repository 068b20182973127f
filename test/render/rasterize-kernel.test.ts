import assert from 'node:assert/strict';

import {photoCamera, type RenderCamera} from '../../src/render/camera.js';
import {renderScene, type RenderOptions} from '../../src/render/rasterize.js';
import {stereoCameras} from '../../src/render/stereo.js';
import {buildScene} from '../../src/pipeline/build-scene.js';
import type {Scene} from '../../src/scene/scene.js';
import {sharedFile} from '../helpers/shared.js';
import {renderSceneReference} from './rasterize-reference.js';
import {sceneOf, screenLayer} from './scene-fixtures.js';

/** Renders with the kernel and with its TypeScript twin and asserts the same image and depth. */
function assertSameView(scene: Scene, camera: RenderCamera, options: Partial<RenderOptions>, what: string): void {
	const kernel = renderScene(scene, camera, options);
	const reference = renderSceneReference(scene, camera, options);
	const differing = kernel.image.data.findIndex((value, i) => value !== reference.image.data[i]);
	assert.equal(differing, -1, `${what}: byte ${differing} is ${kernel.image.data[differing]}, the twin's ${reference.image.data[differing]}`);
	assert.deepEqual(kernel.depthMeters, reference.depthMeters, `${what}: depth`);
}

/** A camera moved sideways and turned a little from `camera`. */
function movedCamera(camera: RenderCamera, dxMeters: number, yawRadians: number): RenderCamera {
	const half = yawRadians / 2;
	return {...camera, positionMeters: [dxMeters, 0.3 * dxMeters, 0], rotation: [0, Math.sin(half), 0, Math.cos(half)]};
}

describe('software rasterizer kernel', () => {
	it('draws hand-made scenes exactly as its TypeScript twin (windings, overlaps, slants, gaps, supersampling)', () => {
		const width = 61;
		const height = 47;
		const front = screenLayer([[5, 4, 2, 0, 0], [40, 9, 2.5, 1, 0], [12, 40, 3, 0, 1], [50, 44, 6, 1, 1]], [0, 1, 2, 1, 3, 2], width, height, [200, 40, 10], 0);
		const back = screenLayer([[-3, -2, 8, 0, 0], [70, 1, 8, 1, 0], [2, 60, 9, 0, 1]], [0, 2, 1], width, height, [20, 90, 220], 1);
		const scene = sceneOf([front, back], width, height);
		const camera = photoCamera(scene);
		for (const options of [{}, {fillEmptyPixels: 0}, {ssaa: 2, depth: true}, {fillEmptyPixels: Infinity, depth: true}]) {
			for (const [dx, yaw] of [[0, 0], [0.2, 0.05], [-0.5, -0.1]]) {
				assertSameView(scene, movedCamera(camera, dx, yaw), options, `${JSON.stringify(options)}, move ${dx}, yaw ${yaw}`);
			}
		}
	});

	it('draws moon.jpg\'s built scene and its stereo pair exactly as its TypeScript twin', async function () {
		this.timeout(120_000);
		const photoPath = sharedFile(this, 'photos/moon.jpg');
		const depthPath = sharedFile(this, 'photos/moon_depth_midas.png');
		const {scene} = await buildScene(photoPath, {depth: {depthPath}, photo: {maxSize: 512}});
		assertSameView(scene, photoCamera(scene), {}, 'own view');
		const {left, right} = stereoCameras(scene, {divergencePercent: 3});
		assertSameView(scene, left, {depth: true}, 'left eye');
		assertSameView(scene, right, {ssaa: 2}, 'right eye, ssaa 2');
		assertSameView(scene, movedCamera(photoCamera(scene), 0.08, 0.04), {fillEmptyPixels: 0}, 'moved, no fill');
	});
});
