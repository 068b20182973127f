/**
 * Test scenes built directly with @gltf-transform, shaped like `ldi-gltf build` output (a perspective
 * camera node reproducing a photo, an unlit textured layer, quantized + meshopt-compressed), so the
 * WebGL consumer and the camera animation can be tested without the real writer.
 */
import {Document, Logger, NodeIO, type Node} from '@gltf-transform/core';
import {ALL_EXTENSIONS, EXTMeshoptCompression, EXTTextureWebP, KHRMaterialsUnlit} from '@gltf-transform/extensions';
import {meshopt} from '@gltf-transform/functions';
import {MeshoptDecoder, MeshoptEncoder} from 'meshoptimizer';
import sharp from 'sharp';

import type {RgbImage} from '../../src/image/raster.js';

export interface QuadSceneOptions {
	/** The texture; its size is the "photo" size the camera reproduces. */
	texture: RgbImage;
	/** Texture encoding in the file. */
	textureFormat: 'png' | 'webp';
	/** Vertical field of view of the camera, radians. */
	fovYRadians: number;
	/** Distance of the quad in front of the camera, metres. */
	distanceMeters: number;
}

/** A document and its camera node, before compression. */
export interface QuadScene {
	document: Document;
	cameraNode: Node;
}

/**
 * A camera at the origin looking down -Z and one unlit quad at `distanceMeters` that exactly fills its
 * view, textured with `texture` (UV (0, 0) at the texture's top-left), so rendering the camera at the
 * texture's size reproduces the texture.
 */
export async function buildQuadScene(options: QuadSceneOptions): Promise<QuadScene> {
	const {texture, fovYRadians, distanceMeters} = options;
	const aspectRatio = texture.width / texture.height;
	const halfHeight = distanceMeters * Math.tan(fovYRadians / 2);
	const halfWidth = halfHeight * aspectRatio;
	const z = -distanceMeters;

	const document = new Document().setLogger(new Logger(Logger.Verbosity.WARN));
	const buffer = document.createBuffer();
	const raw = sharp(texture.data, {raw: {width: texture.width, height: texture.height, channels: 3}});
	const image =
		options.textureFormat === 'webp' ? await raw.webp({lossless: true}).toBuffer() : await raw.png().toBuffer();
	if (options.textureFormat === 'webp') document.createExtension(EXTTextureWebP).setRequired(true);
	const baseColor = document
		.createTexture('layer-0')
		.setImage(new Uint8Array(image))
		.setMimeType(options.textureFormat === 'webp' ? 'image/webp' : 'image/png');
	const unlit = document.createExtension(KHRMaterialsUnlit);
	const material = document
		.createMaterial('layer-0')
		.setBaseColorTexture(baseColor)
		.setExtension('KHR_materials_unlit', unlit.createUnlit());
	const positions = new Float32Array([-halfWidth, halfHeight, z, -halfWidth, -halfHeight, z, halfWidth, -halfHeight, z, halfWidth, halfHeight, z]);
	const uvs = new Float32Array([0, 0, 0, 1, 1, 1, 1, 0]);
	const primitive = document
		.createPrimitive()
		.setAttribute('POSITION', document.createAccessor().setType('VEC3').setArray(positions).setBuffer(buffer))
		.setAttribute('TEXCOORD_0', document.createAccessor().setType('VEC2').setArray(uvs).setBuffer(buffer))
		.setIndices(document.createAccessor().setType('SCALAR').setArray(new Uint16Array([0, 1, 2, 0, 2, 3])).setBuffer(buffer))
		.setMaterial(material);
	const mesh = document.createMesh('layer-0').addPrimitive(primitive);
	const camera = document
		.createCamera('photo')
		.setType('perspective')
		.setYFov(fovYRadians)
		.setAspectRatio(aspectRatio)
		.setZNear(distanceMeters / 100)
		.setZFar(distanceMeters * 10);
	const cameraNode = document.createNode('camera').setCamera(camera);
	const layerNode = document.createNode('layer-0').setMesh(mesh);
	document.createScene('scene').addChild(cameraNode).addChild(layerNode);
	document.getRoot().setDefaultScene(document.getRoot().listScenes()[0]);
	return {document, cameraNode};
}

/** Quantizes, reorders and meshopt-compresses `document` in place, the way the real writer does. */
export async function compressWithMeshopt(document: Document): Promise<void> {
	await MeshoptEncoder.ready;
	document.createExtension(EXTMeshoptCompression).setRequired(true).setEncoderOptions({method: EXTMeshoptCompression.EncoderMethod.QUANTIZE});
	await document.transform(meshopt({encoder: MeshoptEncoder, level: 'medium'}));
}

/** An IO that reads and writes every extension, meshopt included. */
export async function createNodeIo(): Promise<NodeIO> {
	await Promise.all([MeshoptEncoder.ready, MeshoptDecoder.ready]);
	return new NodeIO()
		.registerExtensions(ALL_EXTENSIONS)
		.registerDependencies({'meshopt.encoder': MeshoptEncoder, 'meshopt.decoder': MeshoptDecoder});
}

/**
 * A smooth test pattern with edges and texture at several scales (gradients, 8-px checks, a sine grating),
 * so a colour shift, a flip or a half-texel offset all cost PSNR.
 */
export function testPattern(width: number, height: number): RgbImage {
	const data = new Uint8Array(width * height * 3);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const i = (y * width + x) * 3;
			const check = ((x >> 3) + (y >> 3)) & 1;
			data[i] = Math.round((255 * x) / (width - 1));
			data[i + 1] = Math.round((255 * y) / (height - 1));
			data[i + 2] = Math.round(127.5 + 60 * Math.sin(x / 5) * Math.cos(y / 7) + (check ? 60 : -60));
		}
	}
	return {width, height, data};
}
