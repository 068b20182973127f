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
 * The flag of `flagNames` (without dashes) that an unknown `given` flag (`--invert-depth`) most likely
 * meant: the same words in another order, else one within a quarter of its letters' edits; undefined
 * when none is that close.
 *
 * ```ts
 * closestFlagName('--invert-depth', ['depth', 'depth-invert', 'out']); // 'depth-invert'
 * ```
 */
export function closestFlagName(given: string, flagNames: readonly string[]): string | undefined {
	const bare = given.replace(/^-+/, '').split('=')[0];
	const words = (name: string): string => name.split('-').sort().join('-');
	const sameWords = flagNames.find((name) => words(name) === words(bare));
	if (sameWords) return sameWords;
	let closest: string | undefined;
	let closestEdits = Math.max(1, Math.floor(bare.length / 4)) + 1;
	for (const name of flagNames) {
		const edits = editDistance(bare, name);
		if (edits < closestEdits) {
			closest = name;
			closestEdits = edits;
		}
	}
	return closest;
}

/** Edits from `a` to `b`: insertions, deletions, substitutions and swaps of two neighbours (`depht`). */
function editDistance(a: string, b: string): number {
	const d = Array.from({length: a.length + 1}, (_, i) => Array.from({length: b.length + 1}, (__, j) => (i === 0 ? j : j === 0 ? i : 0)));
	for (let i = 1; i <= a.length; i++) {
		for (let j = 1; j <= b.length; j++) {
			d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
			if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
		}
	}
	return d[a.length][b.length];
}

/**
 * The UserError an oclif parser error means, or undefined when `error` is not one. An unknown flag close
 * to one of `flagNames` (the command's, without dashes) is answered with it.
 *
 * ```ts
 * usageErrorFromOclif(new Error('Parsing --near \n\t--near abc: expected a positive number\nSee more help with --help'));
 * // usage error: 'expected a positive number, got abc' about '--near'
 * ```
 */
export function usageErrorFromOclif(error: Error, flagNames: readonly string[] = []): UserError | undefined {
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
	if (unknownFlag) {
		const suggestion = unknownFlag[1].includes(',') ? undefined : closestFlagName(unknownFlag[1], flagNames);
		return usageError(unknownFlag[1], suggestion ? `unknown flag, did you mean --${suggestion}? (see --help)` : 'unknown flag (see --help)', error);
	}
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
 * `flagNames` (the command's flags, without dashes) let an unknown flag be answered with the likely one.
 *
 * ```ts
 * const {message, code} = describeCliError(error, Object.keys(Build.flags));
 * process.stderr.write(`ldi-gltf: ${message}\n`);
 * ```
 */
export function describeCliError(error: unknown, flagNames: readonly string[] = []): CliErrorReport {
	const userError = error instanceof UserError ? error : error instanceof Error ? usageErrorFromOclif(error, flagNames) : undefined;
	if (userError) {
		const message = userError.subject === undefined ? userError.message : `${userError.problem} (${userError.subject})`;
		return {message: message.replace(/\s*\n\s*/g, ' '), code: userError.exitCode};
	}
	const text = error instanceof Error ? error.message : String(error);
	return {message: `internal error: ${text.split('\n')[0]}`, code: EXIT_CODES.internal};
}
