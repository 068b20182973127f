import * as Args from '@oclif/core/args';

import {BaseCommand} from '../../cli/base-command.js';
import {findModel, isInstalled, modelPath} from '../../depth/models.js';

export default class ModelsPath extends BaseCommand {
	static override description = `Print where a model's weights are (or will be) installed.

Putting a file there by hand (e.g. on an offline machine) installs the model.`;

	static override examples = [
		'<%= config.bin %> <%= command.id %> depth-anything-v2-small',
		{description: 'Install weights copied from another machine', command: 'cp model.onnx "$(<%= config.bin %> <%= command.id %> depth-anything-v2-small)"'},
	];

	static override enableJsonFlag = true;

	static override args = {
		name: Args.string({description: 'Registry model name (see `ldi-gltf models list`).', required: true}),
	};

	async run(): Promise<{name: string; path: string; installed: boolean}> {
		const {args} = await this.parse(ModelsPath);
		const entry = findModel(args.name);
		const path = modelPath(entry.name);
		const installed = isInstalled(entry.name);
		if (!this.jsonEnabled()) {
			this.log(path);
			if (!installed) this.info(`${entry.name} is not installed yet (ldi-gltf models pull ${entry.name})`);
		}
		return {name: entry.name, path, installed};
	}
}
