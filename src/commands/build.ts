import {existsSync} from 'node:fs';
import {basename, dirname, extname, join, resolve} from 'node:path';

import * as Flags from '@oclif/core/flags';

import {BaseCommand} from '../cli/base-command.js';
import {flagInputs, prepareOutputDirectory, refuseFolderAsOutputFile, refuseFoldersAsOutputs, resolveDepthSourceForCommand, roundMs} from '../cli/command-helpers.js';
import {expandPhotoPatterns} from '../cli/globs.js';
import {type CliErrorReport, describeCliError} from '../cli/error-report.js';
import {depthOptionsFromFlags, depthPathFor, depthTemplateFlag, isDepthTemplate} from '../cli/depth-flags.js';
import type {ResolvedDepthSource} from '../depth/resolve.js';
import {createStatusLine} from '../cli/progress.js';
import {markFirstPixel} from '../cli/startup-trace.js';
import {setGarbageCollector} from '../memory/collect-garbage.js';
import {checkSceneFlags, sceneFlags, sceneOptionsFromFlags} from '../cli/scene-flags.js';
import {EXIT_CODES, fileError, usageError} from '../errors.js';
import {PRESET_NAMES, presetByName} from '../gltf/presets.js';
import {probePhoto} from '../image/load.js';
import {writeFileAtomic} from '../io/atomic.js';
import {canonicalPath, type NamedInput, refuseOverwritingInputs} from '../io/same-file.js';
import {buildPhoto, type BuildPhotoOptions} from '../pipeline/build-photo.js';
import {defaultJobCount, onnxThreadsPerJob} from '../pipeline/job-count.js';
import {CAMERA_PATH_NAMES} from '../render/camera-path.js';
import {TOOL_VERSION} from '../version.js';

/** One photo's record in `ldi-gltf build --json`. */
export interface BuildRecord {
	input: string;
	/** Files written (the .glb, or the .gltf with its .bin and images). */
	outputs: string[];
	bytes: number;
	triangles: number;
	vertices: number;
	layers: number;
	textureSizes: Array<[number, number]>;
	/** How the depth map's steps were taken: exact (cut where the map steps) or estimated (snapped to colour edges); absent when the photo failed first. */
	depthEdges?: 'exact' | 'estimated';
	timingsMs: Record<string, number>;
	/** Why this photo failed (the same shape as a failed command's `{"error": …}`). */
	error?: CliErrorReport;
}

export default class Build extends BaseCommand {
	static override description = `Turn photos into layered, inpainted 3D scenes: one optimized, meshopt-compressed .glb per photo.

For each photo: depth (a model, or --depth FILE; for a batch, a --depth template that names each photo's map), a layered depth image cut at depth edges with colour and depth inpainted behind every foreground edge, one simplified textured mesh per layer, and a glTF with a camera that reproduces the photo. Existing outputs are overwritten (as make-style pipelines expect); --no-overwrite refuses instead. A photo that fails is reported and skipped; the exit code is non-zero if any failed.`;

	static override examples = [
		{description: 'The bundled sample with its own depth map (no download)', command: '<%= config.bin %> <%= command.id %> assets/sample.jpg --depth assets/sample-depth.png -o sample.glb'},
		{description: 'Every JPEG of a folder into out/, depth from the default model', command: '<%= config.bin %> <%= command.id %> photos/*.jpg --out-dir out'},
		{description: 'A batch with its own depth maps (shots/a.jpg → shots/a-depth.png), one photo per core at a time', command: '<%= config.bin %> <%= command.id %> shots/*.jpg --depth "{dir}/{name}-depth.png" --out-dir out'},
		{description: 'For Unity (JPEG textures, power-of-two) with a stored camera path', command: '<%= config.bin %> <%= command.id %> room.jpg --preset unity --camera-path circle'},
		{description: 'Plain glTF without meshopt/quantization, with debug images', command: '<%= config.bin %> <%= command.id %> room.jpg --no-compress --format gltf --debug-dir debug'},
		{description: 'The sample and a self-contained viewer page beside it (sample.html)', command: '<%= config.bin %> <%= command.id %> assets/sample.jpg --depth assets/sample-depth.png --html'},
		{description: 'A large photo at 4096 px: the photo layer\'s texture at full resolution, the layered depth image at 2048 (--ldi-max-size)', command: '<%= config.bin %> <%= command.id %> panorama.jpg --max-size 4096'},
		{description: 'Machine-readable report', command: '<%= config.bin %> <%= command.id %> a.jpg b.jpg --json'},
	];

	static override enableJsonFlag = true;
	static override strict = false;

	static override args = {};

