/**
 * A second real WebGL consumer for tests: Babylon.js (`@babylonjs/core` + `@babylonjs/loaders`, the glTF 2.0
 * loader with its EXT_meshopt_compression and EXT_texture_webp extensions) in headless Debian Chromium,
 * driven by playwright-core, set up as the README tells a Babylon user to: its meshopt decoder pointed at a
 * file this server serves (the `meshoptimizer` package's classic-script build), not Babylon's CDN.
 *
 * The page script is bundled in memory by esbuild (a dev dependency already used for the viewer) from
 * node_modules, so Babylon's thousands of ES modules and its dynamically imported loader extensions and
 * shaders arrive as one script. Every request that does not go to this 127.0.0.1 server is aborted and
 * recorded ({@link BabylonHarness.externalRequests}): a test asserts the list stays empty.
 *
 * Measured on the 2-core development machine: bundling ≈ 1–2 s and browser launch ≈ 0.5 s once per file.
 */
import {existsSync} from 'node:fs';
import {readFile} from 'node:fs/promises';
import {join} from 'node:path';

import {build} from 'esbuild';

import type {RgbaImage} from '../../src/image/raster.js';
import {repoRoot} from '../helpers/shared.js';
import {closeHarnessPage, imageFromBottomUpBase64, openHarnessPage, PageHarness, useHarness, type HarnessPage, type PageFiles} from './page-harness.js';

/** Where the page asks Babylon to fetch the meshopt decoder from (served from node_modules/meshoptimizer). */
export const LOCAL_DECODER_PATH = '/meshopt_decoder.js';

/** The page script: loads a .glb with Babylon's glTF loader and renders it from the file's camera. */
const PAGE_SCRIPT = `
import {Engine} from '@babylonjs/core/Engines/engine.js';
import {Scene} from '@babylonjs/core/scene.js';
import {Color4} from '@babylonjs/core/Maths/math.color.js';
import {AppendSceneAsync} from '@babylonjs/core/Loading/sceneLoader.js';
import {MeshoptCompression} from '@babylonjs/core/Meshes/Compression/meshoptCompression.js';
import {Tools} from '@babylonjs/core/Misc/tools.js';
import '@babylonjs/core/Loading/loadingScreen.js';
import '@babylonjs/loaders/glTF/2.0/index.js';
import '@babylonjs/loaders/glTF/glTFFileLoader.js';

const LOCAL_DECODER = {url: '${LOCAL_DECODER_PATH}'};
const CDN_DECODER = MeshoptCompression.Configuration.decoder;

window.babylonVersion = Engine.Version;
window.babylonCdn = Tools._DefaultCdnUrl;
window.renderGlb = async (url, options) => {
	// What the README tells Babylon users: the decoder from a local URL. Babylon's default (its CDN) only
	// when a test asks for it, to show that the CDN request is made and blocked.
	const decoder = options.cdnDecoder ? CDN_DECODER : LOCAL_DECODER;
	if (MeshoptCompression.Configuration.decoder !== decoder) {
		MeshoptCompression.Configuration = {decoder};
		MeshoptCompression._Default?.dispose();
		MeshoptCompression._Default = null;
	}
	const canvas = document.createElement('canvas');
	canvas.width = options.width;
	canvas.height = options.height;
	canvas.style.width = options.width + 'px';
	canvas.style.height = options.height + 'px';
	document.body.appendChild(canvas);
	const engine = new Engine(canvas, false, {preserveDrawingBuffer: true, premultipliedAlpha: false, alpha: true, stencil: false, useExactSrgbConversions: options.exactSrgb}, false);
	try {
		engine.setHardwareScalingLevel(1);
		engine.setSize(options.width, options.height);
		const scene = new Scene(engine);
		const [r, g, b, a] = options.background;
		scene.clearColor = new Color4(r / 255, g / 255, b / 255, a / 255);
		await AppendSceneAsync(url, scene, {pluginExtension: '.glb'});
		const camera = scene.cameras[0];
		if (!camera) throw new Error('the file has no camera');
		scene.activeCamera = camera;
		await scene.whenReadyAsync();
		scene.render();
		const pixels = new Uint8Array(await engine.readPixels(0, 0, options.width, options.height, true, true).then((view) => view.buffer));
		let binary = '';
		const chunk = 0x8000;
		for (let i = 0; i < pixels.length; i += chunk) binary += String.fromCharCode.apply(null, pixels.subarray(i, i + chunk));
		const result = {
			base64: btoa(binary),
			cameraCount: scene.cameras.length,
			cameraName: camera.name,
			meshCount: scene.meshes.filter((mesh) => mesh.getTotalVertices() > 0).length,
		};
		scene.dispose();
		return result;
	} finally {
		engine.dispose();
		canvas.remove();
	}
};
window.harnessReady = true;
`;

const PAGE_HTML = `<!doctype html>
<html><head><meta charset="utf-8"><script src="/page.js"></script></head><body style="margin:0"></body></html>`;

