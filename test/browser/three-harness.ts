/**
 * A real WebGL consumer for tests: three.js GLTFLoader + MeshoptDecoder + KTX2Loader in headless Debian Chromium
 * (SwiftShader WebGL 2), driven by playwright-core. A Node http server on 127.0.0.1 serves one page, the
 * three.js modules straight from node_modules (import map) and the .glb bytes under test; the page loads
 * the .glb, renders it from the file's own camera and hands the RGBA pixels back to Node.
 *
 * Measured on the 2-core development machine: browser launch + page ready ≈ 0.5 s once per test file;
 * each render of a small .glb ≈ 0.1–0.3 s, a 1024 × 1024 scene ≈ 1 s (most of it decoding and uploading
 * the texture and moving 4 MB of pixels back as base64).
 */
import {existsSync} from 'node:fs';
import {readFile} from 'node:fs/promises';
import {extname, join, normalize, sep} from 'node:path';

import type {RgbaImage} from '../../src/image/raster.js';
import {repoRoot} from '../helpers/shared.js';
import {imageFromBottomUpBase64, openHarnessPage, PageHarness, useHarness, type HarnessPage, type PageFiles} from './page-harness.js';

/** Options for {@link BrowserHarness.renderGlbInBrowser}. */
export interface BrowserRenderOptions {
	/** Size of the rendered image, pixels. The camera keeps the file's aspect ratio (stretched if different). */
	width: number;
	height: number;
	/** Moves the file's camera along its own local axes (x right, y up, z backwards), metres. */
	cameraOffsetMeters?: [number, number, number];
	/**
	 * Then moves and turns the camera by a pose relative to it (position along its own axes, metres, and a
	 * rotation quaternion x, y, z, w applied in its own frame): what the viewer's `poseForInput` returns, so
	 * a test renders exactly the viewer's orbit. Identity by default.
	 */
	cameraRelativePose?: {position: [number, number, number]; quaternion: [number, number, number, number]};
	/**
	 * Plays the file's first animation with an AnimationMixer, sampled at this time, seconds (played once
	 * and clamped, so the clip's duration gives its last key rather than wrapping to the first; negative or
	 * absent: not played, the camera keeps its static pose). A per-keyframe
	 * `extras.cameraYfovRadians` track on the animation (see src/gltf/camera-animation.ts) is applied too.
	 */
	animationTimeSeconds?: number;
	/** Clear colour, 8-bit straight RGBA; alpha 0 makes uncovered pixels detectable. Default opaque black. */
	background?: [number, number, number, number];
}

export const BROWSER_RENDER_DEFAULTS: Required<Omit<BrowserRenderOptions, 'width' | 'height'>> = {
	cameraOffsetMeters: [0, 0, 0],
	cameraRelativePose: {position: [0, 0, 0], quaternion: [0, 0, 0, 1]},
	animationTimeSeconds: -1,
	background: [0, 0, 0, 255],
};

const PAGE_HTML = `<!doctype html>
<html><head><meta charset="utf-8">
<script type="importmap">
{"imports": {"three": "/three/build/three.module.js", "three/addons/": "/three/examples/jsm/"}}
</script>
<script type="module">
import * as THREE from 'three';
import {GLTFLoader} from 'three/addons/loaders/GLTFLoader.js';
import {MeshoptDecoder} from 'three/addons/libs/meshopt_decoder.module.js';
import {KTX2Loader} from 'three/addons/loaders/KTX2Loader.js';

THREE.ColorManagement.enabled = true;
const canvas = document.createElement('canvas');
document.body.appendChild(canvas);
const renderer = new THREE.WebGLRenderer({canvas, antialias: false, alpha: true, premultipliedAlpha: false, preserveDrawingBuffer: true});
renderer.setPixelRatio(1);
renderer.outputColorSpace = THREE.SRGBColorSpace;
renderer.toneMapping = THREE.NoToneMapping;
const loader = new GLTFLoader();
loader.setMeshoptDecoder(MeshoptDecoder);
// KHR_texture_basisu: the Basis Universal transcoder the three package ships, served from node_modules.
loader.setKTX2Loader(new KTX2Loader().setTranscoderPath('/three/examples/jsm/libs/basis/').detectSupport(renderer));

function interpolateTrack(times, values, t) {
	if (t <= times[0]) return values[0];
	for (let i = 1; i < times.length; i++) {
		if (t <= times[i]) {
			const w = (t - times[i - 1]) / (times[i] - times[i - 1]);
			return values[i - 1] + w * (values[i] - values[i - 1]);
		}
	}
	return values[values.length - 1];
}

window.renderGlb = async (url, options) => {
	const gltf = await loader.loadAsync(url);
	const camera = gltf.cameras[0];
	if (!camera) throw new Error('the file has no camera');
	if (options.animationTimeSeconds >= 0) {
		const clip = gltf.animations[0];
		if (!clip) throw new Error('the file has no animation');
		const mixer = new THREE.AnimationMixer(gltf.scene);
		const action = mixer.clipAction(clip);
		action.setLoop(THREE.LoopOnce, 1);
		action.clampWhenFinished = true;
		action.play();
		mixer.setTime(options.animationTimeSeconds);
		const yfov = clip.userData && clip.userData.cameraYfovRadians;
		if (Array.isArray(yfov)) {
			camera.fov = THREE.MathUtils.radToDeg(interpolateTrack(clip.tracks[0].times, yfov, options.animationTimeSeconds));
			camera.updateProjectionMatrix();
		}
	}
	const [dx, dy, dz] = options.cameraOffsetMeters;
	camera.translateX(dx);
	camera.translateY(dy);
	camera.translateZ(dz);
	const pose = options.cameraRelativePose;
	camera.position.add(new THREE.Vector3(...pose.position).applyQuaternion(camera.quaternion));
	camera.quaternion.multiply(new THREE.Quaternion(...pose.quaternion));
	gltf.scene.updateMatrixWorld(true);
	renderer.setSize(options.width, options.height, false);
	const [r, g, b, a] = options.background;
	renderer.setClearColor(new THREE.Color().setRGB(r / 255, g / 255, b / 255, THREE.SRGBColorSpace), a / 255);
	renderer.render(gltf.scene, camera);
	const gl = renderer.getContext();
	const pixels = new Uint8Array(options.width * options.height * 4);
	gl.readPixels(0, 0, options.width, options.height, gl.RGBA, gl.UNSIGNED_BYTE, pixels);
	gltf.scene.traverse((object) => {
		if (object.geometry) object.geometry.dispose();
		if (object.material) {
			for (const value of Object.values(object.material)) if (value && value.isTexture) value.dispose();
			object.material.dispose();
		}
	});
	renderer.renderLists.dispose();
	let binary = '';
	const chunk = 0x8000;
	for (let i = 0; i < pixels.length; i += chunk) binary += String.fromCharCode.apply(null, pixels.subarray(i, i + chunk));
	return {base64: btoa(binary), cameraCount: gltf.cameras.length, animationCount: gltf.animations.length};
};
window.harnessReady = true;
</script></head><body style="margin:0"></body></html>`;

