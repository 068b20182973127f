/**
 * An error caused by the user's input or environment (a bad file, a missing model, an unwritable
 * directory). The CLI prints its message as one line without a stack trace (unless `--verbose`) and
 * exits non-zero. Messages name the file and the problem: `photo.jpg: not an image (unsupported format)`.
 */
export class UserError extends Error {
	/** Process exit code the CLI uses for this error. */
	readonly exitCode: number;

	constructor(message: string, options: {cause?: unknown; exitCode?: number} = {}) {
		super(message, {cause: options.cause});
		this.name = 'UserError';
		this.exitCode = options.exitCode ?? 1;
	}
}

/** Prefixes a message with the file it concerns, the form every user-facing error takes. */
export function fileError(path: string, problem: string, cause?: unknown): UserError {
	return new UserError(`${path}: ${problem}`, {cause});
}
