import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import {createRequire} from 'node:module';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {promisify} from 'node:util';

import {sceneToDocument, type SceneMetadata} from '../../src/gltf/document.js';
import {optimizeDocument, type OptimizeOptions} from '../../src/gltf/optimize.js';
import {PRESETS} from '../../src/gltf/presets.js';
import {readSceneFromGlb} from '../../src/gltf/read.js';
import {LayerTextureEncoder, type TextureFormat} from '../../src/gltf/texture-encode.js';
import {writeGlb, writeGltfFiles} from '../../src/gltf/write.js';
import {defaultDepthRange, ldiToScene} from '../../src/mesh/build-scene-mesh.js';
import type {Scene} from '../../src/scene/scene.js';
import {createNodeIo} from '../browser/quad-scene.js';
import {steppedLdi} from '../mesh/ldi-fixtures.js';

interface ValidatorMessage {code: string; message: string; severity: number; pointer?: string}
interface ValidatorReport {
	issues: {numErrors: number; numWarnings: number; numInfos: number; messages: ValidatorMessage[]};
	info?: {extensionsUsed?: string[]; extensionsRequired?: string[]};
}
const validator = createRequire(import.meta.url)('gltf-validator') as {
	validateBytes(bytes: Uint8Array, options?: Record<string, unknown>): Promise<ValidatorReport>;
};

const METADATA: SceneMetadata = {toolVersion: 'test', sourceFile: 'stepped.png', depthSource: 'supplied'};

async function buildGlb(scene: Scene, options: Partial<OptimizeOptions> & {textureFormat?: TextureFormat} = {}): Promise<Uint8Array> {
	const document = await sceneToDocument(scene, METADATA, {textureFormat: options.textureFormat ?? PRESETS[options.preset ?? 'three'].textureFormat});
	return writeGlb(await optimizeDocument(document, options));
}

function describeIssues(report: ValidatorReport): string {
	return report.issues.messages.map((m) => `${m.severity} ${m.code} ${m.pointer ?? ''} ${m.message}`).join('\n');
}

