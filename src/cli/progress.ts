/**
 * Progress reporting for long CLI steps (downloads, frame rendering). On a TTY: one bar redrawn in place
 * on stderr, at most every `redrawIntervalMs`. Otherwise (CI logs, pipes): plain lines, one per
 * `plainStepPercent` of the total (per 10 MB or 10 items when the total is unknown), so logs stay short.
 */

/** The stream progress is written to: stderr, or a test double with `write` and optional `isTTY`. */
export interface ProgressStream {
	write(text: string): unknown;
	isTTY?: boolean;
}

/** Options for {@link createProgress}. */
export interface ProgressOptions {
	/** Text before the bar, e.g. 'downloading depth-anything-v2-small'. */
	label: string;
	/** 'bytes' shows MB and MB/s; 'items' shows counts (frames, layers). */
	unit: 'bytes' | 'items';
	/** Where to write; process.stderr by default. */
	stream: ProgressStream;
	/** Draw a bar (TTY) or print plain lines; defaults to `stream.isTTY`. */
	tty: boolean;
	/** Print nothing at all (for `--quiet` / `--json`). */
	silent: boolean;
	/** Minimum time between bar redraws on a TTY, milliseconds. */
	redrawIntervalMs: number;
	/** Percent of the total between plain lines. */
	plainStepPercent: number;
}

export const PROGRESS_DEFAULTS: ProgressOptions = {
	label: 'working',
	unit: 'items',
	stream: process.stderr,
	tty: Boolean(process.stderr.isTTY),
	silent: false,
	redrawIntervalMs: 100,
	plainStepPercent: 10,
};

/** A running progress display. */
export interface Progress {
	/** Reports `done` of `total` (null when unknown). Cheap to call often. */
	update(done: number, total: number | null): void;
	/** Ends the display; the optional message replaces the bar (TTY) or is printed as the last line. */
	finish(message?: string): void;
}

const BAR_WIDTH = 24;
const PLAIN_UNKNOWN_STEP_BYTES = 10e6;

function amount(value: number, unit: ProgressOptions['unit']): string {
	return unit === 'bytes' ? `${(value / 1e6).toFixed(1)} MB` : String(value);
}

/**
 * Starts a progress display.
 *
 * ```ts
 * const progress = createProgress({label: 'downloading midas-v2.1-small', unit: 'bytes', silent: flags.quiet});
 * await downloadModel(entry, {onProgress: ({receivedBytes, totalBytes}) => progress.update(receivedBytes, totalBytes)});
 * progress.finish('downloaded midas-v2.1-small');
 * ```
 */
export function createProgress(options: Partial<ProgressOptions> = {}): Progress {
	const stream = options.stream ?? PROGRESS_DEFAULTS.stream;
	const resolved: ProgressOptions = {...PROGRESS_DEFAULTS, tty: Boolean(stream.isTTY), ...options, stream};
	const started = performance.now();
	let lastDraw = -Infinity;
	let lastPlainStep = -1;
	let last = {done: 0, total: null as number | null};

	const describe = (done: number, total: number | null): string => {
		const seconds = (performance.now() - started) / 1000;
		const rate = resolved.unit === 'bytes' && seconds > 0.2 ? ` ${amount(done / seconds, 'bytes')}/s` : '';
		if (total === null || total <= 0) return `${amount(done, resolved.unit)}${rate}`;
		const percent = Math.min(100, Math.floor((100 * done) / total));
		return `${percent}% ${amount(done, resolved.unit)} / ${amount(total, resolved.unit)}${rate}`;
	};

	const drawBar = (done: number, total: number | null) => {
		let bar = '';
		if (total !== null && total > 0) {
			const filled = Math.min(BAR_WIDTH, Math.round((BAR_WIDTH * done) / total));
			bar = ` [${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`;
		}
		resolved.stream.write(`\r${resolved.label}${bar} ${describe(done, total)}\u001B[K`);
	};

	return {
		update(done, total) {
			last = {done, total};
			if (resolved.silent) return;
			if (resolved.tty) {
				const now = performance.now();
				if (now - lastDraw < resolved.redrawIntervalMs && done !== total) return;
				lastDraw = now;
				drawBar(done, total);
				return;
			}
			const step = total !== null && total > 0
				? Math.floor((100 * done) / total / resolved.plainStepPercent)
				: Math.floor(done / (resolved.unit === 'bytes' ? PLAIN_UNKNOWN_STEP_BYTES : 10));
			if (step > lastPlainStep) {
				lastPlainStep = step;
				resolved.stream.write(`${resolved.label}: ${describe(done, total)}\n`);
			}
		},
		finish(message) {
			if (resolved.silent) return;
			if (resolved.tty) {
				if (message !== undefined) {
					resolved.stream.write(`\r${message}\u001B[K\n`);
				} else {
					drawBar(last.done, last.total);
					resolved.stream.write('\n');
				}
				return;
			}
			if (message !== undefined) resolved.stream.write(`${message}\n`);
		},
	};
}

/** A status line for work in steps (photo i of n, current stage). */
export interface StatusLine {
	/** Shows `text` as the current status: rewritten in place on a TTY, one line each otherwise. */
	set(text: string): void;
	/** Prints `text` as a permanent line (a result), replacing the current status on a TTY. */
	print(text: string): void;
	/** Removes the current status on a TTY, so another line (an error) can follow cleanly. */
	clear(): void;
}

/**
 * Starts a status line on `stream` (stderr by default).
 *
 * ```ts
 * const status = createStatusLine({silent: flags.quiet});
 * status.set('[1/3] a.jpg: depth');
 * status.print('[1/3] a.jpg → a.glb (1.2 MB)');
 * ```
 */
export function createStatusLine(options: Partial<Pick<ProgressOptions, 'stream' | 'tty' | 'silent'>> = {}): StatusLine {
	const stream = options.stream ?? PROGRESS_DEFAULTS.stream;
	const tty = options.tty ?? Boolean(stream.isTTY);
	const silent = options.silent ?? false;
	let pending = false;
	return {
		set(text) {
			if (silent) return;
			stream.write(tty ? `\r${text}\u001B[K` : `${text}\n`);
			pending = tty;
		},
		print(text) {
			if (silent) return;
			stream.write(tty ? `\r${text}\u001B[K\n` : `${text}\n`);
			pending = false;
		},
		clear() {
			if (!pending) return;
			stream.write('\r\u001B[K');
			pending = false;
		},
	};
}
