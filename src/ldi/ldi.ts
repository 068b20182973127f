import type {FloatImage, RgbImage} from '../image/raster.js';

/**
 * The Layered Depth Image: any number of pixels per lattice position, each with colour, disparity, the
 * layer (pass) that made it, and up to four links to neighbours (Shih et al. 2020, §3). Stored as
 * struct-of-arrays typed arrays that grow by doubling, so a 1024-px photo with its inpainted layers is a
 * handful of allocations rather than millions of objects.
 *
 * Coordinates are photo pixels: (0, 0) is the top-left photo pixel. Pixels of the border extension have
 * x < 0, y < 0, x >= width or y >= height, down to -border and up to width - 1 + border.
 *
 * ```ts
 * const ldi = ldiFromImage(photo.image, disparity);   // one fully linked layer
 * const p = pixelAt(ldi, 10, 20);                       // first pixel stored at (10, 20)
 * const right = ldi.links[p * 4 + LINK_RIGHT];          // NO_LINK where cut
 * ```
 */
export interface Ldi {
	/** Photo size in pixels. */
	width: number;
	height: number;
	/** How far (pixels) the lattice extends past each side of the photo. */
	border: number;
	/** Number of pixels in use. */
	count: number;
	/** Photo coordinates of each pixel, 16 bits (see createLdi): moon at 4096 px peaked 60–150 MB lower than with 32. */
	x: Int16Array;
	y: Int16Array;
	/** RGB, 3 bytes per pixel. */
	color: Uint8Array;
	/** Normalized disparity in [0, 1], larger = nearer. */
	disparity: Float32Array;
	/** 0 = the photo, k = made by inpainting pass k (the border extension counts as a pass too). */
	layerIndex: Uint16Array;
	/** 4 per pixel, in the order LINK_LEFT, LINK_UP, LINK_RIGHT, LINK_DOWN; NO_LINK where absent. */
	links: Int32Array;
	/** First pixel at each lattice position ((y + border) * latticeWidth + x + border), or NO_LINK. */
	firstAtPosition: Int32Array;
	/** Next pixel at the same position, or NO_LINK. */
	nextAtPosition: Int32Array;
}

export const NO_LINK = -1;
export const LINK_LEFT = 0;
export const LINK_UP = 1;
export const LINK_RIGHT = 2;
export const LINK_DOWN = 3;
/** Opposite direction of each link direction (left↔right, up↔down). */
export const OPPOSITE_LINK = [LINK_RIGHT, LINK_DOWN, LINK_LEFT, LINK_UP] as const;
/** Lattice step of each link direction. */
export const LINK_DX = [-1, 0, 1, 0] as const;
export const LINK_DY = [0, -1, 0, 1] as const;

export function latticeWidth(ldi: Ldi): number {
	return ldi.width + 2 * ldi.border;
}

export function latticeHeight(ldi: Ldi): number {
	return ldi.height + 2 * ldi.border;
}

/** Index into `firstAtPosition` of photo coordinate (x, y), or -1 outside the lattice. */
export function positionIndex(ldi: Ldi, x: number, y: number): number {
	const lx = x + ldi.border;
	const ly = y + ldi.border;
	const lw = latticeWidth(ldi);
	if (lx < 0 || ly < 0 || lx >= lw || ly >= latticeHeight(ldi)) return -1;
	return ly * lw + lx;
}

/** Largest 16-bit pixel coordinate: photos are limited to 16 384 px, their frame extension fits within it. */
const MAX_COORDINATE = 32_767;

/** Typed arrays the LDI is made of (and the triangulated layers made from it). */
type LdiArray = Int32Array | Int16Array | Uint8Array | Uint16Array | Float32Array | Uint32Array;

/**
 * A zero-filled typed array on a SharedArrayBuffer: LDI arrays are shared, not copied, when a worker
 * thread needs them (the mesher pre-merges layer 0 on one: build-scene-mesh.ts). Measured: loops over
 * shared and unshared typed arrays run at the same speed.
 */
