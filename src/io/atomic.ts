import {randomBytes} from 'node:crypto';
import {rmSync} from 'node:fs';
import {mkdir, readdir, rename, rm, writeFile} from 'node:fs/promises';
import {dirname, join, resolve} from 'node:path';

import {fileError} from '../errors.js';

/** Options for {@link writeFileAtomic}. */
export interface WriteFileAtomicOptions {
	/** Create the parent directory when it does not exist. */
	createDirectory: boolean;
}

export const WRITE_FILE_ATOMIC_DEFAULTS: WriteFileAtomicOptions = {createDirectory: true};

/**
 * Temporary sibling path for `path`: same directory (so rename is atomic), hidden, unique, and short
 * (`.ldi-gltf-<pid>-<hex>.tmp`, at most 33 bytes), so an output whose own name is near the file
 * system's 255-byte limit can still be written. The writer's pid in the name lets a later write remove
 * what a killed process left ({@link removeStaleTemporaryFiles}).
 */
export function temporaryPathFor(path: string): string {
	return join(dirname(path), `.ldi-gltf-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
}

/** Temporary names this module writes: `.ldi-gltf-<pid>-<hex>.tmp`, and in earlier versions `.<output name>.<pid>.<hex>.tmp`. */
const TEMPORARY_NAME = /^\.(?:ldi-gltf-(\d+)-|.+\.(\d+)\.)[0-9a-f]{8}\.tmp$/;

/** Whether process `pid` is alive on this machine (signal 0 checks without sending anything). */
function isProcessAlive(pid: number): boolean {
	if (pid === process.pid) return true;
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		// EPERM: it exists but belongs to another user.
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

const cleanedDirectories = new Set<string>();

/**
 * Removes the temporary files of {@link writeFileAtomic} whose writer process is gone (killed during a
 * write: `kill -9`, a power cut), once per directory per process; files of live processes are kept, as
 * they may be writing right now. Never fails: cleaning up is a courtesy, the write must not depend on it.
 *
 * ```ts
 * const removed = await removeStaleTemporaryFiles('out'); // ['out/.ldi-gltf-4242-0a1b2c3d.tmp']
 * ```
 */
export async function removeStaleTemporaryFiles(directory: string): Promise<string[]> {
	const key = resolve(directory);
	if (cleanedDirectories.has(key)) return [];
	cleanedDirectories.add(key);
	const removed: string[] = [];
	for (const name of await readdir(directory).catch(() => [] as string[])) {
		const match = TEMPORARY_NAME.exec(name);
		if (!match || isProcessAlive(Number(match[1] ?? match[2]))) continue;
		const path = join(directory, name);
		await rm(path, {force: true}).then(() => removed.push(path), () => undefined);
	}
	return removed;
}

/** Temporary files being written now, each with what stops its writer (an ffmpeg child) before it is removed. */
const inFlight = new Map<string, (() => void) | undefined>();
const INTERRUPTS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Removes the temporary files being written, then lets the signal do what it would have done (end the process). */
function removeInFlightAndExit(signal: NodeJS.Signals): void {
	for (const interrupt of INTERRUPTS) process.off(interrupt, removeInFlightAndExit);
	for (const [path, stopWriter] of inFlight) {
		stopWriter?.();
		rmSync(path, {force: true});
	}
	inFlight.clear();
	process.kill(process.pid, signal);
}

/**
 * Marks `temporaryPath` as being written until the returned function is called: Ctrl-C (SIGINT), SIGTERM or
 * SIGHUP in between remove it (after `stopWriter`, e.g. killing the ffmpeg that writes it) instead of
 * leaving it for the next write into the folder. Only SIGKILL and crashes leave one
 * ({@link removeStaleTemporaryFiles}).
 *
 * ```ts
 * const done = trackTemporaryFile(temporaryPath, () => child.kill('SIGKILL'));
 * try { … } finally { done(); }
 * ```
 */
export function trackTemporaryFile(temporaryPath: string, stopWriter?: () => void): () => void {
	if (inFlight.size === 0) for (const interrupt of INTERRUPTS) process.on(interrupt, removeInFlightAndExit);
	inFlight.set(temporaryPath, stopWriter);
	return () => {
		if (!inFlight.delete(temporaryPath) || inFlight.size > 0) return;
		for (const interrupt of INTERRUPTS) process.off(interrupt, removeInFlightAndExit);
	};
}

/**
 * Writes `data` to a temporary file beside `path` and renames it into place, so a reader never sees a
 * half-written file and a failure leaves nothing behind.
 *
 * ```ts
 * await writeFileAtomic('out/scene.glb', glbBytes);
 * ```
 */
export async function writeFileAtomic(
	path: string,
	data: Uint8Array | string,
	options: Partial<WriteFileAtomicOptions> = {},
): Promise<void> {
	const {createDirectory} = {...WRITE_FILE_ATOMIC_DEFAULTS, ...options};
	const temporaryPath = temporaryPathFor(path);
	const done = trackTemporaryFile(temporaryPath);
	try {
		if (createDirectory) await mkdir(dirname(path), {recursive: true});
		await removeStaleTemporaryFiles(dirname(path));
		await writeFile(temporaryPath, data);
		await rename(temporaryPath, path);
	} catch (error) {
		// The clean-up fails too when the folder cannot be searched (EACCES): the write's own error is the one to report.
		await rm(temporaryPath, {force: true}).catch(() => undefined);
		throw fileError(path, `cannot write (${describeSystemError(error)})`, error);
	} finally {
		done();
	}
}

/** Short human text for a Node system error: 'permission denied' rather than a stack. */
export function describeSystemError(error: unknown): string {
	const code = (error as NodeJS.ErrnoException | undefined)?.code;
	switch (code) {
		case 'ENOENT': return 'no such file or directory';
		case 'EACCES':
		case 'EPERM': return 'permission denied';
		case 'EISDIR': return 'is a directory';
		case 'ENOTDIR': return 'a parent is not a directory';
		case 'ENOSPC': return 'no space left on device';
		case 'EROFS': return 'read-only file system';
		default: return error instanceof Error ? error.message : String(error);
	}
}
