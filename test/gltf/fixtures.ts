import {readDepthMap} from '../../src/depth/supplied.js';
import {loadPhoto} from '../../src/image/load.js';
import type {FloatImage, RgbImage} from '../../src/image/raster.js';

/**
 * A photo and its depth map (from ../shared) as the product reads them: the photo at `maxSize` on the
 * long side, the map resized to match and normalized to disparity in [0, 1] (`nearIsBright` false: the
 * map is inverted, as `--depth-invert` does).
 */
export async function loadPhotoWithDepth(
	photoPath: string, depthPath: string, nearIsBright: boolean, maxSize: number,
): Promise<{image: RgbImage; disparity: FloatImage}> {
	const {image} = await loadPhoto(photoPath, {maxSize});
	const {disparity} = await readDepthMap(depthPath, image, {invert: !nearIsBright});
	return {image, disparity};
}
