import {createRequire} from 'node:module';

import type SharpConstructor from 'sharp';

/**
 * sharp, loaded with require(): sharp is a CommonJS package, and an ES `import` of it first runs Node's
 * CommonJS export lexer over its sources, which a fresh process has to compile (a process loading sharp
 * alone: 145–167 ms of CPU imported, 103–113 ms required; the export names are not needed, the default
 * export is the whole API). `build` on moon.jpg, CPU before its first pixel (LDI_GLTF_TRACE_STARTUP=1,
 * fresh processes alternating, median of 5): 380 → 314 ms. Every module of the project takes sharp from
 * here.
 *
 * ```ts
 * import sharp from './sharp.js';
 * const {data, info} = await sharp(path).raw().toBuffer({resolveWithObject: true});
 * ```
 */
const sharp: typeof SharpConstructor = createRequire(import.meta.url)('sharp');

export default sharp;
