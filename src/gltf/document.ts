import {Accessor, Document, Logger, TextureInfo} from '@gltf-transform/core';
import {EXTTextureWebP, KHRMaterialsUnlit, KHRTextureBasisu} from '@gltf-transform/extensions';

import type {Scene} from '../scene/scene.js';
import {LAYER_ZERO_QUALITY_BOOST, LayerTextureEncoder, TEXTURE_MIME_TYPES, type TextureFormat} from './texture-encode.js';

/**
 * Scene → glTF-Transform Document.
 *
 * Layout: one glTF scene holding a `camera` node (at the origin, glTF cameras look down -Z with +Y up,
 * exactly the Scene's camera) and one node + mesh per layer named `layer-<index>`. Materials are
 * KHR_materials_unlit (the photo already holds the lighting), single-sided, opaque, with a linear,
 * mipmapped, clamp-to-edge sampler. Every vertex also carries its layer index as `_FEATURE_ID_0`
 * (UNSIGNED_BYTE, or UNSIGNED_SHORT past 255 layers; the EXT_mesh_features naming, without declaring
 * that extension). That name is chosen because gltfpack keeps exactly `_ID`, `_BATCHID` and
 * `_FEATURE_ID_*` among custom attributes (meshoptimizer pull request #568; it re-encodes them as
 * floats) and drops other '_' attributes; not run here, gltfpack is not installed. The attribute is
 * excluded from quantization in optimize.ts so ids stay exact integers.
 */

/** Where the scene came from; written to `asset.extras` (and the layer statistics to the scene's extras). */
export interface SceneMetadata {
	/** Version of ldi-gltf that wrote the file. */
	toolVersion: string;
	/** File name of the source photo ('' when built from memory). */
	sourceFile: string;
	/** Where disparity came from: 'supplied' for a depth file, else the model's name. */
	depthSource: string;
	/** Depth file or model file name, when there is one. */
	depthFile?: string;
	/** The options the scene was built with (flags of the command, options of the library). */
	options?: Record<string, unknown>;
	/** Per-layer statistics (triangles, vertices, texture sizes…), as the mesh builder reported them. */
	layerStats?: unknown[];
}

/** Options for {@link sceneToDocument}. */
export interface SceneToDocumentOptions {
	textureFormat: TextureFormat;
	/** Lossy texture quality 1–100. */
	textureQuality: number;
	/**
	 * Added to `textureQuality` (capped at 100) for layer 0, the texture the photo's own view shows.
	 * Measured on moon.jpg at 1024 px (WebP, sharp effort 2): q90 37.2 dB / 433 kB, q95 39.1 dB / 569 kB,
	 * q98 40.1 dB / 691 kB, q100 40.3 dB / 1.21 MB (4:2:0 chroma caps lossy WebP near 40 dB); lossless
	 * 1.68 MB. The boost of 8 (q98) is the knee.
	 */
	layerZeroQualityBoost: number;
	/**
	 * Encoder whose started encodings to reuse (see {@link LayerTextureEncoder}); its format and
	 * qualities then replace the three fields above.
	 */
	textureEncoder?: LayerTextureEncoder;
}

export const SCENE_TO_DOCUMENT_DEFAULTS: SceneToDocumentOptions = {textureFormat: 'webp', textureQuality: 90, layerZeroQualityBoost: LAYER_ZERO_QUALITY_BOOST};

/** Name of the node and mesh of layer `layerIndex`. */
export function layerNodeName(layerIndex: number): string {
	return `layer-${layerIndex}`;
}

/**
 * Builds the glTF document of `scene` (textures encoded with sharp in the requested format). Optimize
 * it with {@link optimizeDocument} and write it with {@link writeGlb}.
 *
 * ```ts
 * const document = await sceneToDocument(scene, {toolVersion: '0.1.0', sourceFile: 'moon.jpg', depthSource: 'supplied'});
 * const glb = await writeGlb(await optimizeDocument(document, {preset: 'three'}));
 * ```
 */
