import type {RgbaImage} from '../image/raster.js';
import type {RenderCamera} from '../render/camera.js';
import {renderEyes, renderStereoFromLdi} from '../render/stereo.js';
import {sceneCamera, type SceneFrame} from '../scene/scene.js';
import {type BuildSceneOptions, meshSceneLdi, type SceneLdi} from './build-scene.js';

/**
 * The camera (at the photo's size) and depth range of a scene that is still a layered depth image: what
 * `stereoCameras` and `photoCamera` (render/) need.
 *
 * ```ts
 * const cameras = stereoCameras(sceneLdiFrame(built), {divergencePercent: 3});
 * ```
 */
export function sceneLdiFrame(built: SceneLdi): SceneFrame {
	const {photo, fovYRadians, depthRange} = built;
	return {camera: sceneCamera(photo.image.width, photo.image.height, fovYRadians, depthRange), depthRange};
}

/** Options for {@link renderSceneLdiPair}. */
export interface SceneLdiPairOptions {
	/** Supersampling per axis; above 1 the scene is meshed and rasterized. */
	ssaa: number;
	/** The options `built` was made with, for meshing it when the pair cannot be drawn from the LDI. */
	build: Partial<BuildSceneOptions>;
}

export const SCENE_LDI_PAIR_DEFAULTS: SceneLdiPairOptions = {ssaa: 1, build: {}};

/** Both eyes of {@link renderSceneLdiPair}, and how they were made. */
export interface SceneLdiPair {
	left: RgbaImage;
	right: RgbaImage;
	/** 'ldi': drawn straight from the layered depth image; 'meshes': the scene was meshed and rasterized. */
	viewsFrom: 'ldi' | 'meshes';
	/** Milliseconds spent meshing (0 when drawn from the LDI). */
	meshMs: number;
}

/**
 * Both eyes of a photo's scene, every gap filled: drawn straight from its layered depth image
 * (render/warp-ldi.ts) when both cameras see it sideways at its own size without supersampling (a stereo
 * pair of a photo whose LDI was not shrunk, exact-disparity mode's right view); otherwise the LDI is
 * meshed as `build` would and the meshes rasterized. The stereo command and eval:stereo use this.
 *
 * ```ts
 * const built = await buildSceneLdi('photo.jpg', options);
 * const {left, right} = await renderSceneLdiPair(built, stereoCameras(sceneLdiFrame(built)), {build: options});
 * ```
 */
export async function renderSceneLdiPair(
	built: SceneLdi, cameras: {left: RenderCamera; right: RenderCamera}, options: Partial<SceneLdiPairOptions> = {},
): Promise<SceneLdiPair> {
	const {ssaa, build} = {...SCENE_LDI_PAIR_DEFAULTS, ...options};
	const warped = ssaa === 1 ? renderStereoFromLdi(built, cameras) : undefined;
	if (warped) return {...warped, viewsFrom: 'ldi', meshMs: 0};
	const start = performance.now();
	const {scene} = await meshSceneLdi(built, build);
	const meshMs = performance.now() - start;
	return {...renderEyes(scene, cameras, {ssaa}), viewsFrom: 'meshes', meshMs};
}
