/**
 * Model weight download: streamed to `<file>.part`, resumed with an HTTP Range request when the server
 * honours it (206 with a matching Content-Range) and restarted from zero when it does not (200), sha256 and
 * size checked, then renamed into place. A file at the final path is therefore always complete and
 * verified; a `.part` file is the only thing an interrupted download leaves, and the next attempt resumes
 * it. Corrupt downloads (wrong sha256 or size) delete the `.part`. A `<file>.lock` (owner pid) makes
 * parallel processes wait for one download instead of writing the same `.part` together.
 *
 * What is checked: the sha256 and exact size the registry records, and the ones the server announces.
 * Hugging Face answers a `resolve` URL with a redirect that carries the LFS object's sha256 in
 * `X-Linked-Etag` (quoted) and its size in `X-Linked-Size`; redirects are therefore followed here, hop by
 * hop, collecting those headers. A file that disagrees with any of them is refused and deleted.
 *
 * Mirrors: `LDI_GLTF_MODEL_BASE_URL=https://mirror.example/models` (or the `baseUrl` option) replaces the
 * whole registry URL by `<base>/<registry file name>`, so a mirror is one flat directory of the files named
 * in models/registry.json (e.g. `depth-anything-v2-small.onnx`).
 */
import {createHash, type Hash} from 'node:crypto';
import {createReadStream, existsSync} from 'node:fs';
import {type FileHandle, mkdir, open, readFile, rename, rm, stat} from 'node:fs/promises';
import {join} from 'node:path';

import {UserError} from '../errors.js';
import {describeSystemError} from '../io/atomic.js';
import {isEntryInstalled, modelCacheDir, type ModelEntry} from './models.js';

/** A progress report, sent for every received chunk. */
export interface DownloadProgress {
	/** Bytes of the file on disk so far (including a resumed part). */
	receivedBytes: number;
	/** Size of the whole file when the server (or the registry) says, else null. */
	totalBytes: number | null;
	/** Bytes already on disk from an earlier attempt when this one started (0 for a fresh download). */
	resumedFromBytes: number;
}

/** Options for {@link downloadModel}. */
export interface DownloadModelOptions {
	/** Directory the weights are installed into. */
	cacheDir: string;
	/** Called as bytes arrive. */
	onProgress?: (progress: DownloadProgress) => void;
	/** HTTP client (Node's global fetch); injectable for tests. */
	fetch: typeof fetch;
	/** Mirror base URL replacing the registry URL by `<baseUrl>/<file>`; when undefined, env `LDI_GLTF_MODEL_BASE_URL` (read at call time). */
	baseUrl?: string;
}

export const DOWNLOAD_MODEL_DEFAULTS: DownloadModelOptions = {
	cacheDir: modelCacheDir(),
	fetch: (...args) => globalThis.fetch(...args),
};

/** Options over defaults, where an explicit `undefined` keeps the default (callers forward optional flags as is). */
function withDefaults<T extends object>(defaults: T, options: Partial<T>): T {
	const resolved = {...defaults};
	for (const [key, value] of Object.entries(options)) {
		if (value !== undefined) (resolved as Record<string, unknown>)[key] = value;
	}
	return resolved;
}

/** What a finished download produced. */
export interface DownloadResult {
	/** Installed file. */
	path: string;
	/** URL the bytes came from. */
	url: string;
	/** Lower-case hex sha256 of the installed file. */
	sha256: string;
	/** True when a sha256 from the registry or the server (`X-Linked-Etag`) was known and matched. */
	sha256Verified: boolean;
	/** Where the sha256 it was checked against came from: the registry (preferred), the server's `X-Linked-Etag`, or nowhere. */
	sha256Source: 'registry' | 'server' | null;
	bytes: number;
	/** Bytes reused from an earlier interrupted attempt. */
	resumedFromBytes: number;
}

/** The URL model `entry` is fetched from, honouring a mirror base URL (`LDI_GLTF_MODEL_BASE_URL` by default). */
export function modelUrl(entry: ModelEntry, baseUrl = process.env.LDI_GLTF_MODEL_BASE_URL): string {
	return baseUrl ? `${baseUrl.replace(/\/+$/, '')}/${entry.file}` : entry.url;
}

/** Readable reason for a failed fetch: 'connection refused' rather than 'fetch failed'. */
function describeFetchError(error: unknown): string {
	const cause = (error as {cause?: {code?: string; message?: string}} | undefined)?.cause;
	switch (cause?.code) {
		case 'ECONNREFUSED': return 'connection refused';
		case 'ENOTFOUND':
		case 'EAI_AGAIN': return 'host not found (no network?)';
		case 'ECONNRESET':
		case 'UND_ERR_SOCKET': return 'connection closed by the server';
		case 'ETIMEDOUT':
		case 'UND_ERR_CONNECT_TIMEOUT': return 'connection timed out';
		default: return cause?.message ?? (error instanceof Error ? error.message : String(error));
	}
}

