import type {RgbaImage} from '../image/raster.js';
import type {ComfortRange} from './comfort-range.js';

/**
 * The 3D scene every consumer shares: the mesh builder writes it, the glTF writer serializes it, the
 * glTF reader recovers it and the software renderer draws it. Units are metres; the camera sits at the
 * origin looking down -Z with +Y up (glTF's convention), so a photo pixel (x, y) at depth z lies at
 * ((x + 0.5 - cx) / f * z, -(y + 0.5 - cy) / f * z, -z) with f = height / 2 / tan(fovY / 2).
 */

/** How normalized disparity d in [0, 1] maps to metric depth: 1/z = d / near + (1 - d) / far. */
export interface DepthRange {
	/** Depth of disparity 1 (the nearest point), metres. */
	nearMeters: number;
	/** Depth of disparity 0 (the farthest point), metres. */
	farMeters: number;
}

/** A pinhole camera reproducing the photo. */
export interface SceneCamera {
	/** Photo size in pixels the camera reproduces. */
	width: number;
	height: number;
	/** Vertical field of view, radians. */
	fovYRadians: number;
	/** Clip planes, metres (positive distances along -Z). */
	znearMeters: number;
	zfarMeters: number;
}

/**
 * The camera of a scene built from a photo `width` × `height` with field of view `fovYRadians`: clip
 * planes at half the near depth and twice the far one.
 *
 * ```ts
 * const camera = sceneCamera(1024, 768, 0.9, {nearMeters: 1, farMeters: 10});
 * ```
 */
export function sceneCamera(width: number, height: number, fovYRadians: number, depthRange: DepthRange): SceneCamera {
	return {width, height, fovYRadians, znearMeters: depthRange.nearMeters / 2, zfarMeters: depthRange.farMeters * 2};
}

/** What a view of a scene needs besides its meshes: its camera and depth range (a scene still an LDI has these too). */
export type SceneFrame = Pick<Scene, 'camera' | 'depthRange'>;

/** One layer of the scene: an indexed triangle mesh with its own texture. */
export interface LayerMesh {
	/** 0 = the photo's visible surface, k = inpainted in pass k. */
	layerIndex: number;
	/** x, y, z per vertex, metres, camera space (camera at origin, looking down -Z). */
	positions: Float32Array;
	/** u, v per vertex in [0, 1], glTF convention (v = 0 at the top row of the texture). */
	uvs: Float32Array;
	/** Three vertex indices per triangle, counter-clockwise seen from the camera. */
	indices: Uint32Array;
	/** The layer's texture; alpha 0 marks texels no triangle samples. */
	texture: RgbaImage;
	/**
	 * The backdrop (mesh/backdrop.ts): a seal behind everything that shares no seam with the other layers,
	 * so the glTF writer quantizes it on a grid of its own (node extras `backdrop: true`).
	 */
	backdrop?: boolean;
}

export interface Scene {
	camera: SceneCamera;
	depthRange: DepthRange;
	layers: LayerMesh[];
	/** The camera moves the scene was built to show without holes (written to the glTF's extras). */
	comfortRange?: ComfortRange;
}

/** Focal length in pixels of a camera with vertical field of view `fovYRadians` over `height` pixels. */
export function focalLengthPixels(height: number, fovYRadians: number): number {
	return height / 2 / Math.tan(fovYRadians / 2);
}

/** Metric depth (metres, positive) of normalized disparity `disparity`. */
export function depthFromDisparity(disparity: number, range: DepthRange): number {
	return 1 / (disparity / range.nearMeters + (1 - disparity) / range.farMeters);
}

/** Normalized disparity of metric depth `depthMeters` (inverse of {@link depthFromDisparity}). */
export function disparityFromDepth(depthMeters: number, range: DepthRange): number {
	const inverseNear = 1 / range.nearMeters;
	const inverseFar = 1 / range.farMeters;
	return (1 / depthMeters - inverseFar) / (inverseNear - inverseFar);
}