describe('glTF writing and reading', () => {
	let scene: Scene;
	before(async () => {
		({scene} = await ldiToScene(steppedLdi(64, 48, 40, 8), {fovYRadians: 1}, defaultDepthRange()));
		assert.equal(scene.layers.length, 2);
	});

	it('writes an uncompressed .glb the Khronos validator accepts with no error and no warning', async () => {
		const glb = await buildGlb(scene, {compress: false});
		const report = await validator.validateBytes(glb);
		assert.equal(report.issues.numErrors + report.issues.numWarnings, 0, describeIssues(report));
		assert.ok(!report.info?.extensionsUsed?.includes('EXT_meshopt_compression'));
	});

	it('writes a compressed .glb whose only validator message is the unsupported meshopt extension', async () => {
		const glb = await buildGlb(scene);
		const report = await validator.validateBytes(glb);
		assert.equal(report.issues.numErrors + report.issues.numWarnings, 0, describeIssues(report));
		// The three preset keeps non-power-of-two textures on purpose (WebGL 2): the validator notes them as
		// infos; the unity test below checks that power-of-two output has the meshopt info alone.
		for (const message of report.issues.messages.filter((m) => m.code !== 'IMAGE_NPOT_DIMENSIONS')) {
			assert.equal(message.code, 'UNSUPPORTED_EXTENSION', describeIssues(report));
			assert.match(message.message, /EXT_meshopt_compression/);
		}
		assert.deepEqual(
			[...(report.info?.extensionsRequired ?? [])].sort(),
			['EXT_meshopt_compression', 'EXT_texture_webp', 'KHR_mesh_quantization'],
		);
		const plain = await buildGlb(scene, {compress: false});
		assert.ok(glb.byteLength < plain.byteLength, `compressed ${glb.byteLength} B, plain ${plain.byteLength} B`);
	});

	it('reads the compressed .glb back: same layers, triangles, texture sizes, positions within quantization error', async () => {
		const back = await readSceneFromGlb(await buildGlb(scene));
		assert.equal(back.layers.length, scene.layers.length);
		assert.deepEqual(back.camera, scene.camera);
		assert.deepEqual(back.depthRange, scene.depthRange);
		for (let i = 0; i < scene.layers.length; i++) {
			const original = scene.layers[i];
			const read = back.layers[i];
			assert.equal(read.layerIndex, original.layerIndex);
			assert.equal(read.indices.length, original.indices.length);
			assert.equal(read.positions.length, original.positions.length);
			assert.deepEqual([read.texture.width, read.texture.height], [original.texture.width, original.texture.height]);
			// Reordering changes vertex order: compare the sets of triangle centroids.
			const centroids = (positions: Float32Array, indices: Uint32Array): number[] => {
				const sums: number[] = [];
				for (let t = 0; t < indices.length; t += 3) {
					let sum = 0;
					for (let k = 0; k < 3; k++) for (let c = 0; c < 3; c++) sum += positions[indices[t + k] * 3 + c] * (c + 1.7);
					sums.push(sum);
				}
				return sums.sort((a, b) => a - b);
			};
			const a = centroids(original.positions, original.indices);
			const b = centroids(read.positions, read.indices);
			for (let t = 0; t < a.length; t++) assert.ok(Math.abs(a[t] - b[t]) < 5e-3, `triangle ${t}: ${a[t]} vs ${b[t]}`);
		}
	});

	it('quantizes all layers on one grid: the stitch seam stays closed after quantization', async () => {
		const key = (positions: Float32Array, v: number, digits: number): string => [0, 1, 2].map((c) => positions[v * 3 + c].toFixed(digits)).join(',');
		const original = new Map<string, number>();
		for (let v = 0; v < scene.layers[0].positions.length / 3; v++) original.set(key(scene.layers[0].positions, v, 4), v);
		const seam = new Set<string>();
		for (let v = 0; v < scene.layers[1].positions.length / 3; v++) {
			if (original.has(key(scene.layers[1].positions, v, 4))) seam.add(key(scene.layers[1].positions, v, 4));
		}
		assert.ok(seam.size >= 40, `${seam.size} stitch vertices`);
		const back = await readSceneFromGlb(await buildGlb(scene, {quantizePositionBits: 12}));
		// Read back, every stitch vertex of layer 1 still has an exactly equal twin in layer 0.
		const layerZero = new Set<string>();
		for (let v = 0; v < back.layers[0].positions.length / 3; v++) layerZero.add(key(back.layers[0].positions, v, 7));
		let twins = 0;
		for (let v = 0; v < back.layers[1].positions.length / 3; v++) if (layerZero.has(key(back.layers[1].positions, v, 7))) twins++;
		assert.ok(twins >= seam.size, `${twins} of ${seam.size} stitch vertices kept their twin`);
	});

	it('writes layer nodes, an unlit single-sided material per layer, a photo camera and extras', async () => {
		const glb = await buildGlb(scene, {compress: false});
		const jsonLength = new DataView(glb.buffer, glb.byteOffset).getUint32(12, true);
		const json = JSON.parse(new TextDecoder().decode(glb.subarray(20, 20 + jsonLength)));
		const names = json.nodes.map((node: {name: string}) => node.name).sort();
		assert.deepEqual(names, ['camera', 'layer-0', 'layer-1']);
		for (const material of json.materials) {
			assert.ok(material.extensions.KHR_materials_unlit);
			assert.ok(!material.doubleSided);
			assert.ok(material.alphaMode === undefined || material.alphaMode === 'OPAQUE');
		}
		const camera = json.cameras[0].perspective;
		assert.ok(Math.abs(camera.yfov - 1) < 1e-6);
		assert.ok(Math.abs(camera.aspectRatio - 64 / 48) < 1e-6);
		assert.equal(json.asset.extras.ldiGltf.sourceFile, 'stepped.png');
		assert.deepEqual(json.asset.extras.ldiGltf.depthRange, defaultDepthRange());
		for (const mesh of json.meshes) assert.ok('_FEATURE_ID_0' in mesh.primitives[0].attributes);
	});

	it('keeps the layer id attribute exact through quantization and meshopt', async () => {
		const back = await readSceneFromGlb(await buildGlb(scene));
		assert.equal(back.layers[1].layerIndex, 1);
		const {NodeIO} = await import('@gltf-transform/core');
		const {ALL_EXTENSIONS} = await import('@gltf-transform/extensions');
		const {MeshoptDecoder} = await import('meshoptimizer');
		await MeshoptDecoder.ready;
		const document = await new NodeIO().registerExtensions(ALL_EXTENSIONS).registerDependencies({'meshopt.decoder': MeshoptDecoder})
			.readBinary(await buildGlb(scene));
		for (const node of document.getRoot().listNodes()) {
			const attribute = node.getMesh()?.listPrimitives()[0].getAttribute('_FEATURE_ID_0');
			if (!attribute) continue;
			const expected = Number(node.getName().split('-')[1]);
			assert.ok(!attribute.getNormalized());
			for (let i = 0; i < attribute.getCount(); i++) assert.equal(attribute.getScalar(i), expected);
		}
	});

	it('keeps the layer id through gltfpack, which drops node names and merges nothing across layers', async function () {
		this.timeout(60_000);
		const directory = await mkdtemp(join(tmpdir(), 'ldi-gltf-gltfpack-'));
		try {
			const layerIdsByFile: number[][][] = [];
			for (const compress of [true, false]) {
				const input = join(directory, `in-${compress}.glb`);
				const output = join(directory, `out-${compress}.glb`);
				await writeFile(input, await buildGlb(scene, {compress}));
				await promisify(execFile)(process.execPath, [createRequire(import.meta.url).resolve('gltfpack/cli.js'), '-i', input, '-o', output]);
				const document = await (await createNodeIo()).readBinary(new Uint8Array(await readFile(output)));
				const primitives = document.getRoot().listMeshes().flatMap((mesh) => mesh.listPrimitives());
				layerIdsByFile.push(primitives.map((primitive) => {
					const attribute = primitive.getAttribute('_FEATURE_ID_0');
					assert.ok(attribute, 'gltfpack kept _FEATURE_ID_0');
					return [...new Set(Array.from({length: attribute.getCount()}, (_, i) => attribute.getScalar(i)))];
				}));
			}
			// One primitive per layer, each with one id: layers stay apart even though their names are gone.
			for (const layerIds of layerIdsByFile) assert.deepEqual(layerIds.sort((a, b) => a[0] - b[0]), [[0], [1]]);
		} finally {
			await rm(directory, {recursive: true, force: true});
		}
	});

	it('unity preset: JPEG textures, power-of-two inpainted atlases when the scene is built for it', async () => {
		const {scene: unityScene} = await ldiToScene(steppedLdi(64, 48, 40, 8), {fovYRadians: 1}, defaultDepthRange(), {powerOfTwo: PRESETS.unity.powerOfTwo});
		const glb = await buildGlb(unityScene, {preset: 'unity'});
		const report = await validator.validateBytes(await buildGlb(unityScene, {preset: 'unity', compress: false}));
		assert.equal(report.issues.messages.length, 0, describeIssues(report));
		const compressedReport = await validator.validateBytes(glb);
		assert.deepEqual(compressedReport.issues.messages.map((m) => m.code), ['UNSUPPORTED_EXTENSION'], describeIssues(compressedReport));
		const back = await readSceneFromGlb(glb);
		for (const layer of back.layers) {
			assert.equal(layer.texture.width & (layer.texture.width - 1), 0);
			assert.equal(layer.texture.height & (layer.texture.height - 1), 0);
		}
		const jsonLength = new DataView(glb.buffer, glb.byteOffset).getUint32(12, true);
		const json = JSON.parse(new TextDecoder().decode(glb.subarray(20, 20 + jsonLength)));
		assert.deepEqual(json.images.map((image: {mimeType: string}) => image.mimeType), ['image/jpeg', 'image/jpeg']);
	});

	it('writes .gltf + .bin + images that validate', async () => {
		const document = await sceneToDocument(scene, METADATA, {textureFormat: 'png'});
		const files = await writeGltfFiles(await optimizeDocument(document, {compress: false}), 'stepped');
		assert.deepEqual([...files.keys()].sort(), ['stepped-layer-0.png', 'stepped-layer-1.png', 'stepped.bin', 'stepped.gltf']);
		const report = await validator.validateBytes(files.get('stepped.gltf') as Uint8Array, {
			uri: 'stepped.gltf',
			externalResourceFunction: async (uri: string) => files.get(decodeURIComponent(uri)) as Uint8Array,
		});
		assert.equal(report.issues.numErrors + report.issues.numWarnings, 0, describeIssues(report));
	});

	it('a texture encoding started and dropped leaves no unhandled rejection when it fails', async () => {
		const unhandled: unknown[] = [];
		const listener = (reason: unknown): void => {
			unhandled.push(reason);
		};
		process.on('unhandledRejection', listener);
		try {
			const encoder = new LayerTextureEncoder({format: 'webp', quality: 90, layerZeroQualityBoost: 8});
			// sharp refuses a 0×0 raw image: the encoding fails.
			const broken = {width: 0, height: 0, data: new Uint8Array(0)};
			void encoder.encode(1, broken);
			await new Promise((resolve) => setTimeout(resolve, 100));
			await assert.rejects(encoder.encode(1, broken));
			assert.deepEqual(unhandled, []);
		} finally {
			process.off('unhandledRejection', listener);
		}
	});
});
