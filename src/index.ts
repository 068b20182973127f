/**
 * ldi-gltf's public library API: everything the commands use, for scripts that want the same results
 * without the CLI.
 *
 * ```ts
 * import {buildScene, encodeScene} from 'ldi-gltf';
 * const {scene, meshStats} = await buildScene('photo.jpg', {depth: {depthPath: 'photo-depth.png'}});
 * const files = await encodeScene(scene, {toolVersion: '0.1.0', sourceFile: 'photo.jpg', depthSource: 'supplied'}, 'photo');
 * ```
 */

export {UserError, fileError} from './errors.js';
export {TOOL_VERSION} from './version.js';

export type {FloatImage, Photo, RgbImage, RgbaImage} from './image/raster.js';
export {createFloatImage, createRgbImage, createRgbaImage} from './image/raster.js';
export {LOAD_PHOTO_DEFAULTS, decodePhoto, loadPhoto, type LoadPhotoOptions} from './image/load.js';
export {shrinkPhoto} from './image/shrink-photo.js';
export {
	DEFAULT_LONG_SIDE_FOV_DEGREES, FULL_FRAME_DIAGONAL_MM, fovYFromFocalLength35mm, fovYFromLongSideFov, readFocalLength35mm,
} from './image/fov.js';
export {VIRIDIS_LUT, encodeDisparityPng16, encodeDisparityPreview, encodePfm, encodeRgbPng, encodeRgbaPng} from './image/encode.js';
export {resizeFloatImage} from './image/resize.js';

export type {DepthEstimate, DepthSource} from './depth/source.js';
export {decodePfm, isPfm} from './depth/pfm.js';
export {normalizeDisparity, type NormalizedDisparity} from './depth/normalize.js';
export {DEPTH_FIT_NAMES, ROUNDING_SLACK_PIXELS, cropToAspect, fitDepthMap, roundingSlackPixels, sameShapeUpToRounding, type DepthFit} from './depth/fit.js';
export {
	SUPPLIED_DEPTH_DEFAULTS, createSuppliedDepthSource, decodeDepthMap, decodeRawDepthMap, fillUnknownDisparity, rawToDisparity, readDepthMap,
	type RawDepthMap, type SuppliedDepthOptions,
} from './depth/supplied.js';
export {
	RESOLVE_DEPTH_DEFAULTS, isModelFile, parseChannelTriple, parseModelSize, readModelSpecFile, resolveDepthSource,
	type ResolveDepthOptions, type ResolvedDepthSource,
} from './depth/resolve.js';
export {ONNX_DEPTH_DEFAULTS, OnnxDepthEstimator, depthModelIo, loadOnnxSession, type DepthModelIo, type OnnxDepthOptions} from './depth/onnx.js';
export {MODEL_INPUT_SPEC_DEFAULTS, imageToTensor, modelInputSize, rgbToNormalizedPlanes, type InputSizeRule, type ModelInputSpec} from './depth/preprocess.js';
export {DEPTH_SOURCE_DEFAULTS, createDepthSource, depthSourceNames, registerDepthSource, type DepthSourceFactory, type DepthSourceOptions} from './depth/registry.js';
export {
	MODEL_REGISTRY_PATH, defaultModelName, findModel, isEntryInstalled, isInstalled, listModels, loadModelRegistry, modelCacheDir, modelPath,
	type CacheDirContext, type ModelEntry, type ModelRegistry,
} from './depth/models.js';
export {
	DOWNLOAD_MODEL_DEFAULTS, ENSURE_MODEL_DEFAULTS, downloadModel, ensureModel, isOffline, modelUrl, offlineModelError,
	type DownloadModelOptions, type DownloadProgress, type DownloadResult, type EnsureModelOptions,
} from './depth/download.js';

