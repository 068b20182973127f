/**
 * Field of view of a photo: from the EXIF 35 mm-equivalent focal length when the file has one, else the
 * paper's default (focal length = the long side in pixels, ~53.13° across the long side), or a value the
 * user gives. `--fov DEGREES` means the FOV across the LONG side (like the paper's focal = max(W, H)),
 * so one number works for portrait and landscape photos alike; the result is always converted to the
 * vertical FOV the glTF camera needs.
 *
 * The 35 mm equivalent is defined on the 36×24 mm frame's diagonal (43.27 mm), so a photo of any aspect
 * ratio has the same DIAGONAL view angle as a 36×24 mm frame behind a lens of that focal length.
 */

/** Diagonal of the 36×24 mm frame the 35 mm-equivalent focal length refers to, millimetres. */
export const FULL_FRAME_DIAGONAL_MM = Math.hypot(36, 24);

/** Long-side FOV used when a photo carries no focal length: focal length = long side, as in the paper. */
export const DEFAULT_LONG_SIDE_FOV_DEGREES = (2 * Math.atan(0.5) * 180) / Math.PI;

const EXIF_IFD_POINTER_TAG = 0x8769;
const FOCAL_LENGTH_IN_35MM_TAG = 0xa405;
const TIFF_SHORT = 3;
const TIFF_LONG = 4;

/**
 * Reads `FocalLengthIn35mmFormat` (tag 0xA405 in the Exif sub-IFD) from a raw EXIF block as sharp's
 * `metadata().exif` gives it (optionally prefixed with `Exif\0\0`). Returns undefined when the tag is
 * absent, zero ("unknown" per the EXIF spec) or the block is malformed.
 *
 * ```ts
 * const {exif} = await sharp(bytes).metadata();
 * const focal35Mm = exif ? readFocalLength35mm(exif) : undefined;
 * ```
 */
export function readFocalLength35mm(exif: Uint8Array): number | undefined {
	let tiffStart = 0;
	if (exif.length >= 6 && exif[0] === 0x45 && exif[1] === 0x78 && exif[2] === 0x69 && exif[3] === 0x66) tiffStart = 6;
	const view = new DataView(exif.buffer, exif.byteOffset + tiffStart, exif.byteLength - tiffStart);
	if (view.byteLength < 8) return undefined;
	const order = view.getUint16(0);
	if (order !== 0x4949 && order !== 0x4d4d) return undefined;
	const littleEndian = order === 0x4949;
	if (view.getUint16(2, littleEndian) !== 42) return undefined;
	const ifd0Offset = view.getUint32(4, littleEndian);
	const exifIfdOffset = findTagValue(view, ifd0Offset, EXIF_IFD_POINTER_TAG, littleEndian);
	if (exifIfdOffset === undefined) return undefined;
	const focal = findTagValue(view, exifIfdOffset, FOCAL_LENGTH_IN_35MM_TAG, littleEndian);
	return focal !== undefined && focal > 0 ? focal : undefined;
}

/** Value of a SHORT or LONG tag in the IFD at `ifdOffset`, undefined when absent or out of bounds. */
function findTagValue(view: DataView, ifdOffset: number, tag: number, littleEndian: boolean): number | undefined {
	if (ifdOffset + 2 > view.byteLength) return undefined;
	const entryCount = view.getUint16(ifdOffset, littleEndian);
	for (let i = 0; i < entryCount; i++) {
		const entry = ifdOffset + 2 + i * 12;
		if (entry + 12 > view.byteLength) return undefined;
		if (view.getUint16(entry, littleEndian) !== tag) continue;
		const type = view.getUint16(entry + 2, littleEndian);
		if (type === TIFF_SHORT) return view.getUint16(entry + 8, littleEndian);
		if (type === TIFF_LONG) return view.getUint32(entry + 8, littleEndian);
		return undefined;
	}
	return undefined;
}

/**
 * Vertical FOV (radians) of a `width`×`height` photo taken at a 35 mm-equivalent focal length.
 *
 * ```ts
 * fovYFromFocalLength35mm(28, 4032, 3024); // ≈ 0.905 rad (51.9°) for a 4:3 phone photo
 * ```
 */
export function fovYFromFocalLength35mm(focalLength35mm: number, width: number, height: number): number {
	const focalPixels = (Math.hypot(width, height) * focalLength35mm) / FULL_FRAME_DIAGONAL_MM;
	return 2 * Math.atan(height / (2 * focalPixels));
}

/**
 * Vertical FOV (radians) of a `width`×`height` photo whose FOV across its long side is
 * `longSideFovDegrees`.
 *
 * ```ts
 * fovYFromLongSideFov(DEFAULT_LONG_SIDE_FOV_DEGREES, 640, 480); // focal = 640 px → 2·atan(240/640)
 * ```
 */
export function fovYFromLongSideFov(longSideFovDegrees: number, width: number, height: number): number {
	const focalPixels = Math.max(width, height) / (2 * Math.tan((longSideFovDegrees * Math.PI) / 360));
	return 2 * Math.atan(height / (2 * focalPixels));
}
