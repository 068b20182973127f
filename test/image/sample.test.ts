import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {mkdtemp, readFile, rm, stat} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {promisify} from 'node:util';

import sharp from 'sharp';

import {readDepthMap} from '../../src/depth/supplied.js';
import {loadPhoto} from '../../src/image/load.js';
import {repoRoot} from '../helpers/shared.js';

const samplePhoto = join(repoRoot, 'assets', 'sample.jpg');
const sampleDepth = join(repoRoot, 'assets', 'sample-depth.png');

async function depthCodes(path: string): Promise<Uint16Array> {
	const {data} = await sharp(path).toColourspace('grey16').raw({depth: 'ushort'}).toBuffer({resolveWithObject: true});
	return new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2);
}

describe('bundled sample (assets/)', function () {
	it('is a small 640×480 photo with the default camera and a 16-bit disparity map of the same size', async function () {
		assert.ok((await stat(samplePhoto)).size < 150_000);
		const photo = await loadPhoto(samplePhoto);
		assert.deepEqual([photo.image.width, photo.image.height], [640, 480]);
		assert.equal(photo.fovSource, 'default');
		const metadata = await sharp(sampleDepth).metadata();
		assert.deepEqual([metadata.width, metadata.height, metadata.channels, metadata.depth], [640, 480, 1, 'ushort']);
	});

	it('depth: bright = near, full range, ball and crate in front of the wall, the pole between them', async function () {
		const codes = await depthCodes(sampleDepth);
		let min = 65535;
		let max = 0;
		for (const code of codes) {
			min = Math.min(min, code);
			max = Math.max(max, code);
		}
		assert.deepEqual([min, max], [0, 65535]);
		const at = (x: number, y: number) => codes[y * 640 + x]!;
		const wall = at(300, 40);
		const ball = at(180, 250);
		const crate = at(480, 330);
		const pole = at(455, 100);
		assert.ok(ball > wall + 20000 && crate > wall + 20000, `wall ${wall}, ball ${ball}, crate ${crate}`);
		assert.ok(pole > wall && pole < crate, `wall ${wall}, pole ${pole}, crate ${crate}`);
		const estimate = await readDepthMap(sampleDepth, {width: 640, height: 480});
		// The farthest pixels store 0, which integer maps treat as unknown: they are filled from their
		// (equally far) neighbours, so the minimum moves up by a hair.
		assert.ok(estimate.rawMin > 0 && estimate.rawMin < 100, `${estimate.rawMin}`);
		assert.equal(estimate.rawMax, 65535);
	});

	it('scripts/make-sample.ts reproduces the committed files', async function () {
		this.timeout(120_000);
		const dir = await mkdtemp(join(tmpdir(), 'ldi-gltf-sample-'));
		try {
			await promisify(execFile)(process.execPath, ['--import=tsx', join(repoRoot, 'scripts', 'make-sample.ts'), dir], {cwd: repoRoot});
			// Depth is exact; the JPEG is compared decoded, so a different libjpeg build cannot fail it.
			assert.deepEqual(await depthCodes(join(dir, 'sample-depth.png')), await depthCodes(sampleDepth));
			const fresh = await sharp(await readFile(join(dir, 'sample.jpg'))).raw().toBuffer();
			const committed = await sharp(samplePhoto).raw().toBuffer();
			assert.equal(fresh.length, committed.length);
			let totalDifference = 0;
			for (let i = 0; i < fresh.length; i++) totalDifference += Math.abs(fresh[i]! - committed[i]!);
			assert.ok(totalDifference / fresh.length < 0.5, `mean difference ${totalDifference / fresh.length}`);
		} finally {
			await rm(dir, {recursive: true, force: true});
		}
	});
});
