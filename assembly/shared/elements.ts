/**
 * Typed-array element access for the kernels (AssemblyScript): a pointer is a byte offset into the
 * kernel's memory, `i` an element index. f32 elements are read as f64 and stored rounded to f32, as
 * JavaScript reads and writes a Float32Array, which keeps the kernels bit-identical to their twins.
 * Not a kernel itself: scripts/build-wasm.ts compiles only the files directly in assembly/.
 */

@inline export function f32At(base: usize, i: i32): f64 {
	return <f64>load<f32>(base + (<usize>i << 2));
}

@inline export function setF32(base: usize, i: i32, value: f64): void {
	store<f32>(base + (<usize>i << 2), <f32>value);
}

@inline export function i32At(base: usize, i: i32): i32 {
	return load<i32>(base + (<usize>i << 2));
}

@inline export function setI32(base: usize, i: i32, value: i32): void {
	store<i32>(base + (<usize>i << 2), value);
}

@inline export function u8At(base: usize, i: i32): u8 {
	return load<u8>(base + <usize>i);
}
