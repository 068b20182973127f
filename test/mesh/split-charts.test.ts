import assert from 'node:assert/strict';

import {splitLayerIntoTiles} from '../../src/mesh/split-charts.js';
import {bakeLayerTexture} from '../../src/mesh/texture.js';
import {triangulateLdi, type LayerTriangles} from '../../src/mesh/triangulate.js';
import {steppedLdi} from './ldi-fixtures.js';

function pixelTriangles(layer: LayerTriangles): string[] {
	const triangles: string[] = [];
	for (let i = 0; i < layer.indices.length; i += 3) {
		triangles.push([0, 1, 2].map((k) => layer.vertexPixels[layer.indices[i + k]]).join(','));
	}
	return triangles.sort();
}

describe('splitLayerIntoTiles', () => {
	it('keeps every triangle, duplicates only seam vertices, and makes one chart per tile piece', () => {
		const ldi = steppedLdi(80, 60, 30, 20);
		const [, layer] = triangulateLdi(ldi);
		const tiled = splitLayerIntoTiles(ldi, layer, {tileSizePixels: 16});
		assert.deepEqual(pixelTriangles(tiled), pixelTriangles(layer));
		// The strip spans x 30..50 and y 0..59: tiles of 16 cut it at x 32, 48 and y 16, 32, 48.
		const duplicates = tiled.vertexPixels.length - layer.vertexPixels.length;
		assert.ok(duplicates > 0);
		const counts = new Map<number, number>();
		for (const p of tiled.vertexPixels) counts.set(p, (counts.get(p) ?? 0) + 1);
		for (const [p, count] of counts) {
			if (count === 1) continue;
			const onSeam = ldi.x[p] % 16 === 0 || ldi.y[p] % 16 === 0;
			assert.ok(onSeam, `pixel (${ldi.x[p]}, ${ldi.y[p]}) duplicated off a seam`);
		}
		const whole = bakeLayerTexture(ldi, layer);
		const split = bakeLayerTexture(ldi, tiled);
		assert.equal(whole.chartCount, 1);
		assert.equal(split.chartCount, 3 * 4);
		for (let v = 0; v < tiled.vertexPixels.length; v++) {
			const p = tiled.vertexPixels[v];
			const x = Math.floor(split.uvs[v * 2] * split.texture.width);
			const y = Math.floor(split.uvs[v * 2 + 1] * split.texture.height);
			const o = (y * split.texture.width + x) * 4;
			assert.deepEqual([...split.texture.data.subarray(o, o + 3)], [...ldi.color.subarray(p * 3, p * 3 + 3)]);
		}
	});
});
