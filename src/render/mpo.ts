import sharp from '../image/sharp.js';
import type {RgbImage} from '../image/raster.js';

/**
 * The Multi-Picture Object (MPO) stereo format of 3D cameras and displays (CIPA DC-007-2009): the left
 * and right views as two baseline JPEGs written back to back, each with an APP2 "MPF" segment. The first
 * image's segment holds the MP Index IFD (version, number of images, one 16-byte MP Entry per image with
 * its type, size and offset) and both carry an MP Attribute IFD (individual image number, base viewpoint,
 * convergence angle, baseline). Image type 0x020002 is "multi-frame image, disparity", the stereo case;
 * the first image is flagged representative, so viewers without MPO support show the left view. Offsets
 * in the MP Entries count from the first image's MP header (the TIFF-style "MM" byte-order mark), per the
 * standard. The segments are small and fixed, so they are written by hand with a DataView (big-endian).
 */

/** Options for {@link encodeMpo}. */
export interface MpoOptions {
	/** JPEG quality 1–100 of both views. */
	quality: number;
	/** Distance between the two viewpoints, metres (MP Attribute BaselineLength). */
	baselineMeters: number;
}

export const MPO_DEFAULTS: MpoOptions = {quality: 92, baselineMeters: 0.065};

const MP_TYPE_DISPARITY = 0x020002;
const MP_REPRESENTATIVE_FLAG = 0x20000000;
const TAG_MPF_VERSION = 0xb000;
const TAG_NUMBER_OF_IMAGES = 0xb001;
const TAG_MP_ENTRY = 0xb002;
const TAG_INDIVIDUAL_NUMBER = 0xb101;
const TAG_BASE_VIEWPOINT = 0xb204;
const TAG_CONVERGENCE_ANGLE = 0xb205;
const TAG_BASELINE_LENGTH = 0xb206;
const TYPE_LONG = 4;
const TYPE_RATIONAL = 5;
const TYPE_UNDEFINED = 7;
const TYPE_SRATIONAL = 10;
/** Offset, from the MP header, of the MP Entry data in the first image's segment (after the Index IFD). */
const MP_INDEX_ENTRY_DATA_OFFSET = 8 + 2 + 3 * 12 + 4;

/** Bytes of an APP2 MPF segment before the MP header: marker (2), length (2), 'MPF\0' (4). */
const MP_HEADER_POSITION_IN_SEGMENT = 8;

/**
 * Encodes a stereo pair as an MPO file (left view first).
 *
 * ```ts
 * await writeFileAtomic('pair.mpo', await encodeMpo(left, right, {baselineMeters: cameras.baselineMeters}));
 * ```
 */
export async function encodeMpo(left: RgbImage, right: RgbImage, options: Partial<MpoOptions> = {}): Promise<Uint8Array> {
	const {quality, baselineMeters} = {...MPO_DEFAULTS, ...options};
	const [leftJpeg, rightJpeg] = await Promise.all([left, right].map(async (view) => new Uint8Array(
		await sharp(view.data, {raw: {width: view.width, height: view.height, channels: 3}}).jpeg({quality}).toBuffer(),
	)));

	const firstSegment = mpfSegment(1, baselineMeters, true);
	const secondSegment = mpfSegment(2, baselineMeters, false);
	const firstInsert = appSegmentsEnd(leftJpeg);
	const secondInsert = appSegmentsEnd(rightJpeg);
	const firstSize = leftJpeg.length + firstSegment.length;
	const secondSize = rightJpeg.length + secondSegment.length;
	const mpHeaderPosition = firstInsert + MP_HEADER_POSITION_IN_SEGMENT;

	const view = new DataView(firstSegment.buffer, firstSegment.byteOffset, firstSegment.byteLength);
	const entries = MP_HEADER_POSITION_IN_SEGMENT + MP_INDEX_ENTRY_DATA_OFFSET;
	view.setUint32(entries, MP_REPRESENTATIVE_FLAG | MP_TYPE_DISPARITY);
	view.setUint32(entries + 4, firstSize);
	view.setUint32(entries + 8, 0);
	view.setUint32(entries + 16, MP_TYPE_DISPARITY);
	view.setUint32(entries + 20, secondSize);
	view.setUint32(entries + 24, firstSize - mpHeaderPosition);

	const file = new Uint8Array(firstSize + secondSize);
	file.set(leftJpeg.subarray(0, firstInsert), 0);
	file.set(firstSegment, firstInsert);
	file.set(leftJpeg.subarray(firstInsert), firstInsert + firstSegment.length);
	file.set(rightJpeg.subarray(0, secondInsert), firstSize);
	file.set(secondSegment, firstSize + secondInsert);
	file.set(rightJpeg.subarray(secondInsert), firstSize + secondInsert + secondSegment.length);
	return file;
}

