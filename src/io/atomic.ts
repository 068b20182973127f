import {randomBytes} from 'node:crypto';
import {mkdir, rename, rm, writeFile} from 'node:fs/promises';
import {basename, dirname, join} from 'node:path';

import {fileError} from '../errors.js';

/** Options for {@link writeFileAtomic}. */
export interface WriteFileAtomicOptions {
	/** Create the parent directory when it does not exist. */
	createDirectory: boolean;
}

export const WRITE_FILE_ATOMIC_DEFAULTS: WriteFileAtomicOptions = {createDirectory: true};

/** Temporary sibling path for `path`: same directory (so rename is atomic), hidden, unique. */
export function temporaryPathFor(path: string): string {
	return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
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
	try {
		if (createDirectory) await mkdir(dirname(path), {recursive: true});
		await writeFile(temporaryPath, data);
		await rename(temporaryPath, path);
	} catch (error) {
		await rm(temporaryPath, {force: true});
		throw fileError(path, `cannot write (${describeSystemError(error)})`, error);
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
