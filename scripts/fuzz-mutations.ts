/**
 * Seeded mutations of real input files for scripts/fuzz.ts: bit flips, byte overwrites, truncation,
 * header edits and, per format, edits of the declared dimensions (PNG IHDR, JPEG start of frame, PFM
 * header, GLB chunk lengths). Every mutation is a pure function of the bytes and the random stream, so
 * a run replays exactly from its seed.
 */

/** A seeded random stream (mulberry32): uniform floats in [0, 1). */
export function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** The input formats the fuzz mutates (dimension edits depend on them). */
export type FuzzFormat = 'jpeg' | 'png' | 'pfm' | 'onnx' | 'glb';

/** One mutation: its name (for the report) and the mutated bytes. */
export interface Mutation {
	name: string;
	bytes: Uint8Array;
}

type Random = () => number;

const integer = (random: Random, below: number): number => Math.floor(random() * below);
const pick = <T>(random: Random, values: readonly T[]): T => values[integer(random, values.length)]!;

/** Dimensions that break decoders in different ways: none, one, the 16-bit and 32-bit edges, huge. */
const HOSTILE_SIZES = [0, 1, 2, 15, 16, 17, 65_535, 65_536, 100_000, 0x7fffffff, 0xffffffff] as const;

function bitFlips(bytes: Uint8Array, random: Random): Mutation {
	const out = Uint8Array.from(bytes);
	const count = 1 + integer(random, 16);
	for (let i = 0; i < count; i++) out[integer(random, out.length)] ^= 1 << integer(random, 8);
	return {name: `bit flips (${count})`, bytes: out};
}

function byteOverwrites(bytes: Uint8Array, random: Random): Mutation {
	const out = Uint8Array.from(bytes);
	const count = 1 + integer(random, 8);
	for (let i = 0; i < count; i++) out[integer(random, out.length)] = pick(random, [0x00, 0xff, 0x7f, 0x80, integer(random, 256)]);
	return {name: `byte overwrites (${count})`, bytes: out};
}

function truncation(bytes: Uint8Array, random: Random): Mutation {
	const length = integer(random, bytes.length);
	return {name: `truncated to ${length} of ${bytes.length} bytes`, bytes: bytes.slice(0, length)};
}

function headerEdit(bytes: Uint8Array, random: Random): Mutation {
	const out = Uint8Array.from(bytes);
	const span = Math.min(out.length, 64);
	const count = 1 + integer(random, 4);
	for (let i = 0; i < count; i++) out[integer(random, span)] = integer(random, 256);
	return {name: `header bytes changed (${count})`, bytes: out};
}

function appendedJunk(bytes: Uint8Array, random: Random): Mutation {
	const junk = Uint8Array.from({length: 1 + integer(random, 4096)}, () => integer(random, 256));
	const out = new Uint8Array(bytes.length + junk.length);
	out.set(bytes);
	out.set(junk, bytes.length);
	return {name: `${junk.length} junk bytes appended`, bytes: out};
}

function repeatedSlice(bytes: Uint8Array, random: Random): Mutation {
	const start = integer(random, bytes.length);
	const length = 1 + integer(random, Math.min(4096, bytes.length - start));
	const at = integer(random, bytes.length);
	const out = new Uint8Array(bytes.length + length);
	out.set(bytes.subarray(0, at));
	out.set(bytes.subarray(start, start + length), at);
	out.set(bytes.subarray(at), at + length);
	return {name: `${length} bytes repeated at ${at}`, bytes: out};
}

/** The declared dimensions edited, where the format declares them; a byte overwrite otherwise. */
function dimensionEdit(bytes: Uint8Array, format: FuzzFormat, random: Random): Mutation {
	const out = Uint8Array.from(bytes);
	const view = new DataView(out.buffer);
	const size = pick(random, HOSTILE_SIZES);
	const which = pick(random, ['width', 'height'] as const);
	if (format === 'png' && out.length >= 24) {
		// IHDR's width and height, big-endian, the chunk's CRC left as it was (decoders differ on that).
		view.setUint32(which === 'width' ? 16 : 20, size);
		return {name: `PNG ${which} set to ${size}`, bytes: out};
	}
	if (format === 'jpeg') {
		for (let i = 2; i + 9 < out.length; i++) {
			if (out[i] === 0xff && out[i + 1]! >= 0xc0 && out[i + 1]! <= 0xc2) {
				view.setUint16(which === 'width' ? i + 7 : i + 5, size & 0xffff);
				return {name: `JPEG ${which} set to ${size & 0xffff}`, bytes: out};
			}
		}
	}
	if (format === 'pfm') {
		const text = new TextDecoder('latin1').decode(out.subarray(0, 64));
		const header = /^(P[fF])\s+(\d+)\s+(\d+)\s+(\S+)\s/.exec(text);
		if (header) {
			const dims = which === 'width' ? `${size} ${header[3]}` : `${header[2]} ${size}`;
			const replaced = new TextEncoder().encode(`${header[1]}\n${dims}\n${header[4]}\n`);
			const joined = new Uint8Array(replaced.length + out.length - header[0].length);
			joined.set(replaced);
			joined.set(out.subarray(header[0].length), replaced.length);
			return {name: `PFM ${which} set to ${size}`, bytes: joined};
		}
	}
	if (format === 'glb' && out.length >= 20) {
		// The file's length (offset 8) or the JSON chunk's (offset 12).
		const offset = which === 'width' ? 8 : 12;
		view.setUint32(offset, size, true);
		return {name: `GLB ${offset === 8 ? 'file' : 'JSON chunk'} length set to ${size}`, bytes: out};
	}
	return byteOverwrites(bytes, random);
}

/**
 * One seeded mutation of `bytes` in `format`.
 *
 * ```ts
 * const random = seededRandom(42);
 * const {name, bytes} = mutate(readFileSync('photo.png'), 'png', random);
 * ```
 */
export function mutate(bytes: Uint8Array, format: FuzzFormat, random: Random): Mutation {
	const kind = integer(random, 7);
	if (kind === 0) return bitFlips(bytes, random);
	if (kind === 1) return byteOverwrites(bytes, random);
	if (kind === 2) return truncation(bytes, random);
	if (kind === 3) return headerEdit(bytes, random);
	if (kind === 4) return dimensionEdit(bytes, format, random);
	if (kind === 5) return appendedJunk(bytes, random);
	return repeatedSlice(bytes, random);
}
