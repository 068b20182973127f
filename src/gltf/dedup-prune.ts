import {AnimationChannel, BufferUtils, type Document, type Property, PropertyType, Root} from '@gltf-transform/core';

/**
 * Whether glTF-Transform's `dedup()` and `prune({keepExtras: true, keepSolidTextures: true})` could change
 * `document`: false only when this can tell they would leave it exactly as it is, true otherwise
 * (including whenever it is unsure). optimizeDocument imports @gltf-transform/functions and runs them only
 * when this says true.
 *
 * Why (issue 15, start-up and loading only what a command needs): the documents sceneToDocument builds
 * have nothing to merge or remove (one distinct texture, material, mesh and set of accessors per layer,
 * every node in the scene), yet importing @gltf-transform/functions cost 65–135 ms of CPU per build
 * (moon.jpg, depthy_hut at 1024 px, ten builds), most of it ndarray's operations generated as code when
 * loaded, against ~5 ms for dedup and prune themselves. moon, shelf and hut, a camera path, the unity
 * preset, `--format gltf --no-compress`: byte-identical files with and without the two transforms.
 *
 * The rules mirror glTF-Transform 4.5's dedup.ts and prune.ts, each made stricter where that was simpler:
 * - dedup merges accessors of equal count, type, component type, normalization and bytes (here: any two
 *   accessors, not just those of the same role), textures of equal MIME type and image bytes, materials
 *   equal in every property (here: each has its own base-colour texture, so none can be equal once the
 *   textures differ), meshes whose primitives use the same accessors and materials, and skins;
 * - prune removes what no other property uses (nodes outside every scene and node, meshes, cameras,
 *   primitives, materials, textures, accessors, buffers, samplers), empty meshes, empty leaf nodes,
 *   channels without a target, vertex attributes the material does not use (NORMAL, TANGENT, unused
 *   TEXCOORD_n, COLOR_n above 0), and renumbers texture coordinates with gaps.
 *
 * ```ts
 * if (mayDedupOrPrune(document)) await document.transform(dedup(), prune({keepExtras: true, keepSolidTextures: true}));
 * ```
 */
export function mayDedupOrPrune(document: Document): boolean {
	const root = document.getRoot();
	if (root.listSkins().length > 0) return true;
	for (const property of [...root.listNodes(), ...root.listMeshes(), ...root.listCameras(), ...root.listMaterials(), ...root.listTextures(), ...root.listBuffers()]) {
		if (!isReferenced(property)) return true;
	}
	for (const node of root.listNodes()) {
		if (!node.getMesh() && !node.getCamera() && node.listChildren().length === 0) return true;
	}
	if (primitivesMayChange(document) || accessorsMayChange(document) || texturesMayChange(document)) return true;
	for (const animation of root.listAnimations()) {
		if (animation.listChannels().length === 0) return true;
		if (animation.listChannels().some((channel) => !channel.getTargetNode())) return true;
		if (animation.listSamplers().some((sampler) => !isReferenced(sampler))) return true;
	}
	return false;
}

/** prune's test of use: a parent other than the root (and than an animation channel). */
function isReferenced(property: Property): boolean {
	return property.listParents().some((parent) => !(parent instanceof Root) && !(parent instanceof AnimationChannel));
}

/** Meshes, their primitives and materials: anything prune or dedup could touch there. */
function primitivesMayChange(document: Document): boolean {
	const root = document.getRoot();
	// A primitive or morph target anywhere on the graph outside a mesh (prune's indirect tree shake).
	for (const edge of document.getGraph().listEdges()) {
		const parent = edge.getParent();
		if (parent.propertyType === PropertyType.PRIMITIVE_TARGET) return true;
		if (parent.propertyType === PropertyType.PRIMITIVE && !isReferenced(parent)) return true;
	}
	const usedAccessors = new Set<Property>();
	const textures = new Set<Property>();
	for (const mesh of root.listMeshes()) {
		const primitives = mesh.listPrimitives();
		if (primitives.length === 0) return true;
		for (const primitive of primitives) {
			const material = primitive.getMaterial();
			const texture = material?.getBaseColorTexture();
			if (!material || !texture || textures.has(texture)) return true;
			textures.add(texture);
			if (material.getEmissiveTexture() || material.getNormalTexture() || material.getOcclusionTexture() || material.getMetallicRoughnessTexture()) return true;
			if (material.listExtensions().some((extension) => extension.extensionName !== 'KHR_materials_unlit')) return true;
			if (material.getBaseColorTextureInfo()?.getTexCoord() !== 0) return true;
			if (primitive.listTargets().length > 0) return true;
			for (const semantic of primitive.listSemantics()) {
				if (semantic !== 'POSITION' && semantic !== 'TEXCOORD_0' && !semantic.startsWith('_')) return true;
			}
			// Two primitives sharing an accessor could make two meshes equal to dedup.
			for (const accessor of [...primitive.listAttributes(), primitive.getIndices()]) {
				if (!accessor) continue;
				if (usedAccessors.has(accessor)) return true;
				usedAccessors.add(accessor);
			}
		}
	}
	return false;
}

/** Any accessor unused, sparse, or equal to another in count, type, component type, normalization and bytes. */
function accessorsMayChange(document: Document): boolean {
	const groups = new Map<string, Uint8Array[]>();
	for (const accessor of document.getRoot().listAccessors()) {
		const array = accessor.getArray();
		if (!array || accessor.getSparse() || !isReferenced(accessor)) return true;
		const key = [accessor.getCount(), accessor.getType(), accessor.getComponentType(), accessor.getNormalized()].join(':');
		const bytes = BufferUtils.toView(array);
		const group = groups.get(key);
		if (!group) {
			groups.set(key, [bytes]);
			continue;
		}
		if (group.some((other) => BufferUtils.equals(other, bytes))) return true;
		group.push(bytes);
	}
	return false;
}

/** Two textures of the same MIME type with the same image bytes (or one without an image). */
function texturesMayChange(document: Document): boolean {
	const textures = document.getRoot().listTextures();
	for (let i = 0; i < textures.length; i++) {
		const a = textures[i].getImage();
		if (!a) return true;
		for (let j = i + 1; j < textures.length; j++) {
			const b = textures[j].getImage();
			if (textures[i].getMimeType() === textures[j].getMimeType() && b && BufferUtils.equals(a, b)) return true;
		}
	}
	return false;
}