	static override flags = {
		out: Flags.string({char: 'o', description: 'Output file (one photo only; default <photo-name>.glb in --out-dir). Its extension is the format\'s (.glb, or .gltf with --format gltf), added when missing.'}),
		'out-dir': Flags.string({description: 'Directory for outputs (created when missing).', default: '.'}),
		overwrite: Flags.boolean({description: 'Replace existing outputs (--no-overwrite: fail for that photo instead).', default: true, allowNo: true}),
		...sceneFlags,
		depth: depthTemplateFlag,
		'texture-format': Flags.option({options: ['webp', 'jpeg', 'png', 'ktx2'] as const, description: 'Texture format (default: the preset\'s; webp for three/babylon, jpeg for unity/generic). ktx2: GPU-compressed Basis Universal (KHR_texture_basisu), see --ktx2-mode.'})(),
		'texture-quality': Flags.integer({description: 'WebP/JPEG/KTX2 quality, 1-100 (layer 0, the photo itself, gets 8 more, at most 100). KTX2 ETC1S: Basis quality level 2.55 × this; UASTC: encoder effort (< 95: fastest, 95-99: more, 100: slow).', default: 90, min: 1, max: 100}),
		'ktx2-mode': Flags.option({options: ['uastc', 'etc1s'] as const, default: 'uastc' as const, description: 'Basis Universal codec of --texture-format ktx2: uastc (BC7/ASTC on the GPU, near WebP quality, larger files) or etc1s (BC1/ETC1, smallest files and GPU memory, visibly blockier).'})(),
		compress: Flags.boolean({description: 'Quantize and meshopt-compress (--no-compress: plain glTF for tools without decoders).', default: true, allowNo: true}),
		format: Flags.option({options: ['glb', 'gltf'] as const, default: 'glb' as const, description: 'glb: one binary file; gltf: .gltf + .bin + texture images.'})(),
		preset: Flags.option({options: PRESET_NAMES, default: 'three' as const, description: 'Target engine: three, babylon, unity or generic.'})(),
		'camera-path': Flags.option({options: CAMERA_PATH_NAMES, description: 'Store this camera path as a glTF animation of the camera node.'})(),
		html: Flags.boolean({description: 'Also write <name>.html beside the .glb: one self-contained viewer page (see `ldi-gltf view --export`).', default: false}),
		'debug-dir': Flags.string({description: 'Write debug images (filtered disparity, edges, regions, layers) to DIR/<photo-name>/.'}),
		jobs: Flags.integer({
			description: 'Photos built at the same time, each in a worker thread of its own [default: one per CPU core, fewer when free memory is short for --max-size; a single photo is built on the main thread].',
			min: 1,
			max: 64,
		}),
	};

