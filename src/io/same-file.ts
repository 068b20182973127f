/**
 * Whether an output path is one of a command's inputs, so no command ever writes over the photo, depth
 * map, scene or model it reads (`ldi-gltf depth p.png -o p.png` once replaced the photo with its own
 * disparity). Paths are compared after resolving symbolic links (of the file and of its folders), and
 * an existing output is also compared by device and inode, which catches hard links and the same file
 * reached through a bind mount or a case-insensitive file system.
 */
import {realpathSync, statSync} from 'node:fs';
import {basename, dirname, join, resolve} from 'node:path';

import {fileError, usageError} from '../errors.js';

/** A file a command reads, and what it is to the command (for the error message). */
export interface NamedInput {
	path: string;
	/** 'photo', 'depth map', 'scene', 'model', … */
	role: string;
}

/** `path` with every symbolic link resolved, also when the file itself does not exist yet. */
export function canonicalPath(path: string): string {
	const absolute = resolve(path);
	try {
		return realpathSync(absolute);
	} catch {
		const parent = dirname(absolute);
		return parent === absolute ? absolute : join(canonicalPath(parent), basename(absolute));
	}
}

function fileIdentity(path: string): string | undefined {
	try {
		const stats = statSync(path);
		return `${stats.dev}:${stats.ino}`;
	} catch {
		return undefined;
	}
}

/**
 * The input that `output` would overwrite, if any.
 *
 * ```ts
 * findOverwrittenInput('p.png', [{path: './p.png', role: 'photo'}]); // {path: './p.png', role: 'photo'}
 * ```
 */
export function findOverwrittenInput(output: string, inputs: readonly NamedInput[]): NamedInput | undefined {
	const outputPath = canonicalPath(output);
	const outputIdentity = fileIdentity(output);
	return inputs.find((input) => canonicalPath(input.path) === outputPath
		|| (outputIdentity !== undefined && fileIdentity(input.path) === outputIdentity));
}

/** Longest file name, in bytes, that Linux, macOS and Windows file systems all take (NAME_MAX). */
export const MAX_FILE_NAME_BYTES = 255;

/**
 * Refuses (a usage error, exit code 2, before anything is written) when any of `outputs` is one of
 * `inputs`, or has a file name longer than any file system takes (caught here, before the work, rather
 * than as ENAMETOOLONG when the finished file is renamed into place).
 *
 * ```ts
 * refuseOverwritingInputs([output], [{path: photo, role: 'photo'}, {path: depthMap, role: 'depth map'}]);
 * ```
 */
export function refuseOverwritingInputs(outputs: readonly string[], inputs: readonly NamedInput[]): void {
	// An input no file system can hold is the first mistake (outputs are often named after it).
	for (const input of inputs) {
		const nameBytes = Buffer.byteLength(basename(input.path));
		if (nameBytes > MAX_FILE_NAME_BYTES) throw fileError(shortened(input.path), `cannot read the ${input.role} (name too long: ${nameBytes} bytes, file systems take ${MAX_FILE_NAME_BYTES})`);
	}
	for (const output of outputs) {
		const nameBytes = Buffer.byteLength(basename(output));
		if (nameBytes > MAX_FILE_NAME_BYTES) throw usageError(shortened(output), `the file name is ${nameBytes} bytes long, more than the ${MAX_FILE_NAME_BYTES} file systems take`);
		const input = findOverwrittenInput(output, inputs);
		if (input) throw usageError(output, `the output would overwrite the ${input.role} ${input.path}; choose another output name or folder`);
	}
}

/** A path short enough for a one-line message: its last 60 characters after an ellipsis. */
function shortened(path: string): string {
	return path.length > 80 ? `…${path.slice(-60)}` : path;
}