/** Content types of the three package's files the page loads: modules and the Basis Universal transcoder. */
const CONTENT_TYPES: Record<string, string> = {
	'.js': 'text/javascript',
	'.wasm': 'application/wasm',
};

/** What the page reports besides the pixels. */
export interface BrowserRenderResult {
	image: RgbaImage;
	cameraCount: number;
	animationCount: number;
	/** Console warnings the page logged while loading and rendering (three.js reports unknown extensions here). */
	warnings: string[];
}

/**
 * One browser + page + http server, reused by every render of a test file.
 *
 * ```ts
 * const harness = await BrowserHarness.start();
 * const image = await harness.renderGlbInBrowser(glbBytes, {width: 640, height: 480});
 * await harness.close();
 * ```
 */
export class BrowserHarness extends PageHarness {
	/** Console warnings of the page since the current render started. */
	private readonly consoleWarnings: string[] = [];

	private constructor(harnessPage: HarnessPage) {
		super('three.js', harnessPage);
		harnessPage.page.on('console', (message) => {
			if (message.type() === 'warning') this.consoleWarnings.push(message.text());
		});
	}

	static async start(): Promise<BrowserHarness> {
		return new BrowserHarness(await openHarnessPage({pageFiles: threePageFiles(join(repoRoot, 'node_modules', 'three'))}));
	}

	/**
	 * Loads `glb` in the page and renders it from its first camera. Rejects with the page's message when
	 * loading fails or the page logs a console error.
	 *
	 * ```ts
	 * const left = await harness.renderGlbInBrowser(glb, {width: 512, height: 384, cameraOffsetMeters: [-0.03, 0, 0]});
	 * ```
	 */
	async renderGlbInBrowserWithLog(glb: Uint8Array, options: BrowserRenderOptions): Promise<BrowserRenderResult> {
		this.consoleWarnings.length = 0;
		const pageOptions: Required<BrowserRenderOptions> = {...BROWSER_RENDER_DEFAULTS, ...options};
		const result = await this.renderInPage<PageRenderResult>(glb, pageOptions);
		return {
			image: imageFromBottomUpBase64(result.base64, options.width, options.height),
			cameraCount: result.cameraCount,
			animationCount: result.animationCount,
			warnings: [...this.consoleWarnings],
		};
	}

	/** {@link renderGlbInBrowserWithLog} returning only the image. */
	async renderGlbInBrowser(glb: Uint8Array, options: BrowserRenderOptions): Promise<RgbaImage> {
		return (await this.renderGlbInBrowserWithLog(glb, options)).image;
	}
}

/**
 * Registers mocha hooks that start one harness before the suite's tests and close it after them, and
 * skips the suite with a message naming the missing browser when Chromium is not installed.
 *
 * ```ts
 * describe('three.js consumer', function () {
 *   const harness = useBrowserHarness();
 *   it('renders', async () => { const image = await harness().renderGlbInBrowser(glb, {width: 64, height: 64}); });
 * });
 * ```
 */
export function useBrowserHarness(): () => BrowserHarness {
	return useHarness(() => BrowserHarness.start(), {name: 'the browser harness', startTimeoutMs: 60_000});
}

/** What the page's `renderGlb` returns: the pixels bottom row first, as base64. */
interface PageRenderResult {
	base64: string;
	cameraCount: number;
	animationCount: number;
}

/** The page, and three.js from node_modules under `/three/`. */
function threePageFiles(threeRoot: string): PageFiles {
	return async (pathname) => {
		if (pathname === '/') return {body: PAGE_HTML, contentType: 'text/html'};
		if (!pathname.startsWith('/three/')) return undefined;
		const path = normalize(join(threeRoot, decodeURIComponent(pathname.slice('/three/'.length))));
		if (!path.startsWith(threeRoot + sep) || !existsSync(path)) return undefined;
		return {body: await readFile(path), contentType: CONTENT_TYPES[extname(pathname)] ?? 'application/octet-stream'};
	};
}
