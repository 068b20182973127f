import {type Node, NodeIO, type vec3} from '@gltf-transform/core';
import {ALL_EXTENSIONS} from '@gltf-transform/extensions';
import {PHOTO_SIZE_LIMITS} from '../image/load.js';
import sharp from '../image/sharp.js';
import type {RgbaImage} from '../image/raster.js';
import type {DepthRange, LayerMesh, Scene} from '../scene/scene.js';
import type {ComfortRange} from '../scene/comfort-range.js';
import {meshoptDecoder} from './meshopt.js';

/**
 * .glb → Scene, for the renderer and the round-trip tests. Meshopt buffers are decoded, quantized
 * accessors are read back as floats (glTF-Transform denormalizes them) and the node transforms that
 * quantization adds are applied, textures are decoded with sharp to RGBA. Layers are the mesh nodes
 * named `layer-<index>` (any other mesh node becomes a layer numbered after them).
 */

const LAYER_NAME = /^layer-(\d+)$/;

function transformPoint(matrix: number[] | Float32Array, x: number, y: number, z: number, out: vec3): void {
	out[0] = matrix[0] * x + matrix[4] * y + matrix[8] * z + matrix[12];
	out[1] = matrix[1] * x + matrix[5] * y + matrix[9] * z + matrix[13];
	out[2] = matrix[2] * x + matrix[6] * y + matrix[10] * z + matrix[14];
}

async function decodeImage(bytes: Uint8Array): Promise<RgbaImage> {
	const {data, info} = await sharp(bytes).ensureAlpha().raw().toBuffer({resolveWithObject: true});
	return {width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength)};
}

async function readLayer(node: Node, layerIndex: number): Promise<LayerMesh> {
	const primitive = node.getMesh()?.listPrimitives()[0];
	const position = primitive?.getAttribute('POSITION');
	if (!primitive || !position) throw new Error(`${node.getName()}: mesh without positions`);
	const uv = primitive.getAttribute('TEXCOORD_0');
	const matrix = node.getWorldMatrix();
	const count = position.getCount();
	const positions = new Float32Array(count * 3);
	const uvs = new Float32Array(count * 2);
	const element: number[] = [];
	const point: vec3 = [0, 0, 0];
	for (let i = 0; i < count; i++) {
		position.getElement(i, element);
		transformPoint(matrix, element[0], element[1], element[2], point);
		positions.set(point, i * 3);
		if (uv) {
			uv.getElement(i, element);
			uvs[i * 2] = element[0];
			uvs[i * 2 + 1] = element[1];
		}
	}
	const indexAccessor = primitive.getIndices();
	const indices = indexAccessor
		? Uint32Array.from(indexAccessor.getArray() as ArrayLike<number>)
		: Uint32Array.from({length: count}, (_, i) => i);
	const baseColor = primitive.getMaterial()?.getBaseColorTexture();
	// No Basis Universal transcoder ships with the tool (only its encoder): KTX2 textures cannot be read back.
	if (baseColor?.getMimeType() === 'image/ktx2') throw new Error(`${node.getName()}: KTX2 textures (KHR_texture_basisu) cannot be read back; use the photo, or a build with --texture-format webp or jpeg`);
	const image = baseColor?.getImage();
	const texture = image ? await decodeImage(image) : {width: 1, height: 1, data: new Uint8Array([255, 255, 255, 255])};
	const backdrop = (node.getExtras() as {backdrop?: unknown}).backdrop === true;
	return {layerIndex, positions, uvs, indices, texture, ...(backdrop ? {backdrop} : {})};
}

/**
 * Reads a .glb written by ldi-gltf (or any glTF with a perspective camera and textured meshes) back
 * into a {@link Scene}.
 *
 * ```ts
 * const scene = await readSceneFromGlb(await readFile('moon.glb'));
 * console.log(scene.layers.length, 'layers');
 * ```
 */
export async function readSceneFromGlb(bytes: Uint8Array): Promise<Scene> {
	const io = new NodeIO().registerExtensions(ALL_EXTENSIONS).registerDependencies({'meshopt.decoder': await meshoptDecoder()});
	const document = await io.readBinary(bytes);
	const root = document.getRoot();
	const extras = (root.getAsset().extras as {ldiGltf?: {imageWidth?: number; imageHeight?: number; depthRange?: DepthRange; comfortRange?: ComfortRange}} | undefined)?.ldiGltf ?? {};
	const nodes = root.listNodes();

	const meshNodes = nodes.filter((node) => node.getMesh());
	const named = meshNodes.map((node) => LAYER_NAME.exec(node.getName()));
	let nextIndex = Math.max(-1, ...named.map((match) => (match ? Number(match[1]) : -1))) + 1;
	const layers = await Promise.all(meshNodes.map((node, i) => readLayer(node, named[i] ? Number(named[i][1]) : nextIndex++)));
	layers.sort((a, b) => a.layerIndex - b.layerIndex);

	const cameraNode = nodes.find((node) => node.getCamera());
	const camera = cameraNode?.getCamera();
	const fallbackTexture = layers[0]?.texture ?? {width: 1, height: 1};
	const height = extras.imageHeight ?? fallbackTexture.height;
	const aspectRatio = camera?.getAspectRatio() ?? fallbackTexture.width / fallbackTexture.height;
	const width = extras.imageWidth ?? Math.round(height * aspectRatio);
	const znearMeters = camera?.getZNear() ?? 0.1;
	const zfarMeters = camera?.getZFar() ?? 1000;
	const scene: Scene = {
		camera: {width, height, fovYRadians: camera?.getYFov() ?? Math.PI / 3, znearMeters, zfarMeters},
		depthRange: extras.depthRange ?? {nearMeters: znearMeters, farMeters: zfarMeters},
		layers,
		...(extras.comfortRange === undefined ? {} : {comfortRange: extras.comfortRange}),
	};
	checkStoredNumbers(scene);
	return scene;
}

/**
 * Refuses a scene whose stored sizes, field of view or depths the renderer cannot take (an edited or
 * another tool's file: an `imageWidth` of 0 failed deep in the renderer with "memory access out of bounds").
 */
function checkStoredNumbers({camera, depthRange}: Scene): void {
	const side = (value: number): boolean => Number.isInteger(value) && value >= 1 && value <= PHOTO_SIZE_LIMITS.maxSide;
	if (!side(camera.width) || !side(camera.height)) throw new Error(`image size ${camera.width}x${camera.height}, not 1 to ${PHOTO_SIZE_LIMITS.maxSide} px a side`);
	if (!(camera.fovYRadians > 0 && camera.fovYRadians < Math.PI)) throw new Error(`camera field of view ${camera.fovYRadians} rad, not between 0 and π`);
	if (!(camera.znearMeters > 0 && camera.zfarMeters > camera.znearMeters)) throw new Error(`camera clip range ${camera.znearMeters}–${camera.zfarMeters} m, not 0 < near < far`);
	if (!(depthRange?.nearMeters > 0 && depthRange.farMeters > depthRange.nearMeters)) throw new Error(`depth range ${JSON.stringify(depthRange)}, not 0 < near < far metres`);
}
