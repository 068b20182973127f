/**
 * The viewer page: draws a scene written by `ldi-gltf build` from its own camera, follows the pointer,
 * touch or device tilt within the scene's comfort range, plays its stored camera path, shows its layers
 * one by one, its wireframe or its depth, and takes another `.glb` by drag and drop or the Open button.
 *
 * The page's HTML (src/viewer/page-html.ts) holds either the scene itself, base64 in
 * `<script id="ldi-scene" type="application/octet-stream">` (the exported, self-contained page), or its
 * URL in `data-src` of that element (the `ldi-gltf view` server). When the first frame has been drawn the
 * page sets `window.ldiViewerReady = true`; `window.ldiViewer` reports its state to tests and pipelines.
 */
import {ColorManagement, NoToneMapping, SRGBColorSpace, WebGLRenderer} from 'three';

import type {ViewMotion} from './comfort-range.js';
import {EasedInput} from './eased-input.js';
import {SceneView} from './scene-view.js';
import type {ViewerStatus} from './viewer-api.js';

/** Degrees of device tilt that span the whole comfort range from the rest position. */
const TILT_FULL_RANGE_DEGREES = 15;
/** Wheel delta (pixels) that moves the camera through the whole forward range. */
const WHEEL_FULL_RANGE_PIXELS = 600;

function element<T extends HTMLElement>(id: string): T {
	const found = document.getElementById(id);
	if (!found) throw new Error(`the page has no #${id}`);
	return found as T;
}

/** The scene bytes the page carries: base64 inline, or a URL next to the page. */
async function embeddedScene(): Promise<{bytes: ArrayBuffer; name: string}> {
	const holder = element<HTMLScriptElement>('ldi-scene');
	const name = holder.dataset.name ?? 'scene.glb';
	const source = holder.dataset.src;
	if (source) {
		const response = await fetch(source);
		if (!response.ok) throw new Error(`${source}: HTTP ${response.status}`);
		return {bytes: await response.arrayBuffer(), name};
	}
	const binary = atob((holder.textContent ?? '').replace(/\s+/g, ''));
	const bytes = new Uint8Array(binary.length);
	for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
	return {bytes: bytes.buffer, name};
}

class Viewer {
	private readonly renderer: WebGLRenderer;
	private readonly canvas: HTMLCanvasElement;
	private readonly input = new EasedInput();
	private view: SceneView | undefined;
	private sceneName = '';
	private error = '';
	private frames = 0;
	private playing = false;
	private motion: ViewMotion = 'parallax';
	private pathSeconds = 0;
	private lastFrameMs: number | undefined;
	private frameRequested = false;
	private tiltReference: {beta: number; gamma: number} | undefined;

	constructor() {
		this.canvas = element<HTMLCanvasElement>('ldi-canvas');
		ColorManagement.enabled = true;
		this.renderer = new WebGLRenderer({canvas: this.canvas, antialias: false, alpha: true});
		this.renderer.outputColorSpace = SRGBColorSpace;
		this.renderer.toneMapping = NoToneMapping;
		// Cleared to transparent: where nothing is drawn the page shows through (tests count those pixels).
		this.renderer.setClearColor(0x000000, 0);
		this.listen();
	}

	async show(bytes: ArrayBuffer, name: string): Promise<void> {
		const view = await SceneView.load(bytes);
		this.view?.dispose();
		this.view = view;
		this.sceneName = name;
		this.error = '';
		this.playing = false;
		this.pathSeconds = 0;
		this.input.jumpTo({x: 0, y: 0, z: 0});
		document.title = `${name} — ldi-gltf`;
		this.updateButtons();
		this.resize();
		this.requestFrame();
	}

	showError(message: string): void {
		this.error = message;
		const box = element('ldi-message');
		box.textContent = message;
		box.hidden = false;
	}

	status(): ViewerStatus {
		const view = this.view;
		const modes = view?.displayModes ?? {soloLayer: -1, wireframe: false, depthView: false};
		return {
			frames: this.frames,
			settled: this.input.settled && !this.playing,
			motion: this.motion,
			playing: this.playing,
			pathSeconds: this.pathSeconds,
			pathDurationSeconds: view?.cameraPathSeconds ?? 0,
			layers: view?.layerIndices ?? [],
			...modes,
			comfortRange: view?.comfortRange ?? {lateralMeters: 0, verticalMeters: 0, forwardMeters: 0, orbitDegrees: 0, orbitPivotMeters: 1},
			comfortRangeSource: view?.comfortRangeSource ?? 'camera',
			sceneName: this.sceneName,
			error: this.error,
		};
	}

	/** The current view as a PNG data URL (drawn again first: the drawing buffer is not preserved). */
	snapshot(): string {
		this.draw();
		return this.canvas.toDataURL('image/png');
	}

