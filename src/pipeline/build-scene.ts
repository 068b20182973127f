import type {DepthSource, DepthEstimate} from '../depth/source.js';
import {fileError, UserError} from '../errors.js';
import {resolveDepthSource, type ResolveDepthOptions} from '../depth/resolve.js';
import {checkPhotoSize, loadPhoto, type LoadPhotoOptions, PHOTO_SIZE_LIMITS, workingSize} from '../image/load.js';
import type {Photo, RgbaImage} from '../image/raster.js';
import {buildLdi, type BuildLdiOptions, type LdiStats} from '../ldi/build-ldi.js';
import type {Ldi} from '../ldi/ldi.js';
import type {LdiDebugImages} from '../ldi/debug.js';
import {defaultDepthRange, ldiToScene, type LdiToSceneOptions, type SceneMeshStats} from '../mesh/build-scene-mesh.js';
import {photoTexture, type PhotoTexture} from '../mesh/texture.js';
import {shrinkPhoto} from '../image/shrink-photo.js';
import {backdropFarMeters} from '../mesh/backdrop.js';
import {type ComfortRange, comfortRangeFor, comfortReveal, type ComfortRangeOptions, ldiSizingForComfort, type LdiSizingOptions, medianDepthMeters} from '../scene/comfort-range.js';
import type {DepthRange, Scene} from '../scene/scene.js';
import {exactDisparitySetup, type ExactDisparityOptions, type ExactDisparitySetup} from './exact-disparity.js';

/** The stages of {@link buildScene}, in order, as reported to `onStage` and in `timingsMs`. */
export type BuildStage = 'decode' | 'depth' | 'ldi' | 'mesh';

/** Options for {@link buildScene}. */
export interface BuildSceneOptions {
	/** Photo decoding: working size, field of view, pixel limit. */
	photo: Partial<LoadPhotoOptions>;
	/**
	 * Longest side of the layered depth image, pixels (0: the photo's). A larger photo is built from a copy
	 * this size (depth, edges, inpainting, meshes) and keeps its own resolution in layer 0's texture only:
	 * depth networks see ~518 px and a supplied map is rarely larger, the hidden layers are smooth fills,
	 * and the meshes have a triangle budget, so a larger LDI costs time (moon at 4096 px: 20–23 s against
	 * 7 s) without showing. Edges are then cut to its pixels (at 2048 for a 4096-px photo, 2 texels: half a
	 * 1024-px build's share of the frame). Not applied in exact-disparity mode, whose disparities are pixels.
	 */
	ldiMaxSizePixels?: number;
	/**
	 * Where disparity comes from. A {@link DepthSource} is used as is (create it once with
	 * resolveDepthSource to reuse a model session across photos); options are resolved per call.
	 */
	depth: DepthSource | Partial<ResolveDepthOptions>;
	/** LDI engine options (inpainter, passes, thresholds, border extension, debug images). */
	ldi: Partial<BuildLdiOptions>;
	/** Meshing options (simplification error, texture size). */
	mesh: Partial<LdiToSceneOptions>;
	/**
	 * The comfort range the scene is built for and stored with (fractions of the near depth, orbit
	 * degrees; the pivot is the median depth): it sizes the LDI's frame extension and synthesis bands
	 * (`ldi.borderPixels` and `ldi.maxParallaxPercent`, when not given there).
	 */
	comfort?: Partial<ComfortRangeOptions>;
	/** How the LDI is sized from the comfort range (see scene/comfort-range.ts). */
	comfortSizing?: Partial<LdiSizingOptions>;
	/** Metric depth of disparity 1 and 0; {@link defaultDepthRange} when absent. */
	depthRange?: DepthRange;
	/**
	 * Exact-disparity mode: the depth source's raw values are true pixel disparities to a right view
	 * (see exact-disparity.ts). Its depth range and LDI/mesh settings override `depthRange` and the same
	 * fields of `ldi` and `mesh`.
	 */
	exactDisparity?: Partial<ExactDisparityOptions>;
	/** Called when a stage starts, for progress display. */
	onStage?: (stage: BuildStage) => void;
	/** Called with each layer texture as soon as it is baked (see LdiToSceneOptions.onTextureBaked). */
	onTextureBaked?: (layerIndex: number, texture: RgbaImage) => void;
}