export * from './ldi/ldi.js';
export {BUILD_LDI_DEFAULTS, PAPER_REGION_OPTIONS, buildLdi, type BuildLdiOptions, type BuildLdiResult, type LdiStats, type LdiTimings} from './ldi/build-ldi.js';
export {DEPTH_EDGE_DEFAULTS, cutDepthEdges, detectDepthEdges, type DepthEdgeOptions, type DepthEdges} from './ldi/depth-edges.js';
export {renderDebugImages, type DebugImage, type LdiDebugImages} from './ldi/debug.js';
export {writeDebugImages} from './io/debug-dir.js';
export {BILATERAL_MEDIAN_DEFAULTS, bilateralMedianFilter, type BilateralMedianOptions} from './image/bilateral-median.js';
export {createInpaintRegion, type ColorInpainter, type InpaintRegion} from './inpaint/inpainter.js';
export {INPAINT_DISPARITY_DEFAULTS, evaluatePlane, fitContextPlane, inpaintDisparity, type DisparityPlane, type InpaintDisparityOptions} from './inpaint/depth.js';
export {DEFAULT_COLOR_INPAINTER, getColorInpainter, listColorInpainters, registerColorInpainter, type ColorInpainterFactory} from './inpaint/registry.js';
export {DIFFUSION_INPAINTER_DEFAULTS, DiffusionInpainter, diffuseColor, type DiffusionInpainterOptions} from './inpaint/diffusion.js';
export {PATCH_INPAINTER_DEFAULTS, PatchInpainter, synthesizePatches, type PatchInpainterOptions} from './inpaint/patch.js';
export {ONNX_INPAINTER_DEFAULTS, OnnxInpainter, inpaintModelIo, type InpaintModelIo, type OnnxInpainterOptions} from './inpaint/onnx.js';
export {MEMBRANE_DEFAULTS, fillMembrane, fillMembraneInPlace, type MembraneOptions, type PyramidSolver, releaseMembraneKernel} from './inpaint/membrane.js';

export * from './scene/scene.js';
export {
	COMFORT_RANGE_DEFAULTS, LDI_SIZING_DEFAULTS, comfortPose, comfortRangeFor, comfortReveal, ldiSizingForComfort, medianDepthMeters, medianNormalizedDisparity,
	type ComfortCamera, type ComfortPose, type ComfortRange, type ComfortRangeOptions, type ComfortReveal, type LdiSizingOptions,
} from './scene/comfort-range.js';
export {
	DEFAULT_DEPTH_RANGE_DEFAULTS, LDI_TO_SCENE_DEFAULTS, defaultDepthRange, ldiToScene,
	type DefaultDepthRangeOptions, type LayerMeshStats, type LdiToSceneOptions, type SceneMeshStats,
} from './mesh/build-scene-mesh.js';
export {
	TRIANGULATE_DEFAULTS, latticeTriangleCount, triangulateLdi, triangulateLdiWithCells, type LayerCells, type LayerTriangles, type TriangulateOptions,
} from './mesh/triangulate.js';
export {
	SIMPLIFY_DEFAULTS, resolveParallaxRangePixels, simplifyLayer, simplifyLayers, unprojectPixels, type SimplifiedLayer, type SimplifyOptions, type UnprojectCamera,
} from './mesh/simplify.js';
export {BORDER_MESH_DEFAULTS, isFrameBorderLayer, meshBorderLayer, type BorderMesh, type BorderMeshOptions} from './mesh/border-mesh.js';
export {SPLIT_CHARTS_DEFAULTS, splitLayerIntoTiles, type SplitChartsOptions} from './mesh/split-charts.js';
export {
	PLANAR_QUADTREE_DEFAULTS, mergePlanarCells, mergePlanarPixelCells, type PlanarQuadtreeDepth, type PlanarQuadtreeOptions,
} from './mesh/planar-quadtree.js';
export {
	TEXTURE_DEFAULTS, bakeLayerTexture, layerZeroTexture, packCharts, photoTexture, type BakedTexture, type ChartPacking, type PhotoTexture, type TextureOptions,
} from './mesh/texture.js';
export {measureLayerError, type LayerError} from './mesh/measure-error.js';

export {SCENE_TO_DOCUMENT_DEFAULTS, layerNodeName, sceneToDocument, type SceneMetadata, type SceneToDocumentOptions} from './gltf/document.js';
export {ENCODE_TEXTURE_DEFAULTS, TEXTURE_MIME_TYPES, encodeTexture, type EncodeTextureOptions, type TextureFormat} from './gltf/texture-encode.js';
export {OPTIMIZE_DEFAULTS, optimizeDocument, type OptimizeOptions} from './gltf/optimize.js';
export {PRESETS, PRESET_NAMES, presetByName, type Preset, type PresetName} from './gltf/presets.js';
export {writeGlb, writeGltfFiles} from './gltf/write.js';
export {readSceneFromGlb} from './gltf/read.js';
export {CAMERA_ANIMATION_DEFAULTS, addCameraAnimation, type CameraAnimationOptions} from './gltf/camera-animation.js';