	private requestFrame(): void {
		if (this.frameRequested) return;
		this.frameRequested = true;
		requestAnimationFrame((nowMs) => this.frame(nowMs));
	}

	private frame(nowMs: number): void {
		this.frameRequested = false;
		const seconds = this.lastFrameMs === undefined ? 0 : Math.min(0.1, (nowMs - this.lastFrameMs) / 1000);
		this.lastFrameMs = nowMs;
		if (this.playing) this.pathSeconds += seconds;
		else this.input.step(seconds);
		this.draw();
		if (this.frames === 1) {
			// Set on the frame after the first draw: by then it has been presented.
			requestAnimationFrame(() => {
				window.ldiViewerReady = true;
				window.dispatchEvent(new Event('ldiviewerready'));
			});
		}
		if (this.playing || !this.input.settled) this.requestFrame();
		else this.lastFrameMs = undefined;
	}

	private draw(): void {
		const view = this.view;
		if (!view) return;
		if (this.playing) view.applyCameraPath(this.pathSeconds);
		else view.applyInput(this.input.current, this.motion);
		this.renderer.render(view.scene, view.camera);
		this.frames++;
	}

	/** Fits the canvas to the window with the photo's aspect ratio, so at rest it shows exactly the photo. */
	private resize(): void {
		const aspect = this.view?.aspectRatio ?? 4 / 3;
		const width = Math.min(window.innerWidth, window.innerHeight * aspect);
		const height = width / aspect;
		this.renderer.setPixelRatio(Math.min(window.devicePixelRatio || 1, 2));
		this.renderer.setSize(Math.round(width), Math.round(height));
		this.requestFrame();
	}

	private setTarget(target: {x?: number; y?: number; z?: number}): void {
		if (this.playing) return;
		this.input.setTarget(target);
		this.requestFrame();
	}

	private listen(): void {
		window.addEventListener('resize', () => this.resize());
		// Mouse: the pointer's place over the picture; touch: while a finger is down.
		const fromPointer = (event: PointerEvent): void => {
			const rect = this.canvas.getBoundingClientRect();
			this.setTarget({
				x: ((event.clientX - rect.left) / rect.width) * 2 - 1,
				y: 1 - ((event.clientY - rect.top) / rect.height) * 2,
			});
		};
		window.addEventListener('pointermove', (event) => {
			if (event.pointerType === 'mouse' || event.buttons !== 0) fromPointer(event);
		});
		this.canvas.addEventListener('pointerdown', (event) => fromPointer(event));
		const toRest = (): void => this.setTarget({x: 0, y: 0});
		// A pointer out of the page (no element to go to), a lifted finger or a lost window: back to rest.
		window.addEventListener('pointerout', (event) => {
			if (event.relatedTarget === null) toRest();
		});
		window.addEventListener('pointerup', (event) => {
			if (event.pointerType !== 'mouse') toRest();
		});
		window.addEventListener('pointercancel', toRest);
		window.addEventListener('blur', toRest);
		window.addEventListener('wheel', (event) => {
			event.preventDefault();
			this.setTarget({z: this.input.goal.z - event.deltaY / WHEEL_FULL_RANGE_PIXELS});
		}, {passive: false});
		window.addEventListener('deviceorientation', (event) => this.onTilt(event));
		window.addEventListener('keydown', (event) => this.onKey(event));
		window.addEventListener('dragover', (event) => {
			event.preventDefault();
			if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
		});
		window.addEventListener('drop', (event) => {
			event.preventDefault();
			const file = event.dataTransfer?.files[0];
			if (file) void this.open(file);
		});
		element('ldi-play').addEventListener('click', () => this.togglePath());
		element('ldi-layers').addEventListener('click', () => this.nextLayer(1));
		element('ldi-wireframe').addEventListener('click', () => this.toggleMode('wireframe'));
		element('ldi-depth').addEventListener('click', () => this.toggleMode('depthView'));
		element('ldi-orbit').addEventListener('click', () => this.toggleOrbit());
		element('ldi-reset').addEventListener('click', () => this.reset());
		const picker = element<HTMLInputElement>('ldi-file');
		element('ldi-open').addEventListener('click', () => picker.click());
		picker.addEventListener('change', () => {
			const file = picker.files?.[0];
			if (file) void this.open(file);
			picker.value = '';
		});
		const tilt = element<HTMLButtonElement>('ldi-tilt');
		const orientation = (window as {DeviceOrientationEvent?: {requestPermission?: () => Promise<string>}}).DeviceOrientationEvent;
		// Phones that ask for permission (iOS, from a tap) get a button; elsewhere tilt events simply arrive
		// on devices that have a gyroscope. Desktop Chromium has requestPermission too, but nothing to tilt.
		tilt.hidden = typeof orientation?.requestPermission !== 'function' || navigator.maxTouchPoints === 0;
		tilt.addEventListener('click', () => {
			void orientation?.requestPermission?.().then((answer) => {
				if (answer === 'granted') this.tiltReference = undefined;
			});
		});
	}

