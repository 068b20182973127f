/**
 * Generated-scene evaluation: what a camera move reveals, against the truth, on scenes made here rather
 * than the four Middlebury pairs. Each scene (seeded: boxes on a floor, spheres, thin poles, a slanted
 * wall) is ray-cast with 2×2 supersampling from the photo's camera and from moved ones; `buildScene`
 * gets the photo and its exact depth map (a PFM of metres) and the built scene is rendered from the
 * moved cameras by the software renderer. Printed per scene and move, and as means:
 * - PSNR over the revealed pixels inside the photo's frame (points of the moved view hidden in the
 *   photo), and over all pixels;
 * - halo: the share of revealed pixels (whose true colour differs from the occluder's by more than
 *   HALO_MIN_CONTRAST) drawn nearer the occluder's colour than the truth's: foreground colour leaking
 *   into what the move uncovers;
 * - empty pixels (nothing drawn: the page's background in a viewer).
 * Beside it two references over the exact depth (also with EVAL_DEGRADE): a rubber sheet (the depth map
 * as one mesh) and the classic DIBR fill (the mesh cut at depth steps, holes filled from their farther end).
 * Run with `npm run eval:scenes` (`EVAL_SCENES=boxes-1,thin-2` for some, `EVAL_OUT=DIR` to save the views,
 * `EVAL_LDI_OPTIONS='{"depthEdges":"estimated"}'` for buildLdi options, `EVAL_DEGRADE=3` to give `build`
 * the exact map made network-like instead: averaged down ×3, blurred, its near side dilated, upsampled).
 */
import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

import sharp from 'sharp';

import {createSuppliedDepthSource} from '../src/depth/supplied.js';
import {encodePfm} from '../src/image/encode.js';
import {psnr} from '../src/image/metrics.js';
import type {BuildLdiOptions} from '../src/ldi/build-ldi.js';
import type {Photo, RgbImage} from '../src/image/raster.js';
import {buildScene} from '../src/pipeline/build-scene.js';
import {photoCamera} from '../src/render/camera.js';
import {gridScene} from '../src/render/grid-scene.js';
import {rgbFromRgba} from '../src/render/layouts.js';
import {renderScene} from '../src/render/rasterize.js';
import {focalLengthPixels, type Scene} from '../src/scene/scene.js';
import {seededRandom} from '../scripts/fuzz-mutations.js';
import {networkLikeDisparity} from '../test/ldi/scenes.js';

/** EVAL_SCALE=2: photos and maps ray-cast at 1280×960, the LDI built at 1024 px (the map shrunk to it). */
const SCALE = Number(process.env.EVAL_SCALE ?? 1);
const WIDTH = 640 * SCALE;
const HEIGHT = 480 * SCALE;
const FOV_Y_RADIANS = (50 * Math.PI) / 180;
/** A revealed pixel counts for the halo share only where truth and occluder differ by this much (RGB distance). */
const HALO_MIN_CONTRAST = 40;
/** A moved view's point is hidden in the photo when it lies this much (relative) behind the photo's depth there. */
const HIDDEN_DEPTH_TOLERANCE = 0.02;

type Vec3 = [number, number, number];

/** A procedural texture, a function of the hit point in scene space (the same on every view). */
interface Texture {
	base: Vec3;
	accent: Vec3;
	pattern: 'checker' | 'stripes' | 'noise';
	scaleMeters: number;
}

type Shape =
	| {kind: 'plane'; point: Vec3; normal: Vec3; texture: Texture}
	| {kind: 'box'; min: Vec3; max: Vec3; texture: Texture}
	| {kind: 'sphere'; center: Vec3; radius: number; texture: Texture};

interface GeneratedScene {
	name: string;
	shapes: Shape[];
	/** Depth of the nearest surface the photo sees, metres: the moves are fractions of it. */
	nearMeters: number;
}

