import assert from 'node:assert/strict';

import {clampViewInput, comfortRangeFromExtras, poseForInput, type ComfortRange} from '../../viewer/comfort-range.js';
import {EasedInput} from '../../viewer/eased-input.js';

const CAMERA_RANGE = {nearMeters: 0.5, farMeters: 20};

/** Rotates v by the quaternion q (x, y, z, w). */
function rotate([x, y, z, w]: readonly number[], v: readonly number[]): number[] {
	const t = [2 * (y * v[2] - z * v[1]), 2 * (z * v[0] - x * v[2]), 2 * (x * v[1] - y * v[0])];
	return [v[0] + w * t[0] + (y * t[2] - z * t[1]), v[1] + w * t[1] + (z * t[0] - x * t[2]), v[2] + w * t[2] + (x * t[1] - y * t[0])];
}

describe('viewer comfort range', () => {
	it('reads a stored comfortRange', () => {
		const stored: ComfortRange = {lateralMeters: 0.05, verticalMeters: 0.02, forwardMeters: 0.1, orbitDegrees: 2, orbitPivotMeters: 3};
		const {range, source} = comfortRangeFromExtras({comfortRange: {...stored, extra: 1}, depthRange: {nearMeters: 1, farMeters: 10}}, CAMERA_RANGE);
		assert.equal(source, 'stored');
		assert.deepEqual(range, stored);
	});

	it('derives the range of older files from depthRange: 3 % / 3 % / 5 % of near, 3°, pivot √(near·far)', () => {
		const {range, source} = comfortRangeFromExtras({depthRange: {nearMeters: 2, farMeters: 8}}, CAMERA_RANGE);
		assert.equal(source, 'depth-range');
		assert.deepEqual(range, {lateralMeters: 0.06, verticalMeters: 0.06, forwardMeters: 0.1, orbitDegrees: 3, orbitPivotMeters: 4});
	});

	it('falls back to the camera clipping planes, and ignores an invalid stored range', () => {
		const invalid = {comfortRange: {lateralMeters: -1, verticalMeters: 0.02, forwardMeters: 0.1, orbitDegrees: 2, orbitPivotMeters: 3}};
		for (const extras of [undefined, 'x', {}, invalid]) {
			const {range, source} = comfortRangeFromExtras(extras, CAMERA_RANGE);
			assert.equal(source, 'camera');
			assert.equal(range.lateralMeters, 0.015);
			assert.equal(range.orbitPivotMeters, Math.sqrt(10));
		}
	});

	it('clamps the input to the unit ball', () => {
		const corner = clampViewInput({x: 1, y: 1, z: 0});
		assert.ok(Math.abs(Math.hypot(corner.x, corner.y) - 1) < 1e-12);
		assert.deepEqual(clampViewInput({x: 0.5, y: -0.5, z: 0}), {x: 0.5, y: -0.5, z: 0});
	});

	const RANGE: ComfortRange = {lateralMeters: 0.03, verticalMeters: 0.02, forwardMeters: 0.05, orbitDegrees: 3, orbitPivotMeters: 3};
	const EDGES = [{x: 1, y: 0, z: 0}, {x: -1, y: 0, z: 0}, {x: 0, y: 1, z: 0}, {x: 0, y: -1, z: 0}, {x: 5, y: 5, z: 0}, {x: 0, y: 0, z: 1}, {x: 0, y: 0, z: -9}];

	it('at rest both motions give the photo camera', () => {
		for (const motion of ['parallax', 'orbit'] as const) {
			const rest = poseForInput(RANGE, {x: 0, y: 0, z: 0}, motion);
			assert.deepEqual(rest.position.map((value) => Math.abs(value)), [0, 0, 0]);
			assert.deepEqual(rest.quaternion.map((value) => Math.abs(value)), [0, 0, 0, 1]);
		}
	});

	it('parallax: moves without turning, never beyond the lateral, vertical and forward limits', () => {
		for (const input of EDGES) {
			const {position, quaternion} = poseForInput(RANGE, input);
			assert.deepEqual(quaternion, [0, 0, 0, 1]);
			assert.ok(Math.abs(position[0]) <= RANGE.lateralMeters + 1e-12, `lateral ${position[0]} for ${JSON.stringify(input)}`);
			assert.ok(Math.abs(position[1]) <= RANGE.verticalMeters + 1e-12, `vertical ${position[1]}`);
			assert.ok(Math.abs(position[2]) <= RANGE.forwardMeters + 1e-12, `forward ${position[2]}`);
		}
		assert.deepEqual(poseForInput(RANGE, {x: 1, y: 0, z: 0}).position, [0.03, 0, -0]);
		assert.ok(poseForInput(RANGE, {x: 0, y: 1, z: 0}).position[1] > 0, 'pointer up → camera up');
		assert.ok(poseForInput(RANGE, {x: 0, y: 0, z: 1}).position[2] < 0, 'forward → towards the scene (−z)');
	});

	it('orbit: turns at most orbitDegrees and keeps looking at the pivot', () => {
		for (const input of EDGES) {
			const {position, quaternion} = poseForInput(RANGE, input, 'orbit');
			const angleDegrees = (2 * Math.acos(Math.min(1, Math.abs(quaternion[3]))) * 180) / Math.PI;
			assert.ok(angleDegrees <= RANGE.orbitDegrees + 1e-9, `${angleDegrees}° for ${JSON.stringify(input)}`);
			const direction = rotate(quaternion, [0, 0, -1]);
			const toPivot = [-position[0], -position[1], -RANGE.orbitPivotMeters - position[2]];
			const cross = Math.hypot(direction[1] * toPivot[2] - direction[2] * toPivot[1], direction[2] * toPivot[0] - direction[0] * toPivot[2], direction[0] * toPivot[1] - direction[1] * toPivot[0]);
			assert.ok(cross < 1e-9, 'looks at the pivot');
		}
		const right = poseForInput(RANGE, {x: 1, y: 0, z: 0}, 'orbit');
		assert.ok(Math.abs(right.position[0] - 3 * Math.sin((3 * Math.PI) / 180)) < 1e-12, 'pivot · sin 3° to the right');
		assert.ok(poseForInput(RANGE, {x: 0, y: 1, z: 0}, 'orbit').position[1] > 0, 'pointer up → camera up');
		assert.ok(Math.abs(poseForInput(RANGE, {x: 0, y: 0, z: 1}, 'orbit').position[2] + 0.05) < 1e-12);
	});

	it('eases towards the target independently of the frame rate and settles', () => {
		const coarse = new EasedInput();
		const fine = new EasedInput();
		coarse.setTarget({x: 1});
		fine.setTarget({x: 1});
		coarse.step(0.1);
		for (let i = 0; i < 10; i++) fine.step(0.01);
		assert.ok(Math.abs(coarse.current.x - fine.current.x) < 1e-12);
		assert.ok(coarse.current.x > 0.5 && coarse.current.x < 1);
		for (let i = 0; i < 200 && !coarse.settled; i++) coarse.step(1 / 60);
		assert.ok(coarse.settled);
		assert.equal(coarse.current.x, 1);
		coarse.setTarget({x: 3, y: 4});
		assert.deepEqual(coarse.goal, {x: 0.6, y: 0.8, z: 0});
	});
});
