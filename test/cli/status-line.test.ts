import assert from 'node:assert/strict';

import {createStatusLine} from '../../src/cli/progress.js';

function recorder(isTTY: boolean): {stream: {write(text: string): boolean; isTTY: boolean}; text: () => string} {
	const chunks: string[] = [];
	return {stream: {write: (text) => chunks.push(text) > 0, isTTY}, text: () => chunks.join('')};
}

describe('cli/createStatusLine', () => {
	it('on a TTY rewrites one line in place and ends results with a newline', () => {
		const {stream, text} = recorder(true);
		const status = createStatusLine({stream});
		status.set('[1/2] a.jpg: depth');
		status.set('[1/2] a.jpg: ldi');
		status.print('[1/2] a.jpg → a.glb');
		assert.equal(text(), '\r[1/2] a.jpg: depth\u001B[K\r[1/2] a.jpg: ldi\u001B[K\r[1/2] a.jpg → a.glb\u001B[K\n');
	});

	it('in logs prints one plain line per status, and clearing prints nothing', () => {
		const {stream, text} = recorder(false);
		const status = createStatusLine({stream});
		status.set('[1/1] a.jpg: depth');
		status.clear();
		status.print('[1/1] a.jpg → a.glb');
		assert.equal(text(), '[1/1] a.jpg: depth\n[1/1] a.jpg → a.glb\n');
	});

	it('clears a pending TTY status before an error line, and stays silent when asked', () => {
		const tty = recorder(true);
		const status = createStatusLine({stream: tty.stream});
		status.set('[1/1] a.jpg: mesh');
		status.clear();
		assert.ok(tty.text().endsWith('\r\u001B[K'));
		const quiet = recorder(true);
		const silent = createStatusLine({stream: quiet.stream, silent: true});
		silent.set('x');
		silent.print('y');
		assert.equal(quiet.text(), '');
	});
});