export async function sceneToDocument(
	scene: Scene,
	metadata: SceneMetadata,
	options: Partial<SceneToDocumentOptions> = {},
): Promise<Document> {
	const settings = {...SCENE_TO_DOCUMENT_DEFAULTS, ...options};
	const encoder = settings.textureEncoder ?? new LayerTextureEncoder({
		format: settings.textureFormat, quality: settings.textureQuality, layerZeroQualityBoost: settings.layerZeroQualityBoost,
	});
	const textureFormat = encoder.format;
	// glTF-Transform logs each pruned accessor at info level; a CLI's stderr is for progress lines.
	const document = new Document().setLogger(new Logger(Logger.Verbosity.WARN));
	const buffer = document.createBuffer();
	const unlit = document.createExtension(KHRMaterialsUnlit);
	if (textureFormat === 'webp') document.createExtension(EXTTextureWebP).setRequired(true);
	// Required, without a fallback image: a PNG/JPEG fallback would more than double the file.
	if (textureFormat === 'ktx2') document.createExtension(KHRTextureBasisu).setRequired(true);

	const {camera, depthRange, comfortRange} = scene;
	const gltfScene = document.createScene('ldi-scene');
	const gltfCamera = document.createCamera('photo-camera')
		.setType('perspective')
		.setYFov(camera.fovYRadians)
		.setAspectRatio(camera.width / camera.height)
		.setZNear(camera.znearMeters)
		.setZFar(camera.zfarMeters);
	gltfScene.addChild(document.createNode('camera').setCamera(gltfCamera));

	// All textures at once: sharp encodes them on its own thread pool.
	const encoded = await Promise.all(scene.layers.map((layer) => encoder.encode(layer.layerIndex, layer.texture)));
	const featureIdType = scene.layers.some((layer) => layer.layerIndex > 255) ? Accessor.ComponentType.UNSIGNED_SHORT : Accessor.ComponentType.UNSIGNED_BYTE;
	scene.layers.forEach((layer, i) => {
		const name = layerNodeName(layer.layerIndex);
		const vertexCount = layer.positions.length / 3;
		const texture = document.createTexture(name)
			.setImage(encoded[i])
			.setMimeType(TEXTURE_MIME_TYPES[textureFormat])
			.setURI(`${name}.${textureFormat === 'jpeg' ? 'jpg' : textureFormat}`);
		const material = document.createMaterial(name)
			.setBaseColorTexture(texture)
			.setDoubleSided(false)
			.setAlphaMode('OPAQUE')
			.setMetallicFactor(0)
			.setRoughnessFactor(1)
			.setExtension('KHR_materials_unlit', unlit.createUnlit());
		const textureInfo = material.getBaseColorTextureInfo() as TextureInfo;
		textureInfo
			.setMinFilter(TextureInfo.MinFilter.LINEAR_MIPMAP_LINEAR)
			.setMagFilter(TextureInfo.MagFilter.LINEAR)
			.setWrapS(TextureInfo.WrapMode.CLAMP_TO_EDGE)
			.setWrapT(TextureInfo.WrapMode.CLAMP_TO_EDGE);

		const featureIds = featureIdType === Accessor.ComponentType.UNSIGNED_BYTE
			? new Uint8Array(vertexCount).fill(layer.layerIndex)
			: new Uint16Array(vertexCount).fill(layer.layerIndex);
		const indices = vertexCount <= 65535 ? Uint16Array.from(layer.indices) : layer.indices;
		const primitive = document.createPrimitive()
			.setAttribute('POSITION', document.createAccessor(`${name}-position`, buffer).setType('VEC3').setArray(layer.positions))
			.setAttribute('TEXCOORD_0', document.createAccessor(`${name}-uv`, buffer).setType('VEC2').setArray(layer.uvs))
			.setAttribute('_FEATURE_ID_0', document.createAccessor(`${name}-layer-id`, buffer).setType('SCALAR').setArray(featureIds))
			.setIndices(document.createAccessor(`${name}-indices`, buffer).setType('SCALAR').setArray(indices))
			.setMaterial(material);
		const mesh = document.createMesh(name).addPrimitive(primitive);
		gltfScene.addChild(document.createNode(name).setMesh(mesh).setExtras({layerIndex: layer.layerIndex, ...(layer.backdrop ? {backdrop: true} : {})}));
	});

	const asset = document.getRoot().getAsset();
	asset.generator = `ldi-gltf ${metadata.toolVersion}`;
	asset.extras = {
		ldiGltf: {
			toolVersion: metadata.toolVersion,
			sourceFile: metadata.sourceFile,
			depthSource: metadata.depthSource,
			...(metadata.depthFile === undefined ? {} : {depthFile: metadata.depthFile}),
			fovYRadians: camera.fovYRadians,
			fovYDegrees: camera.fovYRadians * 180 / Math.PI,
			imageWidth: camera.width,
			imageHeight: camera.height,
			depthRange: {nearMeters: depthRange.nearMeters, farMeters: depthRange.farMeters},
			// Viewers clamp their camera to it (viewer/comfort-range.ts reads exactly these five fields).
			...(comfortRange === undefined ? {} : {comfortRange: {
				lateralMeters: comfortRange.lateralMeters,
				verticalMeters: comfortRange.verticalMeters,
				forwardMeters: comfortRange.forwardMeters,
				orbitDegrees: comfortRange.orbitDegrees,
				orbitPivotMeters: comfortRange.orbitPivotMeters,
			}}),
			options: metadata.options ?? {},
		},
	};
	gltfScene.setExtras({
		layerCount: scene.layers.length,
		layers: metadata.layerStats ?? scene.layers.map((layer) => ({
			layerIndex: layer.layerIndex,
			triangles: layer.indices.length / 3,
			vertices: layer.positions.length / 3,
			textureWidth: layer.texture.width,
			textureHeight: layer.texture.height,
		})),
	});
	return document;
}
