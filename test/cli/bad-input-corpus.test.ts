import assert from 'node:assert/strict';
import {createHash} from 'node:crypto';
import {existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

import {Document, NodeIO} from '@gltf-transform/core';
import sharp from 'sharp';

import {channelMeanModel, externalDataModel, nanDepthModel, vectorModel} from '../fixtures/onnx-builder.js';
import {pngHeaderOnly} from '../fixtures/png-header.js';
import {type CliResult, runCli} from '../helpers/cli.js';
import {repoRoot} from '../helpers/shared.js';

/** One bad input: the command line, the exit code, what the error line must name and say. */
interface BadInputCase {
	args: string[];
	code: 1 | 2;
	/** The file or flag the line must name, in the closing brackets. */
	subject: string;
	problem: RegExp;
}

/** A PFM header and `values` as little-endian float32 (rows bottom to top, as PFM stores them). */
function pfm(header: string, values: number[]): Buffer {
	return Buffer.concat([Buffer.from(header), Buffer.from(new Float32Array(values).buffer)]);
}

/** A .glb as another tool writes one: a mesh around the origin, no texture, no camera, no ldi-gltf extras. */
async function untexturedCubeGlb(): Promise<Uint8Array> {
	const document = new Document();
	const buffer = document.createBuffer();
	const corners = [-1, -1, -1, 1, -1, -1, -1, 1, -1, 1, 1, -1, -1, -1, 1, 1, -1, 1, -1, 1, 1, 1, 1, 1];
	const position = document.createAccessor().setType('VEC3').setArray(new Float32Array(corners)).setBuffer(buffer);
	const indices = document.createAccessor().setType('SCALAR').setArray(new Uint16Array([0, 1, 2, 2, 1, 3, 4, 6, 5, 5, 6, 7])).setBuffer(buffer);
	const mesh = document.createMesh('cube').addPrimitive(document.createPrimitive().setAttribute('POSITION', position).setIndices(indices));
	document.createScene().addChild(document.createNode('cube').setMesh(mesh));
	return new NodeIO().writeBinary(document);
}

/** A textured quad in front of the camera, as ldi-gltf writes a scene, whose `asset.extras.ldiGltf` is `ldiGltf` (edited by hand). */
async function quadGlbWithExtras(ldiGltf: Record<string, unknown>): Promise<Uint8Array> {
	const document = new Document();
	document.getRoot().getAsset().extras = {ldiGltf};
	const buffer = document.createBuffer();
	const position = document.createAccessor().setType('VEC3').setArray(new Float32Array([-1, -1, -2, 1, -1, -2, -1, 1, -2, 1, 1, -2])).setBuffer(buffer);
	const uv = document.createAccessor().setType('VEC2').setArray(new Float32Array([0, 1, 1, 1, 0, 0, 1, 0])).setBuffer(buffer);
	const indices = document.createAccessor().setType('SCALAR').setArray(new Uint16Array([0, 1, 2, 2, 1, 3])).setBuffer(buffer);
	const texture = document.createTexture('photo').setMimeType('image/png')
		.setImage(await sharp({create: {width: 32, height: 32, channels: 3, background: '#808080'}}).png().toBuffer());
	const primitive = document.createPrimitive().setAttribute('POSITION', position).setAttribute('TEXCOORD_0', uv).setIndices(indices)
		.setMaterial(document.createMaterial().setBaseColorTexture(texture));
	document.createScene().addChild(document.createNode('layer-0').setMesh(document.createMesh().addPrimitive(primitive)));
	return new NodeIO().writeBinary(document);
}

function digest(path: string): string {
	return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Runs `tasks` at most `limit` at a time (the machine has 2 cores shared by several jobs). */
async function limited<T>(tasks: Array<() => Promise<T>>, limit: number): Promise<T[]> {
	const results: T[] = new Array(tasks.length);
	let next = 0;
	await Promise.all(Array.from({length: limit}, async () => {
		while (next < tasks.length) {
			const index = next++;
			results[index] = await tasks[index]();
		}
	}));
	return results;
}

/**
 * The bad-input corpus of issue 14: flag values, mistyped commands, outputs that are inputs (also
 * through a symbolic or hard link), degenerate, truncated and corrupt photos, decompression bombs,
 * broken PFM and image depth maps, hostile ONNX files (external weights outside their folder, NaN
 * output), odd paths (link loops, overlong names), across build, depth, stereo, render and view
 * (odd but valid colour spaces, bit depths and EXIF orientations: odd-input.test.ts). Every case must give exactly one stderr line
 * `ldi-gltf: <problem> (<file or flag>)`, the exit code of its kind (2 usage, 1 input), no stack trace,
 * nothing in the output folder, and every input file byte-identical afterwards.
 */
describe('bad-input corpus (CLI, every command)', function () {
	this.timeout(600_000);
	let directory = '';
	const sample = join(repoRoot, 'assets', 'sample.jpg');
	const sampleDepth = join(repoRoot, 'assets', 'sample-depth.png');
	const out = ['--out-dir', 'out'];
	const depth = ['--depth', sampleDepth];

	const cases: Array<[name: string, testCase: BadInputCase]> = [
		// Flag values oclif parses (usage errors, exit 2), one line each.
		['--passes -1', {args: ['build', 'p.jpg', ...depth, '--passes', '-1'], code: 2, subject: '--passes', problem: /integer ≥ 0, got -1/}],
		['--max-size 0', {args: ['build', 'p.jpg', ...depth, '--max-size', '0'], code: 2, subject: '--max-size', problem: /≥ 16, got 0/}],
		['--texture-quality 0', {args: ['build', 'p.jpg', ...depth, '--texture-quality', '0'], code: 2, subject: '--texture-quality', problem: /≥ 1/}],
		['--jobs 0', {args: ['build', 'p.jpg', ...depth, '--jobs', '0'], code: 2, subject: '--jobs', problem: /≥ 1/}],
		['--max-texture-size 0', {args: ['build', 'p.jpg', ...depth, '--max-texture-size', '0'], code: 2, subject: '--max-texture-size', problem: /≥ 64/}],
		['--preset bogus', {args: ['build', 'p.jpg', ...depth, '--preset', 'bogus'], code: 2, subject: '--preset', problem: /"bogus" is not one of three/}],
		['render --frames 0', {args: ['render', 'p.jpg', ...depth, '--path', 'circle', '--frames', '0'], code: 2, subject: '--frames', problem: /≥ 1/}],
		['--near 0', {args: ['build', 'p.jpg', ...depth, '--near', '0'], code: 2, subject: '--near', problem: /positive number, got 0/}],
		['--near abc', {args: ['build', 'p.jpg', ...depth, '--near', 'abc'], code: 2, subject: '--near', problem: /positive number, got abc/}],
		['--fov 500', {args: ['stereo', 'p.jpg', ...depth, '--fov', '500'], code: 2, subject: '--fov', problem: /between 0 and 180/}],
		['--simplify-error -1', {args: ['build', 'p.jpg', ...depth, '--simplify-error', '-1'], code: 2, subject: '--simplify-error', problem: /≥ 0/}],
		['--far below --near', {args: ['build', 'p.jpg', ...depth, '--near', '2', '--far', '1'], code: 2, subject: '--far', problem: /larger than --near/}],
		['--inpainter bogus', {args: ['build', 'p.jpg', ...depth, '--inpainter', 'bogus'], code: 2, subject: '--inpainter', problem: /unknown inpainter/}],
		['--divergence 99', {args: ['stereo', 'p.jpg', ...depth, '--divergence', '99'], code: 2, subject: '--divergence', problem: /from 0 to 20/}],
		['--path bogus', {args: ['render', 'p.jpg', ...depth, '--path', 'bogus'], code: 2, subject: '--path', problem: /unknown camera path/}],
		['render without --path', {args: ['render', 'p.jpg', ...depth], code: 2, subject: '--path', problem: /missing required flag/}],
		['an unknown flag', {args: ['build', 'p.jpg', '--no-such-flag'], code: 2, subject: '--no-such-flag', problem: /unknown flag/}],
		['a flag without its value', {args: ['depth', 'p.jpg', '--out'], code: 2, subject: '--out', problem: /expects a value/}],
		['depth without a photo', {args: ['depth'], code: 2, subject: '<photo>', problem: /missing argument/}],
		['a mistyped command', {args: ['buidl', 'p.jpg'], code: 2, subject: 'buidl', problem: /unknown command; did you mean build/}],
		['-o for two photos', {args: ['build', 'p.jpg', 'q.jpg', ...depth, '-o', 'x.glb'], code: 2, subject: '-o', problem: /one output file/}],
		['stereo -o another extension', {args: ['stereo', 'p.jpg', ...depth, '-o', 'out/s.txt'], code: 2, subject: '-o out/s.txt', problem: /unsupported output format/}],
		['stereo --layout mpo -o a .png (a JPEG file under a PNG name)', {args: ['stereo', 'p.jpg', ...depth, '--layout', 'mpo', '-o', 'out/s.png'], code: 2, subject: '-o out/s.png', problem: /an MPO is written as \.mpo/}],
		['render -o another extension', {args: ['render', 'p.jpg', ...depth, '--path', 'circle', '-o', 'out/a.avi'], code: 2, subject: '-o out/a.avi', problem: /unsupported output/}],
		['--model-size 0x0', {args: ['depth', 'p.jpg', '--model', 'model.onnx', '--model-size', '0x0', ...out], code: 2, subject: '--model-size 0x0', problem: /WIDTHxHEIGHT \(256x256\), 1 to 4096 px/}],
		['--model-std 0 (pixels divided by it)', {args: ['build', 'p.jpg', '--model', 'model.onnx', '--model-std', '0', ...out, '--quiet'], code: 2, subject: '--model-std 0', problem: /standard deviations must be positive/}],
		['--model-mean of two numbers', {args: ['depth', 'p.jpg', '--model', 'model.onnx', '--model-mean', '1,2', ...out], code: 2, subject: '--model-mean 1,2', problem: /one or three comma-separated numbers/}],
		['--model onnx (a source name, not a model)', {args: ['depth', 'p.jpg', '--model', 'onnx', ...out], code: 2, subject: '--model onnx', problem: /registry model name or a \.onnx file/}],
		['--inpaint-model without --inpainter onnx (it was ignored)', {args: ['build', 'p.jpg', ...depth, '--inpaint-model', 'model.onnx', ...out, '--quiet'], code: 2, subject: '--inpaint-model', problem: /is for --inpainter onnx, not coherence/}],
		// An output that is an input (usage errors, exit 2; nothing written, the input unchanged).
		['depth -o the photo', {args: ['depth', 'p.png', ...depth, '-o', 'p.png'], code: 2, subject: 'p.png', problem: /overwrite the photo/}],
		['depth -o a symbolic link to the photo', {args: ['depth', 'p.png', ...depth, '-o', 'link.png'], code: 2, subject: 'link.png', problem: /overwrite the photo/}],
		['depth -o a hard link to the photo', {args: ['depth', 'p.png', ...depth, '-o', 'hard.png'], code: 2, subject: 'hard.png', problem: /overwrite the photo/}],
		['depth -o the model', {args: ['depth', 'p.png', '--model', 'model.onnx', '-o', 'model.onnx'], code: 2, subject: 'model.onnx', problem: /overwrite the depth model/}],
		['depth --preview over the photo', {args: ['depth', 'x.preview.png', ...depth, '-o', 'x.png', '--preview'], code: 2, subject: 'x.preview.png', problem: /overwrite the photo/}],
		['stereo -o the photo', {args: ['stereo', 'p.png', ...depth, '-o', 'p.png'], code: 2, subject: 'p.png', problem: /overwrite the photo/}],
		['stereo --layout separate onto the depth map', {args: ['stereo', 'p.png', '--depth', 'pair-L.png', '--layout', 'separate', '-o', 'pair.png'], code: 2, subject: 'pair-L.png', problem: /overwrite the depth map/}],
		['render -o the photo', {args: ['render', 'p.webp', ...depth, '--path', 'circle', '-o', 'p.webp'], code: 2, subject: 'p.webp', problem: /overwrite the photo/}],
		['render frames over the photo', {args: ['render', 'frames/frame-0001.png', ...depth, '--path', 'circle', '--frames', '3', '-o', 'frames/'], code: 2, subject: 'frame-0001.png', problem: /overwrite the photo/}],
		['view --export the scene', {args: ['view', 'scene.glb', '--export', 'scene.glb'], code: 2, subject: 'scene.glb', problem: /overwrite the scene/}],
		['view --export a hard link to the photo', {args: ['view', 'p.png', ...depth, '--export', 'hard.png'], code: 2, subject: 'hard.png', problem: /overwrite the photo/}],
		['view --export the depth map', {args: ['view', 'p.jpg', '--depth', 'd.png', '--export', 'd.png'], code: 2, subject: 'd.png', problem: /overwrite the depth map/}],
		['build -o the photo', {args: ['build', 'p.jpg', ...depth, '-o', 'p.jpg'], code: 2, subject: 'p.jpg', problem: /overwrite the photo/}],
		['build -o the depth map', {args: ['build', 'p.jpg', '--depth', 'd.png', '-o', 'd.png'], code: 2, subject: 'd.png', problem: /overwrite the depth map/}],
		['two photos, one output name', {args: ['build', 'p.jpg', 'sub/p.png', '--depth', '{dir}/d.png', ...out], code: 2, subject: 'p.glb', problem: /both p\.jpg and sub\/p\.png/}],
		// Photos that are not, or cannot be, a scene (input errors, exit 1).
		['a text file', {args: ['build', 'text.jpg', ...depth, ...out, '--quiet'], code: 1, subject: 'text.jpg', problem: /not an image/}],
		['a text file, offline, no depth map: the photo, not the model', {args: ['build', 'text.jpg', '--offline', ...out, '--quiet'], code: 1, subject: 'text.jpg', problem: /not an image/}],
		['view: a text file, offline, no depth map: the photo, not the model', {args: ['view', 'text.jpg', '--offline', '--export', 'out/v.html'], code: 1, subject: 'text.jpg', problem: /not an image/}],
		['an empty file', {args: ['stereo', 'empty.jpg', ...depth], code: 1, subject: 'empty.jpg', problem: /empty/}],
		['a truncated JPEG', {args: ['build', 'truncated.jpg', ...depth, ...out, '--quiet'], code: 1, subject: 'truncated.jpg', problem: /truncated|corrupt|premature/i}],
		['a PNG with corrupt data', {args: ['build', 'corrupt.png', ...depth, ...out, '--quiet'], code: 1, subject: 'corrupt.png', problem: /cannot decode image/}],
		['a truncated PNG', {args: ['depth', 'truncated.png', ...depth, ...out], code: 1, subject: 'truncated.png', problem: /cannot decode image/}],
		['a JPEG with a corrupt header', {args: ['stereo', 'bad-header.jpg', ...depth, '-o', 'out/s.png'], code: 1, subject: 'bad-header.jpg', problem: /cannot decode image|corrupt/}],
		['a JPEG of width 0', {args: ['depth', 'zero-width.jpg', ...depth, ...out], code: 1, subject: 'zero-width.jpg', problem: /cannot decode image|empty/i}],
		['a JPEG declaring 65500×65500 (a bomb)', {args: ['render', 'bomb.jpg', ...depth, '--path', 'circle', '-o', 'out/a.webp'], code: 1, subject: 'bomb.jpg', problem: /65500x65500 .*pixel limit/}],
		['a symbolic link loop', {args: ['depth', 'loop.jpg', ...depth, ...out], code: 1, subject: 'loop.jpg', problem: /too many symbolic links/}],
		['a photo name longer than the file system allows', {args: ['depth', `${'n'.repeat(300)}.jpg`, ...depth, ...out], code: 1, subject: 'nnnn.jpg', problem: /name too long/}],
		['an output name longer than the file system allows (-o)', {args: ['build', 'p.jpg', ...depth, '-o', `out/${'o'.repeat(252)}.glb`], code: 2, subject: 'ooo.glb', problem: /file name is 256 bytes long, more than the 255/}],
		['a stereo output name longer than the file system allows', {args: ['stereo', 'p.jpg', ...depth, '-o', `out/${'s'.repeat(250)}.png.png`], code: 2, subject: 'sss.png.png', problem: /file name is 258 bytes/}],
		['--debug-dir that is a file: refused before the scene is built or written', {args: ['build', 'p.jpg', ...depth, '-o', 'out/p.glb', '--debug-dir', 'text.jpg', '--quiet'], code: 1, subject: 'text.jpg', problem: /cannot write output here \(not a directory\)/}],
		['view --export onto a folder', {args: ['view', 'p.jpg', ...depth, '--export', 'page.html'], code: 2, subject: 'page.html', problem: /is a folder where a file is to be written/}],
		['build --format gltf whose .bin is a folder (the .gltf was written without it)', {args: ['build', 'p.jpg', ...depth, '--format', 'gltf', '-o', 'g.gltf', '--quiet'], code: 2, subject: 'g.bin', problem: /is a folder where a file is to be written/}],
		['stereo --layout separate whose -R file is a folder', {args: ['stereo', 'p.jpg', ...depth, '--layout', 'separate', '-o', 'out/pair.png'], code: 2, subject: 'pair-R.png', problem: /is a folder where a file is to be written/}],
		['--out-dir that is a file', {args: ['build', 'p.jpg', ...depth, '--out-dir', 'text.jpg', '--quiet'], code: 1, subject: 'text.jpg', problem: /not a directory/}],
		['a .glb that is not one (render)', {args: ['render', 'scene.glb', '--path', 'circle', '-o', 'out/a.webp'], code: 1, subject: 'scene.glb', problem: /not a glTF binary/}],
		['a .glb that is not one (stereo)', {args: ['stereo', 'scene.glb', '-o', 'out/s.png'], code: 1, subject: 'scene.glb', problem: /not a glTF binary/}],
		['another tool\'s .glb: an untextured cube around the origin (stereo)', {args: ['stereo', 'cube.glb', '-o', 'out/s.png'], code: 1, subject: 'cube.glb', problem: /not a scene written by ldi-gltf build/}],
		['another tool\'s .glb: an untextured cube around the origin (render)', {args: ['render', 'cube.glb', '--path', 'circle', '-o', 'out/a.webp'], code: 1, subject: 'cube.glb', problem: /not a scene written by ldi-gltf build/}],
		['a .glb whose stored image size is 0×0 (stereo)', {args: ['stereo', 'zero-size.glb', '-o', 'out/s.png'], code: 1, subject: 'zero-size.glb', problem: /image size 0x0, not 1 to 16384 px a side/}],
		['a .glb whose stored image size is 0×0 (render)', {args: ['render', 'zero-size.glb', '--path', 'circle', '-o', 'out/a.webp'], code: 1, subject: 'zero-size.glb', problem: /image size 0x0/}],
		['a .glb whose stored depth range is negative', {args: ['render', 'bad-depth-range.glb', '--path', 'circle', '-o', 'out/a.webp'], code: 1, subject: 'bad-depth-range.glb', problem: /depth range .*not 0 < near < far/}],
		['a folder', {args: ['render', 'folder.jpg', ...depth, '--path', 'circle', '-o', 'out/a.webp'], code: 1, subject: 'folder.jpg', problem: /directory/}],
		['a missing photo', {args: ['depth', 'missing.jpg', ...depth, ...out], code: 1, subject: 'missing.jpg', problem: /no such file/}],
		['a decompression bomb', {args: ['build', 'bomb.png', ...depth, ...out, '--quiet'], code: 1, subject: 'bomb.png', problem: /pixel limit/}],
		['a 1×1 photo', {args: ['build', 'one.png', ...depth, ...out, '--quiet'], code: 1, subject: 'one.png', problem: /smaller than 16 px/}],
		['a 2×1 photo', {args: ['stereo', 'two.png', ...depth, '-o', 'out/s.png'], code: 1, subject: 'two.png', problem: /smaller than 16 px/}],
		['a 1×4000 photo', {args: ['build', 'strip.png', ...depth, ...out, '--quiet'], code: 1, subject: 'strip.png', problem: /more elongated than 16:1/}],
		['a 20×400 photo', {args: ['render', 'thin.png', ...depth, '--path', 'circle', '-o', 'out/a.webp'], code: 1, subject: 'thin.png', problem: /more elongated than 16:1/}],
		['a working size beyond 16 384 px', {args: ['build', 'vast.png', ...depth, '--max-size', '20000', ...out, '--quiet'], code: 1, subject: 'vast.png', problem: /17000x1100 at --max-size 20000, larger than 16384 px/}],
		['a small working size', {args: ['build', 'p.jpg', ...depth, '--max-size', '16', ...out, '--quiet'], code: 1, subject: 'p.jpg', problem: /at --max-size 16/}],
		// Depth maps and models that are not (input errors, exit 1).
		['a PFM with a bad header', {args: ['build', 'p.jpg', '--depth', 'bad-header.pfm', ...out, '--quiet'], code: 1, subject: 'bad-header.pfm', problem: /PFM|depth map/}],
		['a PFM with short data', {args: ['build', 'p.jpg', '--depth', 'short.pfm', ...out, '--quiet'], code: 1, subject: 'short.pfm', problem: /PFM|depth map|short|truncated/i}],
		['a PFM of huge dimensions', {args: ['build', 'p.jpg', '--depth', 'huge.pfm', ...out, '--quiet'], code: 1, subject: 'huge.pfm', problem: /PFM|depth map|large|limit|short|truncated/i}],
		['a PFM of NaN only', {args: ['build', 'p.jpg', '--depth', 'nan.pfm', ...out, '--quiet'], code: 1, subject: 'nan.pfm', problem: /unknown|usable|NaN/i}],
		['a depth map of another aspect ratio', {args: ['build', 'p.jpg', '--depth', 'wide.png', ...out, '--quiet'], code: 1, subject: 'wide.png', problem: /depth map is 1280×640, the photo 640×480: another aspect ratio/}],
		['a depth map turned a quarter (stereo)', {args: ['stereo', 'p.jpg', '--depth', 'portrait.png', '-o', 'out/s.png'], code: 1, subject: 'portrait.png', problem: /depth map is 480×640, the photo 640×480/}],
		['--depth-fit bogus', {args: ['depth', 'p.jpg', ...depth, '--depth-fit', 'bogus', ...out], code: 2, subject: '--depth-fit', problem: /"bogus" is not one of error, stretch, crop/}],
		['a PFM of width 0', {args: ['depth', 'p.jpg', '--depth', 'zero.pfm', ...out], code: 1, subject: 'zero.pfm', problem: /bad PFM size "0 2"/}],
		['a PFM with a scale that is no number', {args: ['build', 'p.jpg', '--depth', 'scale.pfm', ...out, '--quiet'], code: 1, subject: 'scale.pfm', problem: /bad PFM scale "abc"/}],
		['a PFM of infinities only', {args: ['stereo', 'p.jpg', '--depth', 'inf.pfm', '-o', 'out/s.png'], code: 1, subject: 'inf.pfm', problem: /no known values/}],
		['a decompression bomb as depth map', {args: ['build', 'p.jpg', '--depth', 'bomb.png', ...out, '--quiet'], code: 1, subject: 'bomb.png', problem: /pixel limit/}],
		['a text file as depth map', {args: ['depth', 'p.jpg', '--depth', 'text.jpg', ...out], code: 1, subject: 'text.jpg', problem: /depth map|not an image/}],
		['random bytes as ONNX (build)', {args: ['build', 'p.jpg', '--model', 'random.onnx', ...out, '--quiet'], code: 1, subject: 'random.onnx', problem: /not a valid ONNX model/}],
		['a truncated ONNX file', {args: ['build', 'p.jpg', '--model', 'truncated.onnx', ...out, '--quiet'], code: 1, subject: 'truncated.onnx', problem: /not a valid ONNX model/}],
		['an ONNX model with the wrong input', {args: ['build', 'p.jpg', '--model', 'vector.onnx', ...out, '--quiet'], code: 1, subject: 'vector.onnx', problem: /not an image tensor/}],
		['an empty ONNX file', {args: ['depth', 'p.jpg', '--model', 'empty.onnx', ...out], code: 1, subject: 'empty.onnx', problem: /not a valid ONNX model \(empty file\)/}],
		['an ONNX model whose weights are /etc/passwd', {args: ['depth', 'p.jpg', '--model', 'absolute-weights.onnx', ...out], code: 1, subject: 'absolute-weights.onnx', problem: /not a valid ONNX model .*[Aa]bsolute path not allowed/}],
		['an ONNX model whose weights lie outside its folder', {args: ['build', 'p.jpg', '--model', 'escaping-weights.onnx', ...out, '--quiet'], code: 1, subject: 'escaping-weights.onnx', problem: /not a valid ONNX model .*escapes model directory/}],
		['an ONNX model declaring a 4 GB tensor', {args: ['depth', 'p.jpg', '--model', 'huge-weights.onnx', ...out], code: 1, subject: 'huge-weights.onnx', problem: /not a valid ONNX model .*out of bounds/}],
		['an ONNX model that outputs NaN', {args: ['render', 'p.jpg', '--model', 'nan.onnx', '--path', 'circle', '-o', 'out/a.webp'], code: 1, subject: 'nan.onnx', problem: /non-finite values/}],
		['a missing ONNX file (stereo)', {args: ['stereo', 'p.jpg', '--model', 'missing.onnx', '-o', 'out/s.png'], code: 1, subject: 'missing.onnx', problem: /no such file/}],
	];

	let inputDigests = new Map<string, string>();
	let results: CliResult[] = [];

	before(async function () {
		directory = mkdtempSync(join(tmpdir(), 'ldi-gltf-corpus-'));
		const file = (name: string, data: string | Uint8Array): void => writeFileSync(join(directory, name), data);
		const photo = readFileSync(sample);
		file('p.jpg', photo);
		file('p.png', await sharp(photo).resize(64).png().toBuffer());
		file('p.webp', await sharp(photo).resize(64).webp().toBuffer());
		file('q.jpg', photo);
		file('x.preview.png', await sharp(photo).resize(64).png().toBuffer());
		file('d.png', readFileSync(sampleDepth));
		file('pair-L.png', readFileSync(sampleDepth));
		mkdirSync(join(directory, 'sub'));
		writeFileSync(join(directory, 'sub', 'p.png'), await sharp(photo).resize(64).png().toBuffer());
		writeFileSync(join(directory, 'sub', 'd.png'), readFileSync(sampleDepth));
		mkdirSync(join(directory, 'frames'));
		writeFileSync(join(directory, 'frames', 'frame-0001.png'), await sharp(photo).resize(64).png().toBuffer());
		symlinkSync('p.png', join(directory, 'link.png'));
		linkSync(join(directory, 'p.png'), join(directory, 'hard.png'));
		file('model.onnx', channelMeanModel(true));
		file('text.jpg', 'Dear diary, this is not a photo.\n');
		file('empty.jpg', '');
		file('truncated.jpg', photo.subarray(0, Math.floor(photo.length / 2)));
		mkdirSync(join(directory, 'folder.jpg'));
		for (const folder of ['page.html', 'g.bin', 'out/pair-R.png']) mkdirSync(join(directory, folder), {recursive: true});
		file('bomb.png', pngHeaderOnly(30_000, 30_000));
		const png = await sharp(photo).resize(64).png().toBuffer();
		// Bytes of the compressed pixel data scrambled (the header stays valid), and a PNG cut at 60 %.
		file('corrupt.png', png.map((value, index) => (index >= 200 && index < 260 ? value ^ 0x5a : value)));
		file('truncated.png', png.subarray(0, Math.floor(png.length * 0.6)));
		const startOfFrame = photo.findIndex((value, index) => value === 0xff && (photo[index + 1] === 0xc0 || photo[index + 1] === 0xc2) && index > 1);
		const withFrame = (edit: (jpeg: Buffer) => void): Buffer => {
			const jpeg = Buffer.from(photo);
			edit(jpeg);
			return jpeg;
		};
		file('bad-header.jpg', withFrame((jpeg) => jpeg.set([0x24, 0, 0, 0], 3)));
		file('zero-width.jpg', withFrame((jpeg) => jpeg.writeUInt16BE(0, startOfFrame + 7)));
		file('bomb.jpg', withFrame((jpeg) => {
			jpeg.writeUInt16BE(65_500, startOfFrame + 5);
			jpeg.writeUInt16BE(65_500, startOfFrame + 7);
		}));
		symlinkSync('loop.jpg', join(directory, 'loop.jpg'));
		file('scene.glb', 'glTF, or so it says: not a scene at all');
		file('cube.glb', await untexturedCubeGlb());
		file('zero-size.glb', await quadGlbWithExtras({imageWidth: 0, imageHeight: 0}));
		file('bad-depth-range.glb', await quadGlbWithExtras({depthRange: {nearMeters: -1, farMeters: 0}}));
		const solid = (width: number, height: number) => sharp({create: {width, height, channels: 3, background: '#808080'}}).png().toBuffer();
		file('one.png', await solid(1, 1));
		file('two.png', await solid(2, 1));
		file('strip.png', await solid(1, 4000));
		file('thin.png', await solid(20, 400));
		file('vast.png', await solid(17_000, 1100));
		file('bad-header.pfm', pfm('PX\n2 2\n-1.0\n', [1, 2, 3, 4]));
		file('short.pfm', pfm('Pf\n64 64\n-1.0\n', [1, 2, 3]));
		file('huge.pfm', pfm('Pf\n100000 100000\n-1.0\n', [1, 2, 3, 4]));
		file('wide.png', await sharp(readFileSync(sampleDepth)).resize(1280, 640, {fit: 'fill'}).png().toBuffer());
		file('portrait.png', await sharp(readFileSync(sampleDepth)).rotate(90).png().toBuffer());
		file('zero.pfm', pfm('Pf\n0 2\n-1.0\n', [1, 2, 3, 4]));
		file('scale.pfm', pfm('Pf\n2 2\nabc\n', [1, 2, 3, 4]));
		file('inf.pfm', pfm('Pf\n2 2\n-1.0\n', [Infinity, -Infinity, Infinity, Infinity]));
		file('nan.pfm', pfm('Pf\n2 2\n-1.0\n', [Number.NaN, Number.NaN, Number.NaN, Number.NaN]));
		const randomBytes = new Uint8Array(4096).map((_, index) => (index * 7919 + 13) % 251);
		file('random.onnx', randomBytes);
		const model = channelMeanModel(true);
		file('truncated.onnx', model.subarray(0, Math.floor(model.length / 2)));
		file('vector.onnx', vectorModel());
		file('empty.onnx', '');
		file('absolute-weights.onnx', externalDataModel('/etc/passwd'));
		file('escaping-weights.onnx', externalDataModel('../../../../../../../../etc/passwd'));
		file('weights.bin', new Uint8Array(64));
		file('huge-weights.onnx', externalDataModel('weights.bin', [1 << 30]));
		file('nan.onnx', nanDepthModel());
		inputDigests = new Map(['p.jpg', 'p.png', 'p.webp', 'd.png', 'pair-L.png', 'model.onnx', 'frames/frame-0001.png', 'scene.glb', 'text.jpg']
			.map((name) => [name, digest(join(directory, name))]));
		results = await limited(cases.map(([, testCase]) => () => runCli(testCase.args, {cwd: directory})), 4);
	});
	after(() => rmSync(directory, {recursive: true, force: true}));

	it('holds at least 40 cases across build, depth, stereo, render and view', () => {
		assert.ok(cases.length >= 40, `${cases.length} cases`);
		for (const command of ['build', 'depth', 'stereo', 'render', 'view']) assert.ok(cases.some(([, {args}]) => args[0] === command), command);
	});

	cases.forEach(([name, testCase], index) => {
		it(`${testCase.args[0]}: ${name}`, () => {
			const result = results[index];
			assert.equal(result.code, testCase.code, `exit code; stderr:\n${result.stderr}`);
			const lines = result.stderr.trim().split('\n');
			assert.equal(lines.length, 1, `one line on stderr, got:\n${result.stderr}`);
			assert.match(lines[0], /^ldi-gltf: .+ \(.+\)$/, 'ldi-gltf: <problem> (<file or flag>)');
			assert.ok(lines[0].slice(lines[0].lastIndexOf(' (')).includes(testCase.subject), `names ${testCase.subject}: ${lines[0]}`);
			assert.match(lines[0], testCase.problem);
			assert.ok(!/internal error|\n\s+at /.test(result.stderr), 'no internal error, no stack trace');
			assert.equal(result.stdout, '', 'nothing on stdout');
		});
	});

	it('left nothing in the output folder, no temporary file, and every input as it was', () => {
		const outDir = join(directory, 'out');
		assert.deepEqual(existsSync(outDir) ? readdirSync(outDir) : [], ['pair-R.png']);
		assert.ok(!existsSync(join(directory, 'g.gltf')), 'no .gltf without its .bin');
		assert.deepEqual(readdirSync(directory).filter((name) => name.endsWith('.tmp')), []);
		for (const [name, hash] of inputDigests) assert.equal(digest(join(directory, name)), hash, `${name} unchanged`);
		assert.deepEqual(readdirSync(join(directory, 'frames')), ['frame-0001.png']);
	});

	it('--json gives the one error shape {"error": {"message", "code"}}', async () => {
		const result = await runCli(['build', 'p.jpg', '--json', '--near', 'abc'], {cwd: directory});
		assert.equal(result.code, 2);
		assert.deepEqual(JSON.parse(result.stdout), {error: {message: 'expected a positive number, got abc (--near)', code: 2}});
		const perPhoto = await runCli(['build', 'text.jpg', '--json', ...depth, ...out], {cwd: directory});
		assert.equal(perPhoto.code, 1);
		const [record] = JSON.parse(perPhoto.stdout) as Array<{error: {message: string; code: number}}>;
		assert.deepEqual(Object.keys(record.error).sort(), ['code', 'message']);
		assert.match(record.error.message, /^not an image .*\(text\.jpg\)$/);
		assert.equal(record.error.code, 1);
	});
});
