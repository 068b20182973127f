/**
 * oclif's `command_not_found` hook: a mistyped command (`ldi-gltf buidl moon.jpg`) gets the same one-line
 * error as every other usage mistake, with the nearest command name, instead of oclif's
 * `command buidl:moon.jpg not found` (oclif joins the arguments into the id with its topic separator).
 */
import type {Hook} from '@oclif/core';

import {describeCliError} from '../cli/error-report.js';
import {usageError} from '../errors.js';

/** Edit distance between two short names (commands), for "did you mean". */
function editDistance(a: string, b: string): number {
	let previous = Array.from({length: b.length + 1}, (_, index) => index);
	for (let i = 1; i <= a.length; i++) {
		const current = [i];
		for (let j = 1; j <= b.length; j++) {
			current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
		}
		previous = current;
	}
	return previous[b.length];
}

const hook: Hook<'command_not_found'> = async function ({id, argv}) {
	const typed = id.split(':')[0];
	const known = this.config.commands.filter((command) => !command.hidden).map((command) => command.id.replaceAll(':', ' '));
	const nearest = known
		.map((name) => ({name, distance: editDistance(typed, name.split(' ')[0])}))
		.sort((a, b) => a.distance - b.distance)[0];
	const hint = nearest && nearest.distance <= 2 ? `did you mean ${nearest.name}?` : `known: ${known.join(', ')}`;
	const {message, code} = describeCliError(usageError(typed, `unknown command; ${hint}`));
	if (argv?.includes('--json') || id.split(':').includes('--json')) process.stdout.write(`${JSON.stringify({error: {message, code}}, null, 2)}\n`);
	else process.stderr.write(`ldi-gltf: ${message}\n`);
	process.exitCode = code;
};

export default hook;