export function sharedArray<T extends LdiArray>(constructor: {new (buffer: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number}, length: number): T {
	return new constructor(new SharedArrayBuffer(length * constructor.BYTES_PER_ELEMENT));
}

/**
 * An empty LDI with room for `capacity` pixels before it grows. Only the lattice is written here: a
 * pixel's links and list entry are set when it is added, so the room not yet used is never touched and
 * costs address space, not memory (arrays of megabytes are mapped page by page as they are written:
 * moon.jpg upscaled to 4096 px grew to 50 M pixels of room, 1 GB filled with NO_LINK, for 25 M pixels).
 */
export function createLdi(width: number, height: number, border = 0, capacity = width * height): Ldi {
	if (Math.max(width, height) - 1 + border > MAX_COORDINATE) {
		throw new RangeError(`an LDI of ${width}x${height} pixels with a ${border}-px border does not fit 16-bit coordinates`);
	}
	const positions = (width + 2 * border) * (height + 2 * border);
	const cap = Math.max(16, capacity);
	return {
		width,
		height,
		border,
		count: 0,
		x: sharedArray(Int16Array, cap),
		y: sharedArray(Int16Array, cap),
		color: sharedArray(Uint8Array, cap * 3),
		disparity: sharedArray(Float32Array, cap),
		layerIndex: sharedArray(Uint16Array, cap),
		links: sharedArray(Int32Array, cap * 4),
		firstAtPosition: sharedArray(Int32Array, positions).fill(NO_LINK),
		nextAtPosition: sharedArray(Int32Array, cap),
	};
}

/**
 * Room for the pixels buildLdi makes: the photo's, one per border position (the frame strips fill the
 * border), and the hidden layers' (65–171 k at 1024², 6–24 % of the photo's; half of them allowed for).
 * Room not used is not touched (see createLdi), so it is sized to make growing, which copies every
 * array, rare.
 */
export function ldiCapacity(width: number, height: number, border: number): number {
	return (width + 2 * border) * (height + 2 * border) + Math.ceil(width * height / 2);
}

/** Grows the arrays to at least `minCapacity` pixels (by half again), copying the pixels in use only. */
function grow(ldi: Ldi, minCapacity: number): void {
	let cap = ldi.x.length;
	while (cap < minCapacity) cap = Math.ceil(cap * 1.5);
	if (cap === ldi.x.length) return;
	const used = ldi.count;
	const copy = <T extends LdiArray>(a: T, n: number, perPixel: number): T => {
		const b = sharedArray(a.constructor as {new (buffer: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number}, n * perPixel);
		b.set(a.subarray(0, used * perPixel));
		return b;
	};
	ldi.x = copy(ldi.x, cap, 1);
	ldi.y = copy(ldi.y, cap, 1);
	ldi.color = copy(ldi.color, cap, 3);
	ldi.disparity = copy(ldi.disparity, cap, 1);
	ldi.layerIndex = copy(ldi.layerIndex, cap, 1);
	ldi.links = copy(ldi.links, cap, 4);
	ldi.nextAtPosition = copy(ldi.nextAtPosition, cap, 1);
}

/**
 * Adds an unlinked pixel at (x, y) and returns its index. It is appended to the end of the position's
 * list, so pixels at one position stay in the order they were made (layer 0 first).
 */
export function addPixel(
	ldi: Ldi, x: number, y: number, r: number, g: number, b: number, disparity: number, layerIndex: number,
): number {
	const position = positionIndex(ldi, x, y);
	if (position < 0) throw new RangeError(`LDI pixel (${x}, ${y}) is outside the lattice`);
	if (ldi.count === ldi.x.length) grow(ldi, ldi.count + 1);
	const p = ldi.count++;
	ldi.x[p] = x;
	ldi.y[p] = y;
	ldi.color[p * 3] = r;
	ldi.color[p * 3 + 1] = g;
	ldi.color[p * 3 + 2] = b;
	ldi.disparity[p] = disparity;
	ldi.layerIndex[p] = layerIndex;
	ldi.links[p * 4] = NO_LINK;
	ldi.links[p * 4 + 1] = NO_LINK;
	ldi.links[p * 4 + 2] = NO_LINK;
	ldi.links[p * 4 + 3] = NO_LINK;
	ldi.nextAtPosition[p] = NO_LINK;
	let tail = ldi.firstAtPosition[position];
	if (tail !== NO_LINK) while (ldi.nextAtPosition[tail] !== NO_LINK) tail = ldi.nextAtPosition[tail];
	// One store for both cases: the hidden layers (an occupied position) come before the frame strips
	// (an empty one), and a separate store for the empty case, never run until then, had the loop that
	// calls this compiled again at each strip.
	const empty = tail === NO_LINK;
	(empty ? ldi.firstAtPosition : ldi.nextAtPosition)[empty ? position : tail] = p;
	return p;
}

/** Links `a` to `b` in `direction` (and `b` to `a` in the opposite one). */
export function linkPixels(ldi: Ldi, a: number, b: number, direction: number): void {
	ldi.links[a * 4 + direction] = b;
	ldi.links[b * 4 + OPPOSITE_LINK[direction]] = a;
}

/** Removes the link of `a` in `direction` and its reverse. */
export function cutLink(ldi: Ldi, a: number, direction: number): void {
	const b = ldi.links[a * 4 + direction];
	if (b === NO_LINK) return;
	ldi.links[a * 4 + direction] = NO_LINK;
	if (ldi.links[b * 4 + OPPOSITE_LINK[direction]] === a) ldi.links[b * 4 + OPPOSITE_LINK[direction]] = NO_LINK;
}

/** First pixel stored at (x, y), or NO_LINK. */
export function pixelAt(ldi: Ldi, x: number, y: number): number {
	const position = positionIndex(ldi, x, y);
	return position < 0 ? NO_LINK : ldi.firstAtPosition[position];
}

/** Number of pixels of each layer, indexed by layer. */
export function pixelsPerLayer(ldi: Ldi): number[] {
	const counts: number[] = [];
	for (let p = 0; p < ldi.count; p++) {
		const layer = ldi.layerIndex[p];
		while (counts.length <= layer) counts.push(0);
		counts[layer]++;
	}
	return counts;
}

/**
 * The trivial LDI of Shih et al.: one pixel per photo position (index = y * width + x), layer 0, every
 * pixel linked to its four neighbours.
 */
export function ldiFromImage(image: RgbImage, disparity: FloatImage, border = 0): Ldi {
	const {width, height} = image;
	if (disparity.width !== width || disparity.height !== height) {
		throw new RangeError(`disparity is ${disparity.width}x${disparity.height}, image is ${width}x${height}`);
	}
	const ldi = createLdi(width, height, border, ldiCapacity(width, height, border));
	// Written directly rather than through addPixel/linkPixels (one pixel per position, no lists to
	// walk), same result: at 1024² with a 64-px border 73–177 ms instead of 264–335 ms, most of what is
	// left being the allocation of the arrays. Then with the runs of equal values filled natively and
	// the links without branches (the frame's fixed after): fresh process, CPU, moon at 1024² with its
	// 100-px border 39 → 36 ms (median of 5, alternating).
	const n = width * height;
	ldi.color.set(image.data.subarray(0, n * 3));
	ldi.disparity.set(disparity.data.subarray(0, n));
	ldi.nextAtPosition.fill(NO_LINK, 0, n);
	placePhotoPixels(ldi, width, height, border);
	linkPhotoPixels(ldi.links, width, height);
	ldi.count = n;
	return ldi;
}

/** Coordinates and lattice entries of the photo's pixels (index y · width + x). */
function placePhotoPixels(ldi: Ldi, width: number, height: number, border: number): void {
	const {x: xs, y: ys, firstAtPosition} = ldi;
	const lw = latticeWidth(ldi);
	for (let x = 0; x < width; x++) xs[x] = x;
	for (let y = 0; y < height; y++) {
		const start = y * width;
		xs.copyWithin(start, 0, width);
		ys.fill(y, start, start + width);
		const rowStart = (y + border) * lw + border;
		for (let x = 0; x < width; x++) firstAtPosition[rowStart + x] = start + x;
	}
}

/** Each photo pixel linked to its four neighbours, NO_LINK past the frame. */
function linkPhotoPixels(links: Int32Array, width: number, height: number): void {
	const n = width * height;
	for (let i = 0; i < n; i++) {
		links[i * 4 + LINK_LEFT] = i - 1;
		links[i * 4 + LINK_UP] = i - width;
		links[i * 4 + LINK_RIGHT] = i + 1;
		links[i * 4 + LINK_DOWN] = i + width;
	}
	for (let y = 0; y < height; y++) {
		links[y * width * 4 + LINK_LEFT] = NO_LINK;
		links[(y * width + width - 1) * 4 + LINK_RIGHT] = NO_LINK;
	}
	for (let x = 0; x < width; x++) {
		links[x * 4 + LINK_UP] = NO_LINK;
		links[((height - 1) * width + x) * 4 + LINK_DOWN] = NO_LINK;
	}
}