	private onTilt(event: DeviceOrientationEvent): void {
		if (event.beta === null || event.gamma === null) return;
		// Tilt relative to how the phone was held when the first reading came, turned to the screen's axes.
		this.tiltReference ??= {beta: event.beta, gamma: event.gamma};
		const right = (event.gamma - this.tiltReference.gamma) / TILT_FULL_RANGE_DEGREES;
		const forward = (event.beta - this.tiltReference.beta) / TILT_FULL_RANGE_DEGREES;
		const angle = ((screen.orientation?.angle ?? 0) * Math.PI) / 180;
		this.setTarget({
			x: right * Math.cos(angle) + forward * Math.sin(angle),
			y: forward * Math.cos(angle) - right * Math.sin(angle),
		});
	}

	private onKey(event: KeyboardEvent): void {
		if (event.ctrlKey || event.metaKey || event.altKey) return;
		// Space and Enter on a focused button press that button (the browser does it); no second action.
		if (event.target instanceof HTMLButtonElement && (event.key === ' ' || event.key === 'Enter')) return;
		switch (event.key.toLowerCase()) {
			case ' ':
			case 'p': this.togglePath(); break;
			case 'l': this.nextLayer(event.shiftKey ? -1 : 1); break;
			case 'w': this.toggleMode('wireframe'); break;
			case 'd': this.toggleMode('depthView'); break;
			case 'o': this.toggleOrbit(); break;
			case 'r':
			case 'escape': this.reset(); break;
			default: return;
		}
		event.preventDefault();
	}

	private async open(file: File): Promise<void> {
		try {
			await this.show(await file.arrayBuffer(), file.name);
			element('ldi-message').hidden = true;
		} catch (error) {
			this.showError(`${file.name}: ${error instanceof Error ? error.message : String(error)}`);
		}
	}

	private togglePath(): void {
		if (!this.view?.hasCameraPath) return;
		this.playing = !this.playing;
		this.pathSeconds = 0;
		this.input.jumpTo({x: 0, y: 0, z: 0});
		this.updateButtons();
		this.requestFrame();
	}

	private nextLayer(step: number): void {
		const view = this.view;
		if (!view) return;
		// All layers, then each alone: -1, k0, k1, …, back to -1.
		const order = [-1, ...view.layerIndices];
		const position = order.indexOf(view.displayModes.soloLayer);
		view.setDisplayModes({soloLayer: order[(position + step + order.length) % order.length]});
		this.updateButtons();
		this.requestFrame();
	}

	private toggleMode(mode: 'wireframe' | 'depthView'): void {
		const view = this.view;
		if (!view) return;
		view.setDisplayModes({[mode]: !view.displayModes[mode]});
		this.updateButtons();
		this.requestFrame();
	}

	private toggleOrbit(): void {
		this.motion = this.motion === 'orbit' ? 'parallax' : 'orbit';
		this.updateButtons();
		this.requestFrame();
	}

	private reset(): void {
		this.playing = false;
		this.motion = 'parallax';
		this.pathSeconds = 0;
		this.view?.setDisplayModes({soloLayer: -1, wireframe: false, depthView: false});
		this.input.jumpTo({x: 0, y: 0, z: 0});
		this.updateButtons();
		this.requestFrame();
	}

	private updateButtons(): void {
		const view = this.view;
		const modes = view?.displayModes;
		const play = element<HTMLButtonElement>('ldi-play');
		play.disabled = !view?.hasCameraPath;
		play.textContent = this.playing ? '■ Stop path' : '▶ Path';
		play.title = view?.hasCameraPath ? 'Play the stored camera path (Space)' : 'This scene stores no camera path (build --camera-path NAME)';
		element('ldi-layers').textContent = `Layers: ${modes === undefined || modes.soloLayer < 0 ? 'all' : modes.soloLayer}`;
		element('ldi-wireframe').setAttribute('aria-pressed', String(modes?.wireframe ?? false));
		element('ldi-depth').setAttribute('aria-pressed', String(modes?.depthView ?? false));
		element('ldi-orbit').setAttribute('aria-pressed', String(this.motion === 'orbit'));
	}
}

async function start(): Promise<void> {
	const viewer = new Viewer();
	window.ldiViewer = {status: () => viewer.status(), snapshot: () => viewer.snapshot()};
	try {
		const {bytes, name} = await embeddedScene();
		await viewer.show(bytes, name);
	} catch (error) {
		viewer.showError(`cannot show the scene: ${error instanceof Error ? error.message : String(error)}`);
	}
}

void start();
