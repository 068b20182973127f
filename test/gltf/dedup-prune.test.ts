import assert from 'node:assert/strict';

import {type Accessor, type Document, Primitive} from '@gltf-transform/core';
import {dedup, prune} from '@gltf-transform/functions';

import {addCameraAnimation} from '../../src/gltf/camera-animation.js';
import {mayDedupOrPrune} from '../../src/gltf/dedup-prune.js';
import {sceneToDocument, type SceneMetadata} from '../../src/gltf/document.js';
import {optimizeDocument} from '../../src/gltf/optimize.js';
import {writeGlb} from '../../src/gltf/write.js';
import {defaultDepthRange, ldiToScene} from '../../src/mesh/build-scene-mesh.js';
import {cameraPath} from '../../src/render/camera-path.js';
import type {Scene} from '../../src/scene/scene.js';
import {steppedLdi} from '../mesh/ldi-fixtures.js';

const METADATA: SceneMetadata = {toolVersion: 'test', sourceFile: 'stepped.png', depthSource: 'supplied'};

/** glTF-Transform's transforms exactly as optimizeDocument runs them when mayDedupOrPrune says so. */
async function dedupAndPrune(document: Document): Promise<Document> {
	return document.transform(dedup(), prune({keepExtras: true, keepSolidTextures: true}));
}

describe('mayDedupOrPrune (optimizeDocument skips glTF-Transform\'s dedup and prune when they would change nothing)', () => {
	let scene: Scene;
	before(async () => {
		({scene} = await ldiToScene(steppedLdi(64, 48, 40, 8), {fovYRadians: 1}, defaultDepthRange()));
		assert.equal(scene.layers.length, 2);
	});

	async function documentOf(withPath = false): Promise<Document> {
		const document = await sceneToDocument(scene, METADATA, {textureFormat: 'png'});
		if (withPath) {
			const poses = cameraPath('circle', {frames: 12, referenceDepthMeters: 2, fovYRadians: scene.camera.fovYRadians});
			addCameraAnimation(document, poses, {fps: 12, name: 'circle', loop: true});
		}
		return document;
	}

	for (const withPath of [false, true]) {
		it(`sceneToDocument's document${withPath ? ' with a camera path' : ''}: nothing to do, and dedup + prune indeed write the same bytes`, async () => {
			const skipped = await documentOf(withPath);
			assert.equal(mayDedupOrPrune(skipped), false);
			const transformed = await dedupAndPrune(await documentOf(withPath));
			for (const compress of [false, true]) {
				const a = await writeGlb(await optimizeDocument(await documentOf(withPath), {compress}));
				const b = await writeGlb(await optimizeDocument(await dedupAndPrune(await documentOf(withPath)), {compress}));
				assert.deepEqual(a, b, `compress ${compress}`);
			}
			assert.deepEqual(await writeGlb(skipped), await writeGlb(transformed));
		});
	}

	// Each change below gives dedup or prune something to do: the check must see it.
	const changes: Array<[string, (document: Document) => void]> = [
		['a third layer whose accessors copy the first\'s (and nothing else to do)', (document) => {
			const source = document.getRoot().listMeshes()[0].listPrimitives()[0];
			const copy = (name: string, accessor: Accessor | null): Accessor => {
				if (!accessor) throw new Error(`no ${name}`);
				return document.createAccessor(name, accessor.getBuffer()).setType(accessor.getType()).setArray(accessor.getArray()!.slice());
			};
			const texture = document.createTexture('copy').setImage(new Uint8Array([9, 9, 9])).setMimeType('image/png');
			const material = document.createMaterial('copy').setBaseColorTexture(texture);
			const primitive = document.createPrimitive().setMaterial(material).setIndices(copy('indices', source.getIndices()));
			for (const semantic of source.listSemantics()) primitive.setAttribute(semantic, copy(semantic, source.getAttribute(semantic)));
			document.getRoot().listScenes()[0].addChild(document.createNode('copy').setMesh(document.createMesh('copy').addPrimitive(primitive)));
		}],
		['two layers sharing one accessor', (document) => {
			const [a, b] = document.getRoot().listMeshes().map((mesh) => mesh.listPrimitives()[0]);
			b.setAttribute('_FEATURE_ID_0', a.getAttribute('_FEATURE_ID_0'));
		}],
		['an accessor no primitive uses', (document) => {
			document.createAccessor('unused').setType('SCALAR').setArray(new Float32Array([1, 2, 3]));
		}],
		['a material no primitive uses', (document) => void document.createMaterial('unused')],
		['a texture no material uses', (document) => void document.createTexture('unused').setImage(new Uint8Array([1, 2, 3])).setMimeType('image/png')],
		['two textures with the same image', (document) => {
			const [a, b] = document.getRoot().listTextures();
			b.setImage(a.getImage()!.slice());
		}],
		['an empty node in the scene', (document) => void document.getRoot().listScenes()[0].addChild(document.createNode('empty'))],
		['a node outside every scene', (document) => {
			const mesh = document.getRoot().listMeshes()[0];
			document.createNode('orphan').setMesh(mesh);
		}],
		['a mesh without primitives', (document) => {
			document.getRoot().listScenes()[0].addChild(document.createNode('no-primitives').setMesh(document.createMesh('empty')));
		}],
		['a NORMAL attribute on an unlit layer', (document) => {
			const primitive = document.getRoot().listMeshes()[0].listPrimitives()[0];
			const count = primitive.getAttribute('POSITION')!.getCount();
			primitive.setAttribute('NORMAL', document.createAccessor('normals').setType('VEC3').setArray(new Float32Array(count * 3).fill(0.5)));
		}],
		['a second texture coordinate set', (document) => {
			const primitive = document.getRoot().listMeshes()[0].listPrimitives()[0];
			primitive.setAttribute('TEXCOORD_1', document.createAccessor('uv1').setType('VEC2').setArray(primitive.getAttribute('TEXCOORD_0')!.getArray()!.slice()));
		}],
		['a points primitive outside any mesh', (document) => {
			document.createPrimitive().setMode(Primitive.Mode.POINTS).setMaterial(document.getRoot().listMaterials()[0]);
		}],
		['an animation channel without a target', (document) => {
			const [animation] = document.getRoot().listAnimations();
			animation.listChannels()[0].setTargetNode(null);
		}],
		['a skin', (document) => void document.createSkin('skin')],
	];
	for (const [what, change] of changes) {
		it(`sees ${what}`, async () => {
			const document = await documentOf(true);
			change(document);
			assert.equal(mayDedupOrPrune(document), true);
		});
	}
});
