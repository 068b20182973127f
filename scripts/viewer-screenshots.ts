/**
 * Writes the README's screenshots of the viewer page (docs/viewer-*.jpg): the bundled sample, built
 * with a stored camera path and exported as a self-contained page, opened from file:// in headless
 * Chromium (Debian's, as the browser tests use) at rest, moved to the top-right of its comfort range,
 * with its first hidden layer alone, and in the depth view.
 *
 * ```sh
 * npm run build && node --import=tsx scripts/viewer-screenshots.ts
 * ```
 */
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';

import {chromium, type Page} from 'playwright-core';
import sharp from 'sharp';

import {createSuppliedDepthSource} from '../src/depth/supplied.js';
import {selfContainedPageHtml} from '../src/viewer/page-html.js';
import {buildGlbInMemory} from '../src/viewer/scene-source.js';
import {CHROMIUM_ARGS, CHROMIUM_PATH} from '../test/browser/page-harness.js';
import type {} from '../viewer/viewer-api.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const WIDTH = 640;
const HEIGHT = 480;

async function settle(page: Page): Promise<void> {
	await page.waitForFunction(() => window.ldiViewer?.status().settled === true);
}

async function save(page: Page, name: string): Promise<void> {
	const path = join(root, 'docs', name);
	await sharp(await page.screenshot()).jpeg({quality: 85, mozjpeg: true}).toFile(path);
	console.log(path);
}

const glb = await buildGlbInMemory(join(root, 'assets', 'sample.jpg'), {
	scene: {}, depth: createSuppliedDepthSource(join(root, 'assets', 'sample-depth.png')), depthModelName: 'supplied', encode: {cameraPath: 'swing'},
});
const directory = await mkdtemp(join(tmpdir(), 'ldi-viewer-shots-'));
const browser = await chromium.launch({executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS});
try {
	const pagePath = join(directory, 'sample.html');
	await writeFile(pagePath, await selfContainedPageHtml(glb, {name: 'sample.glb'}));
	const page = await browser.newPage({viewport: {width: WIDTH, height: HEIGHT}, deviceScaleFactor: 1});
	await page.goto(pathToFileURL(pagePath).href);
	await page.waitForFunction(() => window.ldiViewerReady === true);
	await settle(page);
	await save(page, 'viewer-rest.jpg');
	await page.mouse.move(WIDTH - 1, 0);
	await settle(page);
	await save(page, 'viewer-moved.jpg');
	await page.mouse.move(WIDTH / 2, HEIGHT / 2);
	await page.keyboard.press('l');
	await page.keyboard.press('l');
	await settle(page);
	await save(page, 'viewer-layer-1.jpg');
	await page.keyboard.press('r');
	await page.keyboard.press('d');
	await settle(page);
	await save(page, 'viewer-depth.jpg');
} finally {
	await browser.close();
	await rm(directory, {recursive: true, force: true});
}
