/**
 * Photo input benchmark: decode + orient + resize (loadPhoto) at 1024 px and 4096 px, and reading a
 * supplied depth map at the photo's size. Median of N runs after warm-up.
 *
 * Run: `node --import=tsx bench/input.ts [runs]`
 */
import {existsSync} from 'node:fs';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

import sharp from 'sharp';

import {fillUnknownDisparity, readDepthMap} from '../src/depth/supplied.js';
import {loadPhoto} from '../src/image/load.js';
import {repoRoot, sharedDir, timeMedian} from './common.js';
import {resizeFloatImage} from '../src/image/resize.js';

const sharedPhotos = join(sharedDir, 'photos');
const runs = Number(process.argv[2] ?? 15);


const source = existsSync(join(sharedPhotos, 'moon.jpg')) ? join(sharedPhotos, 'moon.jpg') : join(repoRoot, 'assets', 'sample.jpg');
const dir = await mkdtemp(join(tmpdir(), 'ldi-gltf-bench-input-'));
try {
	console.log(`source photo: ${source}; sharp concurrency ${sharp.concurrency()}`);
	const jpeg1024 = join(dir, 'photo-1024.jpg');
	const jpeg4096 = join(dir, 'photo-4096x3072.jpg');
	await writeFile(jpeg1024, await sharp(source).resize(1024, 768, {fit: 'fill'}).jpeg({quality: 90}).toBuffer());
	await writeFile(jpeg4096, await sharp(source).resize(4096, 3072, {fit: 'fill', kernel: 'cubic'}).jpeg({quality: 90}).toBuffer());

	await timeMedian('loadPhoto 1024×768 JPEG (no resize)', runs, () => loadPhoto(jpeg1024));
	await timeMedian('loadPhoto 4096×3072 JPEG → 1024×768', runs, () => loadPhoto(jpeg4096));
	await timeMedian('loadPhoto 4096×3072 JPEG at full size (maxSize 4096)', runs, () => loadPhoto(jpeg4096, {maxSize: 4096}));
	if (source.endsWith('moon.jpg')) await timeMedian('loadPhoto moon.jpg 2100×2100 → 1024×1024', runs, () => loadPhoto(source));

	const depthMap = join(sharedPhotos, 'moon_depth_midas.png');
	if (existsSync(depthMap)) {
		await timeMedian('readDepthMap moon_depth_midas.png 640² 16-bit → 1024²', runs, () => readDepthMap(depthMap, {width: 1024, height: 1024}));
	}
	const sampleDepth = join(repoRoot, 'assets', 'sample-depth.png');
	if (existsSync(sampleDepth)) {
		await timeMedian('readDepthMap assets/sample-depth.png 640×480 (same size)', runs, () => readDepthMap(sampleDepth, {width: 640, height: 480}));
	}

	const holes = new Float32Array(1024 * 768);
	for (let i = 0; i < holes.length; i++) holes[i] = (Math.imul(i, 2654435761) >>> 0) % 5 === 0 ? NaN : (i % 1024) / 1024;
	await timeMedian('fillUnknownDisparity 1024×768, 20 % unknown', runs, () => fillUnknownDisparity({width: 1024, height: 768, data: holes.slice()}));
	const big = {width: 4096, height: 3072, data: new Float32Array(4096 * 3072).fill(0.5)};
	await timeMedian('resizeFloatImage 4096×3072 → 1024×768', runs, () => resizeFloatImage(big, 1024, 768));
	const small = {width: 640, height: 640, data: new Float32Array(640 * 640).fill(0.5)};
	await timeMedian('resizeFloatImage 640×640 → 1024×1024', runs, () => resizeFloatImage(small, 1024, 1024));
} finally {
	await rm(dir, {recursive: true, force: true});
}
