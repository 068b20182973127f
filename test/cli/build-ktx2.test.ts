import assert from 'node:assert/strict';
import {mkdtemp, readFile, rm} from 'node:fs/promises';
import {createRequire} from 'node:module';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

import {KHR_DF_MODEL_UASTC, KHR_DF_TRANSFER_SRGB, KHR_SUPERCOMPRESSION_ZSTD, read, VK_FORMAT_UNDEFINED} from 'ktx-parse';

import {runCli} from '../helpers/cli.js';
import {repoRoot} from '../helpers/shared.js';

interface ValidatorMessage {code: string; message: string; pointer?: string}
const validator = createRequire(import.meta.url)('gltf-validator') as {
	validateBytes(bytes: Uint8Array): Promise<{issues: {numErrors: number; messages: ValidatorMessage[]}}>;
};

interface GlbContent {
	json: {
		extensionsRequired?: string[];
		textures: {source?: number; extensions?: {KHR_texture_basisu?: {source: number}}}[];
		images: {mimeType: string; bufferView: number}[];
		bufferViews: {byteOffset?: number; byteLength: number}[];
	};
	bin: Uint8Array;
}

function readGlb(glb: Uint8Array): GlbContent {
	const view = new DataView(glb.buffer, glb.byteOffset, glb.byteLength);
	const jsonLength = view.getUint32(12, true);
	const json = JSON.parse(new TextDecoder().decode(glb.subarray(20, 20 + jsonLength))) as GlbContent['json'];
	const binStart = 20 + jsonLength + 8;
	return {json, bin: glb.subarray(binStart, binStart + view.getUint32(20 + jsonLength, true))};
}

/**
 * What the glTF validator (2.0.0-dev.3.10, the newest on npm) says about a file it cannot check because
 * it does not know KHR_texture_basisu: the extension is unsupported, so it sees the images as unused and
 * their MIME type and bytes as unknown. Anything else is a real finding.
 */
function isBasisuBlindSpot(message: ValidatorMessage): boolean {
	if (message.code === 'UNSUPPORTED_EXTENSION') return /'(KHR_texture_basisu|EXT_meshopt_compression)'/.test(message.message);
	return ['UNUSED_OBJECT', 'VALUE_NOT_IN_LIST', 'IMAGE_UNRECOGNIZED_FORMAT'].includes(message.code) && /^\/images\/\d+(\/mimeType)?$/.test(message.pointer ?? '');
}

describe('ldi-gltf build --texture-format ktx2 (validator)', function () {
	this.timeout(180_000);
	let workDir = '';
	before(async () => {
		workDir = await mkdtemp(join(tmpdir(), 'ldi-gltf-ktx2-'));
	});
	after(async () => {
		if (workDir !== '') await rm(workDir, {recursive: true, force: true});
	});

	for (const compress of [false, true]) it(`${compress ? 'compressed' : '--no-compress'}: no validator errors, and every texture is a KTX2 image as KHR_texture_basisu requires`, async () => {
		const out = join(workDir, `sample-${compress}.glb`);
		const result = await runCli([
			'build', join(repoRoot, 'assets', 'sample.jpg'), '--depth', join(repoRoot, 'assets', 'sample-depth.png'), '-o', out, '--quiet',
			'--texture-format', 'ktx2', ...(compress ? [] : ['--no-compress']),
		], {cwd: workDir});
		assert.equal(result.code, 0, result.stderr);
		assert.equal(result.stdout, '', 'the encoder prints nothing');
		const glb = new Uint8Array(await readFile(out));

		const report = await validator.validateBytes(glb);
		assert.equal(report.issues.numErrors, 0, JSON.stringify(report.issues.messages.slice(0, 5)));
		assert.deepEqual(report.issues.messages.filter((message) => !isBasisuBlindSpot(message)), []);

		// What the validator cannot check, checked here (KHR_texture_basisu's rules for the KTX2 images).
		const {json, bin} = readGlb(glb);
		assert.ok(json.extensionsRequired?.includes('KHR_texture_basisu'));
		assert.ok(json.textures.length >= 2, 'layer 0 and inpainted layers');
		for (const texture of json.textures) {
			const source = texture.extensions?.KHR_texture_basisu?.source;
			assert.ok(source !== undefined && texture.source === undefined, 'the KTX2 image through the extension, no fallback');
			const image = json.images[source];
			assert.equal(image.mimeType, 'image/ktx2');
			const bufferView = json.bufferViews[image.bufferView];
			const offset = bufferView.byteOffset ?? 0;
			const container = read(bin.subarray(offset, offset + bufferView.byteLength));
			assert.equal(container.vkFormat, VK_FORMAT_UNDEFINED);
			assert.equal(container.dataFormatDescriptor[0].colorModel, KHR_DF_MODEL_UASTC);
			assert.equal(container.dataFormatDescriptor[0].transferFunction, KHR_DF_TRANSFER_SRGB);
			assert.equal(container.supercompressionScheme, KHR_SUPERCOMPRESSION_ZSTD);
			assert.equal(container.pixelWidth % 4, 0);
			assert.equal(container.pixelHeight % 4, 0);
			assert.equal(container.levels.length, Math.floor(Math.log2(Math.max(container.pixelWidth, container.pixelHeight))) + 1, 'a full mip chain');
		}
	});

	it('refuses --html with KTX2 textures (the viewer page does not decode them)', async () => {
		const result = await runCli([
			'build', join(repoRoot, 'assets', 'sample.jpg'), '--depth', join(repoRoot, 'assets', 'sample-depth.png'), '-o', join(workDir, 'page.glb'),
			'--texture-format', 'ktx2', '--html',
		], {cwd: workDir});
		assert.equal(result.code, 2, result.stderr);
		assert.match(result.stderr, /KTX2 textures.*--html/);
	});
});
