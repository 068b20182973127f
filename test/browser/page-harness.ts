/**
 * What the WebGL consumer harnesses (three-harness.ts, babylon-harness.ts) share: a Node http server on
 * 127.0.0.1 serving one page, its scripts and the .glb bytes under test; headless Debian Chromium on that
 * page, driven by playwright-core; the page's console errors turned into one-line errors naming the
 * engine; and the mocha hooks that start one harness per suite or skip it when something is missing.
 *
 * Each engine's page defines `window.renderGlb(url, options)`, resolving to its pixels and counts, and
 * sets `window.harnessReady` once it can render.
 */
import {existsSync} from 'node:fs';
import {createServer, type Server} from 'node:http';
import type {AddressInfo} from 'node:net';

import {chromium, type Browser, type BrowserContext, type Page} from 'playwright-core';

import type {RgbaImage} from '../../src/image/raster.js';

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

/** One of the page's own files, as the server answers it. */
export interface PageFile {
	body: Uint8Array | string;
	contentType: string;
}

/**
 * The page's own files by path (`/` is the page); undefined answers 404. The server answers `/glb/<id>`
 * itself, from the .glb bytes of the render under way.
 *
 * ```ts
 * const pageFiles: PageFiles = async (pathname) => (pathname === '/' ? {body: PAGE_HTML, contentType: 'text/html'} : undefined);
 * ```
 */
export type PageFiles = (pathname: string) => Promise<PageFile | undefined>;

/** What {@link openHarnessPage} starts: close it with {@link closeHarnessPage}. */
export interface HarnessPage {
	server: Server;
	browser: Browser;
	page: Page;
	/** The .glb bytes of the renders under way by id, served at `/glb/<id>`. */
	glbs: Map<string, Uint8Array>;
	/** Uncaught exceptions and console errors of the page, in order. */
	consoleErrors: string[];
	/** Paths requested from the server, in order. */
	localRequests: string[];
}

/** Options for {@link openHarnessPage}. */
export interface HarnessPageOptions {
	pageFiles: PageFiles;
	/** Runs on the browser context before the page opens, e.g. to route requests that leave `origin`. */
	prepareContext?: (context: BrowserContext, origin: string) => Promise<void>;
}

/**
 * Starts the server, launches Chromium, opens the page and waits until it is ready to render; on failure
 * closes what it started and rejects.
 *
 * ```ts
 * const harnessPage = await openHarnessPage({pageFiles});
 * await closeHarnessPage(harnessPage);
 * ```
 */