function randomTexture(random: () => number): Texture {
	const colour = (): Vec3 => [40 + 200 * random(), 40 + 200 * random(), 40 + 200 * random()];
	const patterns: Texture['pattern'][] = ['checker', 'stripes', 'noise'];
	return {base: colour(), accent: colour(), pattern: patterns[Math.floor(random() * 3)]!, scaleMeters: 0.12 + 0.4 * random()};
}

/** A scene of `family` made from `seed`: a back wall and what stands before it. */
function generateScene(family: 'boxes' | 'spheres' | 'thin' | 'slanted', seed: number): GeneratedScene {
	// Seeded: scene k is the same on every machine.
	const random = seededRandom(seed * 7919 + family.length);
	const wallDepth = 8 + 6 * random();
	const floorHeight = -1.2 - 0.6 * random();
	const shapes: Shape[] = [{kind: 'plane', point: [0, 0, -wallDepth], normal: [0, 0, 1], texture: randomTexture(random)}];
	if (family !== 'slanted') shapes.push({kind: 'plane', point: [0, floorHeight, 0], normal: [0, 1, 0], texture: randomTexture(random)});
	// Half-widths of the view at depth z: x within ±z·tan(fovX/2).
	const halfHeightPerMeter = Math.tan(FOV_Y_RADIANS / 2);
	const halfWidthPerMeter = halfHeightPerMeter * WIDTH / HEIGHT;
	const count = family === 'thin' ? 3 + Math.floor(3 * random()) : 1 + Math.floor(3 * random());
	for (let i = 0; i < count; i++) {
		const z = -(1.8 + 0.5 * wallDepth * random());
		const x = (2 * random() - 1) * 0.7 * halfWidthPerMeter * -z;
		if (family === 'spheres') {
			const radius = 0.25 + 0.5 * random();
			shapes.push({kind: 'sphere', center: [x, floorHeight + radius + (random() < 0.5 ? 0 : random()), z], radius, texture: randomTexture(random)});
		} else if (family === 'thin') {
			const halfWidth = 0.03 + 0.06 * random();
			shapes.push({kind: 'box', min: [x - halfWidth, floorHeight, z - halfWidth], max: [x + halfWidth, floorHeight + 1.5 + 2 * random(), z + halfWidth], texture: randomTexture(random)});
		} else {
			const size: Vec3 = [0.4 + random(), 0.4 + 1.4 * random(), 0.3 + 0.8 * random()];
			const bottom = family === 'slanted' ? (2 * random() - 1) * halfHeightPerMeter * -z * 0.5 : floorHeight;
			shapes.push({kind: 'box', min: [x - size[0] / 2, bottom, z - size[2] / 2], max: [x + size[0] / 2, bottom + size[1], z + size[2] / 2], texture: randomTexture(random)});
		}
	}
	if (family === 'slanted') {
		// A side wall (a corridor's) from beside the camera into the distance, turned −10…20° outwards
		// from the view axis: a surface whose depth changes fast across the picture without any step.
		const angle = ((-10 + 30 * random()) * Math.PI) / 180;
		const side = random() < 0.5 ? -1 : 1;
		shapes.push({kind: 'plane', point: [side * (0.4 + 0.4 * random()), 0, -1.2], normal: [Math.cos(angle), 0, side * Math.sin(angle)], texture: randomTexture(random)});
	}
	const probe = castView(shapes, [0, 0, 0], 1);
	let nearMeters = Infinity;
	for (const z of probe.depth) nearMeters = Math.min(nearMeters, z);
	return {name: `${family}-${seed}`, shapes, nearMeters};
}

function textureColour(texture: Texture, point: Vec3, out: Float64Array): void {
	const [x, y, z] = point;
	const s = texture.scaleMeters;
	let t: number;
	if (texture.pattern === 'checker') t = (Math.floor(x / s) + Math.floor(y / s) + Math.floor(z / s)) & 1;
	else if (texture.pattern === 'stripes') t = 0.5 + 0.5 * Math.sin((x + 0.7 * y + 0.3 * z) / s * Math.PI);
	else t = valueNoise(x / s, y / s, z / s);
	for (let c = 0; c < 3; c++) out[c] = texture.base[c]! + (texture.accent[c]! - texture.base[c]!) * t;
}

