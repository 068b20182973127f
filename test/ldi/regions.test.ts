import assert from 'node:assert/strict';

import {bilateralMedianFilter} from '../../src/image/bilateral-median.js';
import {normalizeDisparity} from '../../src/depth/normalize.js';
import {buildLdi, PAPER_REGION_OPTIONS} from '../../src/ldi/build-ldi.js';
import {cutDepthEdges, detectDepthEdges} from '../../src/ldi/depth-edges.js';
import {type Ldi, ldiFromImage} from '../../src/ldi/ldi.js';
import {RegionGrower, type RegionOptions} from '../../src/ldi/regions.js';
import {findSilhouetteEdges} from '../../src/ldi/silhouettes.js';
import {defaultDepthRange, ldiToScene} from '../../src/mesh/build-scene-mesh.js';
import {photoCamera} from '../../src/render/camera.js';
import {renderScene} from '../../src/render/rasterize.js';
import {focalLengthPixels} from '../../src/scene/scene.js';
import {makeScene, type Occluder, type Scene} from './scenes.js';

const disc = (radius: number, cx: number, cy: number, disparity: number): Occluder => (
	{kind: 'disc', centerX: cx, centerY: cy, radiusX: radius, radiusY: radius, disparity, color: [230, 20, 20]}
);

/** Deepest inpainted pixel (layer ≥ 1) under occluder `index` (1-based), in pixels from its outline. */
function bandDepth(ldi: Ldi, scene: Scene, occluder: Occluder, index: number): number {
	let deepest = 0;
	for (let p = 0; p < ldi.count; p++) {
		if (ldi.layerIndex[p] === 0 || ldi.x[p] < 0 || ldi.y[p] < 0 || ldi.x[p] >= scene.width || ldi.y[p] >= scene.height) continue;
		if (scene.occluderAt[ldi.y[p] * scene.width + ldi.x[p]] !== index) continue;
		const depth = occluder.radiusX - Math.hypot(ldi.x[p] - occluder.centerX, ldi.y[p] - occluder.centerY);
		deepest = Math.max(deepest, depth);
	}
	return deepest;
}

/** Pixels no surface covers (alpha 0) when the camera moves so that disparity 1 and 0 part by `percent` % of the long side. */
async function holesAfterMove(ldi: Ldi, percent: number, angleDegrees: number): Promise<number> {
	const fovYRadians = 2 * Math.atan(0.5 * ldi.height / Math.max(ldi.width, ldi.height));
	const range = defaultDepthRange();
	const {scene} = await ldiToScene(ldi, {fovYRadians}, range);
	const focal = focalLengthPixels(ldi.height, fovYRadians);
	const offsetMeters = percent / 100 * Math.max(ldi.width, ldi.height) / (focal * (1 / range.nearMeters - 1 / range.farMeters));
	const angle = angleDegrees * Math.PI / 180;
	const [tx, ty] = [offsetMeters * Math.cos(angle), offsetMeters * Math.sin(angle)];
	// Mid-disparity stays put on screen, as with the stereo defaults' convergence.
	const shiftPerMeter = focal * (0.5 / range.nearMeters + 0.5 / range.farMeters);
	const camera = photoCamera(scene, {positionMeters: [tx, ty, 0], principalPointShiftPixels: [shiftPerMeter * tx, -shiftPerMeter * ty]});
	const {image} = renderScene(scene, camera, {fillEmptyPixels: 0});
	let empty = 0;
	for (let i = 3; i < image.data.length; i += 4) if (image.data[i] === 0) empty++;
	return empty;
}

