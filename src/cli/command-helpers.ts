import {existsSync, statSync} from 'node:fs';
import {access, constants, mkdir, stat} from 'node:fs/promises';

import type {DownloadResult} from '../depth/download.js';
import type {ModelEntry} from '../depth/models.js';
import {isModelFile, resolveDepthSource, type ResolvedDepthSource} from '../depth/resolve.js';
import {fileError, usageError} from '../errors.js';
import {probePhoto} from '../image/load.js';
import {describeSystemError} from '../io/atomic.js';
import type {NamedInput} from '../io/same-file.js';
import type {BuildLdiOptions} from '../ldi/build-ldi.js';
import type {LdiToSceneOptions} from '../mesh/build-scene-mesh.js';
import type {BuildSceneOptions, BuildStage} from '../pipeline/build-scene.js';
import {loadScene, type LoadedScene} from '../pipeline/scene-input.js';
import {depthOptionsFromFlags, type DepthFlagValues} from './depth-flags.js';
import {createProgress, type Progress} from './progress.js';
import {sceneOptionsFromFlags, type SceneFlagValues, type SceneInputPlan} from './scene-flags.js';

/**
 * The depth source a command's flags ask for, downloading the model on first use with a visible
 * progress line (a bar on a TTY) unless offline; `say` prints informational lines.
 */
export async function resolveDepthSourceForCommand(
	flags: DepthFlagValues,
	say: (message: string) => void,
	silent: boolean,
): Promise<ResolvedDepthSource> {
	let progress: Progress | undefined;
	return resolveDepthSource(depthOptionsFromFlags(flags, {
		onDownloadStart: (entry: ModelEntry, url: string) => {
			say(`${entry.name} is not installed: downloading it once from ${url}`);
			progress = createProgress({label: `downloading ${entry.name}`, unit: 'bytes', silent});
		},
		onProgress: ({receivedBytes, totalBytes}) => progress?.update(receivedBytes, totalBytes),
		onDownloaded: (result: DownloadResult) => {
			progress?.finish(`downloaded ${result.path} (${(result.bytes / 1e6).toFixed(1)} MB)`);
			say(result.sha256Verified
				? `sha256 ${result.sha256} verified (${result.sha256Source === 'registry' ? 'the registry' : 'the server\'s X-Linked-Etag'})`
				: `sha256 ${result.sha256} (not verified: neither the registry nor the server gave a checksum for this model)`);
		},
	}));
}

/** Creates the output directory and fails before any work when it is unwritable (not after a long build). */
export async function prepareOutputDirectory(directory: string): Promise<void> {
	try {
		await mkdir(directory, {recursive: true});
		if (!(await stat(directory)).isDirectory()) throw Object.assign(new Error('not a directory'), {code: 'ENOTDIR'});
		await access(directory, constants.W_OK);
	} catch (error) {
		const reason = (error as NodeJS.ErrnoException).code === 'EEXIST' ? 'not a directory' : describeSystemError(error);
		throw fileError(directory, `cannot write output here (${reason})`, error);
	}
}

/**
 * Refuses a folder given as `-o` (an output file's name): writing beside it under its name plus an
 * extension would surprise (`build -o renders` wrote renders.glb next to the folder).
 *
 * ```ts
 * if (flags.out !== undefined) refuseFolderAsOutputFile(flags.out);
 * ```
 */
export function refuseFolderAsOutputFile(out: string): void {
	if (isExistingFolder(out)) throw usageError(`-o ${out}`, 'is a folder; name the output file, or use --out-dir for a folder');
}

/**
 * Refuses outputs that are existing folders (`view --export page.html` with a folder page.html, the .bin of
 * a `--format gltf` build): found otherwise only when the finished file is renamed onto it, after the
 * work, and for a .gltf after it was written without its .bin.
 *
 * ```ts
 * refuseFoldersAsOutputs([output, preview]);
 * ```
 */
export function refuseFoldersAsOutputs(outputs: readonly string[]): void {
	const folder = outputs.find(isExistingFolder);
	if (folder !== undefined) throw usageError(folder, 'is a folder where a file is to be written; remove it or choose another output name');
}

function isExistingFolder(path: string): boolean {
	return existsSync(path) && statSync(path).isDirectory();
}

/**
 * The files a command reads besides its main input, from its flags: the depth map, a model file, a model
 * spec and an inpainting model (for {@link refuseOverwritingInputs}).
 *
 * ```ts
 * refuseOverwritingInputs([output], [{path: photo, role: 'photo'}, ...flagInputs(flags)]);
 * ```
 */
export function flagInputs(flags: Partial<DepthFlagValues> & {'inpaint-model'?: string}): NamedInput[] {
	const inputs: NamedInput[] = [];
	if (flags.depth) inputs.push({path: flags.depth, role: 'depth map'});
	if (flags.model && isModelFile(flags.model)) inputs.push({path: flags.model, role: 'depth model'});
	if (flags['model-spec']) inputs.push({path: flags['model-spec'], role: 'model spec'});
	if (flags['inpaint-model']) inputs.push({path: flags['inpaint-model'], role: 'inpainting model'});
	return inputs;
}

/** Milliseconds rounded to 0.1 for reports. */
export function roundMs(ms: number): number {
	return Math.round(ms * 10) / 10;
}

/**
 * The scene of `stereo` and `render`: a `.glb` read as built, or a photo built in memory with the scene
 * flags (and `ldi` / `mesh` overrides: stereo sizes its scene for the pair it renders). Stage lines are
 * printed on a TTY only: they are progress for a person watching; in logs the command's summary line
 * says it all.
 */
export async function loadSceneForCommand(
	input: string,
	flags: SceneFlagValues,
	plan: SceneInputPlan,
	command: SceneCommandContext,
): Promise<LoadedScene> {
	if (plan.glb) return loadScene(input);
	return loadScene(input, {build: await buildOptionsForCommand(input, flags, plan, command)});
}

/** How a command builds a scene from a photo: what it prints, and its overrides of the scene flags. */
export interface SceneCommandContext {
	say: (message: string) => void;
	silent: boolean;
	ldi?: Partial<BuildLdiOptions>;
	mesh?: Partial<LdiToSceneOptions>;
}

/**
 * The {@link BuildSceneOptions} of a photo given to `stereo` or `render` (see {@link loadSceneForCommand}):
 * the photo's header is checked and the depth source resolved first.
 */
export async function buildOptionsForCommand(
	input: string,
	flags: SceneFlagValues,
	plan: SceneInputPlan,
	command: SceneCommandContext,
): Promise<Partial<BuildSceneOptions>> {
	// The photo's header before the depth model: a wrong file fails at once, not after a download.
	await probePhoto(input, {maxSize: flags['max-size']});
	const sceneOptions = sceneOptionsFromFlags(flags);
	return {
		...sceneOptions,
		ldi: {...sceneOptions.ldi, ...command.ldi},
		mesh: {...sceneOptions.mesh, ...command.mesh},
		depth: (await resolveDepthSourceForCommand(flags, command.say, command.silent)).source,
		exactDisparity: plan.exactDisparity,
		onStage: process.stderr.isTTY ? (stage: BuildStage) => command.say(`${input}: ${stage}`) : undefined,
	};
}
