import assert from 'node:assert/strict';

import {cutLink, LINK_DOWN, LINK_LEFT, LINK_RIGHT, LINK_UP, NO_LINK, pixelAt, type Ldi} from '../../src/ldi/ldi.js';
import {addCornerEighthTurns, latticeTriangleCount, triangulateLdi, triangulateLdiWithCells, type LayerTriangles} from '../../src/mesh/triangulate.js';
import {gridLdi, steppedLdi, steppedLdiWithLayer} from './ldi-fixtures.js';

/** Corner pixels of every triangle of a layer. */
function trianglePixels(layer: LayerTriangles): number[][] {
	const triangles: number[][] = [];
	for (let i = 0; i < layer.indices.length; i += 3) {
		triangles.push([0, 1, 2].map((k) => layer.vertexPixels[layer.indices[i + k]]));
	}
	return triangles;
}

/** Signed area in image coordinates (y down): negative = counter-clockwise seen from the camera. */
function imageSignedArea(ldi: Ldi, [a, b, c]: number[]): number {
	return ((ldi.x[b] - ldi.x[a]) * (ldi.y[c] - ldi.y[a]) - (ldi.y[b] - ldi.y[a]) * (ldi.x[c] - ldi.x[a])) / 2;
}

function linked(ldi: Ldi, a: number, b: number): boolean {
	for (let direction = 0; direction < 4; direction++) if (ldi.links[a * 4 + direction] === b) return true;
	return false;
}

/**
 * Every triangle: camera-facing, half a pixel² in area, its two lattice-adjacent sides are links, and
 * its first corner is the right angle (addCornerEighthTurns relies on it).
 */
function assertWellFormed(ldi: Ldi, layers: LayerTriangles[]): void {
	for (const layer of layers) {
		for (const triangle of trianglePixels(layer)) {
			assert.equal(imageSignedArea(ldi, triangle), -0.5, `triangle ${triangle} must face the camera`);
			const [a, b, c] = triangle;
			const dot = (ldi.x[b] - ldi.x[a]) * (ldi.x[c] - ldi.x[a]) + (ldi.y[b] - ldi.y[a]) * (ldi.y[c] - ldi.y[a]);
			assert.ok(dot === 0, `triangle ${triangle} must start at its right angle`);
			for (let k = 0; k < 3; k++) {
				const a = triangle[k];
				const b = triangle[(k + 1) % 3];
				const steps = Math.abs(ldi.x[a] - ldi.x[b]) + Math.abs(ldi.y[a] - ldi.y[b]);
				if (steps === 1) assert.ok(linked(ldi, a, b), `side ${a}-${b} crosses a missing link`);
			}
		}
	}
}

/** How many triangles of a layer cover each of the 4 quarter points of every cell: never more than 1. */
function assertNoOverlap(ldi: Ldi, layer: LayerTriangles): void {
	const covered = new Map<string, number>();
	for (const [a, b, c] of trianglePixels(layer)) {
		const xs = [ldi.x[a], ldi.x[b], ldi.x[c]];
		const ys = [ldi.y[a], ldi.y[b], ldi.y[c]];
		for (let sy = Math.min(...ys); sy < Math.max(...ys); sy++) {
			for (let sx = Math.min(...xs); sx < Math.max(...xs); sx++) {
				for (const [qx, qy] of [[0.25, 0.5], [0.75, 0.5], [0.5, 0.25], [0.5, 0.75]]) {
					const px = sx + qx;
					const py = sy + qy;
					const inside = [0, 1, 2].every((k) => {
						const x0 = xs[k], y0 = ys[k], x1 = xs[(k + 1) % 3], y1 = ys[(k + 1) % 3];
						return (x1 - x0) * (py - y0) - (y1 - y0) * (px - x0) <= 0;
					});
					if (!inside) continue;
					const key = `${px},${py}`;
					covered.set(key, (covered.get(key) ?? 0) + 1);
				}
			}
		}
	}
	for (const [point, count] of covered) assert.equal(count, 1, `point ${point} is covered ${count} times (both diagonals)`);
}

