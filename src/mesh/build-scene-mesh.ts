import {isMainThread} from 'node:worker_threads';

import type {RgbaImage} from '../image/raster.js';
import {type Ldi, pixelsPerLayer} from '../ldi/ldi.js';
import {collectGarbage} from '../memory/collect-garbage.js';
import {type DepthRange, type LayerMesh, type Scene, sceneCamera} from '../scene/scene.js';
import {PremergeThread} from './premerge-thread.js';
import {SIMPLIFY_DEFAULTS, simplifyLayers, type SimplifyOptions, type UnprojectCamera} from './simplify.js';
import {appendPixelSplats, unionBoundaryPixels} from './pixel-splats.js';
import {type BackdropOptions, meshBackdrop} from './backdrop.js';
import {meshBorderLayer} from './border-mesh.js';
import {bakeLayerTexture, layerZeroPhotoTexture, layerZeroUvs, layerZeroUvScale, type PhotoTexture, TEXTURE_DEFAULTS, type TextureOptions} from './texture.js';
import {SPLIT_CHARTS_DEFAULTS, splitLayerIntoTiles, type SplitChartsOptions} from './split-charts.js';
import {type LayerCells, latticeTriangleCount, type LayerTriangles, triangulateLdi, triangulateLdiWithCells} from './triangulate.js';

/**
 * Options for {@link ldiToScene}: simplification, texture and chart options together
 * (`tileSizePixels` 0 keeps whole connected components as charts).
 */
export interface LdiToSceneOptions extends Omit<SimplifyOptions, 'splitLayerZero'>, TextureOptions, SplitChartsOptions {
	/**
	 * Long side, pixels, at which `simplifyErrorPixels` applies as given; larger photos get it scaled by
	 * long side / this, the mesh of this size with finer textures (0: never scaled). Depth maps rarely hold
	 * more. moon upscaled to 4096 px: 404 k → 97 k layer triangles, simplify stage 15.8 → 4.0 s.
	 */
	simplifyErrorReferencePixels: number;
	/**
	 * The LDI's frame-border layer (buildLdi's `stats.borderLayerIndex`), meshed straight from its
	 * layout (border-mesh.ts) when it is laid out as buildLdi makes it; -1: none, every layer goes through
	 * the lattice path.
	 */
	borderLayerIndex: number;
	/**
	 * Add a pixel-sized quad for every photo pixel on the boundary of the whole surface, so GPUs leave no
	 * empty pixel where a silhouette has nothing behind it (see pixel-splats.ts).
	 */
	pixelSplats: boolean;
	/**
	 * Simplify layer 0 (simplify.ts) on a worker thread while this thread bakes the textures and
	 * simplifies the other layers (on the main thread, for photos from `premergeWorkerMinPixels` to 2048²
	 * pixels). The same triangles either way: layer 0 of such photos is simplified in two parts by rows
	 * wherever it runs (SimplifyOptions.splitLayerZero), so a photo built inside a `--jobs` worker, which
	 * has no second thread, gets the very scene the main thread makes.
	 */
	premergeWorker: boolean;
	/**
	 * Smallest photo, pixels, whose layer 0 is simplified on a worker thread (and split in two parts). The
	 * worker costs ~0.3 s of CPU and ~30 MB: at 1024 px it saved 60–250 ms of wall for that; at 2048 px 0.54 s.
	 */
	premergeWorkerMinPixels: number;
	/**
	 * Called with each layer's texture once it is baked, e.g. to start encoding it on sharp's threads
	 * while the meshes are simplified: layer 0's at once, the inpainted layers' when this thread has
	 * pre-merged its layers (see ldiToScene).
	 */
	onTextureBaked?: (layerIndex: number, texture: RgbaImage) => void;
	/**
	 * Layer 0's texture, made from the photo with the same texture options before the LDI existed
	 * (see photoTexture); made here when absent.
	 */
	photoTexture?: PhotoTexture;
	/**
	 * Add the backdrop (backdrop.ts) as the highest layer: a coarse sheet behind everything that leaves
	 * no empty pixel where a move looks deeper behind an edge, or past the frame, than the LDI reaches.
	 * buildScene turns it on, sized for the comfort range.
	 */
	backdrop: boolean;
	/** Backdrop settings (its reach past the frame: `extendPixels`). */
	backdropOptions: Partial<BackdropOptions>;
}

