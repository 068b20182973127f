import {addPixel, cutLink, ldiFromImage, LINK_LEFT, LINK_RIGHT, LINK_UP, linkPixels, pixelAt, type Ldi} from '../../src/ldi/ldi.js';
import {unionBoundaryPixels} from '../../src/mesh/pixel-splats.js';
import {triangulateLdi} from '../../src/mesh/triangulate.js';

/** unionBoundaryPixels of `ldi` as ldiToScene calls it, with the eighth turns triangulateLdi sums. */
export function boundaryPixelsOf(ldi: Ldi): Int32Array {
	const eighthTurnsByPixel = new Uint8Array(ldi.count);
	triangulateLdi(ldi, {eighthTurnsByPixel});
	return unionBoundaryPixels(ldi, eighthTurnsByPixel);
}

/** A width×height LDI, fully linked, colour (x·16, y·16, 100), disparity from `disparityAt`. */
export function gridLdi(width: number, height: number, disparityAt: (x: number, y: number) => number): Ldi {
	const data = new Uint8Array(width * height * 3);
	const disparity = new Float32Array(width * height);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const i = y * width + x;
			data.set([(x * 16) & 255, (y * 16) & 255, 100], i * 3);
			disparity[i] = disparityAt(x, y);
		}
	}
	return ldiFromImage({width, height, data}, {width, height, data: disparity});
}

/**
 * A width×height scene with a depth step after column `edgeX` (left: far, slanted; right: near), and an
 * inpainted layer-1 strip `stripWidth` columns wide behind the near side, linked to the layer-0 context
 * column `edgeX` and to itself, coloured (250, 40 + 20·column, 40 + row). More (edgeX, stripWidth) pairs
 * add more steps and strips (more charts in layer 1).
 */
export function steppedLdi(width: number, height: number, edgeX: number, stripWidth: number, ...more: number[]): Ldi {
	const steps = [[edgeX, stripWidth]];
	for (let i = 0; i + 1 < more.length; i += 2) steps.push([more[i], more[i + 1]]);
	const near = (x: number): boolean => steps.filter(([e]) => x > e).length % 2 === 1;
	const ldi = gridLdi(width, height, (x, y) => (near(x) ? 0.9 : 0.1 + 0.2 * y / height));
	for (const [edge, strip] of steps) {
		for (let y = 0; y < height; y++) cutLink(ldi, pixelAt(ldi, edge, y), LINK_RIGHT);
		const pixels: number[] = [];
		for (let y = 0; y < height; y++) {
			for (let i = 0; i < strip; i++) {
				const p = addPixel(ldi, edge + 1 + i, y, 250, 40 + i * 20, 40 + y, 0.1 + 0.2 * y / height, 1);
				linkPixels(ldi, p, i === 0 ? pixelAt(ldi, edge, y) : pixels[y * strip + i - 1], LINK_LEFT);
				if (y > 0) linkPixels(ldi, p, pixels[(y - 1) * strip + i], LINK_UP);
				pixels.push(p);
			}
		}
	}
	return ldi;
}

/**
 * A 4×3 scene with a depth edge between columns 1 and 2 (left far, right near), and an inpainted
 * layer-1 column at x = 2 behind the foreground, linked to the layer-0 context at x = 1.
 */
export function steppedLdiWithLayer(): {ldi: Ldi; layerOnePixels: number[]} {
	const ldi = gridLdi(4, 3, (x) => (x >= 2 ? 0.9 : 0.1));
	for (let y = 0; y < 3; y++) cutLink(ldi, pixelAt(ldi, 1, y), LINK_RIGHT);
	const layerOnePixels: number[] = [];
	for (let y = 0; y < 3; y++) {
		const p = addPixel(ldi, 2, y, 200, 10, 10, 0.1, 1);
		linkPixels(ldi, p, pixelAt(ldi, 1, y), LINK_LEFT);
		if (y > 0) linkPixels(ldi, p, layerOnePixels[y - 1], LINK_UP);
		layerOnePixels.push(p);
	}
	return {ldi, layerOnePixels};
}
