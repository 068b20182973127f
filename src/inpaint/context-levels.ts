/**
 * Rings of context around a synthesis region. Level 1 is the context ring that touches the hole: along a
 * silhouette its pixels mix in the occluder's colour, at the frame they are the photo's last column (dark
 * on some sensors and scans). Level 2 is the ring behind it, and so on.
 */

/** State values of the arrays these functions read: 1 = context, 2 = synthesis, anything else = neither. */
const CONTEXT = 1;
const SYNTHESIS = 2;

/**
 * Per pixel, its number of 4-connected steps through the context from the synthesis region, up to
 * `maxLevel` (≤ 255); 0 for synthesis pixels, pixels in neither mask and context farther away. `levels`
 * (one byte per pixel) and `queue` (one int per pixel) are work arrays the caller owns.
 *
 * ```ts
 * contextLevels(state, width, height, 3, levels, queue);   // levels[i] === 1: the ring touching the hole
 * ```
 */
export function contextLevels(state: Uint8Array, width: number, height: number, maxLevel: number, levels: Uint8Array, queue: Int32Array): void {
	const n = width * height;
	levels.fill(0, 0, n);
	let tail = 0;
	for (let i = 0; i < n; i++) if (state[i] === SYNTHESIS) queue[tail++] = i;
	let head = 0;
	for (let level = 1; level <= maxLevel && head < tail; level++) {
		const end = tail;
		for (; head < end; head++) {
			const i = queue[head];
			const x = i % width;
			if (x > 0 && state[i - 1] === CONTEXT && levels[i - 1] === 0) {
				levels[i - 1] = level;
				queue[tail++] = i - 1;
			}
			if (x < width - 1 && state[i + 1] === CONTEXT && levels[i + 1] === 0) {
				levels[i + 1] = level;
				queue[tail++] = i + 1;
			}
			if (i >= width && state[i - width] === CONTEXT && levels[i - width] === 0) {
				levels[i - width] = level;
				queue[tail++] = i - width;
			}
			if (i + width < n && state[i + width] === CONTEXT && levels[i + width] === 0) {
				levels[i + width] = level;
				queue[tail++] = i + width;
			}
		}
	}
}

/**
 * Whether the ring touching the hole (level 1 of `levels`, at least 3 levels computed) breaks from the
 * context behind it: its mean colour step to level 2 (sum of the channels' absolute differences) exceeds
 * `ratio` times the step from level 2 to level 3, plus `floorLevels`. A ring that belongs to the surface
 * it borders steps like the rings behind it; an antialiased silhouette or a dark frame column does not.
 * False when either ring has fewer than `minPairs` neighbour pairs.
 *
 * ```ts
 * if (ringBreaksFromContext(rgb, levels, width, height, 2)) setRingAside();   // read neither by transport nor membrane
 * ```
 */
export function ringBreaksFromContext(
	rgb: Float32Array, levels: Uint8Array, width: number, height: number, ratio: number, floorLevels = 3, minPairs = 10,
): boolean {
	const n = width * height;
	let ringStep = 0;
	let ringPairs = 0;
	let innerStep = 0;
	let innerPairs = 0;
	for (let i = 0; i < n; i++) {
		const level = levels[i];
		if (level !== 1 && level !== 2) continue;
		const x = i % width;
		const behind = level + 1;
		for (let k = 0; k < 4; k++) {
			const j = k === 0 ? (x > 0 ? i - 1 : -1) : k === 1 ? (x < width - 1 ? i + 1 : -1) : k === 2 ? i - width : i + width;
			if (j < 0 || j >= n || levels[j] !== behind) continue;
			const step = Math.abs(rgb[3 * i] - rgb[3 * j]) + Math.abs(rgb[3 * i + 1] - rgb[3 * j + 1]) + Math.abs(rgb[3 * i + 2] - rgb[3 * j + 2]);
			if (level === 1) {
				ringStep += step;
				ringPairs++;
			} else {
				innerStep += step;
				innerPairs++;
			}
		}
	}
	if (ringPairs < minPairs || innerPairs < minPairs) return false;
	return ringStep / ringPairs > ratio * (innerStep / innerPairs) + floorLevels;
}
