import {spawn} from 'node:child_process';
import {basename, dirname, extname, resolve} from 'node:path';

import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';

import {BaseCommand} from '../cli/base-command.js';
import {flagInputs, prepareOutputDirectory, refuseFoldersAsOutputs, resolveDepthSourceForCommand} from '../cli/command-helpers.js';
import {checkSceneFlags, givenFlags, refuseBuildFlagsForScene, sceneFlags, sceneOptionsFromFlags} from '../cli/scene-flags.js';
import {usageError} from '../errors.js';
import {probePhoto} from '../image/load.js';
import {writeFileAtomic} from '../io/atomic.js';
import {refuseOverwritingInputs} from '../io/same-file.js';
import {isSceneFile} from '../pipeline/scene-input.js';
import {CAMERA_PATH_NAMES} from '../render/camera-path.js';
import {selfContainedPageHtml} from '../viewer/page-html.js';
import {buildGlbInMemory, readGlbFile} from '../viewer/scene-source.js';
import {startViewerServer} from '../viewer/server.js';

/** What `ldi-gltf view --json` prints: the exported page, or the server's address once it listens. */
export interface ViewCommandResult {
	input: string;
	/** 'glb': a scene file was read; 'photo': the scene was built from the photo in memory. */
	inputKind: 'glb' | 'photo';
	glbBytes: number;
	/** The self-contained page written by --export. */
	output?: string;
	outputBytes?: number;
	/** The server's page (without --export). */
	url?: string;
}

export default class View extends BaseCommand {
	static override description = `Look at a scene the way a 3D photo is meant to be seen: from the photo's own camera, moving gently with the pointer, touch or the device's tilt, never beyond the scene's comfort range (where it shows no holes).

Starts a local server on 127.0.0.1 (a free port, or --port) and prints the page's URL; --open also opens it in the default browser; Ctrl-C stops it. The server offers the scene and the viewer's own files, read-only, and nothing else. With --export the page is written instead as ONE self-contained HTML file (three.js, the meshopt decoder and the scene inlined) that makes no network request and opens from file:// in current browsers, phones included.

In the page: Space plays the stored camera path (build --camera-path), L shows the layers one by one (Shift+L backwards), W wireframe, D the depth (bright is near), O orbits about the subject instead of moving sideways, R back to the photo's view; the mouse wheel moves forward and back; drop another .glb on the page to open it.

A photo is built in memory first, with the same flags as \`build\`; a .glb is shown as built, so those flags cannot apply to it and are refused.`;

	static override examples = [
		{description: 'Serve a built scene and open it in the browser', command: '<%= config.bin %> <%= command.id %> sample.glb --open'},
		{description: 'Build the bundled sample in memory and serve it on port 8080', command: '<%= config.bin %> <%= command.id %> assets/sample.jpg --depth assets/sample-depth.png --port 8080'},
		{description: 'One self-contained HTML page to share (no server, no network)', command: '<%= config.bin %> <%= command.id %> sample.glb --export sample.html'},
		{description: 'A photo with a stored camera path, exported as a page', command: '<%= config.bin %> <%= command.id %> room.jpg --depth room-depth.png --camera-path circle --export room.html'},
	];

	static override enableJsonFlag = true;

	static override args = {
		input: Args.string({description: 'A scene written by `ldi-gltf build` (.glb), or a photo (built in memory).', required: true}),
	};

	static override flags = {
		export: Flags.string({description: 'Write one self-contained HTML page (.html) here instead of serving (no network requests; opens from file://).'}),
		port: Flags.integer({description: 'Port on 127.0.0.1 (0: a free one).', default: 0, min: 0, max: 65535, exclusive: ['export']}),
		open: Flags.boolean({description: 'Open the page in the default browser.', default: false, exclusive: ['export']}),
		'camera-path': Flags.option({options: CAMERA_PATH_NAMES, description: 'Photo input: store this camera path, which the page plays (Space).'})(),
		...sceneFlags,
	};

	async run(): Promise<ViewCommandResult | undefined> {
		const {args, flags, raw} = await this.parse(View);
		const {input} = args;
		const glbInput = isSceneFile(input);
		const silent = flags.quiet || this.jsonEnabled();
		if (glbInput) refuseBuildFlagsForScene(input, givenFlags(raw));
		else checkSceneFlags(flags);
		if (glbInput && flags['camera-path']) this.warn(`--camera-path does not change a built scene; rebuild ${input} with build --camera-path`);
		const output = flags.export === undefined ? undefined : resolve(flags.export);
		if (output) {
			// `view scene.glb --export scene.glb` would replace the scene with its page: refused before any work.
			refuseOverwritingInputs([flags.export as string], [{path: input, role: glbInput ? 'scene' : 'photo'}, ...flagInputs(flags)]);
			if (!['.html', '.htm'].includes(extname(output).toLowerCase())) throw usageError(`--export ${flags.export}`, 'the page is written as .html; name it so');
			refuseFoldersAsOutputs([output]);
			await prepareOutputDirectory(dirname(output));
		}

		let glb: Uint8Array;
		if (glbInput) {
			glb = await readGlbFile(input);
		} else {
			// The photo's header before the depth model: a wrong file fails at once, not after a download.
			await probePhoto(input, {maxSize: flags['max-size']});
			const {source, model} = await resolveDepthSourceForCommand(flags, (message) => this.info(message), silent);
			glb = await buildGlbInMemory(input, {
				scene: sceneOptionsFromFlags(flags),
				depth: source,
				depthModelName: model,
				encode: {cameraPath: flags['camera-path']},
				onStage: (stage) => this.info(`${input}: ${stage}`),
			});
		}
		const name = `${basename(input, extname(input))}.glb`;
		const result: ViewCommandResult = {input: resolve(input), inputKind: glbInput ? 'glb' : 'photo', glbBytes: glb.byteLength};

		if (output) {
			const html = await selfContainedPageHtml(glb, {name});
			await writeFileAtomic(output, html);
			result.output = output;
			result.outputBytes = Buffer.byteLength(html);
			this.info(`${output} (${(result.outputBytes / 1e6).toFixed(2)} MB: the ${(glb.byteLength / 1e6).toFixed(2)} MB scene and the viewer in one file)`);
			return result;
		}

		const server = await startViewerServer(glb, {port: flags.port, name});
		result.url = server.url;
		if (this.jsonEnabled()) this.logJson(result);
		else this.log(server.url);
		this.info(`serving ${name} on ${server.url} (Ctrl-C stops)`);
		if (flags.open) openInBrowser(server.url, (message) => this.info(message));
		await new Promise<void>((resolveStop) => {
			const stop = (): void => {
				process.off('SIGINT', stop);
				process.off('SIGTERM', stop);
				void server.close().then(resolveStop);
			};
			process.on('SIGINT', stop);
			process.on('SIGTERM', stop);
		});
		this.info('stopped');
		return undefined;
	}
}

/** Starts the platform's default browser on `url`; says so when it cannot (the URL is printed anyway). */
function openInBrowser(url: string, say: (message: string) => void): void {
	const [command, args] = process.platform === 'darwin' ? ['open', [url]]
		: process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]]
			: ['xdg-open', [url]];
	const child = spawn(command, args, {detached: true, stdio: 'ignore'});
	child.on('error', () => say(`could not start a browser (${command}); open ${url} yourself`));
	child.unref();
}
