/**
 * Renders the bundled sample (assets/sample.jpg + assets/sample-depth.png) by ray casting a small
 * procedural scene: a brick wall, a tiled floor seen at a slant, a striped ball, a wooden crate and a
 * thin pole behind the crate (so depth edges overlap). The disparity PNG is exact: 1/z of the surface
 * hit by each pixel's centre ray, bright = near. Deterministic: running it again rewrites identical
 * files.
 *
 * Run: `node --import=tsx scripts/make-sample.ts [outDir]` (default: assets/).
 */
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';

import sharp from 'sharp';

import {writeFileAtomic} from '../src/io/atomic.js';

const WIDTH = 640;
const HEIGHT = 480;
/** Focal length = the long side, the project's default FOV (~53.13° across the width). */
const FOCAL_PIXELS = 640;
const SUPERSAMPLES = 3;
const CAMERA_HEIGHT_METERS = 1.5;
const CAMERA_PITCH_RADIANS = (-12 * Math.PI) / 180;
const WALL_Z_METERS = 8;
const FLOOR_Y_METERS = -CAMERA_HEIGHT_METERS;
const SUN = normalize([-0.55, 0.75, -0.45]);
const AMBIENT = 0.28;

type Vec3 = [number, number, number];

interface Hit {
	t: number;
	/** Which surface: decides texture. */
	surface: 'floor' | 'wall' | 'ball' | 'crate' | 'pole';
	normal: Vec3;
	point: Vec3;
}

const BALL = {center: [-0.75, -0.8, 3.4] as Vec3, radius: 0.7};
const CRATE = {min: [0.35, FLOOR_Y_METERS, 2.9] as Vec3, max: [1.2, -0.8, 3.6] as Vec3};
const POLE = {x: 0.95, z: 4.6, radius: 0.1, top: 1.6};

function normalize(v: Vec3): Vec3 {
	const length = Math.hypot(v[0], v[1], v[2]);
	return [v[0] / length, v[1] / length, v[2] / length];
}

