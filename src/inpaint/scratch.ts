/**
 * Named, reusable typed arrays for an inpainter called hundreds of times per build: each slot keeps the
 * largest buffer asked of it and hands out zero-filled views of it. Fresh memory costs more than the work
 * on the shared 2-core VM (~3 ms of page faults per MB, 0.04 ms to clear a MB already mapped), and the
 * coherence inpainter allocated ~100 bytes per work-box pixel per call (1.6 M box pixels per 1024-px build).
 * A view is valid until its slot is asked for again: only for synchronous, non-reentrant code.
 *
 * ```ts
 * const scratch = new ScratchArrays();
 * const values = scratch.float32('values', 3 * n);   // zeros; same buffer next call
 * ```
 */
export class ScratchArrays {
	private readonly buffers = new Map<string, ArrayBuffer>();

	/**
	 * @param roomFactor Each buffer is made this many times the size first asked of it, so a slightly
	 * larger request later does not allocate again; 1 for requests of one size (the room is memory too).
	 */
	constructor(private readonly roomFactor = 1.25) {}

	/** A zero-filled Float32Array of `length` on slot `name`'s buffer. */
	float32(name: string, length: number): Float32Array {
		return new Float32Array(this.buffer(name, 4 * length), 0, length).fill(0);
	}

	/** A zero-filled Int32Array of `length` on slot `name`'s buffer. */
	int32(name: string, length: number): Int32Array {
		return new Int32Array(this.buffer(name, 4 * length), 0, length).fill(0);
	}

	/** A zero-filled Uint8Array of `length` on slot `name`'s buffer. */
	uint8(name: string, length: number): Uint8Array {
		return new Uint8Array(this.buffer(name, length), 0, length).fill(0);
	}

	/** Drops every buffer; the next request of a slot allocates afresh. */
	clear(): void {
		this.buffers.clear();
	}

	private buffer(name: string, bytes: number): ArrayBuffer {
		let buffer = this.buffers.get(name);
		if (buffer === undefined || buffer.byteLength < bytes) {
			buffer = new ArrayBuffer(Math.ceil(bytes * this.roomFactor));
			this.buffers.set(name, buffer);
		}
		return buffer;
	}
}
