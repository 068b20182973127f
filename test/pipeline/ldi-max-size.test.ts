import assert from 'node:assert/strict';
import {join} from 'node:path';

import {UserError} from '../../src/errors.js';
import {loadPhoto} from '../../src/image/load.js';
import {psnr} from '../../src/image/metrics.js';
import {shrinkPhoto} from '../../src/image/shrink-photo.js';
import {buildScene} from '../../src/pipeline/build-scene.js';
import {photoCamera} from '../../src/render/camera.js';
import {renderScene} from '../../src/render/rasterize.js';
import {rgbFromRgba} from '../../src/render/layouts.js';
import {repoRoot} from '../helpers/shared.js';

const photoPath = join(repoRoot, 'assets', 'sample.jpg');
const depthPath = join(repoRoot, 'assets', 'sample-depth.png');

describe('buildScene with a photo larger than ldiMaxSizePixels', () => {
	it('builds the LDI and meshes of the shrunk photo and keeps the photo\'s resolution in layer 0\'s texture', async function () {
		this.timeout(120_000);
		const photo = await loadPhoto(photoPath, {maxSize: 640});
		const large = await buildScene(photo, {depth: {depthPath}, ldiMaxSizePixels: 320});
		const shrunk = await shrinkPhoto(photo, 320);
		assert.deepEqual([shrunk.image.width, shrunk.image.height], [320, 240]);
		const small = await buildScene(shrunk, {depth: {depthPath}, ldiMaxSizePixels: 0});

		assert.deepEqual([large.scene.camera.width, large.scene.camera.height], [640, 480], 'the scene is seen at the photo\'s size');
		assert.deepEqual([small.scene.camera.width, small.scene.camera.height], [320, 240]);
		assert.equal(large.scene.layers.length, small.scene.layers.length);
		for (const [i, layer] of large.scene.layers.entries()) {
			const other = small.scene.layers[i];
			assert.deepEqual(layer.positions, other.positions, `layer ${layer.layerIndex}: positions`);
			assert.deepEqual(layer.indices, other.indices, `layer ${layer.layerIndex}: indices`);
			if (layer.layerIndex === 0) {
				assert.deepEqual([layer.texture.width, layer.texture.height], [640, 480], 'layer 0 keeps the photo\'s resolution');
			} else {
				assert.deepEqual(layer.texture, other.texture, `layer ${layer.layerIndex}: texture`);
			}
		}

		// The full-resolution texture shows in the photo's own view only if the UVs map the LDI's frame onto it.
		const largeView = rgbFromRgba(renderScene(large.scene, photoCamera(large.scene)).image).data;
		const smallView = rgbFromRgba(renderScene(small.scene, photoCamera(small.scene, {width: 640, height: 480})).image).data;
		const largeDb = psnr(largeView, photo.image.data, {channels: 3});
		const smallDb = psnr(smallView, photo.image.data, {channels: 3});
		assert.ok(largeDb > smallDb + 3, `own view ${largeDb.toFixed(2)} dB, from the shrunk photo's scene ${smallDb.toFixed(2)} dB`);
	});

	it('reports each stage once although decoding is timed twice (loading, shrinking)', async function () {
		this.timeout(120_000);
		const stages: string[] = [];
		const built = await buildScene(photoPath, {photo: {maxSize: 640}, depth: {depthPath}, ldiMaxSizePixels: 320, onStage: (stage) => stages.push(stage)});
		assert.deepEqual(stages, ['decode', 'depth', 'ldi', 'mesh']);
		assert.ok(built.timingsMs.decode > 0);
	});

	it('refuses a size that is not a whole number of pixels ≥ 0', async () => {
		const photo = await loadPhoto(photoPath, {maxSize: 64});
		await assert.rejects(buildScene(photo, {depth: {depthPath}, ldiMaxSizePixels: -1}), (error: unknown) => error instanceof UserError && /LDI max size -1/.test(error.message));
		// 64×48 at 12 px would be 12×9: the LDI, not the photo, is named as too small.
		await assert.rejects(buildScene(photo, {depth: {depthPath}, ldiMaxSizePixels: 12}), (error: unknown) => error instanceof UserError
			&& /photo is 64x48; its layered depth image at LDI max size 12 would be 12x9, smaller than 16 px/.test(error.message));
	});
});
