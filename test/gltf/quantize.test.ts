import assert from 'node:assert/strict';

import {Document, type Node} from '@gltf-transform/core';
import {MeshoptEncoder} from 'meshoptimizer';

import {quantizeScene} from '../../src/gltf/quantize.js';
import {reorderPrimitives} from '../../src/gltf/reorder.js';

/** Two meshes on nodes of their own: a strip of quads far apart in x, with UVs in [0, 1] and one unused vertex. */
function twoStripDocument(): Document {
	const document = new Document();
	const buffer = document.createBuffer();
	const scene = document.createScene();
	for (let m = 0; m < 2; m++) {
		const positions: number[] = [];
		const uvs: number[] = [];
		for (let i = 0; i <= 8; i++) {
			for (let row = 0; row < 2; row++) {
				positions.push(m * 7.25 + i * 0.37, row * 1.1 - 0.3, -2 - 0.01 * i * i);
				uvs.push(i / 8, row);
			}
		}
		positions.push(100, 100, 100);
		uvs.push(0.5, 0.5);
		const indices: number[] = [];
		for (let i = 0; i < 8; i++) indices.push(2 * i, 2 * i + 1, 2 * i + 2, 2 * i + 3, 2 * i + 2, 2 * i + 1);
		const primitive = document.createPrimitive()
			.setAttribute('POSITION', document.createAccessor('', buffer).setType('VEC3').setArray(new Float32Array(positions)))
			.setAttribute('TEXCOORD_0', document.createAccessor('', buffer).setType('VEC2').setArray(new Float32Array(uvs)))
			.setIndices(document.createAccessor('', buffer).setType('SCALAR').setArray(new Uint32Array(indices)));
		scene.addChild(document.createNode(`mesh-${m}`).setMesh(document.createMesh().addPrimitive(primitive)));
	}
	return document;
}

/** Each triangle as its three corners' attribute values (dequantized through the node), rotated to a canonical start, sorted. */
function triangleKeys(document: Document, semantic: string, withNode: boolean): string[] {
	const keys: string[] = [];
	for (const node of document.getRoot().listNodes()) {
		const primitive = (node as Node).getMesh()!.listPrimitives()[0];
		const attribute = primitive.getAttribute(semantic)!;
		const indices = primitive.getIndices()!.getArray()!;
		const scale = withNode ? node.getScale()[0] : 1;
		const offset = withNode ? node.getTranslation() : [0, 0, 0];
		const corner = (v: number): string => attribute.getElement(v, [0, 0, 0]).map((value, axis) => (value * scale + offset[axis]).toFixed(2)).join(',');
		for (let t = 0; t < indices.length; t += 3) {
			const corners = [corner(indices[t]), corner(indices[t + 1]), corner(indices[t + 2])];
			const first = corners.indexOf([...corners].sort()[0]);
			keys.push([0, 1, 2].map((k) => corners[(first + k) % 3]).join(' | '));
		}
	}
	return keys.sort();
}

describe('reorder and quantization of built documents', () => {
	before(() => MeshoptEncoder.ready);

	it('reorderPrimitives keeps every triangle and its winding, drops unused vertices, shrinks indices to 16 bits', () => {
		const document = twoStripDocument();
		const before = triangleKeys(document, 'POSITION', false);
		reorderPrimitives(document, MeshoptEncoder);
		assert.deepEqual(triangleKeys(document, 'POSITION', false), before);
		for (const mesh of document.getRoot().listMeshes()) {
			const primitive = mesh.listPrimitives()[0];
			assert.equal(primitive.getAttribute('POSITION')!.getCount(), 18);
			assert.equal(primitive.getAttribute('TEXCOORD_0')!.getCount(), 18);
			assert.ok(primitive.getIndices()!.getArray() instanceof Uint16Array);
		}
	});

	it('quantizeScene puts all meshes on one grid: positions within half a step, UVs within half a 16-bit step', () => {
		const document = twoStripDocument();
		const positionsBefore = triangleKeys(document, 'POSITION', false);
		const uvsBefore = document.getRoot().listMeshes().map((mesh) => [...mesh.listPrimitives()[0].getAttribute('TEXCOORD_0')!.getArray()!]);
		quantizeScene(document, {positionBits: 16, texcoordBits: 16});
		assert.ok(document.getRoot().listExtensionsUsed().some((extension) => extension.extensionName === 'KHR_mesh_quantization'));
		const nodes = document.getRoot().listNodes();
		assert.deepEqual(nodes[0].getTranslation(), nodes[1].getTranslation());
		assert.deepEqual(nodes[0].getScale(), nodes[1].getScale());
		// The scale is half the largest extent (the unused vertex at 100 included): steps of scale / 32767.
		const step = nodes[0].getScale()[0] / 32767;
		assert.ok(step < 0.01 / 2);
		assert.deepEqual(triangleKeys(document, 'POSITION', true), positionsBefore);
		document.getRoot().listMeshes().forEach((mesh, m) => {
			const uvs = mesh.listPrimitives()[0].getAttribute('TEXCOORD_0')!;
			assert.ok(uvs.getArray() instanceof Uint16Array && uvs.getNormalized());
			for (let i = 0; i < uvs.getCount(); i++) {
				const [u, v] = uvs.getElement(i, [0, 0]);
				assert.ok(Math.abs(u - uvsBefore[m][i * 2]) <= 0.5 / 65535 && Math.abs(v - uvsBefore[m][i * 2 + 1]) <= 0.5 / 65535);
			}
		});
	});

	it('quantizeScene with positionBits 0 keeps float positions and needs no extension', () => {
		const document = twoStripDocument();
		quantizeScene(document, {positionBits: 0, texcoordBits: 16});
		assert.ok(document.getRoot().listMeshes()[0].listPrimitives()[0].getAttribute('POSITION')!.getArray() instanceof Float32Array);
		assert.equal(document.getRoot().listExtensionsUsed().length, 0);
		assert.deepEqual(document.getRoot().listNodes()[0].getScale(), [1, 1, 1]);
	});
});