export const BUILD_SCENE_DEFAULTS = {photo: {}, ldiMaxSizePixels: 2048, depth: {}, ldi: {}, mesh: {}, comfort: {}, comfortSizing: {}} satisfies BuildSceneOptions;

/** Everything {@link buildScene} made, with figures. */
export interface BuildSceneResult {
	photo: Photo;
	depth: DepthEstimate;
	scene: Scene;
	ldiStats: LdiStats;
	meshStats: SceneMeshStats;
	/** Present when `ldi.debug` was set. */
	debugImages?: LdiDebugImages;
	/** Present in exact-disparity mode: the pixel disparity range and the right view's baseline. */
	exactDisparity?: ExactDisparitySetup;
	/** Milliseconds per stage. */
	timingsMs: Record<BuildStage, number>;
}

/** Photo pixels per sample of the depth map as its source made it (1 when the map was made at the photo's size or larger). */
function depthSampleSpacing(depth: DepthEstimate, photo: Photo): number {
	if (!depth.nativeSize) return 1;
	return Math.max(1, photo.image.width / depth.nativeSize.width, photo.image.height / depth.nativeSize.height);
}

/**
 * The photo the LDI is built from: `photo` shrunk to `ldiMaxSizePixels` (see BuildSceneOptions); refused
 * when that leaves less than the least photo ldi-gltf builds a scene from.
 */
async function ldiSizedPhoto(photo: Photo, photoName: string, settings: BuildSceneOptions): Promise<Photo> {
	const maxSize = settings.ldiMaxSizePixels ?? BUILD_SCENE_DEFAULTS.ldiMaxSizePixels;
	if (!(Number.isInteger(maxSize) && maxSize >= 0)) throw new UserError(`LDI max size ${maxSize}: must be a whole number of pixels ≥ 0 (0: the photo's size)`);
	if (maxSize === 0 || settings.exactDisparity) return photo;
	const {width, height} = photo.image;
	const ldiSize = workingSize(width, height, maxSize);
	const {minSide} = PHOTO_SIZE_LIMITS;
	if (Math.min(ldiSize.width, ldiSize.height) < minSide) {
		throw fileError(photoName, `photo is ${width}x${height}; its layered depth image at LDI max size ${maxSize} would be ${ldiSize.width}x${ldiSize.height}, smaller than ${minSide} px on its short side (raise --ldi-max-size, or 0 for the photo's size)`);
	}
	return shrinkPhoto(photo, maxSize);
}

/** Layer 0's texture: the photo, with the mesh options (exact mode's over the caller's). */
function layerZeroTexture(photo: Photo, settings: BuildSceneOptions, exactDisparity: ExactDisparitySetup | undefined): PhotoTexture {
	return photoTexture(photo.image, {...settings.mesh, ...exactDisparity?.mesh});
}

function isDepthSource(value: BuildSceneOptions['depth']): value is DepthSource {
	return typeof (value as DepthSource).estimate === 'function';
}

/**
 * What {@link buildSceneLdi} made: the layered depth image of a photo with what meshing it needs. A
 * stereo pair is drawn from it directly (render/warp-ldi.ts); {@link meshSceneLdi} turns it into a scene.
 */
