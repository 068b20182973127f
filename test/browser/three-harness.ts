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
import {createServer, type Server, type ServerResponse} from 'node:http';
import type {AddressInfo} from 'node:net';
import {extname, join, normalize, sep} from 'node:path';

import {chromium, type Browser, type Page} from 'playwright-core';

import type {RgbaImage} from '../../src/image/raster.js';
import {repoRoot} from '../helpers/shared.js';

/** Debian's Chromium; `.ci/run` installs it, playwright-core never downloads a browser. */
export const CHROMIUM_PATH = process.env.LDI_GLTF_CHROMIUM ?? '/usr/bin/chromium';

/** Flags that make headless Chromium render WebGL 2 on the CPU (SwiftShader) without network chatter. */
export const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--use-angle=swiftshader',
	'--enable-unsafe-swiftshader',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--no-first-run',
	'--disable-dev-shm-usage',
];

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

const CONTENT_TYPES: Record<string, string> = {
	'.js': 'text/javascript',
	'.html': 'text/html',
	'.glb': 'model/gltf-binary',
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
export class BrowserHarness {
	private nextGlbId = 0;
	private readonly consoleErrors: string[] = [];
	private readonly consoleWarnings: string[] = [];

	private constructor(
		private readonly server: Server,
		private readonly browser: Browser,
		private readonly page: Page,
		private readonly glbs: Map<string, Uint8Array>,
	) {}

	static async start(): Promise<BrowserHarness> {
		const threeRoot = join(repoRoot, 'node_modules', 'three');
		const glbs = new Map<string, Uint8Array>();
		const server = createServer((request, response) => {
			serve(new URL(request.url ?? '/', 'http://127.0.0.1'), threeRoot, glbs, response);
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		let browser: Browser | undefined;
		try {
			browser = await chromium.launch({executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS});
			const page = await browser.newPage();
			const harness = new BrowserHarness(server, browser, page, glbs);
			page.on('console', (message) => {
				if (message.type() === 'error') harness.consoleErrors.push(message.text());
				else if (message.type() === 'warning') harness.consoleWarnings.push(message.text());
			});
			page.on('pageerror', (error) => harness.consoleErrors.push(error.message));
			const {port} = server.address() as AddressInfo;
			await page.goto(`http://127.0.0.1:${port}/`);
			await page.waitForFunction(() => (window as unknown as {harnessReady?: boolean}).harnessReady === true, undefined, {
				timeout: 30_000,
			});
			return harness;
		} catch (error) {
			await browser?.close();
			await new Promise((resolve) => server.close(resolve));
			throw error;
		}
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
		const id = `${this.nextGlbId++}.glb`;
		this.glbs.set(id, glb);
		this.consoleErrors.length = 0;
		this.consoleWarnings.length = 0;
		const pageOptions = {...BROWSER_RENDER_DEFAULTS, ...options};
		try {
			const result = await this.page.evaluate(
				([url, renderOptions]) => (window as unknown as {renderGlb: RenderGlbInPage}).renderGlb(url, renderOptions),
				[`/glb/${id}`, pageOptions] as const,
			);
			if (this.consoleErrors.length > 0) throw new Error(`browser console: ${this.consoleErrors.join(' | ')}`);
			const bottomUp = Buffer.from(result.base64, 'base64');
			const {width, height} = options;
			const data = new Uint8Array(width * height * 4);
			const rowBytes = width * 4;
			for (let y = 0; y < height; y++) {
				data.set(bottomUp.subarray((height - 1 - y) * rowBytes, (height - y) * rowBytes), y * rowBytes);
			}
			return {
				image: {width, height, data},
				cameraCount: result.cameraCount,
				animationCount: result.animationCount,
				warnings: [...this.consoleWarnings],
			};
		} catch (error) {
			const message = firstLine(error instanceof Error ? error.message : String(error));
			const consoleDetail = this.consoleErrors.length > 0 && !message.startsWith('browser console:') ? ` (browser console: ${this.consoleErrors.join(' | ')})` : '';
			throw new Error(`three.js could not render the .glb: ${message}${consoleDetail}`, {cause: error});
		} finally {
			this.glbs.delete(id);
		}
	}

	/** {@link renderGlbInBrowserWithLog} returning only the image. */
	async renderGlbInBrowser(glb: Uint8Array, options: BrowserRenderOptions): Promise<RgbaImage> {
		return (await this.renderGlbInBrowserWithLog(glb, options)).image;
	}

	async close(): Promise<void> {
		try {
			await this.browser.close();
		} finally {
			this.server.closeAllConnections();
			await new Promise((resolve) => this.server.close(resolve));
		}
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
	let harness: BrowserHarness | undefined;
	before(async function () {
		if (!existsSync(CHROMIUM_PATH)) {
			console.log(`      skipped: ${CHROMIUM_PATH} is missing (apt-get install chromium, or set LDI_GLTF_CHROMIUM)`);
			this.skip();
		}
		this.timeout(60_000);
		harness = await BrowserHarness.start();
	});
	after(async function () {
		this.timeout(30_000);
		await harness?.close();
		harness = undefined;
	});
	return () => {
		if (harness === undefined) throw new Error('the browser harness is not running (use it inside it() blocks)');
		return harness;
	};
}

type RenderGlbInPage = (
	url: string,
	options: Required<BrowserRenderOptions>,
) => Promise<{base64: string; cameraCount: number; animationCount: number}>;

/** The first line of a playwright error, without its `page.evaluate: ` prefix and stack. */
function firstLine(message: string): string {
	return message.replace(/^page\.evaluate: /, '').split('\n')[0].trim();
}

/** Serves the page, three.js from node_modules and the .glb bytes registered for the current render. */
function serve(url: URL, threeRoot: string, glbs: Map<string, Uint8Array>, response: ServerResponse): void {
	void (async () => {
		let body: Uint8Array | string | undefined;
		if (url.pathname === '/') body = PAGE_HTML;
		else if (url.pathname.startsWith('/glb/')) body = glbs.get(url.pathname.slice('/glb/'.length));
		else if (url.pathname.startsWith('/three/')) {
			const path = normalize(join(threeRoot, decodeURIComponent(url.pathname.slice('/three/'.length))));
			if (path.startsWith(threeRoot + sep) && existsSync(path)) body = await readFile(path);
		}
		if (body === undefined) {
			response.writeHead(404).end();
			return;
		}
		const extension = url.pathname === '/' ? '.html' : extname(url.pathname);
		response.writeHead(200, {'content-type': CONTENT_TYPES[extension] ?? 'application/octet-stream'});
		response.end(body);
	})().catch((error: unknown) => response.writeHead(500).end(String(error)));
}
