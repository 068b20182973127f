import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';

import {mergeResults, type ResultsHeader} from '../../bench/results-file.js';

const newHeader: ResultsHeader = {machine: '4 × Test CPU, 8 GiB, Node v22.0.0, linux-x64', date: '2026-12-07', command: 'npm run bench -- --write'};

// Shaped like bench/RESULTS.md: script sections, with dated hand-written sections between and after them
// whose headings start with a script's name.
const existing = `# Benchmark results

Machine: 2 × AMD EPYC, 24 GiB, Node v20.20.2, linux-x64
Date: 2026-11-21
Command: \`npm run bench -- --write\`

## input.ts

\`\`\`
loadPhoto old 7.3 ms
\`\`\`

## ldi.ts

\`\`\`
buildLdi old 1704 ms
\`\`\`

## ldi.ts before and after issue 13 (2026-12-06)

Hand-written comparison.

\`\`\`
## not a heading: inside a code block
\`\`\`

## memory (issue 15 item 2: peak RSS of a fresh \`build\`), 2026-12-06

Hand-written memory study.

## mesh.ts

\`\`\`
mesh old
\`\`\`
`;

function headings(markdown: string): string[] {
	return markdown.split('\n').filter((line) => line.startsWith('## '));
}

describe('mergeResults (bench/RESULTS.md --write)', () => {
	it('replaces the script sections in place and keeps the hand-written ones where they were', () => {
		const merged = mergeResults(existing, newHeader, new Map([['ldi.ts', '```\nbuildLdi new 1500 ms\n```'], ['input.ts', '```\nloadPhoto new 6.0 ms\n```']]));
		assert.deepEqual(headings(merged), [
			'## input.ts',
			'## ldi.ts',
			'## ldi.ts before and after issue 13 (2026-12-06)',
			'## not a heading: inside a code block',
			'## memory (issue 15 item 2: peak RSS of a fresh `build`), 2026-12-06',
			'## mesh.ts',
		]);
		assert.match(merged, /## input\.ts\n\n```\nloadPhoto new 6\.0 ms\n```\n\n## ldi\.ts\n\n```\nbuildLdi new 1500 ms\n```\n\n## ldi\.ts before/);
		assert.doesNotMatch(merged, /old 7\.3|old 1704/);
		// Everything from the first hand-written heading on is untouched, including the script section that did not run.
		const handWritten = existing.slice(existing.indexOf('## ldi.ts before'));
		assert.ok(merged.endsWith(handWritten), merged);
	});

	it('updates the Machine, Date and Command lines and keeps the title', () => {
		const merged = mergeResults(existing, newHeader, new Map());
		assert.ok(merged.startsWith(`# Benchmark results\n\nMachine: ${newHeader.machine}\nDate: 2026-12-07\nCommand: \`npm run bench -- --write\`\n\n## input.ts\n`), merged);
		assert.equal(merged.split('\n').filter((line) => line.startsWith('Date:')).length, 1);
	});

	it('appends a script section that was not there, once, and keeps one section per script on a second run', () => {
		const sections = new Map([['render.ts', '```\nrender new\n```'], ['ldi.ts', '```\nbuildLdi new\n```']]);
		const once = mergeResults(existing, newHeader, sections);
		const twice = mergeResults(once, newHeader, sections);
		assert.equal(twice, once);
		assert.equal(headings(twice).filter((heading) => heading === '## ldi.ts').length, 1);
		assert.equal(headings(twice).filter((heading) => heading === '## render.ts').length, 1);
		assert.ok(twice.endsWith('## mesh.ts\n\n```\nmesh old\n```\n\n## render.ts\n\n```\nrender new\n```\n'), twice);
	});

	it('leaves one section of a script whose section the file held twice', () => {
		const withDuplicate = `${existing}\n## ldi.ts\n\n\`\`\`\nbuildLdi stale copy\n\`\`\`\n`;
		const merged = mergeResults(withDuplicate, newHeader, new Map([['ldi.ts', '```\nbuildLdi new\n```']]));
		assert.equal(headings(merged).filter((heading) => heading === '## ldi.ts').length, 1);
		assert.doesNotMatch(merged, /stale copy/);
	});

	it('writes a whole file when there was none', () => {
		const merged = mergeResults('', newHeader, new Map([['input.ts', '```\nloadPhoto 6.0 ms\n```']]));
		assert.equal(merged, `# Benchmark results\n\nMachine: ${newHeader.machine}\nDate: 2026-12-07\nCommand: \`npm run bench -- --write\`\n\n## input.ts\n\n\`\`\`\nloadPhoto 6.0 ms\n\`\`\`\n`);
	});

	it('keeps every hand-written section of the real bench/RESULTS.md', () => {
		const real = readFileSync(new URL('../../bench/RESULTS.md', import.meta.url), 'utf8');
		const scripts = ['input.ts', 'depth.ts', 'onnx-runtimes.ts', 'ldi.ts', 'inpaint.ts', 'mesh.ts', 'startup.ts', 'build.ts', 'render.ts', 'commands.ts'];
		const merged = mergeResults(real, newHeader, new Map(scripts.map((script) => [script, '```\nnew figures\n```'])));
		// startup.ts has only a hand-written `## startup.ts (issue 15 item 3: ...)` section: its own is appended.
		const missing = scripts.filter((script) => !headings(real).includes(`## ${script}`)).map((script) => `## ${script}`);
		assert.deepEqual(headings(merged), [...headings(real), ...missing]);
		// With nothing to replace, the file comes back as it was apart from the header.
		const unchanged = mergeResults(real, {machine: 'm', date: 'd', command: 'c'}, new Map());
		assert.equal(unchanged.slice(unchanged.indexOf('\n## ')), real.slice(real.indexOf('\n## ')));
	});
});
