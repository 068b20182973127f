/**
 * A copy of `array` with room for `length` elements (the new ones zero): the growth step of the
 * preallocated lists the pixel stages append to (region fronts, sharpened ramps).
 *
 * ```ts
 * if (count === list.length) list = grownArray(list, 2 * list.length);
 * ```
 */
export function grownArray<T extends Int32Array | Float32Array>(array: T, length: number): T {
	const grown = new (array.constructor as new (length: number) => T)(length);
	grown.set(array);
	return grown;
}
