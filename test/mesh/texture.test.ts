import assert from 'node:assert/strict';

import {bakeLayerTexture, layerZeroTexture} from '../../src/mesh/texture.js';
import {triangulateLdi} from '../../src/mesh/triangulate.js';
import {gridLdi, steppedLdi} from './ldi-fixtures.js';

/** Texel at a UV (nearest), as [r, g, b, a]. */
function texelAt(texture: {width: number; height: number; data: Uint8Array}, u: number, v: number): number[] {
	const x = Math.floor(u * texture.width);
	const y = Math.floor(v * texture.height);
	const o = (y * texture.width + x) * 4;
	return [...texture.data.subarray(o, o + 4)];
}

describe('layer textures', () => {
	it('layer 0 is the photo: every vertex UV lands on its own pixel, texel centres exactly', () => {
		const ldi = gridLdi(13, 9, () => 0.5);
		const [layer] = triangulateLdi(ldi);
		const {texture, uvs} = layerZeroTexture(ldi, layer);
		assert.deepEqual([texture.width, texture.height], [13, 9]);
		for (let v = 0; v < layer.vertexPixels.length; v++) {
			const p = layer.vertexPixels[v];
			assert.equal(uvs[v * 2], Math.fround((ldi.x[p] + 0.5) / 13));
			assert.equal(uvs[v * 2 + 1], Math.fround((ldi.y[p] + 0.5) / 9));
			assert.deepEqual(texelAt(texture, uvs[v * 2], uvs[v * 2 + 1]), [...ldi.color.subarray(p * 3, p * 3 + 3), 255]);
		}
	});

	it('layer 0 padded to powers of two keeps UVs on the photo pixels', () => {
		const ldi = gridLdi(13, 9, () => 0.5);
		const [layer] = triangulateLdi(ldi);
		const {texture, uvs} = layerZeroTexture(ldi, layer, {powerOfTwo: true});
		assert.deepEqual([texture.width, texture.height], [16, 16]);
		for (let v = 0; v < layer.vertexPixels.length; v++) {
			const p = layer.vertexPixels[v];
			assert.deepEqual(texelAt(texture, uvs[v * 2], uvs[v * 2 + 1]), [...ldi.color.subarray(p * 3, p * 3 + 3), 255]);
		}
	});

	it('an inpainted layer holds only its own pixels and its stitch corners, each at its UV', () => {
		const ldi = steppedLdi(64, 48, 40, 8);
		const layers = triangulateLdi(ldi);
		const {texture, uvs, chartCount} = bakeLayerTexture(ldi, layers[1]);
		assert.equal(chartCount, 1);
		assert.ok(texture.width * texture.height < 64 * 48 / 2, `${texture.width}x${texture.height} atlas`);
		for (let v = 0; v < layers[1].vertexPixels.length; v++) {
			const p = layers[1].vertexPixels[v];
			assert.deepEqual(texelAt(texture, uvs[v * 2], uvs[v * 2 + 1]), [...ldi.color.subarray(p * 3, p * 3 + 3), 255]);
		}
		let opaque = 0;
		for (let i = 3; i < texture.data.length; i += 4) if (texture.data[i] === 255) opaque++;
		assert.equal(opaque, layers[1].vertexPixels.length, 'exactly one opaque texel per vertex');
	});

	it('packs several charts into disjoint rectangles, each with a dilated apron', () => {
		// Two depth steps, two inpainted strips: two charts in layer 1.
		const ldi = steppedLdi(96, 40, 20, 6, 60, 12);
		const layers = triangulateLdi(ldi);
		const apronPixels = 3;
		const {texture, uvs, chartCount} = bakeLayerTexture(ldi, layers[1], {apronPixels});
		assert.equal(chartCount, 2);
		const boxes = [0, 1].map(() => ({minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity}));
		for (let v = 0; v < layers[1].vertexPixels.length; v++) {
			const chart = ldi.x[layers[1].vertexPixels[v]] < 40 ? 0 : 1;
			const x = Math.floor(uvs[v * 2] * texture.width);
			const y = Math.floor(uvs[v * 2 + 1] * texture.height);
			const box = boxes[chart];
			box.minX = Math.min(box.minX, x);
			box.minY = Math.min(box.minY, y);
			box.maxX = Math.max(box.maxX, x);
			box.maxY = Math.max(box.maxY, y);
			for (let dy = -apronPixels; dy <= apronPixels; dy++) {
				for (let dx = -apronPixels; dx <= apronPixels; dx++) {
					assert.ok(x + dx >= 0 && y + dy >= 0 && x + dx < texture.width && y + dy < texture.height, 'apron inside the atlas');
					const o = ((y + dy) * texture.width + x + dx) * 4;
					assert.ok(texture.data[o] > 0, `texel ${x + dx},${y + dy} of the apron was not dilated`);
				}
			}
		}
		const [a, b] = boxes;
		const apart = a.maxX + 2 * apronPixels < b.minX || b.maxX + 2 * apronPixels < a.minX
			|| a.maxY + 2 * apronPixels < b.minY || b.maxY + 2 * apronPixels < a.minY;
		assert.ok(apart, `charts overlap or touch: ${JSON.stringify(boxes)}`);
	});

	it('scales charts down to fit maxTextureSize and keeps UVs inside the atlas', () => {
		const ldi = steppedLdi(64, 48, 20, 10);
		const layers = triangulateLdi(ldi);
		const full = bakeLayerTexture(ldi, layers[1], {apronPixels: 2});
		const small = bakeLayerTexture(ldi, layers[1], {apronPixels: 2, maxTextureSize: 24});
		assert.equal(full.scale, 1);
		assert.ok(small.scale < 1);
		assert.ok(Math.max(small.texture.width, small.texture.height) <= 24);
		for (let v = 0; v < layers[1].vertexPixels.length; v++) {
			assert.ok(small.uvs[v * 2] > 0 && small.uvs[v * 2] < 1 && small.uvs[v * 2 + 1] > 0 && small.uvs[v * 2 + 1] < 1);
		}
	});
});
