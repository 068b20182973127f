import {Command, Errors, Flags, Interfaces} from '@oclif/core';

import {UserError} from '../errors.js';
import {applyCliV8Flags} from './v8-flags.js';

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof BaseCommand)['baseFlags'] & T['flags']>;

/**
 * Base of every ldi-gltf command: `--verbose` and `--quiet`, and one error policy. A {@link UserError}
 * (bad input, missing model, unwritable output) prints as one line on stderr and exits non-zero; any
 * other error is a bug and prints one line too, with its stack only under `--verbose`.
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

	override async catch(error: Error & {exitCode?: number}): Promise<unknown> {
		// oclif's own errors (unknown flag, missing argument, exit) already read well: let oclif print them,
		// except under --json, where oclif would dump its whole parser context instead of one record.
		if (error instanceof Errors.ExitError || (error instanceof Errors.CLIError && !(error instanceof UserError))) {
			if (!this.jsonEnabled() || error instanceof Errors.ExitError) return super.catch(error);
			const code = error.oclif?.exit ?? 2;
			this.logJson({error: {message: error.message.split('\n')[0], code}});
			return this.exit(code);
		}
		const verbose = this.argv.includes('--verbose');
		const exitCode = error instanceof UserError ? error.exitCode : 2;
		const message = error instanceof UserError ? error.message : `internal error: ${error.message}`;
		if (this.jsonEnabled()) {
			this.logJson({error: {message, code: exitCode}});
		} else {
			this.logToStderr(`ldi-gltf: ${message}`);
			if (verbose && error.stack) this.logToStderr(error.stack);
			else if (!(error instanceof UserError)) this.logToStderr('(run again with --verbose for details)');
		}
		return this.exit(exitCode);
	}
}
