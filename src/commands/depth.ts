import {rm} from 'node:fs/promises';
import {basename, dirname, extname, join, resolve} from 'node:path';

import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';

import {BaseCommand} from '../cli/base-command.js';
import {depthFlags} from '../cli/depth-flags.js';
import {givenFlags} from '../cli/scene-flags.js';
import {flagInputs, prepareOutputDirectory, refuseFolderAsOutputFile, refuseFoldersAsOutputs, resolveDepthSourceForCommand, roundMs} from '../cli/command-helpers.js';
import {usageError} from '../errors.js';
import {encodeDisparityPng16, encodeDisparityPreview, encodePfm} from '../image/encode.js';
import {loadPhoto} from '../image/load.js';
import {writeFileAtomic} from '../io/atomic.js';
import {refuseOverwritingInputs} from '../io/same-file.js';

/** What `ldi-gltf depth --json` prints. */
export interface DepthCommandResult {
	input: string;
	output: string;
	preview?: string;
	width: number;
	height: number;
	/** 'model' (ONNX network) or 'file' (supplied map). */
	source: 'model' | 'file';
	/** Registry name, .onnx path, or supplied map path. */
	model: string;
	/** The onnxruntime package that ran the model ('onnxruntime-node' or 'onnxruntime-web'); absent for a supplied map. */
	runtime?: string;
	timingsMs: Record<string, number>;
}

export default class Depth extends BaseCommand {
	static override description = `Estimate depth for a photo and write it as disparity (bright = near).

Writes a 16-bit greyscale PNG at the photo's working size (long side --max-size), or a float PFM with --format pfm. The default model (Depth Anything V2 Small) is downloaded on first use; --depth FILE or --model FILE.onnx need no download.`;

	static override examples = [
		{description: 'Disparity of a photo with the default model, written to ./holiday.depth.png', command: '<%= config.bin %> <%= command.id %> holiday.jpg'},
		{description: 'Float PFM and a colour preview into out/', command: '<%= config.bin %> <%= command.id %> holiday.jpg --format pfm --preview --out-dir out'},
		{description: 'A local ONNX model with a fixed 256x256 input', command: '<%= config.bin %> <%= command.id %> holiday.jpg --model midas.onnx --model-size 256x256 -o holiday-midas.png'},
		{description: 'Convert a supplied depth map (dark = near) to the photo\'s size', command: '<%= config.bin %> <%= command.id %> shelf.jpg --depth shelf-depth.jpg --depth-invert'},
	];

	static override enableJsonFlag = true;

	static override args = {
		photo: Args.string({description: 'Photo to estimate depth for (JPEG, PNG, WebP, TIFF, AVIF, …).', required: true}),
	};

	static override flags = {
		out: Flags.string({char: 'o', description: 'Output file, .png or .pfm (its extension sets the format; default: <photo-name>.depth.png, or .pfm, in --out-dir).'}),
		'out-dir': Flags.string({description: 'Directory for the default output names (created when missing).', default: '.'}),
		format: Flags.option({options: ['png', 'pfm'] as const, default: 'png' as const, description: 'png: 16-bit greyscale disparity in [0, 1]; pfm: float32 disparity in [0, 1].'})(),
		preview: Flags.boolean({description: 'Also write a colour-mapped PNG (<output-name>.preview.png) for people to look at.', default: false}),
		...depthFlags,
	};

	async run(): Promise<DepthCommandResult> {
		const {args, flags, raw} = await this.parse(Depth);
		const started = performance.now();
		const stem = basename(args.photo, extname(args.photo));
		const output = resolve(flags.out === undefined ? join(flags['out-dir'], `${stem}.depth.${flags.format}`) : extname(flags.out) === '' ? `${flags.out}.${flags.format}` : flags.out);
		const preview = flags.preview ? join(dirname(output), `${basename(output, extname(output))}.preview.png`) : undefined;
		// Overwriting an input is the worse mistake: refused first, whatever the output's extension.
		refuseOverwritingInputs([output, ...(preview ? [preview] : [])], [{path: args.photo, role: 'photo'}, ...flagInputs(flags)]);
		const format = flags.out === undefined ? flags.format : outputFormat(flags.out, flags.format, givenFlags(raw).has('format'));
		refuseFoldersAsOutputs([output, ...(preview ? [preview] : [])]);
		await prepareOutputDirectory(dirname(output));

		const photo = await loadPhoto(args.photo, {maxSize: flags['max-size'], fovDegrees: flags.fov});
		const loaded = performance.now();

		const silent = flags.quiet || this.jsonEnabled();
		const {source, kind, model} = await resolveDepthSourceForCommand(flags, (message) => this.info(message), silent);
		const estimate = await source.estimate(photo);
		const estimated = performance.now();

		const encoded = format === 'pfm' ? encodePfm(estimate.disparity) : await encodeDisparityPng16(estimate.disparity);
		const previewBytes = preview ? await encodeDisparityPreview(estimate.disparity) : undefined;
		const encodedAt = performance.now();
		await writeFileAtomic(output, encoded, {createDirectory: false});
		if (preview && previewBytes) {
			try {
				await writeFileAtomic(preview, previewBytes, {createDirectory: false});
			} catch (error) {
				await rm(output, {force: true});
				throw error;
			}
		}
		const finished = performance.now();

		const {width, height} = estimate.disparity;
		this.info(`${args.photo}: ${width}x${height} disparity from ${model}${estimate.runtime ? ` (${estimate.runtime})` : ''} → ${output}${preview ? ` (+ ${preview})` : ''}`);
		return {
			input: resolve(args.photo),
			output,
			...(preview ? {preview} : {}),
			width,
			height,
			source: kind,
			model,
			...(estimate.runtime ? {runtime: estimate.runtime} : {}),
			timingsMs: {
				load: roundMs(loaded - started),
				...Object.fromEntries(Object.entries(estimate.timingsMs).map(([step, ms]) => [step, roundMs(ms)])),
				encode: roundMs(encodedAt - estimated),
				write: roundMs(finished - encodedAt),
				total: roundMs(finished - started),
			},
		};
	}
}

/**
 * The format `-o out` is written in: its extension's (`.png`, `.pfm`) unless `--format` says otherwise, in
 * which case it is refused, as is any other extension and a folder; a name without an extension gets
 * `--format`'s.
 */
function outputFormat(out: string, format: 'png' | 'pfm', formatGiven: boolean): 'png' | 'pfm' {
	refuseFolderAsOutputFile(out);
	const extension = extname(out).toLowerCase();
	if (extension === '') return format;
	if (extension !== '.png' && extension !== '.pfm') throw usageError(`-o ${out}`, 'a depth map is written as .png (16-bit) or .pfm (float)');
	const named = extension === '.png' ? 'png' : 'pfm';
	if (formatGiven && named !== format) throw usageError(`-o ${out}`, `--format ${format} writes a .${format} file; name it ${basename(out, extname(out))}.${format}`);
	return named;
}