function megabytes(bytes: number): string {
	return `${(bytes / 1e6).toFixed(1)} MB`;
}

async function hashFile(path: string, hash: Hash): Promise<void> {
	for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
}

function isProcessAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/** A lock younger than this with no pid written yet is being created, not stale. */
const LOCK_CREATION_GRACE_MS = 10_000;
const LOCK_POLL_MS = 250;

/**
 * One download per model file at a time on this machine: parallel first-use runs (a pipeline starting four
 * builds) would otherwise interleave writes into one `.part` — corrupt, and undetectable while the
 * registry has no sha256. The lock file holds the owner's pid; a lock whose owner has died is taken over.
 */
async function acquireDownloadLock(lockPath: string): Promise<{waited: boolean; release: () => Promise<void>}> {
	let waited = false;
	for (;;) {
		try {
			const handle = await open(lockPath, 'wx');
			await handle.writeFile(String(process.pid));
			await handle.close();
			return {waited, release: () => rm(lockPath, {force: true})};
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
				throw new UserError(`${lockPath}: cannot create the download lock (${describeSystemError(error)})`, {cause: error});
			}
		}
		const owner = Number(await readFile(lockPath, 'utf8').catch(() => ''));
		const ageMs = await stat(lockPath).then((info) => Date.now() - info.mtimeMs, () => 0);
		const stale = Number.isInteger(owner) && owner > 0 ? !isProcessAlive(owner) : ageMs > LOCK_CREATION_GRACE_MS;
		if (stale) {
			await rm(lockPath, {force: true});
			continue;
		}
		waited = true;
		await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
	}
}

/**
 * Downloads the weights of a registry model into the cache directory and returns where they are.
 * Errors are one-line {@link UserError}s naming the model and the URL.
 *
 * ```ts
 * const {path, sha256} = await downloadModel(findModel('midas-v2.1-small'), {
 *   onProgress: ({receivedBytes, totalBytes}) => bar.update(receivedBytes, totalBytes),
 * });
 * ```
 */
export async function downloadModel(entry: ModelEntry, options: Partial<DownloadModelOptions> = {}): Promise<DownloadResult> {
	const {cacheDir, onProgress, fetch: fetchFn, baseUrl} = withDefaults(DOWNLOAD_MODEL_DEFAULTS, options);
	const url = modelUrl(entry, baseUrl);
	const finalPath = join(cacheDir, entry.file);

	try {
		await mkdir(cacheDir, {recursive: true});
	} catch (error) {
		throw new UserError(`${cacheDir}: cannot create the model cache directory (${describeSystemError(error)}); set LDI_GLTF_CACHE_DIR to a writable directory`, {cause: error});
	}

	const lock = await acquireDownloadLock(`${finalPath}.lock`);
	try {
		// Another process finished the same download while this one waited: use its file.
		if (lock.waited && isEntryInstalled(entry, cacheDir)) {
			const hash = createHash('sha256');
			await hashFile(finalPath, hash);
			const {size} = await stat(finalPath);
			return {
				path: finalPath, url, sha256: hash.digest('hex'), sha256Verified: entry.sha256 !== null,
				sha256Source: entry.sha256 === null ? null : 'registry', bytes: size, resumedFromBytes: 0,
			};
		}
		return await transfer(entry, url, finalPath, fetchFn, onProgress);
	} finally {
		await lock.release();
	}
}

/** What the server announced about the file, from any hop of the redirect chain. */
interface LinkedFile {
	/** Lower-case hex sha256 from `X-Linked-Etag`, or null (absent, or not a sha256: a git blob id). */
	sha256: string | null;
	/** Exact size from `X-Linked-Size`, or null. */
	bytes: number | null;
}

/**
 * The sha256 in an `X-Linked-Etag` value (`"<64 hex>"`, possibly weak `W/"…"`), or null when the value is
 * absent or not a sha256 (for files outside LFS, Hugging Face's ETags are 40-hex git blob ids).
 *
 * ```ts
 * linkedSha256('"ab12…"') // 'ab12…'
 * ```
 */
export function linkedSha256(value: string | null): string | null {
	const match = /^(?:W\/)?"?([0-9a-fA-F]{64})"?$/.exec((value ?? '').trim());
	return match ? match[1].toLowerCase() : null;
}

/** The size in an `X-Linked-Size` value, or null. */
function linkedBytes(value: string | null): number | null {
	const trimmed = (value ?? '').trim();
	return /^\d+$/.test(trimmed) ? Number(trimmed) : null;
}