export interface SceneLdi {
	/** The photo at its working size (the LDI may be smaller: `ldiMaxSizePixels`). */
	photo: Photo;
	depth: DepthEstimate;
	ldi: Ldi;
	ldiStats: LdiStats;
	/** Vertical field of view of the LDI's camera (the photo's). */
	fovYRadians: number;
	depthRange: DepthRange;
	comfortRange: ComfortRange;
	debugImages?: LdiDebugImages;
	exactDisparity?: ExactDisparitySetup;
	/** Layer 0's texture, made and handed to `onTextureBaked` before the LDI was built (encoding overlaps it). */
	photoTexture?: PhotoTexture;
	/** Milliseconds per stage so far (mesh: 0). */
	timingsMs: Record<BuildStage, number>;
}

/**
 * Photo → 3D scene: decode and resize the photo, estimate (or read) its disparity, build the layered
 * depth image with inpainted hidden layers, and turn every layer into a simplified textured mesh. The
 * `build` command is this plus {@link encodeScene}; `render` draws the same scene, `stereo` from a photo
 * its layered depth image ({@link buildSceneLdi}).
 *
 * ```ts
 * const {scene, meshStats} = await buildScene('photo.jpg', {depth: {depthPath: 'photo-depth.png'}});
 * console.log(meshStats.triangles, 'triangles in', scene.layers.length, 'layers');
 * ```
 */
export async function buildScene(input: string | Photo, options: Partial<BuildSceneOptions> = {}): Promise<BuildSceneResult> {
	return meshSceneLdi(await buildSceneLdi(input, options), options);
}

/**
 * The first stages of {@link buildScene}: decode, depth and the layered depth image, reported to
 * `onStage` (decode, depth, ldi) and timed.
 *
 * ```ts
 * const built = await buildSceneLdi('photo.jpg', {depth: {depthPath: 'photo-depth.png'}});
 * const {scene} = await meshSceneLdi(built);
 * ```
 */
export async function buildSceneLdi(input: string | Photo, options: Partial<BuildSceneOptions> = {}): Promise<SceneLdi> {
	const settings = {...BUILD_SCENE_DEFAULTS, ...options};
	const timingsMs: Record<BuildStage, number> = {decode: 0, depth: 0, ldi: 0, mesh: 0};
	let currentStage: BuildStage | undefined;
	const time = async <T>(stage: BuildStage, work: () => Promise<T>): Promise<T> => {
		// Decoding is timed twice (loading, then shrinking for the LDI) but reported once.
		if (stage !== currentStage) settings.onStage?.(stage);
		currentStage = stage;
		const start = performance.now();
		const result = await work();
		timingsMs[stage] += performance.now() - start;
		return result;
	};

	// The depth source is ready, and a supplied map decoding, while the photo decodes.
	const depthSource = isDepthSource(settings.depth) ? Promise.resolve(settings.depth) : resolveDepthSource(settings.depth).then(({source}) => source);
	// Errors of the early preparation surface from estimate() below; here they must not go unhandled.
	depthSource.then((source) => source.prepare?.(), () => undefined).catch(() => undefined);
	const photo = typeof input === 'string' ? await time('decode', () => loadPhoto(input, settings.photo)) : input;
	const photoName = photo.sourcePath || '<photo in memory>';
	checkPhotoSize(photoName, photo.image.width, photo.image.height, Math.max(photo.image.width, photo.image.height));
	// Shrinking a photo for the LDI counts as decoding it (sharp, ~60 ms at 4096 px).
	const ldiPhoto = await time('decode', () => ldiSizedPhoto(photo, photoName, settings));
	const depth = await time('depth', async () => (await depthSource).estimate(ldiPhoto));
	const exactDisparity = settings.exactDisparity ? exactDisparitySetup(depth, photo, settings.exactDisparity) : undefined;
	// Layer 0's texture is the photo: its encoding can start now and run on sharp's threads during the LDI.
	const layerZero = settings.onTextureBaked ? layerZeroTexture(photo, settings, exactDisparity) : undefined;
	if (layerZero) settings.onTextureBaked?.(0, layerZero.texture);
	const depthRange = exactDisparity?.depthRange ?? settings.depthRange ?? defaultDepthRange();
	// The pivot a viewer orbits about: the median depth (about 10 ms for a 1024-px map).
	const comfortRange = comfortRangeFor(depthRange, medianDepthMeters(depth.disparity, depthRange), settings.comfort);
	const comfortCamera = {width: ldiPhoto.image.width, height: ldiPhoto.image.height, fovYRadians: ldiPhoto.fovYRadians};
	const ldiOptions = {...settings.ldi, ...exactDisparity?.ldi};
	const sizingOptions: Partial<LdiSizingOptions> = settings.comfortSizing ?? {};
	// Sized by the comfort range unless the caller sized the LDI for its own views (stereo pairs: ~18 ms).
	const sized = ldiOptions.borderPixels !== undefined && (ldiOptions.maxParallaxPercent !== undefined || !sizingOptions.sizeHiddenLayers);
	const comfortSizing = sized ? {} : ldiSizingForComfort(comfortRange, comfortCamera, depthRange, sizingOptions);
	const {ldi, stats: ldiStats, debug: debugImages} = await time('ldi', () => buildLdi(ldiPhoto.image, depth.disparity, {
		disparityName: depth.kind === 'file' ? depth.source : `disparity of ${photo.sourcePath || 'the photo'}`,
		depthSampleSpacingPixels: depthSampleSpacing(depth, ldiPhoto),
		...comfortSizing,
		...ldiOptions,
	}));
	return {
		photo, depth, ldi, ldiStats, fovYRadians: ldiPhoto.fovYRadians, depthRange, comfortRange, debugImages, exactDisparity, photoTexture: layerZero, timingsMs,
	};
}