function hash3(x: number, y: number, z: number): number {
	let h = Math.imul(x, 374_761_393) ^ Math.imul(y, 668_265_263) ^ Math.imul(z, 2_147_483_647);
	h = Math.imul(h ^ (h >>> 13), 1_274_126_177);
	return ((h ^ (h >>> 16)) >>> 0) / 4_294_967_296;
}

function valueNoise(x: number, y: number, z: number): number {
	const xi = Math.floor(x);
	const yi = Math.floor(y);
	const zi = Math.floor(z);
	const fx = x - xi;
	const fy = y - yi;
	const fz = z - zi;
	let sum = 0;
	for (let k = 0; k < 8; k++) {
		const dx = k & 1;
		const dy = (k >> 1) & 1;
		const dz = (k >> 2) & 1;
		const weight = (dx ? fx : 1 - fx) * (dy ? fy : 1 - fy) * (dz ? fz : 1 - fz);
		sum += weight * hash3(xi + dx, yi + dy, zi + dz);
	}
	return sum;
}

/** Nearest hit of the ray origin + t·direction (t > 0) with `shapes`: [t, shape index], t = Infinity when none. */
function intersect(shapes: Shape[], origin: Vec3, direction: Vec3): [number, number] {
	let best = Infinity;
	let bestShape = -1;
	for (let i = 0; i < shapes.length; i++) {
		const shape = shapes[i]!;
		let t = Infinity;
		if (shape.kind === 'plane') {
			const denominator = dot(direction, shape.normal);
			if (Math.abs(denominator) > 1e-9) t = dot(sub(shape.point, origin), shape.normal) / denominator;
		} else if (shape.kind === 'sphere') {
			const oc = sub(origin, shape.center);
			const a = dot(direction, direction);
			const b = dot(oc, direction);
			const discriminant = b * b - a * (dot(oc, oc) - shape.radius * shape.radius);
			if (discriminant >= 0) t = (-b - Math.sqrt(discriminant)) / a;
		} else {
			let near = -Infinity;
			let far = Infinity;
			for (let axis = 0; axis < 3; axis++) {
				const inverse = 1 / direction[axis]!;
				let t0 = (shape.min[axis]! - origin[axis]!) * inverse;
				let t1 = (shape.max[axis]! - origin[axis]!) * inverse;
				if (t0 > t1) [t0, t1] = [t1, t0];
				near = Math.max(near, t0);
				far = Math.min(far, t1);
			}
			if (near <= far) t = near;
		}
		if (t > 1e-6 && t < best) {
			best = t;
			bestShape = i;
		}
	}
	return [best, bestShape];
}

