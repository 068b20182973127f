/**
 * Worker-thread entry of {@link BorderStripWorker}: builds layer 0 from the photo and its filtered
 * disparity, makes the border strips on it and posts their colours back.
 */
import {parentPort, workerData} from 'node:worker_threads';

import {DiffusionInpainter} from '../inpaint/diffusion.js';
import {PatchInpainter} from '../inpaint/patch.js';
import {type BorderStripJob, inpaintBorderStrips} from './border-strips.js';
import {ldiFromImage} from './ldi.js';

const job = workerData as BorderStripJob;
const ldi = ldiFromImage(job.image, job.disparity, job.borderPixels);
// Built directly rather than through the registry, which loads the onnx inpainter and with it sharp.
const inpainter = job.inpainter === 'diffusion' ? new DiffusionInpainter(job.inpainterOptions) : new PatchInpainter(job.inpainterOptions);
const {colors} = await inpaintBorderStrips(ldi, job.contextBandPixels, inpainter, job.layerIndex, job.thresholdDisparity);
parentPort?.postMessage(colors);
