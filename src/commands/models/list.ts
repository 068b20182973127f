import {join} from 'node:path';

import {BaseCommand} from '../../cli/base-command.js';
import {defaultModelName, isEntryInstalled, listModels, modelCacheDir} from '../../depth/models.js';

/** One row of `ldi-gltf models list --json`. */
export interface ModelListRow {
	name: string;
	default: boolean;
	licence: string;
	/** Approximate download size, bytes (null if unknown). */
	bytes: number | null;
	installed: boolean;
	path: string;
	url: string;
	description: string;
}

export default class ModelsList extends BaseCommand {
	static override description = `List the depth models ldi-gltf knows, with licence, size, and whether and where they are installed.

Weights live in the model cache directory: $LDI_GLTF_CACHE_DIR, else the user cache directory (~/.cache/ldi-gltf/models on Linux). The list is the package's models/registry.json, or the file $LDI_GLTF_MODEL_REGISTRY names (a pipeline's own models, same format).`;

	static override examples = [
		'<%= config.bin %> <%= command.id %>',
		{description: 'As JSON, for scripts', command: '<%= config.bin %> <%= command.id %> --json'},
	];

	static override enableJsonFlag = true;

	async run(): Promise<ModelListRow[]> {
		await this.parse(ModelsList);
		const cacheDir = modelCacheDir();
		const defaultName = defaultModelName();
		const rows: ModelListRow[] = listModels().map((entry) => ({
			name: entry.name,
			default: entry.name === defaultName,
			licence: entry.licence,
			bytes: entry.exactBytes ?? entry.bytes,
			installed: isEntryInstalled(entry, cacheDir),
			path: join(cacheDir, entry.file),
			url: entry.url,
			description: entry.description,
		}));
		if (!this.jsonEnabled()) this.log(formatTable(rows));
		return rows;
	}
}

function formatTable(rows: ModelListRow[]): string {
	const header = ['NAME', 'LICENCE', 'SIZE', 'INSTALLED', 'PATH'];
	const cells = rows.map((row) => [
		row.default ? `${row.name} (default)` : row.name,
		row.licence,
		row.bytes === null ? '?' : `~${Math.round(row.bytes / 1e6)} MB`,
		row.installed ? 'yes' : 'no',
		row.path,
	]);
	const widths = header.map((title, column) => Math.max(title.length, ...cells.map((line) => line[column]!.length)));
	return [header, ...cells].map((line) => line.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()).join('\n');
}
