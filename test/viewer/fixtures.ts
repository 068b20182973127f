/**
 * Shared fixtures of the viewer tests: the bundled sample built once per test process (with a stored
 * camera path, so the page can play it), and a bundle of the page script that is never older than its
 * sources (tests run the sources through tsx, so they must not test a stale dist/ bundle).
 */
import {existsSync, readdirSync, statSync} from 'node:fs';
import {join} from 'node:path';

import {createSuppliedDepthSource} from '../../src/depth/supplied.js';
import {buildGlbInMemory} from '../../src/viewer/scene-source.js';
import {buildViewerBundle, VIEWER_BUNDLE} from '../../scripts/build-viewer.js';
import {repoRoot} from '../helpers/shared.js';

export const SAMPLE_PHOTO = join(repoRoot, 'assets', 'sample.jpg');
export const SAMPLE_DEPTH = join(repoRoot, 'assets', 'sample-depth.png');

let sampleGlb: Promise<Uint8Array> | undefined;

/** The sample's scene as `build --camera-path swing` writes it (built once per process, ~1.5 s). */
export function sampleGlbWithPath(): Promise<Uint8Array> {
	sampleGlb ??= buildGlbInMemory(SAMPLE_PHOTO, {
		scene: {},
		depth: createSuppliedDepthSource(SAMPLE_DEPTH),
		depthModelName: 'supplied',
		encode: {cameraPath: 'swing'},
	});
	return sampleGlb;
}

/** Rebuilds dist/viewer-page/viewer.js when a file of viewer/ is newer than it (or it is missing). */
export async function ensureFreshViewerBundle(): Promise<void> {
	const sourceDir = join(repoRoot, 'viewer');
	const newestSourceMs = Math.max(...readdirSync(sourceDir).map((name) => statSync(join(sourceDir, name)).mtimeMs));
	if (existsSync(VIEWER_BUNDLE) && statSync(VIEWER_BUNDLE).mtimeMs >= newestSourceMs) return;
	await buildViewerBundle(VIEWER_BUNDLE);
}
