import assert from 'node:assert/strict';

import {defaultJobCount, JOB_COUNT_DEFAULTS, onnxThreadsPerJob} from '../../src/pipeline/job-count.js';

describe('defaultJobCount (build --jobs default)', () => {
	const plenty = {memoryBytes: 64e9};

	it('builds one photo per core, never more than there are photos', () => {
		assert.equal(defaultJobCount(10, 1024, false, {...plenty, cores: 2}), 2);
		assert.equal(defaultJobCount(10, 1024, false, {...plenty, cores: 8}), 8);
		assert.equal(defaultJobCount(3, 1024, false, {...plenty, cores: 8}), 3);
		assert.equal(defaultJobCount(1, 1024, false, {...plenty, cores: 8}), 1);
	});

	it('builds fewer big photos at once when memory is short, and never fewer than one', () => {
		const memoryBytes = 8e9;
		// 1024 px: 200 MB + 150 B × 1024² + 12 B × 1024² ≈ 370 MB a photo; 4096 px ≈ 2.7 GB, with its LDI at
		// 2048 px ≈ 1.0 GB.
		assert.equal(defaultJobCount(16, 1024, false, {cores: 16, memoryBytes}), 16);
		assert.equal(defaultJobCount(16, 4096, false, {cores: 16, memoryBytes}), 2);
		assert.equal(defaultJobCount(16, 4096, false, {cores: 16, memoryBytes, ldiMaxSizePixels: 2048}), 7);
		assert.equal(defaultJobCount(16, 8192, false, {cores: 16, memoryBytes}), 1);
		assert.equal(defaultJobCount(16, 1024, false, {cores: 16, memoryBytes: 1e6}), 1);
	});

	it('leaves room for each worker\'s depth model', () => {
		const memoryBytes = 3e9;
		const withoutModel = defaultJobCount(16, 1024, false, {cores: 16, memoryBytes});
		const withModel = defaultJobCount(16, 1024, true, {cores: 16, memoryBytes});
		const {baseBytesPerPhoto, bytesPerPixel, bytesPerPhotoPixel} = JOB_COUNT_DEFAULTS;
		assert.equal(withoutModel, Math.floor(memoryBytes / (baseBytesPerPhoto + (bytesPerPixel + bytesPerPhotoPixel) * 1024 * 1024)));
		assert.ok(withModel < withoutModel, `${withModel} < ${withoutModel}`);
	});

	it('asks the operating system when cores and memory are not given', () => {
		const jobs = defaultJobCount(64, 1024, false);
		assert.ok(Number.isInteger(jobs) && jobs >= 1 && jobs <= 64, String(jobs));
	});

	it('shares the cores between the photos\' onnxruntime sessions', () => {
		assert.equal(onnxThreadsPerJob(2, 8), 4);
		assert.equal(onnxThreadsPerJob(3, 8), 2);
		assert.equal(onnxThreadsPerJob(8, 2), 1);
		assert.ok(onnxThreadsPerJob(1) >= 1);
	});
});
