import {createRgbaImage, type RgbaImage} from '../image/raster.js';
import type {LayerMesh, Scene} from '../scene/scene.js';
import {instantiateKernel, type KernelInstance, KernelLayout} from '../wasm/kernel.js';
import {cameraFocalLengthPixels, rotationMatrix, type RenderCamera} from './camera.js';

/**
 * The software renderer: draws a {@link Scene}'s layer meshes from any pinhole {@link RenderCamera}
 * with a z-buffer, perspective-correct UVs and bilinear texture sampling, on the CPU, into typed arrays.
 *
 * How it works. Vertices are projected once per layer and snapped to 1/16 pixel; triangles are
 * rasterized with integer edge functions evaluated incrementally over their bounding box (a row stops
 * at the first pixel past the triangle), with the half-open top-left fill rule, so two triangles sharing
 * an edge cover every pixel centre on it exactly once (exact in float64: snapped coordinates stay below
 * 2^24). Edges on the mesh's boundary (used by one triangle of the layer) own the centres on them too:
 * a mesh with vertices at pixel centres then covers its last row and column and the pixels along its
 * cuts, so the photo's own camera reproduces the photo pixel for pixel and no half-pixel frame border is
 * left empty. Shading is deferred: the raster pass keeps, per pixel, the nearest surface's 1/w, layer
 * and perspective-correct (u, v); one pass at the end samples the textures, so overdrawn pixels cost no
 * texture reads. Bilinear sampling weights texels by their alpha, so the unused (alpha 0) texels of an
 * inpainted layer's texture never bleed into its charts. Triangles with a vertex nearer than
 * `znearMeters` are dropped rather than clipped: the scene is always seen from near the photo's camera.
 *
 * Pixels nothing drew (disocclusions the scene has no layer for, the outer samples of a supersampled
 * frame border) are filled from the drawn pixels on their row, then column, choosing the farther of the
 * two ends of the gap (the classic DIBR rule: a gap is background showing), up to `fillEmptyPixels`.
 *
 * Measured (bench/render.ts on the shared 2-core machine while other jobs kept the load average at
 * 10–14, so CPU time beside wall time): a dense one-vertex-per-pixel 1024×768 grid (1.57 M triangles)
 * takes 105–170 ms CPU per view (wall 0.3–1.3 s under that load), a pair 240–380 ms CPU; a built
 * scene (moon.jpg via ldiToScene, 1024×1024, 11.7 k triangles) 50–58 ms CPU per view, a pair ~100 ms
 * CPU; ssaa 2 costs ~4× the per-pixel work (~270 ms CPU). The mesh-boundary table is built once per
 * mesh and cached (~1 s wall for the dense grid). Tried: a hash table of edges for that table (3.6 s
 * wall on the grid; edges bucketed by their lower vertex replaced it); per-render Float64Array vertex
 * buffers (140 ms CPU median on the grid, 111 ms with the reused Float32Array scratch kept here);
 * reusing the raster target between renders (no gain measurable through the noise, not kept);
 * Math.min/ceil in the triangle setup (no measurable change against the integer version kept here).
 * Projection, raster, gap fill and shading now run as a WebAssembly kernel (assembly/rasterize.ts,
 * byte-identical views: test/render/rasterize-kernel.test.ts) holding the scene's meshes and textures
 * and the target for as long as the scene lives: moon's .glb at 640 px, warm, 50 → 32 ms per view
 * (raster 31 → 20, shading 21 → 14); fresh processes alternating, same bytes: `stereo` moon CPU 3.01 →
 * 2.83 s (N=9), `render --path circle --frames 60 --size 640` 7.18 → 6.24 s (N=5), load average ~7.
 */

/** Options for {@link renderScene}. */
export interface RenderOptions {
	/** Supersampling factor per axis: 2 renders 2× wider and taller and box-downsamples. */
	ssaa: number;
	/** Also return the depth buffer (metres along the view axis, +Infinity where nothing drew). */
	depth: boolean;
	/**
	 * Pixels nothing drew are filled from the farther end of their gap on the row (then the column)
	 * when it is at most this many output pixels away; 0 leaves them empty (alpha 0), Infinity fills
	 * every gap. The default covers the half-pixel frame border of a pixel-centred mesh.
	 */
	fillEmptyPixels: number;
}

export const RENDER_DEFAULTS: RenderOptions = {ssaa: 1, depth: false, fillEmptyPixels: 2};

