import {isMainThread, type Worker} from 'node:worker_threads';

import type {RgbImage, FloatImage} from '../image/raster.js';
import type {ColorInpainter} from '../inpaint/inpainter.js';
import {startWorker} from '../parallel/start-worker.js';
import {BORDER_SIDES, borderRegion} from './border.js';
import type {Ldi} from './ldi.js';
import {mergeRegion} from './merge.js';

/**
 * The frame-border strips (border.ts), inpainted and merged into the LDI in side order, optionally
 * with their colours already made by a {@link BorderStripWorker}.
 *
 * A strip reads only layer 0 (the photo's colours and filtered disparity, which the edge passes never
 * change) and the strips made before it, so its colours can be made on a worker thread from the photo
 * alone while this thread inpaints the depth edges: the same bytes, off the critical path. The border is
 * big: at 1024 px its 64-px strips hold 278 k synthesized pixels in 0.9 M crop pixels, against ~200 k
 * for all depth edges of moon.jpg, and cost ~0.3 s of regions and inpainting in a fresh process.
 */

/** What {@link inpaintBorderStrips} did. */
export interface BorderStripsResult {
	/** Strips made (each one inpainter call, here or on the worker). */
	stripCount: number;
	/** Crop pixels of all strips. */
	cropPixels: number;
	/** Synthesized colour of each strip, RGB per crop pixel, in BORDER_SIDES order (empty: no strip). */
	colors: Uint8Array[];
}

/**
 * Makes the border strips of `ldi` as `layerIndex`, inpainting with `inpainter` those whose colour is
 * not in `colors` (indexed like BORDER_SIDES).
 *
 * ```ts
 * const {colors} = await inpaintBorderStrips(ldi, 128, getColorInpainter('patch'), passes + 1, 0.02);
 * ```
 */
export async function inpaintBorderStrips(
	ldi: Ldi, contextBandPixels: number, inpainter: ColorInpainter, layerIndex: number, thresholdDisparity: number,
	colors: Uint8Array[] = [],
): Promise<BorderStripsResult> {
	const result: BorderStripsResult = {stripCount: 0, cropPixels: 0, colors: []};
	for (let s = 0; s < BORDER_SIDES.length; s++) {
		const strip = borderRegion(ldi, BORDER_SIDES[s], contextBandPixels);
		if (!strip) {
			result.colors.push(new Uint8Array(0));
			continue;
		}
		const color = colors[s] ?? await inpainter.inpaintColor(strip.region);
		result.stripCount++;
		mergeRegion(ldi, strip, strip.region.disparity, color, layerIndex, thresholdDisparity);
		result.cropPixels += strip.region.width * strip.region.height;
		result.colors.push(color);
	}
	return result;
}

/** What a {@link BorderStripWorker} is given: plain data, cloned to the worker. */
export interface BorderStripJob {
	image: RgbImage;
	/** The filtered, normalized disparity the LDI is built from. */
	disparity: FloatImage;
	borderPixels: number;
	contextBandPixels: number;
	/** A built-in inpainter's name (the worker builds it itself). */
	inpainter: string;
	inpainterOptions: Readonly<Record<string, unknown>>;
	layerIndex: number;
	thresholdDisparity: number;
}

/** Inpainters the worker builds itself (onnx would load its model a second time). */
const WORKER_INPAINTERS = new Set(['patch', 'diffusion']);

/**
 * Border strips below this many synthesized pixels are made inline: a worker's start (module loading,
 * its own JIT warm-up) costs more than they do.
 */
const MIN_WORKER_STRIP_PIXELS = 60_000;

/**
 * Photos above this many pixels make their strips inline: the worker's own copy of layer 0 costs ~60
 * bytes per photo pixel (1 GB at 4096², where the whole build must stay under 4 GB).
 */
const MAX_WORKER_PHOTO_PIXELS = 2048 * 2048;

/**
 * Whether a strip worker pays for this job: a built-in inpainter, a border big enough, a photo small
 * enough, and the main thread (inside `--jobs` build workers both cores are busy already).
 */
export function borderWorkerPays(job: Pick<BorderStripJob, 'image' | 'borderPixels' | 'inpainter'>): boolean {
	const {width, height} = job.image;
	const stripPixels = (width + 2 * job.borderPixels) * (height + 2 * job.borderPixels) - width * height;
	return isMainThread && WORKER_INPAINTERS.has(job.inpainter) && stripPixels >= MIN_WORKER_STRIP_PIXELS
		&& width * height <= MAX_WORKER_PHOTO_PIXELS;
}

/**
 * Border strip colours made on a worker thread from a copy of the photo's layer 0, started at once.
 *
 * ```ts
 * const strips = new BorderStripWorker(job);
 * // … inpaint the depth edges …
 * await inpaintBorderStrips(ldi, job.contextBandPixels, inpainter, job.layerIndex, job.thresholdDisparity, await strips.colors);
 * ```
 */
export class BorderStripWorker {
	/** The strips' colours, in BORDER_SIDES order; rejects with the worker's error. */
	readonly colors: Promise<Uint8Array[]>;
	private readonly worker: Worker;

	constructor(job: BorderStripJob) {
		this.worker = startWorker(import.meta.url, './border-worker', {workerData: job});
		this.colors = new Promise<Uint8Array[]>((resolve, reject) => {
			this.worker.once('message', resolve);
			this.worker.once('error', reject);
			this.worker.once('exit', (code) => reject(new Error(`border strip worker exited with code ${code}`)));
		});
		// Awaited late or not at all (when the caller fails first): no unhandled rejection meanwhile.
		this.colors.catch(() => undefined);
	}

	/** Stops the worker (when its colours are no longer wanted). */
	async terminate(): Promise<void> {
		await this.worker.terminate();
	}
}

/**
 * A {@link BorderStripWorker} for `job`, or undefined when it cannot start (e.g. inpainter options a
 * worker cannot be sent): the strips are then made inline.
 */
export function startBorderStripWorker(job: BorderStripJob): BorderStripWorker | undefined {
	try {
		return new BorderStripWorker(job);
	} catch {
		return undefined;
	}
}