const MAX_REDIRECTS = 10;

/**
 * `fetch` following redirects itself (at most {@link MAX_REDIRECTS}) so that headers of the redirect
 * responses are seen: Hugging Face puts `X-Linked-Etag` / `X-Linked-Size` on the redirect to its CDN, not on
 * the CDN's answer. The first value seen of each wins.
 */
async function fetchFollowingRedirects(fetchFn: typeof fetch, url: string, headers: Record<string, string>): Promise<{response: Response; linked: LinkedFile}> {
	const linked: LinkedFile = {sha256: null, bytes: null};
	let current = url;
	for (let hop = 0; ; hop++) {
		const response = await fetchFn(current, {headers, redirect: 'manual'});
		linked.sha256 ??= linkedSha256(response.headers.get('x-linked-etag'));
		linked.bytes ??= linkedBytes(response.headers.get('x-linked-size'));
		const location = response.headers.get('location');
		if (![301, 302, 303, 307, 308].includes(response.status) || location === null || hop >= MAX_REDIRECTS) return {response, linked};
		await response.body?.cancel();
		current = new URL(location, current).href;
	}
}

/** The HTTP part of {@link downloadModel}: `.part` file, Range resume, checks, rename. */
async function transfer(
	entry: ModelEntry,
	url: string,
	finalPath: string,
	fetchFn: typeof fetch,
	onProgress: DownloadModelOptions['onProgress'],
): Promise<DownloadResult> {
	const partPath = `${finalPath}.part`;
	const fail = (problem: string, cause?: unknown) => new UserError(`${entry.name}: download from ${url} failed (${problem})`, {cause});
	let partBytes = existsSync(partPath) ? (await stat(partPath)).size : 0;
	const headers: Record<string, string> = {'accept-encoding': 'identity'};
	if (partBytes > 0) headers.range = `bytes=${partBytes}-`;

	let response: Response;
	let linked: LinkedFile;
	try {
		({response, linked} = await fetchFollowingRedirects(fetchFn, url, headers));
		if (response.status === 416 && partBytes > 0) {
			// The part is not a prefix the server recognises (file changed upstream?): start again.
			await response.body?.cancel();
			await rm(partPath, {force: true});
			partBytes = 0;
			({response, linked} = await fetchFollowingRedirects(fetchFn, url, {'accept-encoding': 'identity'}));
		}
	} catch (error) {
		throw fail(describeFetchError(error), error);
	}
	if (!response.ok || !response.body) {
		await response.body?.cancel();
		throw fail(`HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`);
	}

	const contentRange = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(response.headers.get('content-range') ?? '');
	const resuming = response.status === 206 && contentRange !== null && Number(contentRange[1]) === partBytes;
	if (response.status === 206 && !resuming) {
		await response.body.cancel();
		await rm(partPath, {force: true});
		throw fail(`the server answered the resume request with an unexpected range ${response.headers.get('content-range') ?? '(none)'}; run again to restart`);
	}
	const resumedFromBytes = resuming ? partBytes : 0;
	const contentLength = response.headers.get('content-length');
	const encoded = (response.headers.get('content-encoding') ?? 'identity') !== 'identity';
	let totalBytes: number | null = null;
	if (resuming && contentRange[2] !== '*') totalBytes = Number(contentRange[2]);
	else if (contentLength !== null && !encoded) totalBytes = resumedFromBytes + Number(contentLength);
	/** The size the server's own headers announce for this transfer (Content-Range or Content-Length). */
	const announcedBytes = totalBytes;
	totalBytes ??= linked.bytes ?? entry.exactBytes;

	const hash = createHash('sha256');
	if (resuming) await hashFile(partPath, hash);
	const diskError = (error: unknown) => new UserError(`${partPath}: cannot write the model download (${describeSystemError(error)})`, {cause: error});
	let file: FileHandle;
	try {
		file = await open(partPath, resuming ? 'a' : 'w');
	} catch (error) {
		await response.body.cancel();
		throw diskError(error);
	}
	let receivedBytes = resumedFromBytes;
	onProgress?.({receivedBytes, totalBytes, resumedFromBytes});
	try {
		for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
			await file.write(chunk);
			hash.update(chunk);
			receivedBytes += chunk.byteLength;
			onProgress?.({receivedBytes, totalBytes, resumedFromBytes});
		}
	} catch (error) {
		// fs errors carry a syscall (a full disk is not a network problem); anything else is the connection.
		if ((error as NodeJS.ErrnoException).syscall) throw diskError(error);
		const of = totalBytes === null ? '' : ` of ${megabytes(totalBytes)}`;
		throw fail(`interrupted after ${megabytes(receivedBytes)}${of}: ${describeFetchError(error)}; run again to resume`, error);
	} finally {
		await file.close();
	}

	if (totalBytes !== null && receivedBytes < totalBytes) {
		throw fail(`the server closed the connection after ${receivedBytes} of ${totalBytes} bytes; run again to resume`);
	}
	const sha256 = hash.digest('hex');
	const refuse = async (problem: string) => {
		await rm(partPath, {force: true});
		return fail(problem);
	};
	if (announcedBytes !== null && receivedBytes !== announcedBytes) {
		throw await refuse(`got ${receivedBytes} bytes, the server announced ${announcedBytes}; the corrupt file was deleted`);
	}
	if (linked.bytes !== null && receivedBytes !== linked.bytes) {
		throw await refuse(`got ${receivedBytes} bytes, the server's X-Linked-Size says ${linked.bytes}; the corrupt file was deleted`);
	}
	if (entry.exactBytes !== null && receivedBytes !== entry.exactBytes) {
		throw await refuse(`got ${receivedBytes} bytes, the registry expects ${entry.exactBytes}; the partial file was deleted`);
	}
	if (entry.sha256 !== null && sha256 !== entry.sha256.toLowerCase()) {
		throw await refuse(`sha256 mismatch: got ${sha256}, expected ${entry.sha256}; the corrupt file was deleted`);
	}
	if (linked.sha256 !== null && sha256 !== linked.sha256) {
		throw await refuse(`sha256 mismatch: got ${sha256}, the server's X-Linked-Etag says ${linked.sha256}; the corrupt file was deleted`);
	}
	await rename(partPath, finalPath);
	const sha256Source = entry.sha256 !== null ? 'registry' : linked.sha256 !== null ? 'server' : null;
	return {path: finalPath, url, sha256, sha256Verified: sha256Source !== null, sha256Source, bytes: receivedBytes, resumedFromBytes};
}

