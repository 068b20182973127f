import type {Document, Node} from '@gltf-transform/core';
import {KHRMeshQuantization} from '@gltf-transform/extensions';

/**
 * KHR_mesh_quantization for the documents sceneToDocument builds: positions on one grid for the whole
 * scene (so layers sharing a stitch seam keep sharing it), stored as normalized 16-bit integers with the
 * grid's offset and scale on each mesh's node; texture coordinates in [0, 1] as normalized unsigned
 * integers. Precision figures are in optimize.ts.
 *
 * Done in place on each primitive's own accessors, with glTF-Transform's rounding and bit layout, in
 * place of its `quantize()`, which clones accessors, reads and writes them element by element and then
 * prunes and dedups the document: moon.jpg's scene took it 85–110 ms of the glTF stage.
 * Expects mesh nodes without transforms of their own (sceneToDocument's layers).
 */

/** Options for {@link quantizeScene}. */
export interface QuantizeSceneOptions {
	/** Bits of quantized positions, 9–16 (signed 16-bit storage); 0 keeps float32 positions. */
	positionBits: number;
	/** Bits of quantized texture coordinates, 9–16 (unsigned 16-bit storage). */
	texcoordBits: number;
}

export const QUANTIZE_SCENE_DEFAULTS: QuantizeSceneOptions = {positionBits: 16, texcoordBits: 16};

/**
 * Quantizes every mesh's POSITION (scene-wide grid, declaring KHR_mesh_quantization) and TEXCOORD_0.
 *
 * ```ts
 * quantizeScene(document, {positionBits: 16, texcoordBits: 16});
 * ```
 */
export function quantizeScene(document: Document, options: Partial<QuantizeSceneOptions> = {}): void {
	const {positionBits, texcoordBits} = {...QUANTIZE_SCENE_DEFAULTS, ...options};
	const root = document.getRoot();
	const primitives = root.listMeshes().flatMap((mesh) => mesh.listPrimitives());
	for (const primitive of primitives) {
		const uvs = primitive.getAttribute('TEXCOORD_0');
		const array = uvs?.getArray();
		if (!uvs || !(array instanceof Float32Array) || !withinUnitRange(array)) continue;
		uvs.setArray(quantizeUnit(array, texcoordBits)).setNormalized(true);
	}
	if (positionBits > 0) {
		// The backdrop (node extras `backdrop: true`) shares no seam and reaches far past the other layers
		// (past the frame and behind the far depth): on the shared grid it coarsened every layer's steps
		// (moon: 2,063 silhouette pixels changed at rest, 36.04 → 35.69 dB), so it gets a grid of its own.
		const meshNodes = root.listNodes().filter((node) => node.getMesh());
		const isBackdrop = (node: Node): boolean => (node.getExtras() as {backdrop?: unknown}).backdrop === true;
		quantizeNodes(meshNodes.filter((node) => !isBackdrop(node)), positionBits);
		for (const node of meshNodes.filter(isBackdrop)) quantizeNodes([node], positionBits);
		// Normalized 16-bit texture coordinates are core glTF; integer positions are not.
		document.createExtension(KHRMeshQuantization).setRequired(true);
	}
}

/** Quantizes the positions of `nodes`' meshes on one grid, stored as each node's translation and scale. */
function quantizeNodes(nodes: Node[], positionBits: number): void {
	const primitives = nodes.flatMap((node) => node.getMesh()?.listPrimitives() ?? []);
	if (primitives.length === 0) return;
	const bounds = [Infinity, Infinity, Infinity, -Infinity, -Infinity, -Infinity];
	for (const primitive of primitives) {
		const positions = primitive.getAttribute('POSITION')?.getArray();
		if (positions instanceof Float32Array) expandBounds(positions, bounds);
	}
	const offset: [number, number, number] = [0, 1, 2].map((axis) => (bounds[axis] + bounds[axis + 3]) / 2) as [number, number, number];
	const scale = Math.max(...[0, 1, 2].map((axis) => (bounds[axis + 3] - bounds[axis]) / 2)) || 1;
	for (const primitive of primitives) {
		const positions = primitive.getAttribute('POSITION');
		const array = positions?.getArray();
		if (!positions || !(array instanceof Float32Array)) continue;
		positions.setArray(quantizeSigned(array, offset, scale, positionBits)).setNormalized(true);
	}
	for (const node of nodes) node.setTranslation(offset).setScale([scale, scale, scale]);
}

function withinUnitRange(array: Float32Array): boolean {
	for (let i = 0; i < array.length; i++) if (!(array[i] >= 0 && array[i] <= 1)) return false;
	return true;
}

/** Grows [minX, minY, minZ, maxX, maxY, maxZ] `bounds` over xyz `positions`. */
function expandBounds(positions: Float32Array, bounds: number[]): void {
	for (let i = 0; i < positions.length; i += 3) {
		for (let axis = 0; axis < 3; axis++) {
			const value = positions[i + axis];
			if (value < bounds[axis]) bounds[axis] = value;
			if (value > bounds[axis + 3]) bounds[axis + 3] = value;
		}
	}
}

/**
 * Values in [0, 1] as normalized Uint16 with `bits` of precision, the low bits repeating the high ones
 * so 1 maps to 65535 (glTF-Transform's layout).
 */
function quantizeUnit(values: Float32Array, bits: number): Uint16Array {
	const steps = 2 ** bits - 1;
	const low = 16 - bits;
	const high = 2 * bits - 16;
	const quantized = new Uint16Array(values.length);
	for (let i = 0; i < values.length; i++) {
		const level = Math.round(values[i] * steps);
		quantized[i] = (level << low) | (level >> high);
	}
	return quantized;
}

/** (value − offset) / scale per xyz position as normalized Int16 with `bits` of precision (sign included). */
function quantizeSigned(positions: Float32Array, offset: [number, number, number], scale: number, bits: number): Int16Array {
	const steps = 2 ** (bits - 1) - 1;
	const low = 16 - bits;
	const high = 2 * (bits - 1) - 15;
	const quantized = new Int16Array(positions.length);
	for (let i = 0; i < positions.length; i++) {
		const unit = Math.min(1, Math.max(-1, (positions[i] - offset[i % 3]) / scale));
		const level = Math.round(Math.abs(unit) * steps);
		quantized[i] = ((level << low) | (level >> high)) * Math.sign(unit);
	}
	return quantized;
}