describe('region sizes from the parallax a camera move can reveal', () => {
	it('grows each band as deep as its depth step can uncover, the paper sizes everywhere', async () => {
		// 256 px: 4 % parallax = 10.2 px, margin 1, at most 11 rings. Normalized steps: small disc 0.24, large 1.
		const small = disc(24, 70, 96, 0.3);
		const large = disc(24, 186, 96, 0.95);
		const scene = makeScene(256, 192, 'noise', [small, large]);
		const {ldi} = await buildLdi(scene.image, scene.disparity, {inpainter: 'diffusion', extendBorder: false, passes: 1});
		const smallDepth = bandDepth(ldi, scene, small, 1);
		const largeDepth = bandDepth(ldi, scene, large, 2);
		assert.ok(smallDepth >= 2 && smallDepth <= 5, `band behind the small step reaches ${smallDepth.toFixed(1)} px`);
		assert.ok(largeDepth >= 9 && largeDepth <= 12, `band behind the full step reaches ${largeDepth.toFixed(1)} px`);
		const paper = await buildLdi(scene.image, scene.disparity, {inpainter: 'diffusion', extendBorder: false, passes: 1, ...PAPER_REGION_OPTIONS});
		for (const [occluder, index] of [[small, 1], [large, 2]] as const) {
			const depth = bandDepth(paper.ldi, scene, occluder, index);
			assert.ok(depth >= 17, `paper band under occluder ${index} reaches ${depth.toFixed(1)} px`);
		}
	});

	it('leaves no hole for a camera move within the documented parallax', async function () {
		this.timeout(60_000);
		const scene = makeScene(256, 192, 'stripes', [
			disc(30, 90, 96, 0.95),
			{kind: 'bar', centerX: 180, centerY: 96, radiusX: 12, radiusY: 60, disparity: 0.5, color: [240, 240, 30]},
		]);
		const {ldi} = await buildLdi(scene.image, scene.disparity, {inpainter: 'diffusion'});
		const bare = await buildLdi(scene.image, scene.disparity, {inpainter: 'diffusion', passes: 0, relinkUnfilledCuts: false});
		for (const angle of [0, 90, 180, 225]) {
			const holes = await holesAfterMove(ldi, 4, angle);
			const bareHoles = await holesAfterMove(bare.ldi, 4, angle);
			assert.ok(bareHoles > 300, `without inpainting, a move at ${angle}° uncovers only ${bareHoles} pixels`);
			assert.ok(holes <= 10, `a 4 % move at ${angle}° leaves ${holes} empty pixels (${bareHoles} without inpainting)`);
		}
	});

	it('keeps context that rises halfway to the occluder out of the inpainters\' source', () => {
		// A red bar at disparity 0.6 joined to the background (0.1) by a 40-px ramp of background colour,
		// too gentle to be a depth edge; a near disc (0.95) just left of the ramp.
		const width = 256;
		const height = 160;
		const scene = makeScene(width, height, 'stripes', [disc(25, 80, 80, 0.95)], (x) => (x < 110 ? 0.1 : x < 150 ? 0.1 + (x - 110) * 0.0125 : 0.6));
		for (let y = 0; y < height; y++) {
			for (let x = 150; x < 200; x++) {
				scene.image.data.set([230, 20, 20], (y * width + x) * 3);
				if (x >= 195) scene.disparity.data[y * width + x] = 0.1;
			}
		}
		const filtered = bilateralMedianFilter(normalizeDisparity(scene.disparity).disparity, {referenceSizePixels: 1024});
		const edges = detectDepthEdges(filtered, {thresholdDisparity: 0.02, referenceSizePixels: 1024});
		const ldi = ldiFromImage(scene.image, filtered);
		cutDepthEdges(ldi, filtered, edges, 0.02);
		const {edges: silhouettes, hiddenDirections} = findSilhouetteEdges(ldi, 0, {referenceSizePixels: 1024});
		const options: RegionOptions = {
			synthesisThicknessPixels: 40, contextThicknessPixels: 120, parallaxPixels: 40, synthesisMarginPixels: 2,
			dilationPixels: 2, thresholdDisparity: 0.02, disparityMargin: 0.01, maxPixelsPerPosition: 8, contextCeilingFraction: 0.5,
		};
		const redContext = (fraction: number): number => {
			const grower = new RegionGrower(ldi);
			let red = 0;
			for (const edge of silhouettes) {
				// Only the disc's silhouette: the ramp's far end at x = 195 is an edge of its own.
				if (ldi.x[edge[0]] >= 150) continue;
				const grown = grower.grow(edge, hiddenDirections, {...options, contextCeilingFraction: fraction});
				if (!grown) continue;
				const {region} = grown;
				for (let c = 0; c < region.width * region.height; c++) {
					if (region.contextMask[c] && region.color[c * 3] === 230 && region.color[c * 3 + 1] === 20) red++;
				}
			}
			return red;
		};
		assert.ok(redContext(1) > 100, 'without the ceiling the context climbs the ramp into the red bar');
		assert.equal(redContext(0.5), 0);
	});
});