/** Whether offline mode is on: the `--offline` flag or `LDI_GLTF_OFFLINE=1` (or `true`). */
export function isOffline(flag: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
	return flag || /^(1|true|yes)$/i.test(env.LDI_GLTF_OFFLINE ?? '');
}

/** The error offline mode gives for a model that is not installed: how to get it, and what needs no download. */
export function offlineModelError(entry: ModelEntry, cacheDir: string): UserError {
	return new UserError(
		`${entry.name}: model weights are not installed and offline mode is on (--offline or LDI_GLTF_OFFLINE); `
		+ `run \`ldi-gltf models pull ${entry.name}\` while online, or download ${entry.url} to ${join(cacheDir, entry.file)}; `
		+ '`--depth FILE` (a depth map) or `--model FILE.onnx` (a local model) need no download',
	);
}

/** Options for {@link ensureModel}. */
export interface EnsureModelOptions extends DownloadModelOptions {
	/** Never download; fail with {@link offlineModelError} instead. */
	offline: boolean;
	/** Called once before a download starts (e.g. to print "downloading …"). */
	onDownloadStart?: (entry: ModelEntry, url: string) => void;
	/** Called after a download with its result (e.g. to print the sha256 when the registry lacks one). */
	onDownloaded?: (result: DownloadResult) => void;
}

export const ENSURE_MODEL_DEFAULTS: EnsureModelOptions = {...DOWNLOAD_MODEL_DEFAULTS, offline: false};

/**
 * Path of a registry model's weights, downloading them first when they are not installed (unless offline).
 *
 * ```ts
 * const path = await ensureModel(findModel('depth-anything-v2-small'), {offline: isOffline(flags.offline)});
 * ```
 */
export async function ensureModel(entry: ModelEntry, options: Partial<EnsureModelOptions> = {}): Promise<string> {
	const resolved = withDefaults(ENSURE_MODEL_DEFAULTS, options);
	if (isEntryInstalled(entry, resolved.cacheDir)) return join(resolved.cacheDir, entry.file);
	if (resolved.offline) throw offlineModelError(entry, resolved.cacheDir);
	resolved.onDownloadStart?.(entry, modelUrl(entry, resolved.baseUrl));
	let result: DownloadResult;
	try {
		result = await downloadModel(entry, resolved);
	} catch (error) {
		if (!(error instanceof UserError)) throw error;
		// A failed first-use download says what works without it, as the offline error does.
		throw new UserError(
			`${error.message}; instead, give a depth map (--depth FILE) or a local model (--model FILE.onnx), `
			+ `or copy the weights to the path \`ldi-gltf models path ${entry.name}\` prints (${join(resolved.cacheDir, entry.file)})`,
			{cause: error, exitCode: error.exitCode},
		);
	}
	resolved.onDownloaded?.(result);
	return result.path;
}
