/**
 * What `npm pack` puts in the tarball: the files a user's install needs (LICENSE, the compiled library and
 * its types, the viewer page bundle, the WebAssembly kernels, the oclif manifest, the model registry) and
 * nothing that only works in a checkout (bin/dev.js needs tsx; TypeScript sources; source maps whose
 * `src/` is not shipped).
 * Runs `npm pack --dry-run --json --ignore-scripts` on the current dist/ (built first when absent).
 */
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {existsSync, readFileSync} from 'node:fs';
import {join} from 'node:path';

import {repoRoot} from '../helpers/shared.js';

interface PackedFile {
	path: string;
	size: number;
}

interface PackageJson {
	license: string;
	engines: {node: string};
	bin: Record<string, string>;
	main: string;
	types: string;
	exports: Record<string, string | Record<string, string>>;
	dependencies: Record<string, string>;
	optionalDependencies?: Record<string, string>;
	oclif: {commands: string; hooks: Record<string, string>};
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

describe('npm pack: the published file list', function () {
	this.timeout(180_000);
	let files: Set<string>;
	let pkg: PackageJson;

	before(() => {
		if (!existsSync(join(repoRoot, 'dist', 'index.js')) || !existsSync(join(repoRoot, 'oclif.manifest.json'))) {
			execFileSync(npm, ['run', 'build'], {cwd: repoRoot, stdio: 'ignore'});
		}
		const out = execFileSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], {cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']});
		const [report] = JSON.parse(out) as {files: PackedFile[]}[];
		files = new Set(report!.files.map((file) => file.path));
		pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as PackageJson;
	});

	it('has LICENSE (the MIT text package.json names), README, CHANGELOG and the files a user runs', () => {
		for (const path of ['LICENSE', 'README.md', 'CHANGELOG.md', 'package.json', 'bin/run.js', 'dist/index.js', 'dist/index.d.ts',
			'dist/commands/build.js', 'dist/viewer-page/viewer.js', 'dist/wasm/bilateral-median.wasm', 'dist/wasm/coherence-transport.wasm', 'dist/wasm/membrane.wasm', 'dist/wasm/snap-edges.wasm', 'dist/wasm/depth-edges.wasm', 'oclif.manifest.json', 'models/registry.json', 'assets/sample.jpg', 'assets/sample-depth.png']) {
			assert.ok(files.has(path), `${path} is packed`);
		}
		assert.equal(pkg.license, 'MIT');
		assert.match(readFileSync(join(repoRoot, 'LICENSE'), 'utf8'), /^MIT License\n/);
	});

	it('ships no development-only entry point, TypeScript source or test', () => {
		assert.ok(!files.has('bin/dev.js'), 'bin/dev.js runs the sources through tsx, a dev dependency');
		for (const path of files) {
			assert.ok(!/^(src|test|bench|scripts|viewer|docs|\.ci)\//.test(path), `${path} is not for users`);
			assert.ok(!path.endsWith('.ts') || path.endsWith('.d.ts'), `${path}: TypeScript source`);
			assert.ok(!path.endsWith('.tsbuildinfo') && !path.endsWith('.tgz'), `${path}: build leftover`);
		}
	});

	it('has no source map pointing at missing sources, and no JS naming a missing map', () => {
		for (const path of files) {
			if (path.endsWith('.map')) {
				const map = JSON.parse(readFileSync(join(repoRoot, path), 'utf8')) as {sources: string[]};
				for (const source of map.sources) {
					const target = join(path, '..', source).replaceAll('\\', '/');
					assert.ok(files.has(target), `${path} points at ${source}, which is not packed`);
				}
			}
			if (path.endsWith('.js')) {
				const mapUrl = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(readFileSync(join(repoRoot, path), 'utf8'))?.[1];
				if (mapUrl && !mapUrl.startsWith('data:')) assert.ok(files.has(join(path, '..', mapUrl).replaceAll('\\', '/')), `${path} names ${mapUrl}, which is not packed`);
			}
		}
	});

	it('packs every file package.json and the oclif config point at, and every .wasm the code loads', () => {
		const entry = (relative: string) => relative.replace(/^\.\//, '');
		for (const target of Object.values(pkg.bin)) assert.ok(files.has(entry(target)), `bin ${target}`);
		assert.ok(files.has(entry(pkg.main)) && files.has(entry(pkg.types)));
		for (const [subpath, value] of Object.entries(pkg.exports)) {
			const targets = typeof value === 'string' ? [value] : Object.values(value);
			if (subpath === '.') assert.ok(typeof value !== 'string' && value.types, 'exports "." has types');
			for (const target of targets) assert.ok(files.has(entry(target)), `exports ${subpath} → ${target}`);
		}
		for (const hook of Object.values(pkg.oclif.hooks)) assert.ok(files.has(`${entry(hook)}.js`), `hook ${hook}`);
		assert.ok([...files].some((path) => path.startsWith(`${entry(pkg.oclif.commands)}/`)), 'oclif commands directory');
		// WebAssembly: meshoptimizer embeds its modules in JS; onnxruntime-web ships its own .wasm. A .wasm
		// file of ours that the code names must be in the tarball.
		for (const path of files) {
			if (!path.endsWith('.js')) continue;
			for (const [name] of readFileSync(join(repoRoot, path), 'utf8').matchAll(/[\w.-]+\.wasm\b/g)) {
				if (existsSync(join(repoRoot, path, '..', name))) assert.ok(files.has(join(path, '..', name).replaceAll('\\', '/')), `${name} (named by ${path}) is packed`);
			}
		}
	});

	it('installs without install scripts of its own: onnxruntime-node optional, onnxruntime-web its fallback', () => {
		const scripts = (pkg as unknown as {scripts: Record<string, string>}).scripts;
		for (const hook of ['preinstall', 'install', 'postinstall']) assert.equal(scripts[hook], undefined, `no ${hook} script`);
		assert.ok(pkg.optionalDependencies?.['onnxruntime-node'], 'onnxruntime-node is optional (its CUDA download may fail)');
		assert.equal(pkg.dependencies['onnxruntime-node'], undefined);
		assert.ok(pkg.dependencies['onnxruntime-web'], 'onnxruntime-web is the fallback');
		assert.equal(pkg.dependencies['onnxruntime-web'], pkg.dependencies['onnxruntime-common'], 'one onnxruntime-common version for both');
		assert.match(pkg.engines.node, /^>=2[2-9]/, 'Node 22 or later');
	});
});