function dot(a: Vec3, b: Vec3): number {
	return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

function sub(a: Vec3, b: Vec3): Vec3 {
	return [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
}

/** A camera at `positionMeters` looking down −Z (the photo's orientation), `samples`² rays per pixel. */
interface CastView {
	image: RgbImage;
	/** Depth along −Z of each pixel centre's hit, metres. */
	depth: Float32Array;
	/** Scene point of each pixel centre's hit. */
	points: Float32Array;
}

function castView(shapes: Shape[], positionMeters: Vec3, samples: number): CastView {
	const focal = focalLengthPixels(HEIGHT, FOV_Y_RADIANS);
	const image: RgbImage = {width: WIDTH, height: HEIGHT, data: new Uint8Array(WIDTH * HEIGHT * 3)};
	const depth = new Float32Array(WIDTH * HEIGHT);
	const points = new Float32Array(WIDTH * HEIGHT * 3);
	const colour = new Float64Array(3);
	const sum = new Float64Array(3);
	for (let y = 0; y < HEIGHT; y++) {
		for (let x = 0; x < WIDTH; x++) {
			sum.fill(0);
			for (let sy = 0; sy < samples; sy++) {
				for (let sx = 0; sx < samples; sx++) {
					const u = x + (sx + 0.5) / samples;
					const v = y + (sy + 0.5) / samples;
					const direction: Vec3 = [(u - WIDTH / 2) / focal, -(v - HEIGHT / 2) / focal, -1];
					const [t, shape] = intersect(shapes, positionMeters, direction);
					if (shape < 0) continue;
					const point: Vec3 = [positionMeters[0] + t * direction[0], positionMeters[1] + t * direction[1], positionMeters[2] + t * direction[2]];
					textureColour(shapes[shape]!.texture, point, colour);
					for (let c = 0; c < 3; c++) sum[c] += colour[c]!;
				}
			}
			const p = y * WIDTH + x;
			for (let c = 0; c < 3; c++) image.data[p * 3 + c] = Math.round(sum[c]! / (samples * samples));
			const centre: Vec3 = [(x + 0.5 - WIDTH / 2) / focal, -(y + 0.5 - HEIGHT / 2) / focal, -1];
			const [t] = intersect(shapes, positionMeters, centre);
			// Rays along −Z with unit z component: t is the depth along the view axis.
			depth[p] = t;
			points[p * 3] = positionMeters[0] + t * centre[0];
			points[p * 3 + 1] = positionMeters[1] + t * centre[1];
			points[p * 3 + 2] = positionMeters[2] - t;
		}
	}
	return {image, depth, points};
}

/**
 * Per pixel of a moved view: 1 where its surface point is hidden in the photo (behind the photo's depth
 * there by more than the tolerance), 2 where it lies outside the photo's frame, 0 where the photo sees it.
 */
function revealedPixels(view: CastView, photo: CastView): Uint8Array {
	const focal = focalLengthPixels(HEIGHT, FOV_Y_RADIANS);
	const revealed = new Uint8Array(WIDTH * HEIGHT);
	for (let p = 0; p < revealed.length; p++) {
		const z = -view.points[p * 3 + 2]!;
		if (!(z > 0) || !Number.isFinite(z)) continue;
		const u = focal * view.points[p * 3]! / z + WIDTH / 2;
		const v = -focal * view.points[p * 3 + 1]! / z + HEIGHT / 2;
		if (u < 0 || v < 0 || u >= WIDTH || v >= HEIGHT) {
			revealed[p] = 2;
			continue;
		}
		const photoDepth = photo.depth[Math.floor(v) * WIDTH + Math.floor(u)]!;
		if (z > photoDepth * (1 + HIDDEN_DEPTH_TOLERANCE)) revealed[p] = 1;
	}
	return revealed;
}

interface ViewScores {
	revealedPsnr: number;
	allPsnr: number;
	haloShare: number;
	emptyPixels: number;
}

function scoreView(rendered: RgbImage, empty: number, truth: CastView, photo: CastView, revealed: Uint8Array): ViewScores {
	const inside = Uint8Array.from(revealed, (r) => (r === 1 ? 1 : 0));
	const focal = focalLengthPixels(HEIGHT, FOV_Y_RADIANS);
	let contrasted = 0;
	let halo = 0;
	for (let p = 0; p < inside.length; p++) {
		if (!inside[p]) continue;
		const z = -truth.points[p * 3 + 2]!;
		const u = Math.floor(focal * truth.points[p * 3]! / z + WIDTH / 2);
		const v = Math.floor(-focal * truth.points[p * 3 + 1]! / z + HEIGHT / 2);
		const occluder = (v * WIDTH + u) * 3;
		const toOccluder = colourDistance(truth.image.data, p * 3, photo.image.data, occluder);
		if (toOccluder <= HALO_MIN_CONTRAST) continue;
		contrasted++;
		if (colourDistance(rendered.data, p * 3, photo.image.data, occluder) < colourDistance(rendered.data, p * 3, truth.image.data, p * 3)) halo++;
	}
	return {
		revealedPsnr: psnr(rendered.data, truth.image.data, {mask: inside}),
		allPsnr: psnr(rendered.data, truth.image.data),
		haloShare: contrasted > 0 ? halo / contrasted : 0,
		emptyPixels: empty,
	};
}

function colourDistance(a: Uint8Array, i: number, b: Uint8Array, j: number): number {
	const dr = a[i]! - b[j]!;
	const dg = a[i + 1]! - b[j + 1]!;
	const db = a[i + 2]! - b[j + 2]!;
	return Math.sqrt(dr * dr + dg * dg + db * db);
}

function renderView(scene: Scene, positionMeters: Vec3, fillEmptyPixels: number): {image: RgbImage; empty: number} {
	const {image} = renderScene(scene, photoCamera(scene, {positionMeters}), {fillEmptyPixels});
	let empty = 0;
	for (let i = 3; i < image.data.length; i += 4) if (image.data[i] === 0) empty++;
	return {image: rgbFromRgba(image), empty};
}

const FAMILIES = ['boxes', 'spheres', 'thin', 'slanted'] as const;
const SEEDS = [1, 2, 3];
/** Moves as fractions of the nearest depth: the comfort range's sideways reach is 8 %. */
const MOVES: Array<{name: string; direction: Vec3; fraction: number}> = [
	{name: 'left 4%', direction: [-1, 0, 0], fraction: 0.04},
	{name: 'right 8%', direction: [1, 0, 0], fraction: 0.08},
	{name: 'up 4%', direction: [0, 1, 0], fraction: 0.04},
	{name: 'down 8%', direction: [0, -1, 0], fraction: 0.08},
	{name: 'forward 8%', direction: [0, 0, -1], fraction: 0.08},
];

const only = process.env.EVAL_SCENES?.split(',');
const ldiOverrides = JSON.parse(process.env.EVAL_LDI_OPTIONS ?? '{}') as Partial<BuildLdiOptions>;
const degradeFactor = Number(process.env.EVAL_DEGRADE ?? 1);
const outDir = process.env.EVAL_OUT;
const workDir = await mkdtemp(join(tmpdir(), 'ldi-gltf-eval-scenes-'));
if (outDir) await mkdir(outDir, {recursive: true});
const methods = ['ldi', 'dibr', 'rubber'] as const;
const totals = new Map(methods.map((method) => [method, {revealedPsnr: [] as number[], haloShare: [] as number[], emptyPixels: 0}]));
console.log(`${WIDTH}×${HEIGHT}, fov ${(FOV_Y_RADIANS * 180 / Math.PI).toFixed(0)}°; per move: revealed-pixel PSNR / all-pixel PSNR dB, halo %, empty px`);
try {
	for (const family of FAMILIES) {
		for (const seed of SEEDS) {
			const generated = generateScene(family, seed);
			if (only && !only.includes(generated.name)) continue;
			const photo = castView(generated.shapes, [0, 0, 0], 2);
			let nearMeters = Infinity;
			let farMeters = 0;
			for (const z of photo.depth) {
				nearMeters = Math.min(nearMeters, z);
				farMeters = Math.max(farMeters, z);
			}
			if (outDir) await sharp(photo.image.data, {raw: {width: WIDTH, height: HEIGHT, channels: 3}}).png().toFile(join(outDir, `${generated.name}-photo.png`));
			const depthPath = join(workDir, `${generated.name}.pfm`);
			// Degraded, the map is disparity (1/z) made network-like; its range stays the exact one's.
			const inverseDepth = Float32Array.from(photo.depth, (z) => 1 / z);
			const suppliedMap = degradeFactor > 1 ? networkLikeDisparity({width: WIDTH, height: HEIGHT, data: inverseDepth}, 1, degradeFactor).data : photo.depth;
			await writeFile(depthPath, encodePfm({width: WIDTH, height: HEIGHT, data: suppliedMap}));
			const photoInput: Photo = {image: photo.image, fovYRadians: FOV_Y_RADIANS, fovSource: 'option', sourcePath: '', originalWidth: WIDTH, originalHeight: HEIGHT};
			const depthRange = {nearMeters, farMeters};
			const {scene, ldiStats} = await buildScene(photoInput, {depth: createSuppliedDepthSource(depthPath, {kind: degradeFactor > 1 ? 'disparity' : 'depth'}), depthRange, ldi: ldiOverrides, ...(SCALE > 1 ? {ldiMaxSizePixels: 1024} : {})});
			// References over the same exact depth: the depth map as one mesh, and cut at depth steps
			// (a step of more than 3 % in depth) with the renderer filling holes from their farther end.
			const rubber = {...gridScene(photo.image, photo.depth, {fovYRadians: FOV_Y_RADIANS}), depthRange};
			const dibr = {...gridScene(photo.image, photo.depth, {fovYRadians: FOV_Y_RADIANS, maxDepthRatio: 1.03}), depthRange};
			const edges = `${ldiStats.depthEdges} edges${ldiStats.stepShare === undefined ? '' : `, step share ${ldiStats.stepShare.toFixed(2)}`}`;
			console.log(`\n${generated.name} (depth ${nearMeters.toFixed(2)}–${farMeters.toFixed(2)} m, ${generated.shapes.length} shapes; ${edges})`);
			for (const move of MOVES) {
				const offset = move.fraction * generated.nearMeters;
				const position: Vec3 = [move.direction[0] * offset, move.direction[1] * offset, move.direction[2] * offset];
				const truth = castView(generated.shapes, position, 2);
				const revealed = revealedPixels(truth, photo);
				let revealedCount = 0;
				for (const r of revealed) if (r === 1) revealedCount++;
				const renders = {
					ldi: renderView(scene, position, 2),
					dibr: renderView(dibr, position, Number.POSITIVE_INFINITY),
					rubber: renderView(rubber, position, 2),
				};
				const cells: string[] = [];
				for (const method of methods) {
					const {image, empty} = renders[method];
					const scores = scoreView(image, empty, truth, photo, revealed);
					const total = totals.get(method)!;
					if (revealedCount > 0) {
						total.revealedPsnr.push(scores.revealedPsnr);
						total.haloShare.push(scores.haloShare);
					}
					total.emptyPixels += scores.emptyPixels;
					cells.push(`${method} ${scores.revealedPsnr.toFixed(2)} / ${scores.allPsnr.toFixed(2)}, halo ${(100 * scores.haloShare).toFixed(1)} %, ${scores.emptyPixels} empty`);
					if (outDir) await sharp(image.data, {raw: {width: WIDTH, height: HEIGHT, channels: 3}}).png().toFile(join(outDir, `${generated.name}-${move.name.replace(/[ %]/g, '')}-${method}.png`));
				}
				if (outDir) await sharp(truth.image.data, {raw: {width: WIDTH, height: HEIGHT, channels: 3}}).png().toFile(join(outDir, `${generated.name}-${move.name.replace(/[ %]/g, '')}-truth.png`));
				console.log(`  ${move.name.padEnd(11)} ${String(revealedCount).padStart(6)} revealed   ${cells.join('   ')}`);
			}
		}
	}
} finally {
	await rm(workDir, {recursive: true, force: true});
}
const mean = (values: number[]): number => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
console.log('\nmeans over every scene and move with revealed pixels:');
for (const method of methods) {
	const total = totals.get(method)!;
	console.log(`  ${method.padEnd(7)} revealed PSNR ${mean(total.revealedPsnr).toFixed(2)} dB, halo ${(100 * mean(total.haloShare)).toFixed(1)} %, empty ${total.emptyPixels} px`);
}
