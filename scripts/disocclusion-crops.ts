/**
 * Writes the README's disocclusion crops (docs/disocclusion-*.jpg): each shared photo with its depth map,
 * built at the default 1024 px and rendered by the software renderer from the photo's camera moved
 * sideways by 8 % of the nearest distance; side by side: the photo's view | before (the `patch`
 * inpainter, depth edges and mixed pixels as the map puts them, a 64-px border, no backdrop: the defaults
 * until issue 13) | after (today's defaults).
 * Empty pixels are magenta. Needs ../shared.
 *
 * ```sh
 * node --import=tsx scripts/disocclusion-crops.ts
 * ```
 */
import {mkdir} from 'node:fs/promises';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

import sharp from 'sharp';

import type {RgbaImage} from '../src/image/raster.js';
import {buildScene, type BuildSceneOptions} from '../src/pipeline/build-scene.js';
import {photoCamera} from '../src/render/camera.js';
import {renderScene} from '../src/render/rasterize.js';
import {sharedDir} from '../bench/common.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

interface Crop {
	photo: string;
	depth: string;
	/** The map is near = dark (Depthy's). */
	depthInvert: boolean;
	/** Sign of the sideways move (+1: camera to the right). */
	direction: 1 | -1;
	/** Region shown, pixels of the 1024-px working image. */
	left: number;
	top: number;
	width: number;
	height: number;
}

const CROPS: Record<string, Crop> = {
	moon: {photo: 'moon.jpg', depth: 'moon_depth_midas.png', depthInvert: false, direction: 1, left: 470, top: 20, width: 300, height: 330},
	shelf: {photo: 'depthy_shelf.jpg', depth: 'depthy_shelf_depth.jpg', depthInvert: true, direction: 1, left: 0, top: 0, width: 724, height: 580},
	hut: {photo: 'depthy_hut.jpg', depth: 'depthy_hut_depth.jpg', depthInvert: true, direction: 1, left: 0, top: 0, width: 580, height: 1024},
};

async function view(crop: Crop, options: Partial<BuildSceneOptions>, moved: boolean): Promise<RgbaImage> {
	const {scene} = await buildScene(join(sharedDir, 'photos', crop.photo), {
		...options, depth: {depthPath: join(sharedDir, 'photos', crop.depth), depthInvert: crop.depthInvert},
	});
	const moveMeters = moved ? 0.08 * scene.depthRange.nearMeters * crop.direction : 0;
	const {image} = renderScene(scene, photoCamera(scene, {positionMeters: [moveMeters, 0, 0]}), {fillEmptyPixels: 0});
	for (let i = 0; i < image.data.length; i += 4) if (image.data[i + 3] === 0) image.data.set([255, 0, 255, 255], i);
	return image;
}

async function cropped(image: RgbaImage, crop: Crop): Promise<Buffer> {
	return sharp(image.data, {raw: {width: image.width, height: image.height, channels: 4}})
		.extract({left: crop.left, top: crop.top, width: crop.width, height: crop.height}).png().toBuffer();
}

const names = process.argv.slice(2).length > 0 ? process.argv.slice(2) : Object.keys(CROPS);
await mkdir(join(root, 'docs'), {recursive: true});
for (const name of names) {
	const crop = CROPS[name];
	const panels = [
		await view(crop, {}, false),
		await view(crop, {ldi: {inpainter: 'patch', snapEdgesToColor: false, mixedPixelsToForeground: false, borderPixels: 64}, mesh: {backdrop: false}}, true),
		await view(crop, {}, true),
	];
	const gap = 6;
	const composite = await Promise.all(panels.map(async (panel, i) => ({input: await cropped(panel, crop), left: i * (crop.width + gap), top: 0})));
	const out = join(root, 'docs', `disocclusion-${name}.jpg`);
	await sharp({create: {width: 3 * crop.width + 2 * gap, height: crop.height, channels: 3, background: '#000'}})
		.composite(composite).jpeg({quality: 85}).toFile(out);
	console.log(out);
}
