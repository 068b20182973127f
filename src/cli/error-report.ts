/**
 * One error path for every command: any error (ours, oclif's flag parsing, a bug) becomes one line
 * `ldi-gltf: <problem> (<file or flag>)` and one JSON shape `{"message": …, "code": …}` with the exit code
 * of {@link EXIT_CODES}.
 *
 * oclif's parser errors are several lines with a "See more help" footer (`Parsing --passes \n\tExpected an
 * integer greater than or equal to 0 but received: -1`); they are rewritten here into the same one-line
 * form as ours, because a script's log should not depend on which layer found the mistake.
 */
import * as Errors from '@oclif/core/errors';

import {EXIT_CODES, UserError, usageError} from '../errors.js';

/** An error as `--json` prints it (alone as `{"error": …}`, or as a build record's `error`), and as stderr's line says it. */
export interface CliErrorReport {
	/** One line without the `ldi-gltf: ` prefix: the problem, then the file or flag in brackets. */
	message: string;
	/** The process exit code: 1 bad input, 2 usage mistake, 3 internal error. */
	code: number;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001B\[[0-9;]*m/g;

function lowerFirst(text: string): string {
	return text.charAt(0).toLowerCase() + text.slice(1);
}

/** Rewrites oclif's wording of a bad flag value ("Expected an integer greater than or equal to 0 but received: -1"). */
function flagValueProblem(flag: string, inner: string): string {
	const bound = /^Expected an integer (greater|less) than or equal to (-?\d+) but received: (.*)$/s.exec(inner);
	if (bound) return `expected an integer ${bound[1] === 'greater' ? '≥' : '≤'} ${bound[2]}, got ${bound[3]}`;
	const integer = /^Expected an integer but received: (.*)$/s.exec(inner);
	if (integer) return `expected an integer, got ${integer[1]}`;
	// Our own parsers say "--near abc: expected a positive number": the flag goes into the brackets.
	const ours = new RegExp(`^${flag}(?: (\\S*))?: (.*)$`, 's').exec(inner);
	if (ours) return `${ours[2]}${ours[1] === undefined ? '' : `, got ${ours[1]}`}`;
	return lowerFirst(inner);
}

/**
 * The UserError an oclif parser error means, or undefined when `error` is not one.
 *
 * ```ts
 * usageErrorFromOclif(new Error('Parsing --near \n\t--near abc: expected a positive number\nSee more help with --help'));
 * // usage error: 'expected a positive number, got abc' about '--near'
 * ```
 */
export function usageErrorFromOclif(error: Error): UserError | undefined {
	const text = error.message.replace(ANSI, '').replace(/\n*See more help with --help\s*$/, '');
	const parsing = /^Parsing (--[\w-]+)\s*\n\t([\s\S]*)$/.exec(text);
	if (parsing) return usageError(parsing[1], flagValueProblem(parsing[1], parsing[2].trim()), error);
	if (!(error instanceof Errors.CLIError)) return undefined;
	const option = /^Expected --([\w-]+)=([\s\S]*) to be one of: ([\s\S]*)$/.exec(text);
	if (option) return usageError(`--${option[1]}`, `"${option[2]}" is not one of ${option[3].replace(/\s+/g, ' ').trim()}`, error);
	const expects = /^Flag (--[\w-]+) expects (?:a value|one of these values: (.*))$/.exec(text);
	if (expects) return usageError(expects[1], expects[2] ? `expects one of ${expects[2]}` : 'expects a value', error);
	const once = /^Flag (--[\w-]+) can only be specified once$/.exec(text);
	if (once) return usageError(once[1], 'given more than once', error);
	const unknownFlag = /^Nonexistent flags?: (.*)$/.exec(text);
	if (unknownFlag) return usageError(unknownFlag[1], 'unknown flag (see --help)', error);
	const unexpected = /^Unexpected arguments?: (.*)$/.exec(text);
	if (unexpected) return usageError(unexpected[1], 'unexpected argument (see --help)', error);
	const missingArgument = /^Missing \d+ required args?:\n(\S+)/.exec(text);
	if (missingArgument) return usageError(`<${missingArgument[1]}>`, 'missing argument (see --help)', error);
	const failed = /^The following errors? occurred:\n\s*([\s\S]*)$/.exec(text);
	if (failed) {
		const reason = failed[1].split('\n')[0].trim();
		const missingFlag = /^Missing required flag ([\w-]+)$/.exec(reason);
		if (missingFlag) return usageError(`--${missingFlag[1]}`, 'missing required flag', error);
		const flag = /(--[\w-]+)/.exec(reason);
		return usageError(flag?.[1] ?? 'flags', lowerFirst(reason), error);
	}
	const flag = /(--[\w-]+)/.exec(text);
	return usageError(flag?.[1] ?? 'usage', lowerFirst(text.split('\n')[0].trim()), error);
}

/**
 * The one-line report of any error a command meets. A {@link UserError} keeps its exit code; an oclif
 * parser error is a usage mistake (2); anything else is a bug: "internal error: …" with exit code 3.
 *
 * ```ts
 * const {message, code} = describeCliError(error);
 * process.stderr.write(`ldi-gltf: ${message}\n`);
 * ```
 */
export function describeCliError(error: unknown): CliErrorReport {
	const userError = error instanceof UserError ? error : error instanceof Error ? usageErrorFromOclif(error) : undefined;
	if (userError) {
		const message = userError.subject === undefined ? userError.message : `${userError.problem} (${userError.subject})`;
		return {message: message.replace(/\s*\n\s*/g, ' '), code: userError.exitCode};
	}
	const text = error instanceof Error ? error.message : String(error);
	return {message: `internal error: ${text.split('\n')[0]}`, code: EXIT_CODES.internal};
}