/** What {@link renderScene} returns. */
export interface RenderResult {
	/** The view; alpha 255 where a surface (or a gap fill) covers the pixel, 0 where nothing does. */
	image: RgbaImage;
	/** Depth in metres along the view axis per pixel (`options.depth`), +Infinity where empty. */
	depthMeters: Float32Array | undefined;
}

/**
 * Renders `scene` from `camera`.
 *
 * ```ts
 * const {image} = renderScene(scene, photoCamera(scene));              // reproduces the photo
 * const {image: right, depthMeters} = renderScene(scene, rightEye, {ssaa: 2, depth: true});
 * ```
 */
export function renderScene(scene: Scene, camera: RenderCamera, options: Partial<RenderOptions> = {}): RenderResult {
	const {ssaa, depth, fillEmptyPixels} = {...RENDER_DEFAULTS, ...options};
	if (!Number.isInteger(ssaa) || ssaa < 1) throw new Error(`renderScene: ssaa must be a positive integer, got ${ssaa}`);
	const width = camera.width * ssaa;
	const height = camera.height * ssaa;
	const count = width * height;
	const inKernel = sceneInKernel(scene);
	const {kernel} = inKernel;
	const view = viewArrays(inKernel, count);
	const rotation = rotationMatrix(camera.rotation);
	const parameters = new Float64Array(kernel.memory.buffer, view.camera, CAMERA_PARAMETERS);
	parameters.set(rotation);
	parameters.set(camera.positionMeters, 9);
	parameters[12] = cameraFocalLengthPixels(camera) * ssaa;
	parameters[13] = width / 2 + camera.principalPointShiftPixels[0] * ssaa;
	parameters[14] = height / 2 + camera.principalPointShiftPixels[1] * ssaa;
	parameters[15] = camera.znearMeters;
	kernel.clearTarget(view.inverseDepth, view.layer, view.image, count);
	inKernel.layers.forEach((layer, layerIndex) => {
		kernel.project(layer.positions, layer.uvs, layer.vertexCount, view.camera, view.snappedX, view.snappedY, view.inverseW, view.uOverW, view.vOverW);
		kernel.rasterize(
			layer.indices, layer.triangleCount, layer.boundaryFlags, view.snappedX, view.snappedY, view.inverseW, view.uOverW, view.vOverW,
			width, height, view.inverseDepth, view.u, view.v, view.layer, layerIndex,
		);
	});
	if (fillEmptyPixels > 0) kernel.fillEmpty(width, height, fillEmptyPixels * ssaa, view.inverseDepth, view.u, view.v, view.layer);
	kernel.shade(count, view.u, view.v, view.layer, inKernel.textures, view.image);
	const memory = kernel.memory.buffer;
	const shaded = createRgbaImage(width, height);
	shaded.data.set(new Uint8Array(memory, view.image, 4 * count));
	const depthBuffer = depth ? depthFromInverse(new Float32Array(memory, view.inverseDepth, count)) : undefined;
	if (ssaa === 1) return {image: shaded, depthMeters: depthBuffer};
	return {
		image: downsampleRgba(shaded, ssaa),
		depthMeters: depthBuffer ? downsampleDepthNearest(depthBuffer, width, height, ssaa) : undefined,
	};
}

/** The exports of assembly/rasterize.ts; pointers are byte offsets into `memory`. */
interface RasterizeKernel extends KernelInstance {
	heapBase(): number;
	clearTarget(inverseDepth: number, layer: number, out: number, count: number): void;
	project(positions: number, uvs: number, vertexCount: number, camera: number, snappedX: number, snappedY: number, inverseW: number, uOverW: number, vOverW: number): void;
	rasterize(
		indices: number, triangleCount: number, boundaryFlags: number, snappedX: number, snappedY: number, inverseW: number, uOverW: number, vOverW: number,
		width: number, height: number, inverseDepth: number, u: number, v: number, layer: number, layerIndex: number,
	): void;
	fillEmpty(width: number, height: number, maxDistance: number, inverseDepth: number, u: number, v: number, layer: number): void;
	shade(count: number, u: number, v: number, layer: number, textures: number, out: number): void;
}

/** f64 entries of the camera block the kernel's `project` reads. */
const CAMERA_PARAMETERS = 16;

/** Where one layer's mesh lies in the kernel's memory. */
interface LayerInKernel {
	mesh: LayerMesh;
	positions: number;
	uvs: number;
	indices: number;
	boundaryFlags: number;
	vertexCount: number;
	triangleCount: number;
}