export async function openHarnessPage(options: HarnessPageOptions): Promise<HarnessPage> {
	const glbs = new Map<string, Uint8Array>();
	const localRequests: string[] = [];
	async function find(pathname: string): Promise<PageFile | undefined> {
		if (!pathname.startsWith('/glb/')) return options.pageFiles(pathname);
		const glb = glbs.get(pathname.slice('/glb/'.length));
		return glb && {body: glb, contentType: 'model/gltf-binary'};
	}
	const server = createServer((request, response) => {
		const {pathname} = new URL(request.url ?? '/', 'http://127.0.0.1');
		localRequests.push(pathname);
		find(pathname).then(
			(file) => {
				if (file === undefined) response.writeHead(404).end();
				else response.writeHead(200, {'content-type': file.contentType}).end(file.body);
			},
			(error: unknown) => response.writeHead(500).end(String(error)),
		);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	let browser: Browser | undefined;
	try {
		browser = await chromium.launch({executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS});
		const context = await browser.newContext();
		await options.prepareContext?.(context, origin);
		const page = await context.newPage();
		const consoleErrors: string[] = [];
		page.on('console', (message) => {
			if (message.type() === 'error') consoleErrors.push(message.text());
		});
		page.on('pageerror', (error) => consoleErrors.push(error.message));
		await page.goto(`${origin}/`);
		await page.waitForFunction(() => (window as unknown as {harnessReady?: boolean}).harnessReady === true, undefined, {timeout: 30_000});
		return {server, browser, page, glbs, consoleErrors, localRequests};
	} catch (error) {
		await browser?.close();
		await new Promise((resolve) => server.close(resolve));
		throw error;
	}
}

/**
 * Closes the browser, then the server with any connection the browser left open.
 *
 * ```ts
 * await closeHarnessPage(harnessPage);
 * ```
 */
export async function closeHarnessPage(harnessPage: HarnessPage): Promise<void> {
	try {
		await harnessPage.browser.close();
	} finally {
		harnessPage.server.closeAllConnections();
		await new Promise((resolve) => harnessPage.server.close(resolve));
	}
}

/**
 * A harness for one engine's page: renders go through {@link renderInPage}, which serves the .glb, calls
 * the page's `renderGlb` and words every failure as `<engine> could not render the .glb: <first line>`.
 *
 * ```ts
 * class ExampleHarness extends PageHarness {
 *   static async start(): Promise<ExampleHarness> {
 *     return new ExampleHarness('Example.js', await openHarnessPage({pageFiles}));
 *   }
 *   render(glb: Uint8Array): Promise<{base64: string}> {
 *     return this.renderInPage(glb, {width: 64, height: 64});
 *   }
 * }
 * ```
 */
export class PageHarness {
	private nextGlbId = 0;

	protected constructor(
		/** The engine's name, first word of every render error. */
		private readonly engineName: string,
		private readonly harnessPage: HarnessPage,
	) {}

	/** Paths requested from this server, in order. */
	get localRequests(): readonly string[] {
		return this.harnessPage.localRequests;
	}

	/**
	 * Serves `glb` under a fresh id and resolves to what the page's `renderGlb(url, pageOptions)` returns.
	 * Rejects with one line naming the engine when loading or rendering fails or the page logs a console
	 * error meanwhile (the console errors are appended to other failures, since they often say why).
	 */
	protected async renderInPage<PageResult>(glb: Uint8Array, pageOptions: object): Promise<PageResult> {
		const {page, glbs, consoleErrors} = this.harnessPage;
		const id = `${this.nextGlbId++}.glb`;
		glbs.set(id, glb);
		consoleErrors.length = 0;
		try {
			const result = await page.evaluate(
				([url, options]) => (window as unknown as {renderGlb: (url: string, options: object) => Promise<PageResult>}).renderGlb(url, options),
				[`/glb/${id}`, pageOptions] as const,
			);
			if (consoleErrors.length > 0) throw new Error(`browser console: ${consoleErrors.join(' | ')}`);
			return result;
		} catch (error) {
			// Playwright's message starts with `page.evaluate: ` and goes on with the page's stack.
			const message = (error instanceof Error ? error.message : String(error)).replace(/^page\.evaluate: /, '').split('\n')[0].trim();
			const consoleDetail = consoleErrors.length > 0 && !message.startsWith('browser console:') ? ` (browser console: ${consoleErrors.join(' | ')})` : '';
			throw new Error(`${this.engineName} could not render the .glb: ${message}${consoleDetail}`, {cause: error});
		} finally {
			glbs.delete(id);
		}
	}

	async close(): Promise<void> {
		await closeHarnessPage(this.harnessPage);
	}
}

/**
 * The image of pixels WebGL read back bottom row first (`readPixels`), sent as base64: rows flipped so
 * the top row comes first.
 *
 * ```ts
 * const image = imageFromBottomUpBase64(result.base64, 640, 480);
 * ```
 */
export function imageFromBottomUpBase64(base64: string, width: number, height: number): RgbaImage {
	const bottomUp = Buffer.from(base64, 'base64');
	const data = new Uint8Array(width * height * 4);
	const rowBytes = width * 4;
	for (let y = 0; y < height; y++) data.set(bottomUp.subarray((height - 1 - y) * rowBytes, (height - y) * rowBytes), y * rowBytes);
	return {width, height, data};
}

/** Options for {@link useHarness}. */
export interface UseHarnessOptions {
	/** What the harness is, for the error when it is used outside a test (e.g. `the browser harness`). */
	name: string;
	/** Mocha timeout of the `before` hook that starts the harness, milliseconds. */
	startTimeoutMs: number;
	/** Why the suite cannot run besides a missing Chromium (e.g. packages not installed), or undefined. */
	skipReason?: () => string | undefined;
}

/**
 * Registers mocha hooks that start one harness before the suite's tests and close it after them, and
 * skips the suite with a message naming what is missing: Chromium, or what `skipReason` reports.
 *
 * ```ts
 * export function useExampleHarness(): () => ExampleHarness {
 *   return useHarness(() => ExampleHarness.start(), {name: 'the example harness', startTimeoutMs: 60_000});
 * }
 * ```
 */
export function useHarness<Harness extends PageHarness>(start: () => Promise<Harness>, options: UseHarnessOptions): () => Harness {
	let harness: Harness | undefined;
	before(async function () {
		if (!existsSync(CHROMIUM_PATH)) {
			console.log(`      skipped: ${CHROMIUM_PATH} is missing (apt-get install chromium, or set LDI_GLTF_CHROMIUM)`);
			this.skip();
		}
		const skipReason = options.skipReason?.();
		if (skipReason !== undefined) {
			console.log(`      skipped: ${skipReason}`);
			this.skip();
		}
		this.timeout(options.startTimeoutMs);
		harness = await start();
	});
	after(async function () {
		this.timeout(30_000);
		await harness?.close();
		harness = undefined;
	});
	return () => {
		if (harness === undefined) throw new Error(`${options.name} is not running (use it inside it() blocks)`);
		return harness;
	};
}
