/**
 * Merging a fresh `npm run bench -- --write` run into bench/RESULTS.md. Engineers append dated,
 * hand-written sections (before/after figures of an issue, memory studies, ...) below the sections the
 * scripts produce, so a run must replace its own sections in place and leave every other one alone.
 */

/** The run's lines at the top of RESULTS.md. */
export interface ResultsHeader {
	/** CPU count and model, memory, Node version, platform. */
	machine: string;
	/** ISO day of the run, e.g. `2026-12-06`. */
	date: string;
	/** The command that produced the figures, without backticks. */
	command: string;
}

/** A level-2 section of the file: its heading line (`undefined` for the text above the first heading) and its lines. */
interface MarkdownSection {
	heading: string | undefined;
	lines: string[];
	/** Written by this run (a script's output), as opposed to kept from the existing file. */
	generated?: boolean;
}

const headerKeys = ['Machine', 'Date', 'Command'] as const;

/**
 * Returns `existingMarkdown` (the current RESULTS.md, or `''` if there is none) with the header lines
 * `Machine:`, `Date:` and `Command:` set from `header`, each section whose heading is exactly
 * `## <script>` replaced in place by that script's new output, and the scripts that had no section
 * appended at the end in the map's order. Every other section (`## ldi.ts before and after issue 13
 * (2026-12-06)`, `## memory (...)`, ...) is kept byte for byte where it is.
 *
 * ```ts
 * const merged = mergeResults(readFileSync('bench/RESULTS.md', 'utf8'),
 * 	{machine: '2 × AMD EPYC, 24 GiB, Node v22.12.0, linux-x64', date: '2026-12-07', command: 'npm run bench -- --write'},
 * 	new Map([['input.ts', '```\nloadPhoto ... 7.3 ms\n```']]));
 * writeFileSync('bench/RESULTS.md', merged);
 * ```
 *
 * @param sectionsByScript script file name (`input.ts`) → the section's body, without the heading.
 */
export function mergeResults(existingMarkdown: string, header: ResultsHeader, sectionsByScript: ReadonlyMap<string, string>): string {
	const [preamble, ...sections] = splitSections(existingMarkdown);
	const written = new Set<string>();
	const merged: MarkdownSection[] = [{heading: undefined, lines: withHeader(preamble.lines, header)}];
	for (const section of sections) {
		const script = section.heading?.slice('## '.length).trimEnd();
		const body = script === undefined ? undefined : sectionsByScript.get(script);
		if (script === undefined || body === undefined) {
			merged.push(section);
		} else if (!written.has(script)) {
			written.add(script);
			merged.push(scriptSection(script, body));
		}
		// A second `## <script>` section of a script that ran is a stale copy of the same generated output: dropped, so the file holds one.
	}
	for (const [script, body] of sectionsByScript) {
		if (!written.has(script)) merged.push(scriptSection(script, body));
	}
	return joinSections(merged);
}

/** Splits on `## ` lines outside fenced code blocks (benchmark output may print `##`); the first part is the text above the first heading. */
function splitSections(markdown: string): [MarkdownSection, ...MarkdownSection[]] {
	const lines = markdown === '' ? [] : markdown.replace(/\n$/, '').split('\n');
	const sections: [MarkdownSection, ...MarkdownSection[]] = [{heading: undefined, lines: []}];
	let openFence: string | undefined;
	for (const line of lines) {
		const fence = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
		if (fence !== undefined) {
			if (openFence === undefined) openFence = fence;
			else if (fence[0] === openFence[0] && fence.length >= openFence.length) openFence = undefined;
		}
		if (openFence === undefined && line.startsWith('## ')) sections.push({heading: line, lines: [line]});
		else sections[sections.length - 1].lines.push(line);
	}
	return sections;
}

/** The preamble with the run's header lines: replaced where they are, missing ones added after the others (or after the title). */
function withHeader(preambleLines: readonly string[], header: ResultsHeader): string[] {
	const lines = preambleLines.length > 0 ? [...preambleLines] : ['# Benchmark results', ''];
	const values: Record<(typeof headerKeys)[number], string> = {Machine: header.machine, Date: header.date, Command: `\`${header.command}\``};
	let insertAt = lines[0]?.startsWith('# ') ? (lines[1] === '' ? 2 : 1) : 0;
	for (const key of headerKeys) {
		const index = lines.findIndex((line) => line.startsWith(`${key}:`));
		if (index >= 0) {
			lines[index] = `${key}: ${values[key]}`;
			insertAt = index + 1;
		} else {
			lines.splice(insertAt, 0, `${key}: ${values[key]}`);
			insertAt++;
		}
	}
	// Keep a blank line between the header and the first section.
	if (lines[lines.length - 1] !== '') lines.push('');
	return lines;
}

function scriptSection(script: string, body: string): MarkdownSection {
	return {heading: `## ${script}`, lines: [`## ${script}`, '', ...body.trim().split('\n'), ''], generated: true};
}

/**
 * Joins the sections and ends the file with one newline. A generated section gets a blank line before it;
 * two kept sections are joined as they were (some hand-written ones have no blank line before the next heading).
 */
function joinSections(sections: readonly MarkdownSection[]): string {
	const lines: string[] = [];
	for (const section of sections) {
		if (section.generated && lines.length > 0 && lines[lines.length - 1] !== '') lines.push('');
		lines.push(...section.lines);
	}
	while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
	return `${lines.join('\n')}\n`;
}
