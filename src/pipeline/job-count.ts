import {availableParallelism, freemem} from 'node:os';

/** Options for {@link defaultJobCount}. */
export interface JobCountOptions {
	/** CPU cores the batch may use; 0: `os.availableParallelism()`. */
	cores: number;
	/** Memory the batch may take, bytes; 0: `memoryShare` of what the OS reports available (`os.freemem()`). */
	memoryBytes: number;
	/** Share of the available memory a batch may take when `memoryBytes` is 0. */
	memoryShare: number;
	/** Peak memory of one photo's build apart from its pixels, bytes. */
	baseBytesPerPhoto: number;
	/** Peak memory of one photo's build per pixel of its layered depth image, bytes. */
	bytesPerPixel: number;
	/** Peak memory per pixel of the working image (the photo and layer 0's texture), bytes. */
	bytesPerPhotoPixel: number;
	/** Longest side of the layered depth image (`--ldi-max-size`); 0: the working image's. */
	ldiMaxSizePixels: number;
	/** Added per photo when a depth model runs (each worker holds its own onnxruntime session), bytes. */
	depthModelBytes: number;
}

/**
 * Peak RSS of `ldi-gltf build`, measured on moon.jpg, depthy_shelf and depthy_hut with supplied depth
 * maps: 450–510 MB for one photo at 1024 px in one process (Node and its modules ~150 MB of it), ~250
 * MB more for a second photo built at the same time (720–750 MB with `--jobs 2`), 2.7 GB for one photo
 * at 4096 px. 200 MB + 150 bytes per pixel gives 360 MB at 1024² and 2.7 GB at 4096². Since the LDI stops
 * at 2048 px (`--ldi-max-size`), moon at 4096 px peaks at 0.82 GB against 0.70 GB at 2048: the photo and
 * its texture add ~10 bytes per photo pixel (12 allowed). The depth model's
 * share is an allowance (Depth Anything V2 small: 99 MB of weights plus onnxruntime's arena), not a
 * measurement: no model weights can be downloaded on the development machine.
 */
export const JOB_COUNT_DEFAULTS: JobCountOptions = {
	cores: 0,
	memoryBytes: 0,
	memoryShare: 0.75,
	baseBytesPerPhoto: 200e6,
	bytesPerPixel: 150,
	bytesPerPhotoPixel: 12,
	ldiMaxSizePixels: 0,
	depthModelBytes: 400e6,
};

/**
 * How many photos of a batch `ldi-gltf build` builds at the same time when `--jobs` is not given: one
 * per core, no more than there are photos, and no more than the memory allows for photos of
 * `maxSizePixels` (their longest side; the square is the worst case). At least 1.
 *
 * Why one per core: each photo's pixel stages are one thread of synchronous JavaScript, so a batch
 * leaves the other cores idle but for sharp's encoders and V8's compiler. On the 2-core development
 * machine with supplied depth maps, one process, wall time: moon + depthy_hut 4.32 → 3.60 s (`--jobs`
 * 1 → 2, median of 3); moon, depthy_shelf and depthy_hut 5.39 → 5.25 s (the third photo waits for the
 * first free worker); those three twice each 1.67 → 1.39 s per photo (bench/RESULTS.md). A single photo
 * is still built on this thread, with layer 0 simplified on a worker (mesh/build-scene-mesh.ts).
 *
 * ```ts
 * const jobs = flags.jobs ?? defaultJobCount(photos.length, flags['max-size'], !flags.depth, {ldiMaxSizePixels: flags['ldi-max-size']});
 * ```
 */
export function defaultJobCount(photoCount: number, maxSizePixels: number, usesDepthModel: boolean, options: Partial<JobCountOptions> = {}): number {
	const settings = {...JOB_COUNT_DEFAULTS, ...options};
	const cores = resolveCores(settings.cores);
	const memoryBytes = settings.memoryBytes > 0 ? settings.memoryBytes : settings.memoryShare * freemem();
	const ldiSide = settings.ldiMaxSizePixels > 0 ? Math.min(maxSizePixels, settings.ldiMaxSizePixels) : maxSizePixels;
	const bytesPerPhoto = settings.baseBytesPerPhoto + settings.bytesPerPixel * ldiSide * ldiSide
		+ settings.bytesPerPhotoPixel * maxSizePixels * maxSizePixels + (usesDepthModel ? settings.depthModelBytes : 0);
	const byMemory = Math.floor(memoryBytes / bytesPerPhoto);
	return Math.max(1, Math.min(photoCount, cores, byMemory));
}

/**
 * onnxruntime intra-op threads for each of `jobs` photos built at once, so their depth-model sessions
 * share the cores rather than each taking all of them (onnxruntime's own default). At least 1.
 *
 * ```ts
 * const threads = flags.threads || onnxThreadsPerJob(jobs);
 * ```
 */
export function onnxThreadsPerJob(jobs: number, cores = JOB_COUNT_DEFAULTS.cores): number {
	return Math.max(1, Math.floor(resolveCores(cores) / Math.max(1, jobs)));
}

/** `cores`, or the operating system's count when it is 0. */
function resolveCores(cores: number): number {
	return cores > 0 ? cores : availableParallelism();
}