export const LDI_TO_SCENE_DEFAULTS: LdiToSceneOptions = {
	...SIMPLIFY_DEFAULTS, ...TEXTURE_DEFAULTS, ...SPLIT_CHARTS_DEFAULTS, simplifyErrorReferencePixels: 1024, borderLayerIndex: -1, pixelSplats: true, premergeWorker: true,
	premergeWorkerMinPixels: 1536 * 1024,
	backdrop: false, backdropOptions: {},
};

/** The simplification fields of `settings` (plain data a worker can be sent), with layer 0's split for `ldi`. */
function pickSimplifyOptions(ldi: Ldi, settings: LdiToSceneOptions): SimplifyOptions {
	const {parallaxRangePixels, textureSwimWeight, planarMergeSwimPixels, triangleBudget, meshoptimizer} = settings;
	const longSide = Math.max(ldi.width, ldi.height);
	const reference = settings.simplifyErrorReferencePixels;
	const simplifyErrorPixels = settings.simplifyErrorPixels * (reference > 0 ? Math.max(1, longSide / reference) : 1);
	const splitLayerZero = inPremergeWorkerRange(ldi, settings);
	return {simplifyErrorPixels, parallaxRangePixels, textureSwimWeight, planarMergeSwimPixels, triangleBudget, meshoptimizer, splitLayerZero};
}

/** Figures of one layer, before and after simplification. */
export interface LayerMeshStats {
	layerIndex: number;
	trianglesBeforeSimplify: number;
	verticesBeforeSimplify: number;
	/** Triangles after the planar pre-merge (planar-quadtree.ts), before meshoptimizer. */
	trianglesAfterPlanarMerge: number;
	triangles: number;
	vertices: number;
	/** Error meshoptimizer reports, pixels of parallax. */
	simplifyErrorPixels: number;
	textureWidth: number;
	textureHeight: number;
	chartCount: number;
}

/** What {@link ldiToScene} did and how long each step took. */
export interface SceneMeshStats {
	layers: LayerMeshStats[];
	triangles: number;
	vertices: number;
	triangulateMs: number;
	simplifyMs: number;
	texturesMs: number;
	/** Layer 0 was pre-merged on a worker thread (see `premergeWorker`). */
	layerZeroPremergedOnWorker: boolean;
}

/** Options for {@link defaultDepthRange}. */
export interface DefaultDepthRangeOptions {
	/** Depth of disparity 1, metres. */
	nearMeters: number;
	/** far / near. */
	depthRatio: number;
}

export const DEFAULT_DEPTH_RANGE_DEFAULTS: DefaultDepthRangeOptions = {nearMeters: 1, depthRatio: 10};

/**
 * The depth range used when the depth source has no metric scale: disparity 1 at 1 m, disparity 0 at
 * 10 m. Why 10: parallax between near and far is proportional to 1/near - 1/far, and a ratio of 10
 * already gives 90% of what an infinitely far background would, while keeping the scene compact enough
 * that 16-bit KHR_mesh_quantization of a layer spanning 10 m moves a vertex at 1 m by less than
 * 0.2 pixel at 1024 px (a ratio of 100 would be ~1.6 px, visibly shearing the texture). 1 m for the
 * nearest point gives engine-scale motion: a 5 cm head move shifts the nearest point by ~5% of the
 * image width with the default field of view.
 *
 * ```ts
 * const range = defaultDepthRange();            // {nearMeters: 1, farMeters: 10}
 * const wide = defaultDepthRange({depthRatio: 20});
 * ```
 */
export function defaultDepthRange(options: Partial<DefaultDepthRangeOptions> = {}): DepthRange {
	const {nearMeters, depthRatio} = {...DEFAULT_DEPTH_RANGE_DEFAULTS, ...options};
	return {nearMeters, farMeters: nearMeters * depthRatio};
}