describe('triangulateLdi', () => {
	it('makes two triangles per fully linked 2×2 block, facing the camera', () => {
		const ldi = gridLdi(5, 4, () => 0.5);
		const layers = triangulateLdi(ldi);
		assert.equal(layers.length, 1);
		assert.equal(layers[0].indices.length / 3, 2 * 4 * 3);
		assert.equal(layers[0].vertexPixels.length, 20);
		assertWellFormed(ldi, layers);
		assertNoOverlap(ldi, layers[0]);
	});

	it('puts nothing across a cut', () => {
		const ldi = gridLdi(4, 3, (x) => (x >= 2 ? 0.9 : 0.1));
		for (let y = 0; y < 3; y++) cutLink(ldi, pixelAt(ldi, 1, y), LINK_RIGHT);
		const layers = triangulateLdi(ldi);
		assert.equal(layers[0].indices.length / 3, 4 + 4);
		assertWellFormed(ldi, layers);
		for (const triangle of trianglePixels(layers[0])) {
			const xs = triangle.map((p) => ldi.x[p]);
			assert.ok(Math.max(...xs) <= 1 || Math.min(...xs) >= 2, `triangle ${triangle} spans the cut`);
		}
	});

	it('makes one triangle where three pixels are linked and never both diagonals', () => {
		// A 3×3 grid whose centre pixel is cut off: each of the 4 cells keeps 3 linked corners.
		const ldi = gridLdi(3, 3, () => 0.5);
		const centre = pixelAt(ldi, 1, 1);
		for (const direction of [LINK_LEFT, LINK_UP, LINK_RIGHT, LINK_DOWN]) cutLink(ldi, centre, direction);
		const layers = triangulateLdi(ldi);
		assert.equal(layers[0].indices.length / 3, 4);
		assertWellFormed(ldi, layers);
		assertNoOverlap(ldi, layers[0]);
	});

	it('keeps one of the two triangles of a cell with three links (a U)', () => {
		// 4×4 grid, one horizontal link cut: the two cells sharing it have 3 links and 4 corners.
		const ldi = gridLdi(4, 4, () => 0.5);
		cutLink(ldi, pixelAt(ldi, 1, 1), LINK_RIGHT);
		assert.equal(ldi.links[pixelAt(ldi, 2, 1) * 4 + LINK_LEFT], NO_LINK);
		const layers = triangulateLdi(ldi);
		assert.equal(layers[0].indices.length / 3, 2 * 9 - 2);
		assertWellFormed(ldi, layers);
		assertNoOverlap(ldi, layers[0]);
	});

	it('gives a triangle with corners in several layers to the highest layer, stitch corners included', () => {
		const {ldi, layerOnePixels} = steppedLdiWithLayer();
		const layers = triangulateLdi(ldi);
		assert.deepEqual(layers.map((layer) => layer.layerIndex), [0, 1]);
		assert.equal(layers[0].indices.length / 3, 8);
		assert.equal(layers[1].indices.length / 3, 4);
		assertWellFormed(ldi, layers);
		assertNoOverlap(ldi, layers[1]);
		const layerOneVertices = [...layers[1].vertexPixels];
		for (const p of layerOnePixels) assert.ok(layerOneVertices.includes(p));
		const stitch = [0, 1, 2].map((y) => pixelAt(ldi, 1, y));
		for (const p of stitch) {
			const v = layerOneVertices.indexOf(p);
			assert.ok(v >= 0, `context pixel ${p} must be a stitch corner of layer 1`);
			assert.equal(layers[1].sharedVertices[v], 1);
		}
		assert.equal(layerOneVertices.length, 6);
	});

	it('sums each pixel\'s eighth turns over all layers when asked, as addCornerEighthTurns counts them per vertex', () => {
		const {ldi} = steppedLdiWithLayer();
		const eighthTurnsByPixel = new Uint8Array(ldi.count);
		const layers = triangulateLdi(ldi, {eighthTurnsByPixel});
		const expected = new Uint8Array(ldi.count);
		for (const layer of layers) {
			const perVertex = new Uint8Array(layer.vertexPixels.length);
			addCornerEighthTurns(layer, perVertex);
			for (let v = 0; v < perVertex.length; v++) expected[layer.vertexPixels[v]] += perVertex[v];
		}
		assert.deepEqual(eighthTurnsByPixel, expected);
		// A pixel inside the photo's surface closes a full turn; a corner of the lattice a quarter.
		assert.equal(eighthTurnsByPixel[pixelAt(ldi, 0, 0)], 2);
		assert.ok(eighthTurnsByPixel.some((turns) => turns === 8));
	});

	it('counts an omitted layer\'s triangles in the eighth turns only, as if it had been meshed', () => {
		const {ldi} = steppedLdiWithLayer();
		const all = new Uint8Array(ldi.count);
		const layers = triangulateLdi(ldi, {eighthTurnsByPixel: all});
		const omitted = layers[layers.length - 1].layerIndex;
		const turns = new Uint8Array(ldi.count);
		const kept = triangulateLdi(ldi, {eighthTurnsByPixel: turns, omitLayer: omitted});
		assert.deepEqual(turns, all);
		assert.deepEqual(kept.map((layer) => layer.layerIndex), layers.slice(0, -1).map((layer) => layer.layerIndex));
		const cellTurns = new Uint8Array(ldi.count);
		triangulateLdiWithCells(ldi, {eighthTurnsByPixel: cellTurns, omitLayer: omitted});
		assert.deepEqual(cellTurns, all);
	});

	it('triangulates a fully linked 512×512 layer into two triangles per 2×2 block', function () {
		const ldi = gridLdi(512, 512, (x, y) => (x * y) / 512 / 512);
		const layers = triangulateLdi(ldi);
		assert.equal(layers[0].indices.length / 3, 2 * 511 * 511);
	});

	it('with cells: layer 0 as its fully linked cells and other triangles, the same lattice triangles, turns and stitches', () => {
		// Two steps with inpainted strips (stitch corners in layer 0), a cut inside layer 0 (U-shaped cells).
		const ldi = steppedLdi(40, 30, 12, 4, 25, 3);
		cutLink(ldi, pixelAt(ldi, 5, 7), LINK_DOWN);
		const turns = new Uint8Array(ldi.count);
		const lattice = triangulateLdi(ldi, {eighthTurnsByPixel: turns});
		const cellTurns = new Uint8Array(ldi.count);
		const {layerZero, layers} = triangulateLdiWithCells(ldi, {eighthTurnsByPixel: cellTurns});
		assert.ok(layerZero);
		assert.deepEqual(cellTurns, turns);
		// The other layers are unchanged, stitch flags included.
		assert.deepEqual(layers, lattice.slice(1));
		// Layer 0: each block stands for its two lattice triangles, the rest are the same triangles.
		const expected = trianglePixels(lattice[0]).map(String).sort();
		const fromCells: number[][] = [];
		for (const tl of layerZero.blocks) {
			const tr = ldi.links[tl * 4 + LINK_RIGHT];
			const bl = ldi.links[tl * 4 + LINK_DOWN];
			const br = ldi.links[tr * 4 + LINK_DOWN];
			fromCells.push([tl, bl, tr], [br, tr, bl]);
		}
		for (let i = 0; i < layerZero.corners.length; i += 3) fromCells.push([...layerZero.corners.subarray(i, i + 3)]);
		assert.deepEqual(fromCells.map(String).sort(), expected);
		assert.equal(latticeTriangleCount(layerZero), lattice[0].indices.length / 3);
		assert.ok(layerZero.corners.length > 0 && layerZero.blocks.length > 0);
		assert.equal(layerZero.vertexCount, lattice[0].vertexPixels.length);
		for (let v = 0; v < lattice[0].vertexPixels.length; v++) {
			assert.equal(layerZero.layersUsingPixel[lattice[0].vertexPixels[v]] > 1 ? 1 : 0, lattice[0].sharedVertices[v]);
		}
	});
});
