import assert from 'node:assert/strict';
import {createRequire} from 'node:module';

import {addCameraAnimation} from '../../src/gltf/camera-animation.js';
import {CAMERA_PATH_PERIODIC, cameraPath} from '../../src/render/camera-path.js';
import {buildQuadScene, compressWithMeshopt, createNodeIo, testPattern} from '../browser/quad-scene.js';

interface ValidatorMessage {
	code: string;
	message: string;
	severity: number;
	pointer?: string;
}

interface ValidatorReport {
	issues: {numErrors: number; numWarnings: number; numInfos: number; numHints: number; messages: ValidatorMessage[]};
	info: {animationCount: number};
}

// gltf-validator ships no type declarations; this is the part of its API the tests use.
const validator = createRequire(import.meta.url)('gltf-validator') as {
	validateBytes(data: Uint8Array, options?: {maxIssues?: number}): Promise<ValidatorReport>;
};

const FOV_Y_RADIANS = (45 * Math.PI) / 180;

async function sceneWithPath(name: 'circle' | 'dolly-zoom' | 'straight', aim: 'ahead' | 'subject', compress = false) {
	const {document, cameraNode} = await buildQuadScene({texture: testPattern(64, 48), textureFormat: 'png', fovYRadians: FOV_Y_RADIANS, distanceMeters: 2});
	const poses = cameraPath(name, {frames: 24, referenceDepthMeters: 2, fovYRadians: FOV_Y_RADIANS, aim});
	const animation = addCameraAnimation(document, poses, {fps: 12, loop: CAMERA_PATH_PERIODIC[name]});
	if (compress) await compressWithMeshopt(document);
	const glb = await (await createNodeIo()).writeBinary(document);
	return {document, cameraNode, animation, poses, glb};
}

function describeIssues(report: ValidatorReport): string {
	return report.issues.messages.map((message) => `${message.code} ${message.pointer ?? ''} ${message.message}`).join('\n');
}

describe('glTF camera animation', function () {
	this.timeout(30_000);

	it('a turning path validates with 0 errors and 0 warnings and keys translation + rotation', async () => {
		const {glb, animation, cameraNode} = await sceneWithPath('circle', 'subject');
		const report = await validator.validateBytes(glb);
		assert.equal(report.issues.numErrors, 0, describeIssues(report));
		assert.equal(report.issues.numWarnings, 0, describeIssues(report));
		assert.equal(report.info.animationCount, 1);
		const channels = animation.listChannels();
		assert.deepEqual(channels.map((channel) => channel.getTargetPath()).sort(), ['rotation', 'translation']);
		for (const channel of channels) {
			assert.equal(channel.getTargetNode(), cameraNode);
			assert.equal(channel.getSampler()?.getInterpolation(), 'LINEAR');
		}
		// A looped 24-frame path at 12 fps: 25 keys, the last one repeating the first at 2 s.
		const times = channels[0].getSampler()?.getInput()?.getArray();
		assert.equal(times?.length, 25);
		assert.ok(Math.abs((times?.[24] ?? 0) - 2) < 1e-6);
		const translations = channels.find((channel) => channel.getTargetPath() === 'translation')?.getSampler()?.getOutput();
		assert.deepEqual(translations?.getElement(24, []), translations?.getElement(0, []));
	});

	it('a straight, non-turning path keys translation only and leaves the FOV alone', async () => {
		const {glb, animation, poses} = await sceneWithPath('straight', 'ahead');
		const report = await validator.validateBytes(glb);
		assert.equal(report.issues.numErrors + report.issues.numWarnings, 0, describeIssues(report));
		assert.deepEqual(animation.listChannels().map((channel) => channel.getTargetPath()), ['translation']);
		assert.equal(animation.getExtras().cameraYfovRadians, undefined);
		const output = animation.listChannels()[0].getSampler()?.getOutput();
		assert.equal(output?.getCount(), poses.length);
		const last = output?.getElement(poses.length - 1, []) ?? [];
		poses[poses.length - 1].positionMeters.forEach((value, axis) => assert.ok(Math.abs(last[axis] - value) < 1e-6));
	});

	it('a dolly zoom keeps its per-key FOV in the animation extras, and still validates', async () => {
		const {glb, animation, poses} = await sceneWithPath('dolly-zoom', 'ahead');
		const report = await validator.validateBytes(glb);
		assert.equal(report.issues.numErrors + report.issues.numWarnings, 0, describeIssues(report));
		const fovs = animation.getExtras().cameraYfovRadians as number[];
		assert.deepEqual(fovs, poses.map((pose) => pose.fovYRadians));
		assert.ok(fovs[fovs.length - 1] > fovs[0]);
	});

	it('survives meshopt compression: the compressed file validates (only the meshopt extension unsupported)', async () => {
		const {glb} = await sceneWithPath('circle', 'subject', true);
		const report = await validator.validateBytes(glb);
		assert.equal(report.issues.numErrors + report.issues.numWarnings, 0, describeIssues(report));
		const infos = report.issues.messages.filter((message) => message.severity === 2).map((message) => message.code);
		assert.ok(infos.includes('UNSUPPORTED_EXTENSION'));
		// NPOT textures are the writer's choice for layer 0 (the photo's size); nothing else may be reported.
		assert.ok(infos.every((code) => code === 'UNSUPPORTED_EXTENSION' || code === 'IMAGE_NPOT_DIMENSIONS'), infos.join(', '));
		const read = await (await createNodeIo()).readBinary(glb);
		const channels = read.getRoot().listAnimations()[0].listChannels();
		assert.equal(channels.length, 2);
		assert.equal(channels[0].getSampler()?.getInput()?.getCount(), 25);
	});

	it('refuses an empty path and a document without a camera', async () => {
		const {document} = await buildQuadScene({texture: testPattern(8, 8), textureFormat: 'png', fovYRadians: FOV_Y_RADIANS, distanceMeters: 1});
		assert.throws(() => addCameraAnimation(document, [], {fps: 30}), /at least one pose/);
		document.getRoot().listNodes().forEach((node) => node.setCamera(null));
		assert.throws(() => addCameraAnimation(document, cameraPath('swing', {frames: 4}), {fps: 30}), /no camera node/);
	});
});