/**
 * The last stage of {@link buildScene}: every layer of `built` as a simplified textured mesh, layer 0
 * textured with the photo at its own resolution; reported to `onStage` (mesh) and timed.
 *
 * ```ts
 * const {scene, meshStats} = await meshSceneLdi(await buildSceneLdi('photo.jpg'));
 * ```
 */
export async function meshSceneLdi(built: SceneLdi, options: Partial<BuildSceneOptions> = {}): Promise<BuildSceneResult> {
	const settings = {...BUILD_SCENE_DEFAULTS, ...options};
	const {photo, ldi, depthRange, comfortRange, exactDisparity} = built;
	settings.onStage?.('mesh');
	const start = performance.now();
	const meshOptions = {
		...settings.mesh, ...exactDisparity?.mesh, onTextureBaked: settings.onTextureBaked,
		photoTexture: built.photoTexture ?? layerZeroTexture(photo, settings, exactDisparity),
	};
	// The backdrop reaches as far past the frame as any pose of the range looks, at its own farthest depth.
	const comfortCamera = {width: ldi.width, height: ldi.height, fovYRadians: built.fovYRadians};
	const backdropReach = {nearMeters: depthRange.nearMeters, farMeters: backdropFarMeters(depthRange)};
	const backdropExtendPixels = Math.ceil(Math.max(
		comfortReveal(comfortRange, comfortCamera, backdropReach, 'parallax').framePixels,
		comfortReveal(comfortRange, comfortCamera, backdropReach, 'orbit').framePixels,
	));
	const {scene, stats: meshStats} = await ldiToScene(ldi, {fovYRadians: built.fovYRadians}, depthRange, {
		backdrop: true,
		...meshOptions,
		backdropOptions: {extendPixels: backdropExtendPixels, ...meshOptions.backdropOptions},
		borderLayerIndex: built.ldiStats.borderLayerIndex,
	});
	// The scene is seen at the photo's resolution (renders, the glTF camera); its meshes are metric.
	scene.camera.width = photo.image.width;
	scene.camera.height = photo.image.height;
	scene.comfortRange = comfortRange;
	const timingsMs = {...built.timingsMs, mesh: built.timingsMs.mesh + performance.now() - start};
	return {photo, depth: built.depth, scene, ldiStats: built.ldiStats, meshStats, debugImages: built.debugImages, exactDisparity, timingsMs};
}