function dot(a: Vec3, b: Vec3): number {
	return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

function at(origin: Vec3, direction: Vec3, t: number): Vec3 {
	return [origin[0] + direction[0] * t, origin[1] + direction[1] * t, origin[2] + direction[2] * t];
}

/** Integer hash → [0, 1), for per-brick and per-tile colour variation. */
function hash(x: number, y: number): number {
	let h = Math.imul(x | 0, 374761393) ^ Math.imul(y | 0, 668265263);
	h = Math.imul(h ^ (h >>> 13), 1274126177);
	return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

/** Smooth value noise in [0, 1) on a unit grid. */
function valueNoise(x: number, y: number): number {
	const x0 = Math.floor(x);
	const y0 = Math.floor(y);
	const fx = x - x0;
	const fy = y - y0;
	const sx = fx * fx * (3 - 2 * fx);
	const sy = fy * fy * (3 - 2 * fy);
	const top = hash(x0, y0) + (hash(x0 + 1, y0) - hash(x0, y0)) * sx;
	const bottom = hash(x0, y0 + 1) + (hash(x0 + 1, y0 + 1) - hash(x0, y0 + 1)) * sx;
	return top + (bottom - top) * sy;
}

function intersect(origin: Vec3, direction: Vec3): Hit | undefined {
	let best: Hit | undefined;
	const consider = (t: number, surface: Hit['surface'], normalAt: (point: Vec3) => Vec3) => {
		if (!(t > 1e-6) || (best && t >= best.t)) return;
		const point = at(origin, direction, t);
		best = {t, surface, point, normal: normalAt(point)};
	};

	if (direction[1] < 0) consider((FLOOR_Y_METERS - origin[1]) / direction[1], 'floor', () => [0, 1, 0]);
	if (direction[2] > 0) consider((WALL_Z_METERS - origin[2]) / direction[2], 'wall', () => [0, 0, -1]);

	const oc: Vec3 = [origin[0] - BALL.center[0], origin[1] - BALL.center[1], origin[2] - BALL.center[2]];
	const b = dot(oc, direction);
	const discriminant = b * b - (dot(oc, oc) - BALL.radius * BALL.radius);
	if (discriminant > 0) {
		consider(-b - Math.sqrt(discriminant), 'ball', (p) => normalize([p[0] - BALL.center[0], p[1] - BALL.center[1], p[2] - BALL.center[2]]));
	}

	let tNear = -Infinity;
	let tFar = Infinity;
	let axisNear = 0;
	for (let axis = 0; axis < 3; axis++) {
		const inverse = 1 / direction[axis]!;
		let t0 = (CRATE.min[axis]! - origin[axis]!) * inverse;
		let t1 = (CRATE.max[axis]! - origin[axis]!) * inverse;
		if (t0 > t1) [t0, t1] = [t1, t0];
		if (t0 > tNear) {
			tNear = t0;
			axisNear = axis;
		}
		tFar = Math.min(tFar, t1);
	}
	if (tNear <= tFar) {
		const normal: Vec3 = [0, 0, 0];
		normal[axisNear] = direction[axisNear]! > 0 ? -1 : 1;
		consider(tNear, 'crate', () => normal);
	}

	const ox = origin[0] - POLE.x;
	const oz = origin[2] - POLE.z;
	const a = direction[0] * direction[0] + direction[2] * direction[2];
	const halfB = ox * direction[0] + oz * direction[2];
	const poleDiscriminant = halfB * halfB - a * (ox * ox + oz * oz - POLE.radius * POLE.radius);
	if (poleDiscriminant > 0) {
		const t = (-halfB - Math.sqrt(poleDiscriminant)) / a;
		const y = origin[1] + direction[1] * t;
		if (y >= FLOOR_Y_METERS && y <= POLE.top) consider(t, 'pole', (p) => normalize([p[0] - POLE.x, 0, p[2] - POLE.z]));
	}
	return best;
}

/** Surface albedo (linear RGB) at a hit. */
function albedo(hit: Hit): Vec3 {
	const [x, y, z] = hit.point;
	switch (hit.surface) {
		case 'wall': {
			const row = Math.floor((y + 10) / 0.25);
			const u = x / 0.5 + (row % 2) * 0.5;
			const column = Math.floor(u);
			const inMortar = (y + 10) / 0.25 - row < 0.08 || u - column < 0.04;
			if (inMortar) return [0.55, 0.53, 0.5];
			const shade = 0.75 + 0.35 * hash(column, row) + 0.15 * valueNoise(x * 12, y * 12);
			return [0.42 * shade, 0.16 * shade, 0.1 * shade];
		}
		case 'floor': {
			const tile = (Math.floor(x / 0.6) + Math.floor(z / 0.6)) & 1;
			const grain = 0.85 + 0.3 * valueNoise(x * 3, z * 20);
			return tile ? [0.5 * grain, 0.36 * grain, 0.2 * grain] : [0.2 * grain, 0.13 * grain, 0.07 * grain];
		}
		case 'ball': {
			const p = normalize([x - BALL.center[0], y - BALL.center[1], z - BALL.center[2]]);
			const band = Math.floor((Math.atan2(p[0], p[2]) / Math.PI) * 6 + 6) & 1;
			return band ? [0.7, 0.08, 0.06] : [0.85, 0.8, 0.7];
		}
		case 'crate': {
			const along = hit.normal[0] !== 0 ? z : x;
			const plank = Math.floor((y - FLOOR_Y_METERS) / 0.15);
			const grain = 0.8 + 0.2 * Math.sin(along * 40 + 3 * valueNoise(along * 4, plank * 7)) + 0.1 * hash(plank, 3);
			return [0.55 * grain, 0.4 * grain, 0.22 * grain];
		}
		case 'pole': {
			const ring = Math.floor(y / 0.3) & 1;
			return ring ? [0.15, 0.3, 0.6] : [0.85, 0.85, 0.8];
		}
	}
}

/** Linear radiance along a ray, and the hit (for depth). */
function shade(origin: Vec3, direction: Vec3): {radiance: Vec3; hit: Hit} {
	const hit = intersect(origin, direction);
	if (!hit) throw new Error('the scene is closed: every ray must hit the wall or the floor');
	const colour = albedo(hit);
	const lit = dot(hit.normal, SUN);
	const shadowOrigin = at(hit.point, hit.normal, 1e-4);
	// Rays toward the sun climb and come back toward the camera, so only the objects can block them.
	const inShadow = lit > 0 && intersect(shadowOrigin, SUN) !== undefined;
	const diffuse = AMBIENT + (inShadow ? 0 : Math.max(0, lit)) * 0.85;
	let specular = 0;
	if (hit.surface === 'ball' && !inShadow) {
		const reflected = at(direction, hit.normal, -2 * dot(direction, hit.normal));
		specular = 0.6 * Math.max(0, dot(reflected, SUN)) ** 40;
	}
	return {radiance: [colour[0] * diffuse + specular, colour[1] * diffuse + specular, colour[2] * diffuse + specular], hit};
}

function linearToSrgb(value: number): number {
	const v = Math.min(1, Math.max(0, value));
	return Math.round(255 * (v <= 0.0031308 ? 12.92 * v : 1.055 * v ** (1 / 2.4) - 0.055));
}

/**
 * Renders the sample: 8-bit sRGB colour (3×3 supersampled) and camera-space depth z of each pixel's
 * centre ray (metres).
 */
function renderSample(): {rgb: Uint8Array; depthMeters: Float64Array} {
	const rgb = new Uint8Array(WIDTH * HEIGHT * 3);
	const depthMeters = new Float64Array(WIDTH * HEIGHT);
	const origin: Vec3 = [0, 0, 0];
	const cosPitch = Math.cos(CAMERA_PITCH_RADIANS);
	const sinPitch = Math.sin(CAMERA_PITCH_RADIANS);
	const forward: Vec3 = [0, sinPitch, cosPitch];
	const rayThrough = (px: number, py: number): Vec3 => {
		const cx = (px - WIDTH / 2) / FOCAL_PIXELS;
		const cy = -(py - HEIGHT / 2) / FOCAL_PIXELS;
		// Camera looks along +z, pitched down about the x axis.
		return normalize([cx, cy * cosPitch + sinPitch, -cy * sinPitch + cosPitch]);
	};
	for (let py = 0; py < HEIGHT; py++) {
		for (let px = 0; px < WIDTH; px++) {
			const sum: Vec3 = [0, 0, 0];
			for (let sy = 0; sy < SUPERSAMPLES; sy++) {
				for (let sx = 0; sx < SUPERSAMPLES; sx++) {
					const {radiance} = shade(origin, rayThrough(px + (sx + 0.5) / SUPERSAMPLES, py + (sy + 0.5) / SUPERSAMPLES));
					sum[0] += radiance[0];
					sum[1] += radiance[1];
					sum[2] += radiance[2];
				}
			}
			const samples = SUPERSAMPLES * SUPERSAMPLES;
			const i = py * WIDTH + px;
			rgb[i * 3] = linearToSrgb(sum[0] / samples);
			rgb[i * 3 + 1] = linearToSrgb(sum[1] / samples);
			rgb[i * 3 + 2] = linearToSrgb(sum[2] / samples);
			const centre = rayThrough(px + 0.5, py + 0.5);
			depthMeters[i] = dot(shade(origin, centre).hit.point, forward);
		}
	}
	return {rgb, depthMeters};
}

/** Disparity 1/z scaled so the farthest pixel is 0 and the nearest 65535. */
function disparityCodes(depthMeters: Float64Array): {codes: Uint16Array; nearMeters: number; farMeters: number} {
	let nearMeters = Infinity;
	let farMeters = 0;
	for (const z of depthMeters) {
		nearMeters = Math.min(nearMeters, z);
		farMeters = Math.max(farMeters, z);
	}
	const codes = new Uint16Array(depthMeters.length);
	const range = 1 / nearMeters - 1 / farMeters;
	for (let i = 0; i < codes.length; i++) codes[i] = Math.round((65535 * (1 / depthMeters[i]! - 1 / farMeters)) / range);
	return {codes, nearMeters, farMeters};
}

async function main(): Promise<void> {
	const outDir = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'assets'));
	const started = performance.now();
	const {rgb, depthMeters} = renderSample();
	const {codes, nearMeters, farMeters} = disparityCodes(depthMeters);
	const jpeg = await sharp(rgb, {raw: {width: WIDTH, height: HEIGHT, channels: 3}}).jpeg({quality: 90, mozjpeg: true}).toBuffer();
	const png = await sharp(codes, {raw: {width: WIDTH, height: HEIGHT, channels: 1}}).toColourspace('grey16').png({compressionLevel: 9}).toBuffer();
	await writeFileAtomic(join(outDir, 'sample.jpg'), jpeg);
	await writeFileAtomic(join(outDir, 'sample-depth.png'), png);
	console.log(
		`wrote ${join(outDir, 'sample.jpg')} (${jpeg.length} B) and sample-depth.png (${png.length} B): ${WIDTH}x${HEIGHT}, ` +
		`depth ${nearMeters.toFixed(4)}..${farMeters.toFixed(4)} m, ${Math.round(performance.now() - started)} ms`,
	);
}

await main();
