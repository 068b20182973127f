import assert from 'node:assert/strict';

import sharp from 'sharp';

import type {ColorInpainter, InpaintRegion} from '../../src/inpaint/inpainter.js';
import {buildLdi} from '../../src/ldi/build-ldi.js';
import type {Ldi} from '../../src/ldi/ldi.js';
import {mergePlanarCells, mergePlanarPixelCells, type PlanarQuadtreeOptions} from '../../src/mesh/planar-quadtree.js';
import {addCornerEighthTurns, triangulateLdiWithCells} from '../../src/mesh/triangulate.js';
import {sharedFile} from '../helpers/shared.js';
import {gridLdi} from './ldi-fixtures.js';
import {mergePlanarCellsReference, mergePlanarPixelCellsReference} from './planar-quadtree-reference.js';

const DEPTH = {parallaxRangePixels: 41, nearMeters: 1, farMeters: 10};

/** Settings that merge little, as the build does, and a lot, with the smallest and largest cells. */
const SETTINGS: Array<Partial<PlanarQuadtreeOptions>> = [
	{},
	{errorPixels: 0.75, swimPixels: 0.5},
	{errorPixels: 4, swimPixels: 8, maxCellBlocks: 256},
	{errorPixels: 0.75, maxCellBlocks: 2},
];

/** moon.jpg's LDI at `size` px, its inpainted regions keeping their colours (the geometry is the build's). */
async function moonLdi(context: Mocha.Context, size: number): Promise<Ldi> {
	const photoPath = sharedFile(context, 'photos/moon.jpg');
	const depthPath = sharedFile(context, 'photos/moon_depth_midas.png');
	const photo = await sharp(photoPath).resize({width: size, height: size, fit: 'inside'}).removeAlpha().raw().toBuffer({resolveWithObject: true});
	const {width, height} = photo.info;
	const depth = await sharp(depthPath).resize(width, height, {fit: 'fill'}).toColourspace('b-w').raw().toBuffer();
	const keepColors: ColorInpainter = {
		name: 'keep',
		async inpaintColor(region: InpaintRegion): Promise<Uint8Array> {
			return Uint8Array.from(region.color);
		},
	};
	const {ldi} = await buildLdi({width, height, data: new Uint8Array(photo.data)}, {width, height, data: Float32Array.from(depth)}, {inpainter: keepColors});
	return ldi;
}

/** Every layer of `ldi` pre-merged by the kernel and by its twin, which must agree; returns the merged triangles. */
function assertSameMerge(ldi: Ldi, settings: Partial<PlanarQuadtreeOptions>, what: string): number {
	const eighthTurnsByPixel = new Uint8Array(ldi.count);
	const {layerZero, layers} = triangulateLdiWithCells(ldi, {eighthTurnsByPixel});
	let triangles = 0;
	if (layerZero) {
		// ldiFromImage's layer 0: the kernel walks its blocks by index.
		assert.equal(layerZero.rowStride, ldi.width, `${what}: raster layer 0`);
		// Locks on the surface's boundary and stitches, as simplify.ts sets them (near enough to exercise them).
		const lock = new Uint8Array(ldi.count);
		for (let p = 0; p < ldi.count; p++) lock[p] = layerZero.layersUsingPixel[p] > 1 || (eighthTurnsByPixel[p] > 0 && eighthTurnsByPixel[p] < 8) ? 1 : 0;
		const kernel = mergePlanarPixelCells(ldi, layerZero.blocks, layerZero.corners, lock, DEPTH, settings, layerZero);
		assert.deepEqual(mergePlanarPixelCells(ldi, layerZero.blocks, layerZero.corners, lock, DEPTH, settings), kernel, `${what}: layer 0 along its links`);
		const reference = mergePlanarPixelCellsReference(ldi, layerZero.blocks, layerZero.corners, lock, DEPTH, settings);
		assert.deepEqual(kernel, reference, `${what}: layer 0`);
		triangles += kernel.length / 3;
	}
	for (const layer of layers) {
		const turns = new Uint8Array(layer.vertexPixels.length);
		addCornerEighthTurns(layer, turns);
		const lock = new Uint8Array(turns.length);
		for (let v = 0; v < lock.length; v++) lock[v] = layer.sharedVertices[v] || turns[v] !== 8 ? 1 : 0;
		const kernel = mergePlanarCells(ldi, layer, lock, DEPTH, settings);
		assert.deepEqual(kernel, mergePlanarCellsReference(ldi, layer, lock, DEPTH, settings), `${what}: layer ${layer.layerIndex}`);
		triangles += kernel.length / 3;
	}
	return triangles;
}

describe('planar quadtree kernel', () => {
	it('merges exactly as its TypeScript twin on generated surfaces', () => {
		const surfaces: Array<(x: number, y: number) => number> = [
			(x, y) => 0.3 + 0.002 * x + 0.001 * y,
			(x, y) => (x < 64 ? 0.3 + 0.002 * x : 0.428 + 0.2 * Math.sin((x - 64) / 5) * Math.cos(y / 7)),
			(x, y) => Math.round(40 * (0.5 + 0.3 * Math.sin(x / 17 + y / 23))) / 40,
		];
		for (const [s, surface] of surfaces.entries()) {
			const ldi = gridLdi(131, 97, surface);
			for (const settings of SETTINGS) assert.ok(assertSameMerge(ldi, settings, `surface ${s}, ${JSON.stringify(settings)}`) > 0);
		}
	});

	it('merges exactly as its TypeScript twin on moon.jpg\'s LDI (every layer)', async function () {
		this.timeout(120_000);
		const ldi = await moonLdi(this, 512);
		for (const settings of SETTINGS) assertSameMerge(ldi, settings, `moon, ${JSON.stringify(settings)}`);
	});
});
