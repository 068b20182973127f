import type {Interfaces} from '@oclif/core';
import {Command} from '@oclif/core/command';
import * as Errors from '@oclif/core/errors';
import * as Flags from '@oclif/core/flags';

import {EXIT_CODES} from '../errors.js';
import {describeCliError} from './error-report.js';
import {applyCliV8Flags} from './v8-flags.js';

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof BaseCommand)['baseFlags'] & T['flags']>;

/**
 * Base of every ldi-gltf command: `--verbose` and `--quiet`, and one error policy (error-report.ts): a
 * UserError (bad input, missing model, unwritable output) or a flag oclif cannot parse prints as one line
 * on stderr with exit code 1 or 2; any other error is a bug and prints one line too (exit code 3), with
 * its stack only under `--verbose`.
 */
export abstract class BaseCommand extends Command {
	static override baseFlags = {
		verbose: Flags.boolean({description: 'Print stack traces and extra diagnostics.', default: false, helpGroup: 'GLOBAL'}),
		quiet: Flags.boolean({char: 'q', description: 'Print nothing but errors (and --json output).', default: false, helpGroup: 'GLOBAL'}),
	};

	/** Applies the CLI's V8 flags once the command's modules are loaded (see v8-flags.ts). */
	override async init(): Promise<void> {
		await super.init();
		applyCliV8Flags();
	}

	/** Progress and informational lines go to stderr so stdout stays clean for data. */
	protected info(message: string): void {
		if (!this.argv.includes('--quiet') && !this.argv.includes('-q') && !this.jsonEnabled()) this.logToStderr(message);
	}

	/** Whether the user asked for stack traces. */
	protected get verbose(): boolean {
		return this.argv.includes('--verbose');
	}

	/**
	 * Prints any error the one way (error-report.ts): `ldi-gltf: <problem> (<file or flag>)` on stderr, or
	 * `{"error": {"message", "code"}}` under --json; the stack only with --verbose.
	 */
	override async catch(error: Error & {exitCode?: number}): Promise<unknown> {
		if (error instanceof Errors.ExitError) return super.catch(error);
		const command = this.constructor as typeof Command;
		const flagNames = [...Object.keys({...command.baseFlags, ...command.flags}), ...(command.enableJsonFlag ? ['json'] : [])];
		const report = describeCliError(error, flagNames);
		const hint = report.code === EXIT_CODES.internal && !this.verbose ? ' (run again with --verbose for details)' : '';
		if (this.jsonEnabled()) this.logJson({error: report});
		else this.logToStderr(`ldi-gltf: ${report.message}${hint}`);
		if (this.verbose && error.stack) this.logToStderr(error.stack);
		return this.exit(report.code);
	}
}
