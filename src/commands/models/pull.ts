import {join} from 'node:path';

import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';

import {BaseCommand} from '../../cli/base-command.js';
import {createProgress} from '../../cli/progress.js';
import {downloadModel, isOffline, modelUrl, type DownloadResult} from '../../depth/download.js';
import {findModel, isEntryInstalled, modelCacheDir} from '../../depth/models.js';
import {UserError} from '../../errors.js';

/** What `ldi-gltf models pull --json` prints. */
export interface ModelsPullResult {
	name: string;
	path: string;
	/** False when the model was already installed and nothing was downloaded. */
	downloaded: boolean;
	url?: string;
	bytes?: number;
	sha256?: string;
	sha256Verified?: boolean;
	/** What the sha256 was checked against: the registry, the server's X-Linked-Etag, or nothing (null). */
	sha256Source?: 'registry' | 'server' | null;
	resumedFromBytes?: number;
}

export default class ModelsPull extends BaseCommand {
	static override description = `Download a depth model's weights into the model cache.

The file is streamed to <file>.part, resumed when interrupted (run the command again), checked against the size and sha256 the registry records and the server announces (Hugging Face's X-Linked-Size and X-Linked-Etag), and only then renamed into place; a mismatch is refused and the file deleted. Set LDI_GLTF_MODEL_BASE_URL to fetch <base>/<file> from a mirror instead of the registry URL.`;

	static override examples = [
		'<%= config.bin %> <%= command.id %> depth-anything-v2-small',
		{description: 'Into a chosen cache directory', command: 'LDI_GLTF_CACHE_DIR=/opt/models <%= config.bin %> <%= command.id %> midas-v2.1-small'},
	];

	static override enableJsonFlag = true;

	static override args = {
		name: Args.string({description: 'Registry model name (see `ldi-gltf models list`).', required: true}),
	};

	static override flags = {
		force: Flags.boolean({description: 'Download again even when the model is installed.', default: false}),
	};

	async run(): Promise<ModelsPullResult> {
		const {args, flags} = await this.parse(ModelsPull);
		const entry = findModel(args.name);
		const cacheDir = modelCacheDir();
		const path = join(cacheDir, entry.file);
		if (!flags.force && isEntryInstalled(entry, cacheDir)) {
			this.info(`${entry.name} is already installed at ${path}`);
			return {name: entry.name, path, downloaded: false};
		}
		if (isOffline(false)) {
			throw new UserError(`${entry.name}: not downloading because LDI_GLTF_OFFLINE is set; unset it, or put the file from ${entry.url} at ${path}`);
		}
		const url = modelUrl(entry);
		this.info(`downloading ${entry.name} (${entry.licence}) from ${url}`);
		const progress = createProgress({label: entry.name, unit: 'bytes', silent: flags.quiet || this.jsonEnabled()});
		const result: DownloadResult = await downloadModel(entry, {
			cacheDir,
			onProgress: ({receivedBytes, totalBytes}) => progress.update(receivedBytes, totalBytes ?? entry.bytes),
		});
		progress.finish(`${entry.name}: ${(result.bytes / 1e6).toFixed(1)} MB${result.resumedFromBytes > 0 ? ` (resumed at ${(result.resumedFromBytes / 1e6).toFixed(1)} MB)` : ''} downloaded`);
		this.info(result.sha256Source === 'registry'
			? `sha256 ${result.sha256} verified`
			: result.sha256Source === 'server'
				? `sha256 ${result.sha256} verified against the server's X-Linked-Etag (the registry has none for ${entry.name} yet; record it in models/registry.json)`
				: `sha256 ${result.sha256} (not verified: neither the registry nor the server gave a checksum for ${entry.name}; record it in models/registry.json)`);
		if (!this.jsonEnabled()) this.log(result.path);
		return {name: entry.name, downloaded: true, ...result};
	}
}
