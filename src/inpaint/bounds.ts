/** Inclusive pixel bounds of a crop's sub-rectangle. */
export interface Bounds {
	left: number;
	top: number;
	right: number;
	bottom: number;
}

/**
 * Bounds of a mask's set pixels (those also set in `exclude` left out) grown by `margin` pixels and
 * clipped to the crop; undefined when no pixel counts. Inpainting work outside these bounds (plus the
 * reach of its stencils) is wasted.
 *
 * ```ts
 * const near = maskBounds(region.synthesisMask, region.width, region.height, 1);
 * ```
 */
export function maskBounds(mask: Uint8Array, width: number, height: number, margin: number, exclude?: Uint8Array): Bounds | undefined {
	let left = width;
	let right = -1;
	let top = height;
	let bottom = -1;
	for (let y = 0, i = 0; y < height; y++) {
		for (let x = 0; x < width; x++, i++) {
			if (!mask[i] || exclude?.[i]) continue;
			if (x < left) left = x;
			if (x > right) right = x;
			if (y < top) top = y;
			bottom = y;
		}
	}
	if (right < 0) return undefined;
	return growBounds({left, top, right, bottom}, margin, width, height);
}

/**
 * `bounds` grown by `margin` pixels on every side, clipped to a width × height crop.
 *
 * ```ts
 * const fitArea = growBounds(holeBounds, 25, region.width, region.height);
 * ```
 */
export function growBounds(bounds: Bounds, margin: number, width: number, height: number): Bounds {
	return {
		left: Math.max(0, bounds.left - margin),
		top: Math.max(0, bounds.top - margin),
		right: Math.min(width - 1, bounds.right + margin),
		bottom: Math.min(height - 1, bounds.bottom + margin),
	};
}

/**
 * The smallest bounds holding both `a` and `b`.
 *
 * ```ts
 * const crop = unionBounds(contextBounds, fineBounds);
 * ```
 */
export function unionBounds(a: Bounds, b: Bounds): Bounds {
	return {left: Math.min(a.left, b.left), top: Math.min(a.top, b.top), right: Math.max(a.right, b.right), bottom: Math.max(a.bottom, b.bottom)};
}

/**
 * The bounds common to `a` and `b` (right < left or bottom < top when they do not overlap).
 *
 * ```ts
 * const crop = intersectBounds(holding, growBounds(fineBounds, reach, width, height));
 * ```
 */
export function intersectBounds(a: Bounds, b: Bounds): Bounds {
	return {left: Math.max(a.left, b.left), top: Math.max(a.top, b.top), right: Math.min(a.right, b.right), bottom: Math.min(a.bottom, b.bottom)};
}
