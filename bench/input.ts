/**
 * Photo input benchmark: decode + orient + resize (loadPhoto) at 1024 px and 4096 px, and reading a
 * supplied depth map at the photo's size. Median of N runs after warm-up.
 *
 * Run: `node --import=tsx bench/input.ts [runs]`
 */
import {existsSync} from 'node:fs';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';

import sharp from 'sharp';

import {fillUnknownDisparity, readDepthMap} from '../src/depth/supplied.js';
import {loadPhoto} from '../src/image/load.js';
import {resizeFloatImage} from '../src/image/resize.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const sharedPhotos = process.env.LDI_GLTF_SHARED_DIR
	? join(process.env.LDI_GLTF_SHARED_DIR, 'photos')
	: resolve(repoRoot, '..', 'shared', 'photos');
const runs = Number(process.argv[2] ?? 15);

async function median(label: string, task: () => Promise<unknown> | unknown): Promise<number> {
	for (let i = 0; i < 2; i++) await task();
	const times: number[] = [];
	for (let i = 0; i < runs; i++) {
		const started = performance.now();
		await task();
		times.push(performance.now() - started);
	}
	times.sort((a, b) => a - b);
	const result = times[Math.floor(times.length / 2)]!;
	console.log(`${label.padEnd(58)} ${result.toFixed(1).padStart(7)} ms  (median of ${runs}; min ${times[0]!.toFixed(1)}, max ${times.at(-1)!.toFixed(1)})`);
	return result;
}

const source = existsSync(join(sharedPhotos, 'moon.jpg')) ? join(sharedPhotos, 'moon.jpg') : join(repoRoot, 'assets', 'sample.jpg');
const dir = await mkdtemp(join(tmpdir(), 'ldi-gltf-bench-input-'));
try {
	console.log(`source photo: ${source}; sharp concurrency ${sharp.concurrency()}`);
	const jpeg1024 = join(dir, 'photo-1024.jpg');
	const jpeg4096 = join(dir, 'photo-4096x3072.jpg');
	await writeFile(jpeg1024, await sharp(source).resize(1024, 768, {fit: 'fill'}).jpeg({quality: 90}).toBuffer());
	await writeFile(jpeg4096, await sharp(source).resize(4096, 3072, {fit: 'fill', kernel: 'cubic'}).jpeg({quality: 90}).toBuffer());

	await median('loadPhoto 1024×768 JPEG (no resize)', () => loadPhoto(jpeg1024));
	await median('loadPhoto 4096×3072 JPEG → 1024×768', () => loadPhoto(jpeg4096));
	await median('loadPhoto 4096×3072 JPEG at full size (maxSize 4096)', () => loadPhoto(jpeg4096, {maxSize: 4096}));
	if (source.endsWith('moon.jpg')) await median('loadPhoto moon.jpg 2100×2100 → 1024×1024', () => loadPhoto(source));

	const depthMap = join(sharedPhotos, 'moon_depth_midas.png');
	if (existsSync(depthMap)) {
		await median('readDepthMap moon_depth_midas.png 640² 16-bit → 1024²', () => readDepthMap(depthMap, {width: 1024, height: 1024}));
	}
	const sampleDepth = join(repoRoot, 'assets', 'sample-depth.png');
	if (existsSync(sampleDepth)) {
		await median('readDepthMap assets/sample-depth.png 640×480 (same size)', () => readDepthMap(sampleDepth, {width: 640, height: 480}));
	}

	const holes = new Float32Array(1024 * 768);
	for (let i = 0; i < holes.length; i++) holes[i] = (Math.imul(i, 2654435761) >>> 0) % 5 === 0 ? NaN : (i % 1024) / 1024;
	await median('fillUnknownDisparity 1024×768, 20 % unknown', () => fillUnknownDisparity({width: 1024, height: 768, data: holes.slice()}));
	const big = {width: 4096, height: 3072, data: new Float32Array(4096 * 3072).fill(0.5)};
	await median('resizeFloatImage 4096×3072 → 1024×768', () => resizeFloatImage(big, 1024, 768));
	const small = {width: 640, height: 640, data: new Float32Array(640 * 640).fill(0.5)};
	await median('resizeFloatImage 640×640 → 1024×1024', () => resizeFloatImage(small, 1024, 1024));
} finally {
	await rm(dir, {recursive: true, force: true});
}