/**
 * LDI → {@link Scene}: triangulates every layer from its links (layer 0, when simplified, as its fully
 * linked cells, pre-merged straight from the LDI: see mergePlanarPixelCells), splits inpainted layers into tiled
 * charts, simplifies each layer with the error bounded in pixels of parallax, unprojects it to metres
 * and bakes one texture per layer (layer 0 = the photo). The frame-border layer, when
 * `borderLayerIndex` names it, is meshed and textured straight from its layout instead (border-mesh.ts;
 * its time counts as textures). Asynchronous because meshoptimizer's WebAssembly must be ready. Stats'
 * `triangulateMs` includes the chart split.
 *
 * Textures are baked before simplification so `onTextureBaked` can start their encoding on sharp's
 * threads while this thread simplifies (moon's glTF stage 485 → 250 ms); the inpainted layers' only
 * after this thread's pre-merge, or they compete with both pre-merges for the two cores. Layer 0 (~70 %
 * of the lattice triangles) of a photo above `premergeWorkerMinPixels` is simplified on a worker
 * (premerge-thread.ts) over SharedArrayBuffers, with this thread taking its bottom rows when it keeps
 * more than half (CALLER_MESHOPT_SHARE): moon 2674 → 2575 ms, hut 3023 → 2819 ms per build when 1024-px
 * photos used it; since simplification got cheaper it pays only above that size. Cloning the LDI to
 * the worker instead gained nothing; warming the worker up, pre-merging layer 0 during the inpainting,
 * and encoding textures one at a time all made builds slower (figures in this file's commit history
 * and bench/RESULTS.md).
 *
 * ```ts
 * const {scene, stats} = await ldiToScene(ldi, {fovYRadians: photo.fovYRadians}, defaultDepthRange());
 * console.log(stats.triangles, 'triangles in', stats.layers.length, 'layers');
 * ```
 */
export async function ldiToScene(
	ldi: Ldi,
	camera: {fovYRadians: number},
	depthRange: DepthRange,
	options: Partial<LdiToSceneOptions> = {},
): Promise<{scene: Scene; stats: SceneMeshStats}> {
	const settings = {...LDI_TO_SCENE_DEFAULTS, ...options};
	const intrinsics = {width: ldi.width, height: ldi.height, fovYRadians: camera.fovYRadians};
	const premergeThread = premergeWorkerPays(ldi, settings) ? new PremergeThread() : undefined;
	try {
		return await meshLayers(ldi, camera, depthRange, settings, intrinsics, premergeThread);
	} finally {
		void premergeThread?.terminate();
	}
}

/** The UVs of the kept vertices (`sourceVertices` index the triangulated layer's `uvs`). */
function keptVertexUvs(uvs: Float32Array, sourceVertices: Int32Array): Float32Array {
	const kept = new Float32Array(sourceVertices.length * 2);
	for (let v = 0; v < sourceVertices.length; v++) {
		kept[v * 2] = uvs[sourceVertices[v] * 2];
		kept[v * 2 + 1] = uvs[sourceVertices[v] * 2 + 1];
	}
	return kept;
}

/**
 * Photos above this many pixels simplify layer 0 here: with the worker, its arrays coexist with this
 * thread's (moon.jpg upscaled to 4096 px: peak RSS 3.1 → 3.8 GB, against a 4 GB limit).
 */
const MAX_PREMERGE_WORKER_PIXELS = 2048 * 2048;

/** Whether `ldi`'s photo is neither too small nor too big for layer 0 to be simplified on a worker. */
function inPremergeWorkerRange(ldi: Ldi, settings: LdiToSceneOptions): boolean {
	const photoPixels = ldi.width * ldi.height;
	return photoPixels >= settings.premergeWorkerMinPixels && photoPixels <= MAX_PREMERGE_WORKER_PIXELS;
}

/**
 * Whether simplifying layer 0 on a worker pays: simplification on, a photo neither too small nor too
 * big, and the main thread (inside `--jobs` build workers both cores are busy already). Only the speed
 * depends on it, never the triangles (see `premergeWorker`).
 */
function premergeWorkerPays(ldi: Ldi, settings: LdiToSceneOptions): boolean {
	return settings.premergeWorker && settings.simplifyErrorPixels > 0 && isMainThread && inPremergeWorkerRange(ldi, settings);
}

