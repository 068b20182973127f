import assert from 'node:assert/strict';

import {cameraFromPose, lookAtRotation, photoCamera, rotationMatrix} from '../../src/render/camera.js';
import {renderScene} from '../../src/render/rasterize.js';
import {sceneOf, screenLayer} from './scene-fixtures.js';

describe('render cameras', () => {
	it('lookAtRotation: straight ahead is the identity; the optical axis points at the target', () => {
		const identity = lookAtRotation([0, 0, 0], [0, 0, -5]);
		assert.ok(Math.abs(identity[3] - 1) < 1e-12 && Math.hypot(identity[0], identity[1], identity[2]) < 1e-12);
		const eye = [0.4, -0.2, 0.3] as const;
		const target = [-0.5, 0.1, -2] as const;
		const m = rotationMatrix(lookAtRotation(eye, target));
		// The camera looks down its -Z axis: the third column, negated.
		const forward = [-m[2], -m[5], -m[8]];
		const toTarget = [target[0] - eye[0], target[1] - eye[1], target[2] - eye[2]];
		const length = Math.hypot(...toTarget);
		for (let k = 0; k < 3; k++) assert.ok(Math.abs(forward[k] - toTarget[k] / length) < 1e-12);
		// Image up stays in the plane of world up and the view direction: the camera's X axis is horizontal.
		assert.ok(Math.abs(m[3]) < 1e-12);
	});

	it('cameraFromPose: a quad around the target lands in the centre of the frame from an oblique viewpoint', () => {
		const width = 80;
		const height = 60;
		const quad = screenLayer([[30, 20, 2, 0, 0], [50, 20, 2, 1, 0], [50, 40, 2, 1, 1], [30, 40, 2, 0, 1]], [0, 3, 2, 0, 2, 1], width, height);
		const scene = sceneOf([quad], width, height);
		const base = photoCamera(scene);
		const camera = cameraFromPose(scene, {positionMeters: [0.8, 0.3, 0.2], targetMeters: [0, 0, -2], fovYRadians: base.fovYRadians}, 40, 30);
		assert.deepEqual([camera.width, camera.height], [40, 30]);
		const {image} = renderScene(scene, camera, {fillEmptyPixels: 0});
		let sumX = 0, sumY = 0, count = 0;
		for (let y = 0; y < 30; y++) {
			for (let x = 0; x < 40; x++) {
				if (!image.data[(y * 40 + x) * 4 + 3]) continue;
				sumX += x + 0.5;
				sumY += y + 0.5;
				count++;
			}
		}
		assert.ok(count > 20);
		assert.ok(Math.abs(sumX / count - 20) < 1.5 && Math.abs(sumY / count - 15) < 1.5, `centroid (${sumX / count}, ${sumY / count})`);
	});
});
