import {type Document, NodeIO} from '@gltf-transform/core';
import {ALL_EXTENSIONS} from '@gltf-transform/extensions';

import {meshoptEncoder} from './meshopt.js';

/** A NodeIO that knows every extension the writer may use, with the meshopt encoder registered. */
async function createWriterIo(): Promise<NodeIO> {
	return new NodeIO().registerExtensions(ALL_EXTENSIONS).registerDependencies({'meshopt.encoder': await meshoptEncoder()});
}

/**
 * Serializes `document` as a binary glTF (.glb). The caller writes the bytes (atomically).
 *
 * ```ts
 * await writeFileAtomic('moon.glb', await writeGlb(document));
 * ```
 */
export async function writeGlb(document: Document): Promise<Uint8Array> {
	return (await createWriterIo()).writeBinary(document);
}

/**
 * Serializes `document` as `<baseName>.gltf` + `<baseName>.bin` + one image file per texture
 * (`<baseName>-layer-0.webp`, …), returned as file name → bytes (names relative to the .gltf) for the
 * caller to write atomically. Every name starts with `baseName`, so the scenes of several photos share
 * one folder without overwriting each other's images.
 *
 * ```ts
 * for (const [name, bytes] of await writeGltfFiles(document, 'moon')) await writeFileAtomic(join(dir, name), bytes);
 * ```
 */
export async function writeGltfFiles(document: Document, baseName: string): Promise<Map<string, Uint8Array>> {
	const io = await createWriterIo();
	for (const buffer of document.getRoot().listBuffers()) buffer.setURI(`${baseName}.bin`);
	document.getRoot().listTextures().forEach((texture, index) => {
		const name = texture.getURI() || `texture-${index}.${texture.getMimeType().split('/')[1] ?? 'bin'}`;
		if (!name.startsWith(`${baseName}-`)) texture.setURI(`${baseName}-${name}`);
	});
	const {json, resources} = await io.writeJSON(document, {basename: baseName});
	const files = new Map<string, Uint8Array>();
	files.set(`${baseName}.gltf`, new TextEncoder().encode(JSON.stringify(json, null, 2)));
	for (const [name, bytes] of Object.entries(resources)) files.set(name, bytes);
	return files;
}