/** Options for {@link BabylonHarness.render}. */
export interface BabylonRenderOptions {
	/** Size of the rendered image, pixels (the camera's aspect follows it). */
	width: number;
	height: number;
	/** Clear colour, 8-bit straight RGBA; alpha 0 makes uncovered pixels detectable. Default opaque black. */
	background?: [number, number, number, number];
	/** Leave Babylon's default decoder URL (its CDN, blocked here) instead of the local file. Default false. */
	cdnDecoder?: boolean;
	/**
	 * The engine's `useExactSrgbConversions`, as the README tells Babylon users to set. Babylon's default
	 * (false) encodes its output with pow(1/2.2) after an exact sRGB texture decode, lifting dark tones
	 * (photo level 16 renders as 22). Default true.
	 */
	exactSrgb?: boolean;
}

/** What the page reports besides the pixels. */
export interface BabylonRenderResult {
	image: RgbaImage;
	/** Cameras in the Babylon scene after loading (the glTF camera is imported as one). */
	cameraCount: number;
	cameraName: string;
	/** Meshes with vertices (decoded geometry). */
	meshCount: number;
}

/** What the page's `renderGlb` returns: the pixels bottom row first, as base64. */
interface PageRenderResult {
	base64: string;
	cameraCount: number;
	cameraName: string;
	meshCount: number;
}

/**
 * One browser + page + http server for a test file.
 *
 * ```ts
 * const harness = await BabylonHarness.start();
 * const {image} = await harness.render(glbBytes, {width: 640, height: 480});
 * assert.deepEqual(harness.externalRequests, []);
 * await harness.close();
 * ```
 */
export class BabylonHarness extends PageHarness {
	private constructor(
		harnessPage: HarnessPage,
		/** Requests to anything but this test server, aborted: must stay empty (no CDN). */
		readonly externalRequests: readonly string[],
		/** Babylon.js version the page runs. */
		readonly babylonVersion: string,
	) {
		super('Babylon.js', harnessPage);
	}

	static async start(): Promise<BabylonHarness> {
		const bundle = await build({
			stdin: {contents: PAGE_SCRIPT, resolveDir: repoRoot, loader: 'js', sourcefile: 'babylon-page.js'},
			bundle: true,
			format: 'iife',
			target: 'es2022',
			write: false,
			logLevel: 'silent',
		});
		const pageScript = bundle.outputFiles[0].contents;
		const decoder = await readFile(join(repoRoot, 'node_modules', 'meshoptimizer', 'meshopt_decoder.cjs'));
		const externalRequests: string[] = [];
		const harnessPage = await openHarnessPage({
			pageFiles: babylonPageFiles(pageScript, decoder),
			prepareContext: async (context, origin) => {
				await context.route('**/*', async (route) => {
					const requestUrl = route.request().url();
					if (requestUrl.startsWith(`${origin}/`)) await route.continue();
					else {
						externalRequests.push(requestUrl);
						await route.abort('blockedbyclient');
					}
				});
			},
		});
		try {
			const version = await harnessPage.page.evaluate(() => (window as unknown as {babylonVersion: string}).babylonVersion);
			return new BabylonHarness(harnessPage, externalRequests, version);
		} catch (error) {
			await closeHarnessPage(harnessPage);
			throw error;
		}
	}

	/**
	 * Loads `glb` in Babylon and renders it from its glTF camera at `width` × `height`. Rejects with the
	 * page's message when loading fails or the page logs a console error.
	 */
	async render(glb: Uint8Array, options: BabylonRenderOptions): Promise<BabylonRenderResult> {
		const {width, height} = options;
		const result = await this.renderInPage<PageRenderResult>(glb, {
			width,
			height,
			background: options.background ?? [0, 0, 0, 255],
			cdnDecoder: options.cdnDecoder ?? false,
			exactSrgb: options.exactSrgb ?? true,
		});
		return {image: imageFromBottomUpBase64(result.base64, width, height), cameraCount: result.cameraCount, cameraName: result.cameraName, meshCount: result.meshCount};
	}
}

/**
 * Registers mocha hooks that start one Babylon harness before the suite's tests and close it after them;
 * skips the suite with a message naming what is missing (Chromium, or the Babylon packages).
 *
 * ```ts
 * describe('Babylon.js consumer', function () {
 *   const harness = useBabylonHarness();
 *   it('renders', async () => { const {image} = await harness().render(glb, {width: 64, height: 64}); });
 * });
 * ```
 */
export function useBabylonHarness(): () => BabylonHarness {
	return useHarness(() => BabylonHarness.start(), {
		name: 'the Babylon harness',
		// Bundling Babylon's modules comes on top of the browser launch.
		startTimeoutMs: 90_000,
		skipReason: () => {
			const missing = ['@babylonjs/core', '@babylonjs/loaders'].filter((name) => !existsSync(join(repoRoot, 'node_modules', name, 'package.json')));
			return missing.length > 0 ? `${missing.join(', ')} not installed (npm ci installs the dev dependencies)` : undefined;
		},
	});
}

/** The page, its bundled script and the meshopt decoder. */
function babylonPageFiles(pageScript: Uint8Array, decoder: Uint8Array): PageFiles {
	return async (pathname) => {
		if (pathname === '/') return {body: PAGE_HTML, contentType: 'text/html'};
		if (pathname === '/page.js') return {body: pageScript, contentType: 'text/javascript'};
		if (pathname === LOCAL_DECODER_PATH) return {body: decoder, contentType: 'text/javascript'};
		return undefined;
	};
}
