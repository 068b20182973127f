import assert from 'node:assert/strict';

import {buildLdi} from '../../src/ldi/build-ldi.js';
import type {Ldi} from '../../src/ldi/ldi.js';
import {isFrameBorderLayer, meshBorderLayer} from '../../src/mesh/border-mesh.js';
import {defaultDepthRange, ldiToScene} from '../../src/mesh/build-scene-mesh.js';
import {IDENTITY_ROTATION, photoCamera} from '../../src/render/camera.js';
import {renderScene} from '../../src/render/rasterize.js';
import {depthFromDisparity, focalLengthPixels, type Scene} from '../../src/scene/scene.js';
import {makeScene} from '../ldi/scenes.js';

const FOV_Y = 0.9;

/**
 * A 200×150 photo whose background slants in depth (every frame row and column at its own disparity)
 * behind a bar that runs out of the left frame and a disc cut by the top frame: depth steps reach the
 * frame, so the border strips carry them out.
 */
async function borderedLdi(): Promise<{ldi: Ldi; borderLayerIndex: number}> {
	const scene = makeScene(200, 150, 'noise', [
		{kind: 'bar', centerX: 30, centerY: 80, radiusX: 40, radiusY: 12, disparity: 0.8, color: [220, 40, 40]},
		{kind: 'disc', centerX: 120, centerY: 5, radiusX: 30, radiusY: 30, disparity: 0.6, color: [40, 200, 40]},
	], (x, y) => 0.1 + 0.001 * x + 0.0005 * y);
	const {ldi, stats} = await buildLdi(scene.image, scene.disparity, {inpainter: 'diffusion'});
	return {ldi, borderLayerIndex: stats.borderLayerIndex};
}

describe('meshBorderLayer', () => {
	let ldi: Ldi;
	let borderLayerIndex: number;
	before(async () => {
		({ldi, borderLayerIndex} = await borderedLdi());
		assert.ok(ldi.border >= 10, `a ${ldi.border}-px border`);
	});

	it('recognizes buildLdi\'s frame border, and nothing else', () => {
		assert.equal(isFrameBorderLayer(ldi, borderLayerIndex), true);
		assert.equal(isFrameBorderLayer(ldi, 1), false);
		assert.equal(isFrameBorderLayer(ldi, 0), false);
		// A strip pixel that does not continue the photo's outermost pixel: its row is no longer one plane.
		const p = ldi.firstAtPosition[(ldi.border + 40) * (ldi.width + 2 * ldi.border) + 3];
		const saved = ldi.disparity[p];
		ldi.disparity[p] = saved + 0.01;
		try {
			assert.equal(isFrameBorderLayer(ldi, borderLayerIndex), false);
		} finally {
			ldi.disparity[p] = saved;
		}
	});

	it('puts every border pixel, with its colour, at its own place and depth (2 triangles per frame pixel)', () => {
		const range = defaultDepthRange();
		const camera = {width: ldi.width, height: ldi.height, fovYRadians: FOV_Y};
		const border = meshBorderLayer(ldi, borderLayerIndex, camera, range);
		assert.ok(border);
		const {width: w, height: h, border: b} = ldi;
		assert.equal(border.mesh.indices.length / 3, 2 * (2 * (w - 1) + 2 * (h - 1)) + 8);
		// The photo's camera with its sensor grown by the border on every side: lattice pixel (x, y) is
		// rendered pixel (x + b, y + b).
		const focal = focalLengthPixels(h, FOV_Y);
		const latticeWidth = w + 2 * b;
		const latticeHeight = h + 2 * b;
		const scene: Scene = {
			camera: {width: w, height: h, fovYRadians: FOV_Y, znearMeters: 0.5, zfarMeters: 20},
			depthRange: range,
			layers: [border.mesh],
		};
		const {image, depthMeters} = renderScene(scene, {
			width: latticeWidth,
			height: latticeHeight,
			fovYRadians: 2 * Math.atan(latticeHeight / 2 / focal),
			positionMeters: [0, 0, 0],
			rotation: IDENTITY_ROTATION,
			principalPointShiftPixels: [0, 0],
			znearMeters: 0.1,
		}, {depth: true, fillEmptyPixels: 0});
		assert.ok(depthMeters);
		let checked = 0;
		const wrong: string[] = [];
		for (let y = -b; y < h + b; y++) {
			for (let x = -b; x < w + b; x++) {
				if (x >= 0 && x < w && y >= 0 && y < h) continue;
				const p = ldi.firstAtPosition[(y + b) * latticeWidth + x + b];
				const i = (y + b) * latticeWidth + x + b;
				const colourError = Math.max(...[0, 1, 2].map((c) => Math.abs(image.data[i * 4 + c] - ldi.color[p * 3 + c])));
				const depthError = Math.abs(depthMeters[i] - depthFromDisparity(ldi.disparity[p], range)) / depthMeters[i];
				if (image.data[i * 4 + 3] === 0 || colourError > 1 || depthError > 1e-4) wrong.push(`(${x}, ${y}): colour off by ${colourError}, depth by ${depthError}`);
				checked++;
			}
		}
		assert.equal(checked, latticeWidth * latticeHeight - w * h);
		assert.deepEqual(wrong.slice(0, 5), [], `${wrong.length} of ${checked} border pixels wrong`);
	});

	it('ldiToScene meshes the border this way when told its layer; a moved camera sees no more holes than through the lattice path', async () => {
		const range = defaultDepthRange();
		const direct = await ldiToScene(ldi, {fovYRadians: FOV_Y}, range, {borderLayerIndex});
		const lattice = await ldiToScene(ldi, {fovYRadians: FOV_Y}, range);
		const directBorder = direct.stats.layers.find((layer) => layer.layerIndex === borderLayerIndex);
		const latticeBorder = lattice.stats.layers.find((layer) => layer.layerIndex === borderLayerIndex);
		assert.ok(directBorder && latticeBorder);
		assert.equal(directBorder.trianglesBeforeSimplify, 2 * (2 * (ldi.width - 1) + 2 * (ldi.height - 1)) + 8);
		assert.ok(latticeBorder.trianglesBeforeSimplify > 10 * directBorder.trianglesBeforeSimplify);
		assert.deepEqual(direct.scene.layers.map((layer) => layer.layerIndex), lattice.scene.layers.map((layer) => layer.layerIndex));
		// A move that shows the border on the left and bottom: both paths cover the frame the same way.
		const emptyAfterMove = (scene: Scene): number => {
			const camera = photoCamera(scene, {positionMeters: [0.04, 0.03, 0]});
			const {image} = renderScene(scene, camera, {fillEmptyPixels: 0});
			let empty = 0;
			for (let i = 3; i < image.data.length; i += 4) if (image.data[i] === 0) empty++;
			return empty;
		};
		assert.ok(emptyAfterMove(direct.scene) <= emptyAfterMove(lattice.scene), 'the direct border leaves more holes');
		// A layer that is not the frame border goes through the lattice path.
		const notBorder = await ldiToScene(ldi, {fovYRadians: FOV_Y}, range, {borderLayerIndex: 1});
		assert.deepEqual(notBorder.stats.layers.map((layer) => layer.triangles), lattice.stats.layers.map((layer) => layer.triangles));
	});
});
