import sharp from 'sharp';

import type {ColorInpainter, InpaintRegion} from '../../src/inpaint/inpainter.js';
import {buildLdi} from '../../src/ldi/build-ldi.js';
import {sharedFile} from '../helpers/shared.js';

/**
 * Builds moon.jpg's LDI at 512 px with an inpainter that hands every region (edge regions and frame
 * strips) to `visit` and keeps its colours; returns how many regions there were. Skips the calling test
 * when ../shared is absent. For comparing a kernel with its TypeScript twin on real regions.
 *
 * ```ts
 * const regions = await visitMoonRegions(this, (region) => compare(region));
 * ```
 */
export async function visitMoonRegions(context: Mocha.Context, visit: (region: InpaintRegion) => void): Promise<number> {
	const photoPath = sharedFile(context, 'photos/moon.jpg');
	const depthPath = sharedFile(context, 'photos/moon_depth_midas.png');
	const photo = await sharp(photoPath).resize({width: 512, height: 512, fit: 'inside'}).removeAlpha().raw().toBuffer({resolveWithObject: true});
	const {width, height} = photo.info;
	const depth = await sharp(depthPath).resize(width, height, {fit: 'fill'}).toColourspace('b-w').raw().toBuffer();
	let regions = 0;
	const visiting: ColorInpainter = {
		name: 'visit',
		async inpaintColor(region: InpaintRegion): Promise<Uint8Array> {
			visit(region);
			regions++;
			return Uint8Array.from(region.color);
		},
	};
	await buildLdi({width, height, data: new Uint8Array(photo.data)}, {width, height, data: Float32Array.from(depth)}, {inpainter: visiting});
	return regions;
}
