import assert from 'node:assert/strict';

import {
	CAMERA_PATH_AMPLITUDE_DEFAULTS,
	CAMERA_PATH_NAMES,
	CAMERA_PATH_PERIODIC,
	cameraPath,
	cameraPathReferenceDepth,
	cameraPoseRotation,
	renderCameraForPose,
	type Quaternion,
	type Vec3,
} from '../../src/render/camera-path.js';
import type {LayerMesh, Scene} from '../../src/scene/scene.js';

const FOV = (60 * Math.PI) / 180;
const DEPTH = 4;

function close(actual: number, expected: number, tolerance = 1e-9, what = ''): void {
	assert.ok(Math.abs(actual - expected) <= tolerance, `${what} ${actual} ≠ ${expected}`);
}

/** v rotated by unit quaternion q. */
function rotate(q: Quaternion, v: Vec3): Vec3 {
	const [x, y, z, w] = q;
	const tx = 2 * (y * v[2] - z * v[1]);
	const ty = 2 * (z * v[0] - x * v[2]);
	const tz = 2 * (x * v[1] - y * v[0]);
	return [v[0] + w * tx + (y * tz - z * ty), v[1] + w * ty + (z * tx - x * tz), v[2] + w * tz + (x * ty - y * tx)];
}

/** A layer made of fronto-parallel strips: image-plane x from x0 to x1 (tan units), split into n×n quads, at a depth. */
function stripsLayer(strips: {x0: number; x1: number; depthMeters: number; subdivisions: number}[]): LayerMesh {
	const positions: number[] = [];
	const indices: number[] = [];
	for (const {x0, x1, depthMeters, subdivisions} of strips) {
		const base = positions.length / 3;
		for (let j = 0; j <= subdivisions; j++) {
			for (let i = 0; i <= subdivisions; i++) {
				const u = x0 + ((x1 - x0) * i) / subdivisions;
				const v = 0.5 - j / subdivisions;
				positions.push(u * depthMeters, v * depthMeters, -depthMeters);
			}
		}
		for (let j = 0; j < subdivisions; j++) {
			for (let i = 0; i < subdivisions; i++) {
				const a = base + j * (subdivisions + 1) + i;
				const b = a + subdivisions + 1;
				indices.push(a, b, b + 1, a, b + 1, a + 1);
			}
		}
	}
	return {
		layerIndex: 0,
		positions: new Float32Array(positions),
		uvs: new Float32Array((positions.length / 3) * 2),
		indices: new Uint32Array(indices),
		texture: {width: 1, height: 1, data: new Uint8Array(4)},
	};
}

function sceneOf(layers: LayerMesh[]): Scene {
	return {
		camera: {width: 100, height: 100, fovYRadians: FOV, znearMeters: 0.5, zfarMeters: 20},
		depthRange: {nearMeters: 1, farMeters: 16},
		layers,
	};
}