/** Where one view's arrays lie: the projected vertices of the largest layer, the target and the image. */
interface ViewArrays {
	pixels: number;
	camera: number;
	snappedX: number;
	snappedY: number;
	inverseW: number;
	uOverW: number;
	vOverW: number;
	inverseDepth: number;
	u: number;
	v: number;
	layer: number;
	image: number;
}

/** A scene's meshes and textures copied into a kernel instance, and the arrays of its largest view so far. */
interface SceneInKernel {
	kernel: RasterizeKernel;
	layers: LayerInKernel[];
	/** Per layer: texels pointer, width, height (i32). */
	textures: number;
	/** End of the scene's data: the view's arrays are laid out from here. */
	sceneEnd: number;
	maxVertexCount: number;
	view: ViewArrays | undefined;
}

const scenesInKernel = new WeakMap<Scene, SceneInKernel>();

/**
 * The kernel holding `scene` (made on first use: one instance per scene, released with it). A scene whose
 * layers were replaced since is copied in again.
 */
function sceneInKernel(scene: Scene): SceneInKernel {
	const cached = scenesInKernel.get(scene);
	if (cached && cached.layers.length === scene.layers.length && cached.layers.every((layer, i) => layer.mesh === scene.layers[i])) return cached;
	const kernel = instantiateKernel<RasterizeKernel>('rasterize');
	const layout = new KernelLayout(kernel.heapBase());
	const layers = scene.layers.map((mesh): LayerInKernel => ({
		mesh,
		positions: layout.take(mesh.positions.byteLength),
		uvs: layout.take(mesh.uvs.byteLength),
		indices: layout.take(mesh.indices.byteLength),
		boundaryFlags: layout.take(mesh.indices.length / 3),
		vertexCount: mesh.positions.length / 3,
		triangleCount: mesh.indices.length / 3,
	}));
	const texels = scene.layers.map((mesh) => layout.take(mesh.texture.data.byteLength));
	const textures = layout.take(12 * scene.layers.length);
	layout.reserve(kernel.memory);
	const memory = kernel.memory.buffer;
	layers.forEach((layer, i) => {
		const {mesh} = layer;
		new Float32Array(memory, layer.positions, mesh.positions.length).set(mesh.positions);
		new Float32Array(memory, layer.uvs, mesh.uvs.length).set(mesh.uvs);
		new Uint32Array(memory, layer.indices, mesh.indices.length).set(mesh.indices);
		new Uint8Array(memory, layer.boundaryFlags, layer.triangleCount).set(boundaryEdgeFlags(mesh));
		new Uint8Array(memory, texels[i], mesh.texture.data.byteLength).set(mesh.texture.data);
		new Int32Array(memory, textures + 12 * i, 3).set([texels[i], mesh.texture.width, mesh.texture.height]);
	});
	const inKernel: SceneInKernel = {
		kernel, layers, textures, sceneEnd: layout.end, maxVertexCount: Math.max(0, ...layers.map((layer) => layer.vertexCount)), view: undefined,
	};
	scenesInKernel.set(scene, inKernel);
	return inKernel;
}

/** The view arrays for `pixels` pixels, laid out anew after the scene's data when the last ones were smaller. */
function viewArrays(inKernel: SceneInKernel, pixels: number): ViewArrays {
	if (inKernel.view && inKernel.view.pixels >= pixels) return inKernel.view;
	const layout = new KernelLayout(inKernel.sceneEnd);
	const vertices = inKernel.maxVertexCount;
	const view: ViewArrays = {
		pixels,
		camera: layout.take(8 * CAMERA_PARAMETERS),
		snappedX: layout.take(4 * vertices),
		snappedY: layout.take(4 * vertices),
		inverseW: layout.take(4 * vertices),
		uOverW: layout.take(4 * vertices),
		vOverW: layout.take(4 * vertices),
		inverseDepth: layout.take(4 * pixels),
		u: layout.take(4 * pixels),
		v: layout.take(4 * pixels),
		layer: layout.take(2 * pixels),
		image: layout.take(4 * pixels),
	};
	layout.reserve(inKernel.kernel.memory);
	inKernel.view = view;
	return view;
}

const boundaryCache = new WeakMap<LayerMesh, Uint8Array>();

/**
 * Per triangle, which of its edges (bit 0: v0–v1, bit 1: v1–v2, bit 2: v2–v0) no other triangle of the
 * layer shares. Cached per mesh: a scene renders many views.
 *
 * ```ts
 * const flags = boundaryEdgeFlags(scene.layers[0]);   // flags[t] & 1: triangle t's first edge is on the boundary
 * ```
 */