export {
	CAMERA_PATH_AMPLITUDE_DEFAULTS, CAMERA_PATH_DEFAULTS, CAMERA_PATH_NAMES, CAMERA_PATH_PERIODIC, cameraPath, cameraPathReferenceDepth, cameraPoseRotation,
	renderCameraForPose, type CameraPathName, type CameraPathOptions, type CameraPose, type Quaternion, type Vec3,
} from './render/camera-path.js';

export {
	BUILD_SCENE_DEFAULTS, buildScene, buildSceneLdi, meshSceneLdi, type BuildSceneOptions, type BuildSceneResult, type BuildStage, type SceneLdi,
} from './pipeline/build-scene.js';
export {
	SCENE_LDI_PAIR_DEFAULTS, renderSceneLdiPair, sceneLdiFrame, type SceneLdiPair, type SceneLdiPairOptions,
} from './pipeline/scene-ldi-views.js';
export {ENCODE_SCENE_DEFAULTS, encodeScene, type EncodeSceneOptions} from './pipeline/encode-scene.js';
export {writeFileAtomic} from './io/atomic.js';

export {PSNR_DEFAULTS, SSIM_DEFAULTS, psnr, ssim, type PsnrOptions, type SsimOptions} from './image/metrics.js';
export {
	IDENTITY_ROTATION, cameraFocalLengthPixels, cameraFromPose, lookAtRotation, photoCamera, rotationMatrix, type LookAtPose, type RenderCamera,
} from './render/camera.js';
export {RENDER_DEFAULTS, renderScene, type RenderOptions, type RenderResult} from './render/rasterize.js';
export {
	STEREO_DEFAULTS, depthRangeForPixelDisparity, exactDisparityRightCamera, renderEyes, renderStereo, renderStereoFromLdi, stereoCameras, stereoSceneOptions,
	type LdiView, type StereoCameras, type StereoEyes, type StereoOptions, type StereoPair, type StereoSceneOptions,
} from './render/stereo.js';
export {WARP_LDI_DEFAULTS, sidewaysViewShift, warpLdiSideways, type SidewaysViewShift, type WarpLdiOptions} from './render/warp-ldi.js';
export {
	COLOR_RED_CYAN, DUBOIS_RED_CYAN, IMAGE_STEREO_LAYOUTS, anaglyph, composeStereo, rgbFromRgba, type AnaglyphMatrix, type ImageStereoLayout,
} from './render/layouts.js';
export {ANIMATION_DEFAULTS, WIGGLE_DEFAULTS, encodeAnimation, encodeWiggle, type AnimationOptions} from './render/animation.js';
export {MPO_DEFAULTS, encodeMpo, type MpoOptions} from './render/mpo.js';
export {GRID_SCENE_DEFAULTS, gridScene, type GridSceneOptions} from './render/grid-scene.js';
export {LOAD_SCENE_DEFAULTS, isSceneFile, loadScene, type LoadSceneOptions, type LoadedScene} from './pipeline/scene-input.js';
export {
	EXACT_DISPARITY_DEFAULTS, exactDisparitySetup, type ExactDisparityOptions, type ExactDisparityPhoto, type ExactDisparitySetup,
} from './pipeline/exact-disparity.js';

export {
	SELF_CONTAINED_CSP, SERVED_CSP, VIEWER_SCRIPT_PATH, readViewerScript, selfContainedPageHtml, servedPageHtml, type SelfContainedPageOptions,
} from './viewer/page-html.js';
export {VIEWER_HOST, VIEWER_SERVER_DEFAULTS, isSafeRequestPath, startViewerServer, type ViewerServer, type ViewerServerOptions} from './viewer/server.js';
export {buildGlbInMemory, readGlbFile, type BuildGlbInMemoryOptions} from './viewer/scene-source.js';
