/**
 * Exit codes of the CLI: 1 for bad input or environment (a file that is not an image, a missing model, an
 * unwritable folder), 2 for usage mistakes (a bad flag value, an unknown command, an output that is one
 * of the inputs), 3 for a bug in ldi-gltf itself ("internal error").
 */
export const EXIT_CODES = {input: 1, usage: 2, internal: 3} as const;

/**
 * An error caused by the user's input or environment (a bad file, a missing model, an unwritable
 * directory). The CLI prints it as one line without a stack trace (unless `--verbose`) and exits non-zero.
 * Its message names the file or flag and the problem: `photo.jpg: not an image (unsupported format)`;
 * when made by {@link fileError} or {@link usageError} it also carries both parts, which the CLI prints as
 * `ldi-gltf: not an image (unsupported format) (photo.jpg)`.
 */
export class UserError extends Error {
	/** Process exit code the CLI uses for this error ({@link EXIT_CODES}). */
	readonly exitCode: number;
	/** The file or flag the error is about, when known. */
	readonly subject?: string;
	/** The problem without its subject (the whole message when there is no subject). */
	readonly problem: string;

	constructor(message: string, options: {cause?: unknown; exitCode?: number; subject?: string; problem?: string} = {}) {
		super(message, {cause: options.cause});
		this.name = 'UserError';
		this.exitCode = options.exitCode ?? EXIT_CODES.input;
		this.subject = options.subject;
		this.problem = options.problem ?? message;
	}
}

/** Prefixes a message with the file it concerns, the form every user-facing error takes. */
export function fileError(path: string, problem: string, cause?: unknown): UserError {
	return new UserError(`${path}: ${problem}`, {cause, subject: path, problem});
}

/**
 * A usage mistake (exit code 2) about a flag, argument or command: `usageError('--passes', 'expected an
 * integer ≥ 0, got -1')`.
 */
export function usageError(subject: string, problem: string, cause?: unknown): UserError {
	return new UserError(`${subject}: ${problem}`, {cause, subject, problem, exitCode: EXIT_CODES.usage});
}