describe('camera paths', () => {
	it('every path gives the requested number of poses, with finite numbers', () => {
		for (const name of CAMERA_PATH_NAMES) {
			const poses = cameraPath(name, {frames: 37, referenceDepthMeters: DEPTH, fovYRadians: FOV});
			assert.equal(poses.length, 37, name);
			for (const pose of poses) {
				assert.ok([...pose.positionMeters, ...pose.targetMeters, pose.fovYRadians].every(Number.isFinite), name);
			}
		}
		assert.equal(cameraPath('straight', {frames: 1}).length, 1);
	});

	it('one-way paths start at the photo camera; zoom-in ends az in front, eased', () => {
		for (const name of ['zoom-in', 'dolly-zoom'] as const) {
			const [first] = cameraPath(name, {frames: 30, referenceDepthMeters: DEPTH, fovYRadians: FOV});
			assert.deepEqual(first.positionMeters.map((value) => value + 0), [0, 0, 0]);
			close(first.fovYRadians, FOV);
		}
		const poses = cameraPath('zoom-in', {frames: 11, referenceDepthMeters: DEPTH, fovYRadians: FOV, amplitude: [0, 0, 0.25]});
		close(poses[10].positionMeters[2], -1);
		close(poses[5].positionMeters[2], -0.5, 1e-9, 'halfway');
		assert.ok(Math.abs(poses[1].positionMeters[2]) < Math.abs(poses[6].positionMeters[2] - poses[5].positionMeters[2]), 'eases in');
		assert.ok(poses.every((pose) => pose.fovYRadians === FOV));
	});

	it('dolly zoom keeps tan(fov/2) · distance to the subject constant, and the FOV widens moving in', () => {
		const poses = cameraPath('dolly-zoom', {frames: 25, referenceDepthMeters: DEPTH, fovYRadians: FOV, amplitude: [0, 0, 0.5]});
		const invariant = Math.tan(FOV / 2) * DEPTH;
		for (const pose of poses) close(Math.tan(pose.fovYRadians / 2) * (DEPTH + pose.positionMeters[2]), invariant, 1e-9);
		close(poses[24].positionMeters[2], -2);
		close(poses[24].fovYRadians, 2 * Math.atan(2 * Math.tan(FOV / 2)));
		assert.throws(() => cameraPath('dolly-zoom', {referenceDepthMeters: 2, amplitude: [0, 0, 2], amplitudeUnit: 'meters'}), /cannot move/);
	});

	it('straight is linear and symmetric about the photo viewpoint', () => {
		const poses = cameraPath('straight', {frames: 5, referenceDepthMeters: DEPTH, amplitude: [0.1, 0, 0]});
		assert.deepEqual(poses.map((pose) => Number(pose.positionMeters[0].toFixed(12))), [-0.4, -0.2, 0, 0.2, 0.4]);
		assert.ok(poses.every((pose) => pose.positionMeters[1] === 0 && pose.positionMeters[2] === 0));
	});

	it('swing is a sinusoid in x, circle an ellipse around the viewpoint; both sample one open period', () => {
		const frames = 16;
		const swing = cameraPath('swing', {frames, referenceDepthMeters: DEPTH, amplitude: [0.05, 0, 0.1]});
		swing.forEach((pose, i) => close(pose.positionMeters[0], 0.2 * Math.sin((2 * Math.PI * i) / frames), 1e-12, 'swing x'));
		close(swing[frames / 2].positionMeters[2], -0.4, 1e-12, 'swing pushes in az at half period');
		const circle = cameraPath('circle', {frames, referenceDepthMeters: DEPTH, amplitude: [0.05, 0.05, 0]});
		for (const pose of circle) close(Math.hypot(pose.positionMeters[0], pose.positionMeters[1]), 0.2, 1e-12, 'radius');
		assert.ok(CAMERA_PATH_PERIODIC.circle && CAMERA_PATH_PERIODIC.swing && !CAMERA_PATH_PERIODIC['zoom-in']);
		assert.notDeepEqual(circle[frames - 1].positionMeters, circle[0].positionMeters, 'the last pose is not a repeat of the first');
	});

	it('amplitudes are fractions of the reference depth, or metres', () => {
		const fraction = cameraPath('straight', {frames: 2, referenceDepthMeters: 10});
		close(fraction[1].positionMeters[0], CAMERA_PATH_AMPLITUDE_DEFAULTS.straight[0] * 10);
		const metres = cameraPath('straight', {frames: 2, referenceDepthMeters: 10, amplitude: [0.3, 0, 0], amplitudeUnit: 'meters'});
		close(metres[1].positionMeters[0], 0.3);
	});

	it("aim 'ahead' keeps the photo orientation; aim 'subject' points the optical axis at the subject", () => {
		for (const pose of cameraPath('circle', {frames: 8, referenceDepthMeters: DEPTH})) {
			const q = cameraPoseRotation(pose);
			close(q[3], 1, 1e-12, 'identity');
		}
		for (const pose of cameraPath('circle', {frames: 8, referenceDepthMeters: DEPTH, aim: 'subject', amplitude: [0.2, 0.1, 0]})) {
			assert.deepEqual(pose.targetMeters, [0, 0, -DEPTH]);
			const q = cameraPoseRotation(pose);
			close(Math.hypot(...q), 1, 1e-12, '|q|');
			const forward = rotate(q, [0, 0, -1]);
			const toSubject: Vec3 = [-pose.positionMeters[0], -pose.positionMeters[1], -DEPTH - pose.positionMeters[2]];
			const length = Math.hypot(...toSubject);
			forward.forEach((value, axis) => close(value, toSubject[axis] / length, 1e-12, 'forward'));
			const right = rotate(q, [1, 0, 0]);
			close(right[1], 0, 1e-12, 'no roll: camera x stays horizontal');
		}
	});

	it('the reference depth is the median depth over the photo’s pixels, not over vertices', () => {
		// 3/4 of the view at 2 m in a few big triangles, 1/4 at 5 m finely tessellated (most triangles).
		const layer = stripsLayer([
			{x0: -0.5, x1: 0.25, depthMeters: 2, subdivisions: 2},
			{x0: 0.25, x1: 0.5, depthMeters: 5, subdivisions: 40},
		]);
		close(cameraPathReferenceDepth(sceneOf([layer])), 2, 1e-6);
		const farMostly = stripsLayer([
			{x0: -0.5, x1: -0.2, depthMeters: 2, subdivisions: 30},
			{x0: -0.2, x1: 0.5, depthMeters: 5, subdivisions: 1},
		]);
		close(cameraPathReferenceDepth(sceneOf([farMostly])), 5, 1e-6);
		close(cameraPathReferenceDepth(sceneOf([])), 4, 1e-12, 'no mesh: geometric mean of the depth range');
	});

	it('a pose becomes the software renderer’s camera: moved, turned and zoomed, at the requested size', () => {
		const scene = sceneOf([]);
		const [, pose] = cameraPath('dolly-zoom', {frames: 2, referenceDepthMeters: DEPTH, fovYRadians: FOV, amplitude: [0.1, 0, 0.2]});
		const camera = renderCameraForPose(scene, pose, {width: 64, height: 48});
		assert.deepEqual(camera.positionMeters, pose.positionMeters);
		assert.deepEqual(camera.rotation, cameraPoseRotation(pose));
		assert.equal(camera.fovYRadians, pose.fovYRadians);
		assert.deepEqual([camera.width, camera.height], [64, 48]);
	});

	it('refuses nonsense options', () => {
		assert.throws(() => cameraPath('straight', {frames: 0}), /frames/);
		assert.throws(() => cameraPath('straight', {frames: 2.5}), /frames/);
		assert.throws(() => cameraPath('swing', {referenceDepthMeters: -1}), /referenceDepthMeters/);
		assert.throws(() => cameraPath('circle', {fovYRadians: Math.PI}), /fovYRadians/);
		assert.throws(() => cameraPath('spiral' as 'circle'), /unknown camera path/);
		assert.throws(() => cameraPoseRotation({positionMeters: [0, 0, 0], targetMeters: [0, 0, 0], fovYRadians: 1}), /distinct/);
		assert.throws(() => cameraPoseRotation({positionMeters: [0, 0, 0], targetMeters: [0, 5, 0], fovYRadians: 1}), /straight up/);
	});
});