export function boundaryEdgeFlags(mesh: LayerMesh): Uint8Array {
	const cached = boundaryCache.get(mesh);
	if (cached) return cached;
	const indices = mesh.indices;
	const vertexCount = mesh.positions.length / 3;
	// Undirected edges bucketed by their lower vertex (compressed rows): buckets are a few entries long,
	// which is ~10× faster than a hash table on a 1.5M-triangle grid.
	const bucketStart = new Int32Array(vertexCount + 1);
	for (let e = 0; e < indices.length; e++) {
		const a = indices[e];
		const b = indices[e % 3 === 2 ? e - 2 : e + 1];
		bucketStart[(a < b ? a : b) + 1]++;
	}
	for (let v = 0; v < vertexCount; v++) bucketStart[v + 1] += bucketStart[v];
	const cursor = bucketStart.slice(0, vertexCount);
	const higher = new Int32Array(indices.length);
	for (let e = 0; e < indices.length; e++) {
		const a = indices[e];
		const b = indices[e % 3 === 2 ? e - 2 : e + 1];
		higher[cursor[a < b ? a : b]++] = a < b ? b : a;
	}
	const flags = new Uint8Array(indices.length / 3);
	for (let e = 0; e < indices.length; e++) {
		const a = indices[e];
		const b = indices[e % 3 === 2 ? e - 2 : e + 1];
		const low = a < b ? a : b;
		const high = a < b ? b : a;
		let uses = 0;
		for (let k = bucketStart[low]; k < bucketStart[low + 1]; k++) if (higher[k] === high) uses++;
		if (uses === 1) flags[(e / 3) | 0] |= 1 << (e % 3);
	}
	boundaryCache.set(mesh, flags);
	return flags;
}

/**
 * Depth in metres per pixel from 1/depth (+Infinity where nothing drew).
 *
 * ```ts
 * const depthMeters = depthFromInverse(inverseDepth);
 * ```
 */
export function depthFromInverse(inverseDepth: Float32Array): Float32Array {
	const depth = new Float32Array(inverseDepth.length);
	for (let i = 0; i < inverseDepth.length; i++) depth[i] = inverseDepth[i] > 0 ? 1 / inverseDepth[i] : Number.POSITIVE_INFINITY;
	return depth;
}

/**
 * Box filter over factor×factor blocks; colour averages the covered samples, alpha is the coverage.
 *
 * ```ts
 * const image = downsampleRgba(supersampled, 2);
 * ```
 */
export function downsampleRgba(image: RgbaImage, factor: number): RgbaImage {
	const width = image.width / factor;
	const height = image.height / factor;
	const result = createRgbaImage(width, height);
	const source = image.data;
	const out = result.data;
	const samples = factor * factor;
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			let r = 0, g = 0, b = 0, covered = 0;
			for (let sy = 0; sy < factor; sy++) {
				let s = ((y * factor + sy) * image.width + x * factor) * 4;
				for (let sx = 0; sx < factor; sx++, s += 4) {
					if (source[s + 3] === 0) continue;
					r += source[s];
					g += source[s + 1];
					b += source[s + 2];
					covered++;
				}
			}
			if (covered === 0) continue;
			const o = (y * width + x) * 4;
			out[o] = r / covered + 0.5;
			out[o + 1] = g / covered + 0.5;
			out[o + 2] = b / covered + 0.5;
			out[o + 3] = (255 * covered) / samples + 0.5;
		}
	}
	return result;
}

/**
 * The nearest depth of each factor×factor block.
 *
 * ```ts
 * const depthMeters = downsampleDepthNearest(supersampledDepth, 2048, 2048, 2);
 * ```
 */
export function downsampleDepthNearest(depth: Float32Array, width: number, height: number, factor: number): Float32Array {
	const outWidth = width / factor;
	const outHeight = height / factor;
	const result = new Float32Array(outWidth * outHeight);
	for (let y = 0; y < outHeight; y++) {
		for (let x = 0; x < outWidth; x++) {
			let nearest = Number.POSITIVE_INFINITY;
			for (let sy = 0; sy < factor; sy++) {
				const rowStart = (y * factor + sy) * width + x * factor;
				for (let sx = 0; sx < factor; sx++) nearest = Math.min(nearest, depth[rowStart + sx]);
			}
			result[y * outWidth + x] = nearest;
		}
	}
	return result;
}