/**
 * What runs once this thread has pre-merged its layers: the pre-merge's WebAssembly memory (moon's layer
 * 0: ~19 MB resident) is collected before meshoptimizer grows its own, then the textures baked later go
 * to `onTextureBaked`. Made outside meshLayers: a closure made there shares its context, which holds the
 * LDI, and sharp keeps its caller's stack (an Error whose call sites hold their closures) until an encode
 * ends, which kept moon's LDI (~65 MB) alive into the glTF stage.
 */
function afterPremerge(
	bakedLater: ReadonlyArray<{layerIndex: number; texture: RgbaImage}>, onTextureBaked: LdiToSceneOptions['onTextureBaked'],
): () => void {
	return () => {
		collectGarbage();
		for (const {layerIndex, texture} of bakedLater) onTextureBaked?.(layerIndex, texture);
	};
}

async function meshLayers(
	ldi: Ldi, camera: {fovYRadians: number}, depthRange: DepthRange, settings: LdiToSceneOptions, intrinsics: UnprojectCamera,
	premergeThread: PremergeThread | undefined,
): Promise<{scene: Scene; stats: SceneMeshStats}> {
	// The LDI stage's garbage (its frame strips' work) goes before the layers are triangulated.
	collectGarbage();
	let start = performance.now();
	const border = settings.borderLayerIndex >= 0
		? meshBorderLayer(ldi, settings.borderLayerIndex, intrinsics, depthRange, {...settings, pieceLengthPixels: settings.tileSizePixels || Infinity})
		: undefined;
	// Inpainted layers' textures, handed to onTextureBaked once this thread has pre-merged its layers.
	const bakedLater: Array<{layerIndex: number; texture: RgbaImage}> = [];
	if (border) bakedLater.push(border.mesh);
	const borderMs = performance.now() - start;

	start = performance.now();
	const eighthTurnsByPixel = settings.pixelSplats ? new Uint8Array(ldi.count) : undefined;
	// The border's lattice triangles still count in the eighth turns: the splats see the frame as before.
	const triangulateOptions = {eighthTurnsByPixel, omitLayer: border ? border.mesh.layerIndex : -1};
	// Layer 0 (moon.jpg: 2.08 of 2.97 M lattice triangles) is meshed straight from the LDI's cells when
	// it is simplified: no lattice mesh is made for it (see mergePlanarPixelCells).
	const {layerZero, layers: otherLayers} = settings.simplifyErrorPixels > 0
		? triangulateLdiWithCells(ldi, triangulateOptions)
		: {layerZero: undefined, layers: triangulateLdi(ldi, triangulateOptions)};
	// Its pre-merge runs on the worker while this thread bakes the textures and pre-merges the other layers.
	const simplifyOptions = pickSimplifyOptions(ldi, settings);
	const layerZeroPremerge = premergeThread && layerZero
		? premergeThread.premerge({ldi, layer: layerZero, camera: intrinsics, depthRange, options: simplifyOptions})
		: undefined;
	const triangulated: Array<LayerTriangles | LayerCells> = otherLayers.map((layer) => (layer.layerIndex > 0 && settings.tileSizePixels > 0
		? splitLayerIntoTiles(ldi, layer, settings)
		: layer));
	if (layerZero) triangulated.unshift(layerZero);
	const triangulateMs = performance.now() - start;

	start = performance.now();
	// Layer 0's texture is the photo; its UVs are made below for the vertices simplification keeps only.
	const photo = settings.photoTexture ?? layerZeroPhotoTexture(ldi, settings);
	const bakedTextures = triangulated.map((source) => {
		if (source.layerIndex === 0) {
			settings.onTextureBaked?.(0, photo.texture);
			return {texture: photo.texture, uvs: new Float32Array(0), chartCount: 1, scale: photo.scale};
		}
		if ('blocks' in source) throw new Error('ldiToScene: only layer 0 is meshed from cells');
		const baked = bakeLayerTexture(ldi, source, settings);
		bakedLater.push({layerIndex: source.layerIndex, texture: baked.texture});
		return baked;
	});
	let texturesMs = performance.now() - start + borderMs;

	start = performance.now();
	// The splats' two triangles per boundary pixel come out of the same triangle budget.
	const splatPixels = eighthTurnsByPixel ? unionBoundaryPixels(ldi, eighthTurnsByPixel) : new Int32Array(0);
	const borderTriangles = border ? border.mesh.indices.length / 3 : 0;
	const backdrop = settings.backdrop ? meshBackdrop(ldi, pixelsPerLayer(ldi).length, intrinsics, depthRange, settings.backdropOptions) : undefined;
	const backdropTriangles = backdrop ? backdrop.indices.length / 3 : 0;
	if (backdrop) bakedLater.push({layerIndex: backdrop.layerIndex, texture: backdrop.texture});
	const simplified = await simplifyLayers(ldi, triangulated, intrinsics, depthRange, {
		...simplifyOptions, triangleBudget: Math.max(0, settings.triangleBudget - 2 * splatPixels.length - borderTriangles - backdropTriangles),
	}, [layerZeroPremerge], afterPremerge(bakedLater, settings.onTextureBaked));
	const simplifyMs = performance.now() - start;

	start = performance.now();
	const layers: LayerMesh[] = [];
	const layerStats: LayerMeshStats[] = [];
	for (let i = 0; i < triangulated.length; i++) {
		const source = triangulated[i];
		const kept = simplified[i];
		const baked = bakedTextures[i];
		const uvs = source.layerIndex === 0 ? layerZeroUvs(ldi, kept.vertexPixels, photo) : keptVertexUvs(baked.uvs, kept.sourceVertices);
		let mesh: LayerMesh = {layerIndex: source.layerIndex, positions: kept.positions, uvs, indices: kept.indices, texture: baked.texture};
		if (source.layerIndex === 0 && settings.pixelSplats) {
			const uvScale = layerZeroUvScale(ldi.width, ldi.height, photo);
			mesh = appendPixelSplats(mesh, ldi, splatPixels, intrinsics, depthRange, uvScale);
		}
		layers.push(mesh);
		layerStats.push({
			layerIndex: source.layerIndex,
			trianglesBeforeSimplify: latticeTriangleCount(source),
			verticesBeforeSimplify: 'blocks' in source ? source.vertexCount : source.vertexPixels.length,
			trianglesAfterPlanarMerge: kept.mergedTriangles,
			triangles: mesh.indices.length / 3,
			vertices: mesh.positions.length / 3,
			simplifyErrorPixels: kept.errorPixels,
			textureWidth: baked.texture.width,
			textureHeight: baked.texture.height,
			chartCount: baked.chartCount,
		});
	}
	const extraLayers = [
		...(border ? [{mesh: border.mesh, chartCount: border.chartCount}] : []),
		...(backdrop ? [{mesh: backdrop, chartCount: 1}] : []),
	];
	for (const {mesh, chartCount} of extraLayers) {
		const triangles = mesh.indices.length / 3;
		const vertices = mesh.positions.length / 3;
		layers.push(mesh);
		layerStats.push({
			layerIndex: mesh.layerIndex,
			trianglesBeforeSimplify: triangles,
			verticesBeforeSimplify: vertices,
			trianglesAfterPlanarMerge: triangles,
			triangles,
			vertices,
			simplifyErrorPixels: 0,
			textureWidth: mesh.texture.width,
			textureHeight: mesh.texture.height,
			chartCount,
		});
	}
	if (extraLayers.length > 0) {
		// buildLdi's border is its highest layer; a caller's may not be.
		layers.sort((a, b) => a.layerIndex - b.layerIndex);
		layerStats.sort((a, b) => a.layerIndex - b.layerIndex);
	}
	texturesMs += performance.now() - start;

	const scene: Scene = {
		camera: sceneCamera(ldi.width, ldi.height, camera.fovYRadians, depthRange),
		depthRange: {...depthRange},
		layers,
	};
	const stats: SceneMeshStats = {
		layers: layerStats,
		triangles: layerStats.reduce((sum, layer) => sum + layer.triangles, 0),
		vertices: layerStats.reduce((sum, layer) => sum + layer.vertices, 0),
		triangulateMs,
		simplifyMs,
		texturesMs,
		layerZeroPremergedOnWorker: premergeThread?.madeOnWorker ?? false,
	};
	return {scene, stats};
}