	async run(): Promise<BuildRecord[]> {
		const {argv, flags} = await this.parse(Build);
		const inputs = await expandPhotoPatterns(argv as string[]);
		if (inputs.length === 0) throw usageError('<photo>', 'missing argument (usage: ldi-gltf build <photo...>)');
		if (flags.out && inputs.length > 1) throw usageError('-o', `one output file (${flags.out}) for ${inputs.length} photos; use --out-dir`);
		const depthTemplate = flags.depth !== undefined && isDepthTemplate(flags.depth) ? flags.depth : undefined;
		if (flags.depth && !depthTemplate && inputs.length > 1) {
			throw usageError(`--depth ${flags.depth}`, `one depth map for ${inputs.length} photos; give a template such as "{dir}/{name}-depth.png" ({name}: each photo's name without extension, {dir}: its folder)`);
		}
		checkSceneFlags(flags);
		if (flags.html && flags.format !== 'glb') throw usageError('--html', 'needs --format glb (the page inlines the .glb)');
		if (flags.html && (flags['texture-format'] ?? presetByName(flags.preset).textureFormat) === 'ktx2') {
			throw usageError('--html', 'the viewer page does not decode KTX2 textures; use --texture-format webp or jpeg with --html');
		}
		const outDir = resolve(flags['out-dir']);
		const primaryOutputs = inputs.map((input) => resolve(flags.out ?? join(outDir, `${basename(input, extname(input))}.${flags.format}`)));
		refuseSharedOutputs(inputs, primaryOutputs);
		// Every file of the batch that is read, against every file that will be written (the .bin of a
		// .gltf too): checked before any work, and again for the final names before anything is written.
		const batchInputs: NamedInput[] = [
			...inputs.map((input) => ({path: input, role: 'photo'})),
			...flagInputs({...flags, depth: depthTemplate ? undefined : flags.depth}),
			...(depthTemplate ? inputs.map((input) => ({path: depthPathFor(depthTemplate, input), role: 'depth map'})) : []),
		];
		const batchOutputs = primaryOutputs.flatMap((primary) => (flags.format === 'gltf' ? [primary, primary.replace(/\.gltf$/, '.bin')] : flags.html ? [primary, primary.replace(/\.glb$/, '.html')] : [primary]));
		refuseOverwritingInputs(batchOutputs, batchInputs);

		if (flags.out) checkOutputFileName(flags.out, flags.format);
		refuseFoldersAsOutputs(batchOutputs);
		// Its images are written after each scene: an unwritable folder must fail before the work, not after it.
		if (flags['debug-dir'] !== undefined) await prepareOutputDirectory(resolve(flags['debug-dir']));

		const silent = flags.quiet || this.jsonEnabled();
		// With a template each photo has its own depth flags (a supplied map: nothing to install).
		const depthFlagsFor = (input: string): typeof flags => (depthTemplate ? {...flags, depth: depthPathFor(depthTemplate, input)} : flags);
		const resolveDepth = (input: string): Promise<ResolvedDepthSource> => resolveDepthSourceForCommand(depthFlagsFor(input), (message) => this.info(message), silent);
		// Cheap checks first: each photo's header is read before a depth model is looked up (or downloaded).
		// A photo that fails fails on its own line; when all do, no model is looked up at all.
		const probed = await Promise.all(inputs.map((input) => probePhoto(input, {maxSize: flags['max-size']}).then(() => undefined, (error: unknown) => error)));
		const resolvedDepth = !depthTemplate && probed.some((error) => error === undefined) ? await resolveDepth(inputs[0]) : undefined;
		const preset = presetByName(flags.preset);
		const textureFormat = flags['texture-format'] ?? preset.textureFormat;
		const sceneOptions = sceneOptionsFromFlags(flags);
		const total = inputs.length;
		const jobs = Math.min(flags.jobs ?? defaultJobCount(total, flags['max-size'], flags.depth === undefined, {ldiMaxSizePixels: flags['ldi-max-size']}), total);
		const status = createStatusLine({silent});
		if (jobs > 1) this.info(`${total} photos, ${jobs} at a time (--jobs)`);
		// A batch keeps V8's own collection schedule: in a warm process each full collection costs more, and
		// the four per photo took ~9 % of the bench batch's CPU (6 photos, --jobs 1) for no lower peak.
		if (total > 1) setGarbageCollector(undefined);
		// Workers resolve their own depth source from plain options; the model is installed by now.
		// The pool and the viewer page are imported only when asked for (issue 15's start-up).
		const pool = jobs > 1 ? new (await import('../pipeline/photo-pool.js')).PhotoBuildPool(jobs) : undefined;
		const workerThreads = flags.threads || onnxThreadsPerJob(jobs);
		const optionsFor = (input: string, baseName: string, {source, model}: ResolvedDepthSource): BuildPhotoOptions => ({
			// Basis Universal codes 4 × 4 blocks: KTX2 textures are padded to multiples of 4.
			scene: {...sceneOptions, mesh: {...sceneOptions.mesh, powerOfTwo: preset.powerOfTwo, sizeMultiple: textureFormat === 'ktx2' ? 4 : 1}},
			depth: pool ? depthOptionsFromFlags(depthFlagsFor(input), {offline: true, threads: workerThreads}) : source,
			encode: {
				preset: flags.preset,
				textureFormat,
				textureQuality: flags['texture-quality'],
				ktx2Mode: flags['ktx2-mode'],
				compress: flags.compress,
				format: flags.format,
				cameraPath: flags['camera-path'],
			},
			baseName,
			toolVersion: TOOL_VERSION,
			depthModelName: model,
			recordedOptions: {
				maxSize: flags['max-size'], ldiMaxSize: flags['ldi-max-size'], inpainter: flags.inpainter, passes: flags.passes, extendBorder: flags['extend-border'],
				simplifyErrorPixels: flags['simplify-error'], preset: flags.preset, compress: flags.compress,
			},
			debug: flags['debug-dir'] !== undefined,
		});

		const buildOne = async (index: number): Promise<BuildRecord> => {
			const input = inputs[index];
			const stem = basename(input, extname(input));
			const primary = primaryOutputs[index];
			const record: BuildRecord = {input: resolve(input), outputs: [], bytes: 0, triangles: 0, vertices: 0, layers: 0, textureSizes: [], timingsMs: {}};
			const say = (stage: string): void => {
				markFirstPixel(stage);
				status.set(`[${index + 1}/${total}] ${input}: ${stage}`);
			};
			const started = performance.now();
			try {
				if (probed[index] !== undefined) throw probed[index];
				if (!flags.overwrite && existsSync(primary)) throw fileError(primary, 'exists (use --overwrite, the default, to replace it)');
				await prepareOutputDirectory(dirname(primary));
				const options = optionsFor(input, basename(primary, extname(primary)), resolvedDepth ?? await resolveDepth(input));
				const built = pool ? await pool.build(input, options, say) : await buildPhoto(input, options, say);
				const writeStart = performance.now();
				const debugDir = join(resolve(flags['debug-dir'] ?? '.'), stem);
				refuseOverwritingInputs([
					...[...built.files.keys()].map((name) => join(dirname(primary), name)),
					...[...built.debugFiles.keys()].map((name) => join(debugDir, name)),
				], batchInputs);
				for (const [name, bytes] of built.files) {
					const path = join(dirname(primary), name);
					await writeFileAtomic(path, bytes);
					record.outputs.push(path);
					record.bytes += bytes.length;
				}
				if (flags.html) {
					const stemOfOutput = basename(primary, extname(primary));
					const htmlPath = join(dirname(primary), `${stemOfOutput}.html`);
					const {selfContainedPageHtml} = await import('../viewer/page-html.js');
					const html = await selfContainedPageHtml(built.files.get(`${stemOfOutput}.glb`) as Uint8Array, {name: `${stemOfOutput}.glb`});
					await writeFileAtomic(htmlPath, html);
					record.outputs.push(htmlPath);
					record.bytes += Buffer.byteLength(html);
				}
				for (const [name, bytes] of built.debugFiles) await writeFileAtomic(join(debugDir, name), bytes);
				Object.assign(record, {triangles: built.triangles, vertices: built.vertices, layers: built.layers, textureSizes: built.textureSizes, depthEdges: built.depthEdges});
				record.timingsMs = Object.fromEntries(Object.entries({
					...built.timingsMs,
					write: performance.now() - writeStart,
					total: performance.now() - started,
				}).map(([stage, ms]) => [stage, roundMs(ms)]));
				status.print(`[${index + 1}/${total}] ${input} → ${record.outputs[0]} (${(record.bytes / 1e6).toFixed(2)} MB, ${record.layers} layers, ${record.triangles} triangles, ${(record.timingsMs.total / 1000).toFixed(2)} s)`);
			} catch (error) {
				status.clear();
				record.error = describeCliError(error);
				// Even under --json: a pipeline's log should say which photo failed, not only its JSON.
				process.stderr.write(`ldi-gltf: ${record.error.message}\n`);
				if (this.verbose) this.logToStderr((error as Error).stack ?? String(error));
			}
			return record;
		};

		const records: BuildRecord[] = [];
		if (pool) {
			try {
				records.push(...await Promise.all(inputs.map((_, index) => buildOne(index))));
			} finally {
				await pool.close();
			}
		} else {
			for (let index = 0; index < total; index++) records.push(await buildOne(index));
		}

		const failed = records.filter((record) => record.error !== undefined);
		if (failed.length > 0) {
			// The most serious kind of failure decides: a bug over a usage mistake over bad input.
			const codes = new Set(failed.map((record) => record.error?.code));
			process.exitCode = [EXIT_CODES.internal, EXIT_CODES.usage].find((code) => codes.has(code)) ?? EXIT_CODES.input;
			if (total > 1) this.info(`${failed.length} of ${total} photos failed`);
		}
		return records;
	}
}

/**
 * `-o` names the file written: a name without an extension gets the format's, any other extension is
 * refused rather than silently replaced (`-o out.png` wrote out.glb), and so is a folder (`-o renders`
 * wrote renders.glb beside it).
 */
function checkOutputFileName(out: string, format: 'glb' | 'gltf'): void {
	refuseFolderAsOutputFile(out);
	const extension = extname(out);
	if (extension !== '' && extension !== `.${format}`) {
		throw usageError(`-o ${out}`, `the output is a .${format} file (--format ${format}); name it ${basename(out, extension)}.${format}`);
	}
}

/** Refuses a batch in which two photos would write the same file (`a.jpg` and `a.png` both → `a.glb`). */
function refuseSharedOutputs(inputs: readonly string[], outputs: readonly string[]): void {
	const firstInputOf = new Map<string, string>();
	outputs.forEach((output, index) => {
		const earlier = firstInputOf.get(canonicalPath(output));
		if (earlier !== undefined) throw usageError(output, `both ${earlier} and ${inputs[index]} would be written here; build them into different --out-dir folders`);
		firstInputOf.set(canonicalPath(output), inputs[index]);
	});
}
