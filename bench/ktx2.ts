/**
 * KTX2 against WebP/JPEG (issue 16): builds moon, depthy_shelf and depthy_hut once each (textures padded
 * to multiples of 4, as `build --texture-format ktx2` does; once more with power-of-two textures for the
 * unity preset's variants), then encodes the same scene with each texture variant and prints the .glb
 * size, the CPU the texture encoding took (user + system of the process, all threads), the estimated
 * GPU memory of the textures and the PSNR of the three.js render (headless Chromium, the browser tests'
 * harness, KTX2Loader with the transcoder of the `three` package) from the photo's camera against the
 * photo. Run alone with `node --import=tsx bench/ktx2.ts [--photos moon,depthy_hut] [--runs 3]`.
 *
 * GPU memory estimate: a full mip chain (× 4/3) of every texture at the bytes per texel the engine
 * uploads: WebP, JPEG and PNG decode to RGBA8 (4 bytes; three.js, Babylon.js and glTFast upload RGBA);
 * UASTC transcodes to BC7 or ASTC 4×4 (1 byte), ETC1S to BC1 or ETC1 (0.5 byte; three.js prefers BC7,
 * 1 byte, where the GPU has it).
 */
import {existsSync} from 'node:fs';
import {join} from 'node:path';

import type {Ktx2Mode} from '../src/gltf/ktx2-encode.js';
import type {TextureFormat} from '../src/gltf/texture-encode.js';
import {psnr} from '../src/image/metrics.js';
import {buildScene} from '../src/pipeline/build-scene.js';
import {encodeScene, sceneTextureEncoder} from '../src/pipeline/encode-scene.js';
import {rgbFromRgba} from '../test/browser/pixels.js';
import {BrowserHarness} from '../test/browser/three-harness.js';
import {sharedDir} from './common.js';

const argument = (name: string): string | undefined => {
	const i = process.argv.indexOf(name);
	return i >= 0 ? process.argv[i + 1] : undefined;
};
const only = argument('--photos')?.split(',');
const runs = Number(argument('--runs') ?? 3);

const photos = [
	{name: 'moon', photo: 'moon.jpg', depth: 'moon_depth_midas.png', invert: false},
	{name: 'depthy_shelf', photo: 'depthy_shelf.jpg', depth: 'depthy_shelf_depth.jpg', invert: true},
	{name: 'depthy_hut', photo: 'depthy_hut.jpg', depth: 'depthy_hut_depth.jpg', invert: true},
].filter((c) => !only || only.includes(c.name));

interface Variant {
	label: string;
	format: TextureFormat;
	quality: number;
	ktx2Mode?: Ktx2Mode;
	powerOfTwo: boolean;
}

const VARIANTS: Variant[] = [
	{label: 'webp q90 (three, babylon)', format: 'webp', quality: 90, powerOfTwo: false},
	{label: 'jpeg q90 (generic)', format: 'jpeg', quality: 90, powerOfTwo: false},
	{label: 'ktx2 uastc q90', format: 'ktx2', quality: 90, ktx2Mode: 'uastc', powerOfTwo: false},
	{label: 'ktx2 uastc q80 (effort 0)', format: 'ktx2', quality: 80, ktx2Mode: 'uastc', powerOfTwo: false},
	{label: 'ktx2 etc1s q90', format: 'ktx2', quality: 90, ktx2Mode: 'etc1s', powerOfTwo: false},
	{label: 'jpeg q90 pot (unity before)', format: 'jpeg', quality: 90, powerOfTwo: true},
	{label: 'ktx2 uastc q90 pot', format: 'ktx2', quality: 90, ktx2Mode: 'uastc', powerOfTwo: true},
];

/** Estimated GPU bytes of one texture with its mip chain (see the header). */
function gpuBytes(width: number, height: number, format: TextureFormat, mode: Ktx2Mode | undefined): number {
	const bytesPerTexel = format !== 'ktx2' ? 4 : mode === 'uastc' ? 1 : 0.5;
	return width * height * bytesPerTexel * 4 / 3;
}

if (!existsSync(join(sharedDir, 'photos'))) {
	console.log(`skipped: ${sharedDir}/photos is missing`);
} else {
	const harness = await BrowserHarness.start();
	try {
		console.log(`photo, variant: .glb MB, texture encoding CPU ms (median of ${runs}), estimated texture GPU MB, three.js render vs photo dB`);
		for (const c of photos) {
			for (const powerOfTwo of [false, true]) {
				const built = await buildScene(join(sharedDir, 'photos', c.photo), {
					photo: {maxSize: 1024},
					depth: {depthPath: join(sharedDir, 'photos', c.depth), depthInvert: c.invert},
					mesh: {sizeMultiple: 4, powerOfTwo},
				});
				const {width, height} = built.photo.image;
				for (const variant of VARIANTS.filter((v) => v.powerOfTwo === powerOfTwo)) {
					const options = {preset: 'three' as const, textureFormat: variant.format, textureQuality: variant.quality, ktx2Mode: variant.ktx2Mode ?? 'uastc'};
					// Median of `runs` encodings, each with a new encoder (the first of a process also loads the
					// encoder's module: KTX2's WebAssembly, sharp's codecs).
					const cpuMs: number[] = [];
					let textureEncoder = sceneTextureEncoder(options);
					for (let run = 0; run < runs; run++) {
						textureEncoder = sceneTextureEncoder(options);
						const cpuBefore = process.cpuUsage();
						await Promise.all(built.scene.layers.map((layer) => textureEncoder.encode(layer.layerIndex, layer.texture)));
						const cpu = process.cpuUsage(cpuBefore);
						cpuMs.push((cpu.user + cpu.system) / 1000);
					}
					cpuMs.sort((a, b) => a - b);
					const files = await encodeScene(built.scene, {toolVersion: 'bench', sourceFile: c.photo, depthSource: 'supplied'}, c.name, {...options, textureEncoder});
					const glb = files.get(`${c.name}.glb`) as Uint8Array;
					const gpu = built.scene.layers.reduce((sum, layer) => sum + gpuBytes(layer.texture.width, layer.texture.height, variant.format, variant.ktx2Mode), 0);
					const image = await harness.renderGlbInBrowser(glb, {width, height});
					const dB = psnr(rgbFromRgba(image).data, built.photo.image.data, {channels: 3});
					console.log(`${c.name}, ${variant.label}: ${(glb.length / 1e6).toFixed(2)} MB, ${cpuMs[Math.floor(runs / 2)].toFixed(0)} ms, `
						+ `${(gpu / 1e6).toFixed(1)} MB, ${dB.toFixed(2)} dB`);
				}
			}
		}
	} finally {
		await harness.close();
	}
}
