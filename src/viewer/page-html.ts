/**
 * The viewer page's HTML: the self-contained page (`view --export`, `build --html`) with the bundled
 * script and the scene inlined, and the page the `view` server sends, which loads both from the server.
 * The script itself is bundled at build time from viewer/ (scripts/build-viewer.ts).
 */
import {readFile} from 'node:fs/promises';
import {fileURLToPath} from 'node:url';

import {fileError} from '../errors.js';
import {describeSystemError} from '../io/atomic.js';

/** The bundled page script, built by `npm run build` (the path is the same from src/ and from dist/). */
export const VIEWER_SCRIPT_PATH = fileURLToPath(new URL('../../dist/viewer-page/viewer.js', import.meta.url));

/**
 * Reads the bundled page script; a one-line error when the package was not built.
 *
 * ```ts
 * const script = await readViewerScript();
 * ```
 */
export async function readViewerScript(): Promise<string> {
	try {
		return await readFile(VIEWER_SCRIPT_PATH, 'utf8');
	} catch (error) {
		throw fileError(VIEWER_SCRIPT_PATH, `cannot read the viewer page's script (${describeSystemError(error)}; run npm run build)`, error);
	}
}

/**
 * Content-Security-Policy of the self-contained page: no request may leave the file. Scripts are the
 * inline one (and WebAssembly, for the meshopt decoder: 'wasm-unsafe-eval', and 'unsafe-eval' for Safari
 * 15, which predates it), images and fetches only `data:` and `blob:` (three.js decodes the textures from
 * blob URLs).
 */
export const SELF_CONTAINED_CSP = "default-src 'none'; script-src 'unsafe-inline' 'wasm-unsafe-eval' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data: blob:; connect-src data: blob:; worker-src blob:";

/** Content-Security-Policy of the served page: its own origin, nothing else. */
export const SERVED_CSP = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval' 'unsafe-eval'; style-src 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self' data: blob:; worker-src blob:";

const STYLE = `
html, body { margin: 0; height: 100%; background: #000; color: #eee; font: 14px/1.3 system-ui, sans-serif; overflow: hidden; }
#ldi-stage { position: fixed; inset: 0; display: flex; align-items: center; justify-content: center; }
#ldi-canvas { display: block; touch-action: none; }
#ldi-toolbar { position: fixed; left: 0; right: 0; margin: 0 auto; width: max-content; max-width: calc(100vw - 24px); bottom: max(10px, env(safe-area-inset-bottom)); display: flex; gap: 4px; flex-wrap: wrap; justify-content: center; padding: 4px; border-radius: 8px; background: rgba(0, 0, 0, 0.45); opacity: 0.4; transition: opacity 0.2s; }
#ldi-toolbar:hover, #ldi-toolbar:focus-within { opacity: 1; }
#ldi-toolbar button { font: 13px/1.2 system-ui, sans-serif; color: inherit; background: rgba(255, 255, 255, 0.12); border: 1px solid rgba(255, 255, 255, 0.25); border-radius: 6px; padding: 4px 8px; cursor: pointer; }
#ldi-toolbar button[aria-pressed="true"] { background: rgba(255, 255, 255, 0.35); }
#ldi-toolbar button:disabled { opacity: 0.4; cursor: default; }
#ldi-message { position: fixed; top: 12px; left: 50%; transform: translateX(-50%); max-width: 90vw; padding: 8px 12px; border-radius: 8px; background: rgba(160, 0, 0, 0.85); }
`;

/** `text` safe inside an HTML attribute or element. */
function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/**
 * `code` safe inside an inline `<script>`: `</script` and `<!--` only occur in strings, comments and
 * regular expressions of the bundle, where `<\/` and `<\!` mean the same.
 */
function inlineScript(code: string): string {
	return code.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/** The parts of the page the two variants fill differently. */
interface PageParts {
	title: string;
	csp: string;
	sceneElement: string;
	scriptElement: string;
}

function pageHtml({title, csp, sceneElement, scriptElement}: PageParts): string {
	return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="generator" content="ldi-gltf">
<title>${escapeHtml(title)} — ldi-gltf</title>
<style>${STYLE}</style>
</head>
<body>
<div id="ldi-stage"><canvas id="ldi-canvas" aria-label="3D photo: move the pointer or tilt the device to look around"></canvas></div>
<div id="ldi-toolbar" role="toolbar">
<button id="ldi-play" type="button" title="Play the stored camera path (Space)">▶ Path</button>
<button id="ldi-layers" type="button" title="Show the layers one by one (L, Shift+L)">Layers: all</button>
<button id="ldi-wireframe" type="button" aria-pressed="false" title="Wireframe (W)">Wireframe</button>
<button id="ldi-depth" type="button" aria-pressed="false" title="Depth view: bright is near (D)">Depth</button>
<button id="ldi-orbit" type="button" aria-pressed="false" title="Orbit about the subject instead of moving sideways (O)">Orbit</button>
<button id="ldi-tilt" type="button" hidden title="Follow the device's tilt">Tilt</button>
<button id="ldi-reset" type="button" title="Back to the photo's view (R)">Reset</button>
<button id="ldi-open" type="button" title="Open another .glb (or drop one on the page)">Open…</button>
<input id="ldi-file" type="file" accept=".glb,model/gltf-binary" hidden>
</div>
<div id="ldi-message" role="alert" hidden></div>
${sceneElement}
${scriptElement}
</body>
</html>
`;
}

/** Options for {@link selfContainedPageHtml}. */
export interface SelfContainedPageOptions {
	/** Name shown in the title and given to the scene (its file name). */
	name: string;
	/** The bundled page script; {@link readViewerScript}'s when absent. */
	script?: string;
}

/**
 * The self-contained viewer page for `glb`: one HTML file with the page script and the scene (base64)
 * inlined, which opens from `file://` and makes no network request (its CSP forbids any). Its size is
 * the `.glb` × 4/3 plus the script (~0.68 MB) plus ~3 kB.
 *
 * ```ts
 * const html = await selfContainedPageHtml(await readFile('moon.glb'), {name: 'moon.glb'});
 * await writeFileAtomic('moon.html', html);
 * ```
 */
export async function selfContainedPageHtml(glb: Uint8Array, options: SelfContainedPageOptions): Promise<string> {
	const script = options.script ?? await readViewerScript();
	const base64 = Buffer.from(glb.buffer, glb.byteOffset, glb.byteLength).toString('base64');
	return pageHtml({
		title: options.name,
		csp: SELF_CONTAINED_CSP,
		sceneElement: `<script id="ldi-scene" type="application/octet-stream" data-name="${escapeHtml(options.name)}">${base64}</script>`,
		scriptElement: `<script>${inlineScript(script)}</script>`,
	});
}

/**
 * The page the `view` server sends: the same page, loading its script and scene from the server.
 *
 * ```ts
 * servedPageHtml({name: 'moon.glb', sceneUrl: '/scene.glb', scriptUrl: '/viewer.js'});
 * ```
 */
export function servedPageHtml(options: {name: string; sceneUrl: string; scriptUrl: string}): string {
	return pageHtml({
		title: options.name,
		csp: SERVED_CSP,
		sceneElement: `<script id="ldi-scene" type="application/octet-stream" data-name="${escapeHtml(options.name)}" data-src="${escapeHtml(options.sceneUrl)}"></script>`,
		scriptElement: `<script src="${escapeHtml(options.scriptUrl)}"></script>`,
	});
}
