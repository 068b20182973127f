import assert from 'node:assert/strict';
import {comfortRangeFromExtras, poseForInput, type ViewInput, type ViewMotion} from '../../viewer/comfort-range.js';
import {sharedFile} from '../helpers/shared.js';
import {useBuildGlb} from './build-glb.js';
import {countTransparentPixels} from './pixels.js';
import {createNodeIo} from './quad-scene.js';
import {useBrowserHarness} from './three-harness.js';

/**
 * The comfort range `ldi-gltf build` stores, checked the way a viewer uses it: moon, shelf and hut with
 * their depth maps, built by the CLI at its defaults except `--max-size 640` (1024 takes ~2.5× as long;
 * bench/comfort.ts measures 1024), rendered in three.js from the photo's camera posed by the viewer's own
 * poseForInput at every edge of the stored range: 8 % of the near depth sideways (both ways) and
 * vertically, 10 % forward and back, orbits about the median depth (up to ±10°, the camera travelling at most 16 % of the near depth), sideways and vertically.
 * Every view must have 0 empty pixels.
 */
const MAX_SIZE = 640;

const MOVES: Array<{name: string; input: ViewInput; motion: ViewMotion}> = [
	{name: 'left', input: {x: -1, y: 0, z: 0}, motion: 'parallax'},
	{name: 'right', input: {x: 1, y: 0, z: 0}, motion: 'parallax'},
	{name: 'down', input: {x: 0, y: -1, z: 0}, motion: 'parallax'},
	{name: 'up', input: {x: 0, y: 1, z: 0}, motion: 'parallax'},
	{name: 'forward', input: {x: 0, y: 0, z: 1}, motion: 'parallax'},
	{name: 'back', input: {x: 0, y: 0, z: -1}, motion: 'parallax'},
	{name: 'orbit left', input: {x: -1, y: 0, z: 0}, motion: 'orbit'},
	{name: 'orbit right', input: {x: 1, y: 0, z: 0}, motion: 'orbit'},
	{name: 'orbit down', input: {x: 0, y: -1, z: 0}, motion: 'orbit'},
	{name: 'orbit up', input: {x: 0, y: 1, z: 0}, motion: 'orbit'},
];

describe('three.js: no empty pixel anywhere in the stored comfort range', function () {
	this.timeout(180_000);
	const buildGlb = useBuildGlb('ldi-gltf-comfort-');
	const harness = useBrowserHarness();

	const cases = [
		{name: 'moon', photo: 'photos/moon.jpg', depth: 'photos/moon_depth_midas.png', args: []},
		// Depthy's maps are depth (near = dark), hence --depth-invert.
		{name: 'depthy_shelf', photo: 'photos/depthy_shelf.jpg', depth: 'photos/depthy_shelf_depth.jpg', args: ['--depth-invert']},
		{name: 'depthy_hut', photo: 'photos/depthy_hut.jpg', depth: 'photos/depthy_hut_depth.jpg', args: ['--depth-invert']},
	];
	for (const {name, photo, depth, args} of cases) it(`${name}: 8 % sideways and vertically, 10 % forward and back, orbits up to ±10° (16 % of the near depth of travel)`, async function () {
		const photoPath = sharedFile(this, photo);
		const depthPath = sharedFile(this, depth);
		const glb = await buildGlb(photoPath, depthPath, `${name}.glb`, ['--max-size', String(MAX_SIZE), ...args]);
		const root = (await (await createNodeIo()).readBinary(glb)).getRoot();
		const ldiGltf = (root.getAsset().extras as {ldiGltf?: {depthRange: {nearMeters: number; farMeters: number}; imageWidth: number; imageHeight: number}}).ldiGltf;
		assert.ok(ldiGltf, 'asset.extras.ldiGltf');
		const {range, source} = comfortRangeFromExtras(ldiGltf, {nearMeters: 0.5, farMeters: 20});
		assert.equal(source, 'stored');
		const near = ldiGltf.depthRange.nearMeters;
		const orbitDegrees = Math.min(10, Math.floor((Math.asin(0.16 * near / range.orbitPivotMeters) * 180 / Math.PI) * 100) / 100);
		assert.deepEqual({...range, orbitPivotMeters: 0}, {lateralMeters: 0.08 * near, verticalMeters: 0.08 * near, forwardMeters: 0.1 * near, orbitDegrees, orbitPivotMeters: 0});
		assert.ok(range.orbitPivotMeters > near && range.orbitPivotMeters < ldiGltf.depthRange.farMeters);

		const {imageWidth: width, imageHeight: height} = ldiGltf;
		const counts: string[] = [];
		const failures: string[] = [];
		for (const move of MOVES) {
			const cameraRelativePose = poseForInput(range, move.input, move.motion);
			const image = await harness().renderGlbInBrowser(glb, {width, height, background: [255, 0, 255, 0], cameraRelativePose});
			const empty = countTransparentPixels(image);
			counts.push(`${move.name} ${empty}`);
			if (empty > 0) failures.push(`${move.name}: ${empty}`);
		}
		console.log(`      ${width}x${height}, pivot ${range.orbitPivotMeters.toFixed(2)} m; empty pixels: ${counts.join(', ')}`);
		assert.deepEqual(failures, [], 'views with empty pixels');
	});
});
