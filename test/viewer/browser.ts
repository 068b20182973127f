/**
 * Chromium for the viewer tests (the same Debian Chromium and flags as test/browser/page-harness.ts):
 * one browser per test file, a fresh page per test, every page error and console error recorded, every
 * request the page makes recorded and anything but the allowed schemes refused.
 */
import {existsSync} from 'node:fs';

import {chromium, type Browser, type BrowserContext, type Page} from 'playwright-core';
import sharp from 'sharp';

import type {RgbaImage} from '../../src/image/raster.js';
import type {} from '../../viewer/viewer-api.js';
import {CHROMIUM_ARGS, CHROMIUM_PATH} from '../browser/page-harness.js';

/** A page and what it did. */
export interface ViewerPage {
	page: Page;
	context: BrowserContext;
	/** Uncaught exceptions and console errors. */
	errors: string[];
	/** Every request URL the page made. */
	requests: string[];
	/** Requests that were refused (their scheme or origin is not allowed). */
	refused: string[];
}

/**
 * Registers mocha hooks that launch Chromium before the suite and close it after; skips the suite with
 * a message naming the missing browser when it is not installed. Returns a function opening pages that
 * may only load URLs `allowed` accepts.
 *
 * ```ts
 * const openPage = useChromium();
 * const {page, refused} = await openPage({width: 640, height: 480}, (url) => url.startsWith('file:'));
 * ```
 */
export function useChromium(): (viewport: {width: number; height: number}, allowed: (url: string) => boolean) => Promise<ViewerPage> {
	let browser: Browser | undefined;
	const contexts: BrowserContext[] = [];
	before(async function () {
		if (!existsSync(CHROMIUM_PATH)) {
			console.log(`      skipped: ${CHROMIUM_PATH} is missing (apt-get install chromium, or set LDI_GLTF_CHROMIUM)`);
			this.skip();
		}
		this.timeout(60_000);
		browser = await chromium.launch({executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS});
	});
	afterEach(async () => {
		for (const context of contexts.splice(0)) await context.close();
	});
	after(async function () {
		this.timeout(30_000);
		await browser?.close();
		browser = undefined;
	});
	return async (viewport, allowed) => {
		if (!browser) throw new Error('Chromium is not running (use the pages inside it() blocks)');
		const context = await browser.newContext({viewport, deviceScaleFactor: 1});
		contexts.push(context);
		const result: ViewerPage = {page: await context.newPage(), context, errors: [], requests: [], refused: []};
		await context.route('**/*', async (route) => {
			const url = route.request().url();
			if (allowed(url)) await route.continue();
			else {
				result.refused.push(url);
				await route.abort('blockedbyclient');
			}
		});
		result.page.on('request', (request) => result.requests.push(request.url()));
		result.page.on('pageerror', (error) => result.errors.push(`page error: ${error.message}`));
		result.page.on('console', (message) => {
			if (message.type() === 'error') result.errors.push(`console: ${message.text()}`);
		});
		return result;
	};
}

/** Waits for `window.ldiViewerReady`; returns the milliseconds it took from `startMs`. */
export async function waitForViewerReady(page: Page, startMs: number): Promise<number> {
	await page.waitForFunction(() => window.ldiViewerReady === true, undefined, {timeout: 30_000});
	return performance.now() - startMs;
}

/** Waits until the eased camera has reached its target (and no path plays). */
export async function waitForSettled(page: Page): Promise<void> {
	await page.waitForFunction(() => window.ldiViewer?.status().settled === true, undefined, {timeout: 10_000});
}

/** The page's current view (its `ldiViewer.snapshot()` PNG), as straight RGBA. */
export async function snapshot(page: Page): Promise<RgbaImage> {
	const dataUrl = await page.evaluate(() => window.ldiViewer?.snapshot() ?? '');
	const png = Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
	const {data, info} = await sharp(png).ensureAlpha().raw().toBuffer({resolveWithObject: true});
	return {width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength)};
}