/**
 * One APP2 MPF segment: MP header, then (first image only) the MP Index IFD and its 32 bytes of MP
 * Entries (filled in by the caller), then the MP Attribute IFD and its rational values.
 */
function mpfSegment(individualNumber: number, baselineMeters: number, withIndex: boolean): Uint8Array {
	const indexBytes = withIndex ? 2 + 3 * 12 + 4 + 32 : 0;
	const attributeOffset = 8 + indexBytes;
	const attributeEntries = 5;
	const attributeValuesOffset = attributeOffset + 2 + attributeEntries * 12 + 4;
	const mpBytes = attributeValuesOffset + 16;
	const segment = new Uint8Array(MP_HEADER_POSITION_IN_SEGMENT + mpBytes);
	const view = new DataView(segment.buffer);
	view.setUint16(0, 0xffe2);
	view.setUint16(2, segment.length - 2);
	segment.set([0x4d, 0x50, 0x46, 0x00], 4);
	const base = MP_HEADER_POSITION_IN_SEGMENT;
	segment.set([0x4d, 0x4d, 0x00, 0x2a], base);
	view.setUint32(base + 4, withIndex ? 8 : attributeOffset);
	const version = 0x30313030; // '0100'
	if (withIndex) {
		let p = base + 8;
		view.setUint16(p, 3);
		p += 2;
		p = writeEntry(view, p, TAG_MPF_VERSION, TYPE_UNDEFINED, 4, version);
		p = writeEntry(view, p, TAG_NUMBER_OF_IMAGES, TYPE_LONG, 1, 2);
		p = writeEntry(view, p, TAG_MP_ENTRY, TYPE_UNDEFINED, 32, MP_INDEX_ENTRY_DATA_OFFSET);
		view.setUint32(p, attributeOffset);
	}
	let p = base + attributeOffset;
	view.setUint16(p, attributeEntries);
	p += 2;
	p = writeEntry(view, p, TAG_MPF_VERSION, TYPE_UNDEFINED, 4, version);
	p = writeEntry(view, p, TAG_INDIVIDUAL_NUMBER, TYPE_LONG, 1, individualNumber);
	p = writeEntry(view, p, TAG_BASE_VIEWPOINT, TYPE_LONG, 1, 1);
	p = writeEntry(view, p, TAG_CONVERGENCE_ANGLE, TYPE_SRATIONAL, 1, attributeValuesOffset);
	p = writeEntry(view, p, TAG_BASELINE_LENGTH, TYPE_RATIONAL, 1, attributeValuesOffset + 8);
	view.setUint32(p, 0);
	// Parallel (off-axis) cameras: convergence angle 0°; the baseline in metres, to the micrometre.
	const values = base + attributeValuesOffset;
	view.setInt32(values, 0);
	view.setInt32(values + 4, 1);
	view.setUint32(values + 8, Math.round(baselineMeters * 1_000_000));
	view.setUint32(values + 12, 1_000_000);
	return segment;
}

function writeEntry(view: DataView, position: number, tag: number, type: number, count: number, value: number): number {
	view.setUint16(position, tag);
	view.setUint16(position + 2, type);
	view.setUint32(position + 4, count);
	view.setUint32(position + 8, value);
	return position + 12;
}

/** Position right after the SOI marker and any APP0/APP1 segments (JFIF, Exif), where MPF belongs. */
function appSegmentsEnd(jpeg: Uint8Array): number {
	if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new Error('encodeMpo: the JPEG encoder returned no SOI marker');
	let position = 2;
	while (jpeg[position] === 0xff && (jpeg[position + 1] === 0xe0 || jpeg[position + 1] === 0xe1)) {
		position += 2 + ((jpeg[position + 2] << 8) | jpeg[position + 3]);
	}
	return position;
}
