/**
 * One loaded scene in three.js: the photo's camera and its rest pose, the layers, the stored camera
 * path and the display modes (one layer at a time, wireframe, depth view).
 */
import {
	AnimationMixer, LoopRepeat, type AnimationClip, type Material, type Mesh, type Group, type Object3D, PerspectiveCamera, Quaternion,
	ShaderMaterial, Vector3, MathUtils,
} from 'three';
import {GLTFLoader} from 'three/examples/jsm/loaders/GLTFLoader.js';
import {MeshoptDecoder} from 'three/examples/jsm/libs/meshopt_decoder.module.js';

import {comfortRangeFromExtras, poseForInput, type ComfortRange, type ComfortRangeSource, type ViewInput, type ViewMotion} from './comfort-range.js';

/** A layer of the scene: `layer-<index>` nodes (or their `layerIndex` extras, which survive gltfpack). */
interface Layer {
	index: number;
	object: Object3D;
}

/** Display modes the viewer toggles. */
export interface DisplayModes {
	/** -1: every layer; k: only layer k. */
	soloLayer: number;
	wireframe: boolean;
	depthView: boolean;
}

const LAYER_NAME = /^layer-(\d+)$/;

/** Disparity as grey (bright = near), like `ldi-gltf depth`'s PNG: 1/z mapped from the far to the near depth. */
function createDepthMaterial(nearMeters: number, farMeters: number): ShaderMaterial {
	return new ShaderMaterial({
		uniforms: {inverseNear: {value: 1 / nearMeters}, inverseFar: {value: 1 / farMeters}},
		vertexShader: `
varying float viewDepth;
void main() {
	vec4 viewPosition = modelViewMatrix * vec4(position, 1.0);
	viewDepth = -viewPosition.z;
	gl_Position = projectionMatrix * viewPosition;
}`,
		fragmentShader: `
uniform float inverseNear;
uniform float inverseFar;
varying float viewDepth;
void main() {
	float disparity = clamp((1.0 / viewDepth - inverseFar) / (inverseNear - inverseFar), 0.0, 1.0);
	gl_FragColor = vec4(vec3(disparity), 1.0);
}`,
	});
}

/** Linear interpolation of a per-key track at `time` (clamped at both ends). */
function interpolateTrack(times: ArrayLike<number>, values: readonly number[], time: number): number {
	if (time <= times[0]) return values[0];
	for (let i = 1; i < times.length; i++) {
		if (time <= times[i]) {
			const weight = (time - times[i - 1]) / (times[i] - times[i - 1]);
			return values[i - 1] + weight * (values[i] - values[i - 1]);
		}
	}
	return values[values.length - 1];
}

/**
 * A parsed `.glb` ready to draw from its own camera.
 *
 * ```ts
 * const view = await SceneView.load(glbBytes);
 * view.applyInput({x: 0.5, y: 0, z: 0}, 'parallax');
 * renderer.render(view.scene, view.camera);
 * ```
 */
export class SceneView {
	readonly camera: PerspectiveCamera;
	readonly comfortRange: ComfortRange;
	readonly comfortRangeSource: ComfortRangeSource;
	/** Width / height of the photo. */
	readonly aspectRatio: number;
	readonly layerIndices: number[];
	private readonly restPosition: Vector3;
	private readonly restQuaternion: Quaternion;
	private readonly restFovDegrees: number;
	private readonly layers: Layer[];
	private readonly meshes: Mesh[] = [];
	private readonly photoMaterials = new Map<Mesh, Material | Material[]>();
	private readonly depthMaterial: ShaderMaterial;
	private readonly mixer: AnimationMixer | undefined;
	private readonly clip: AnimationClip | undefined;
	private modes: DisplayModes = {soloLayer: -1, wireframe: false, depthView: false};

	private constructor(readonly scene: Group, camera: PerspectiveCamera, clip: AnimationClip | undefined, ldiGltf: unknown, aspectRatioDeclared: boolean) {
		this.camera = camera;
		// glTF's aspectRatio is optional (three.js then assumes 1); ldi-gltf also records the photo's size.
		const {imageWidth, imageHeight} = (ldiGltf ?? {}) as {imageWidth?: unknown; imageHeight?: unknown};
		if (!aspectRatioDeclared && typeof imageWidth === 'number' && typeof imageHeight === 'number' && imageWidth > 0 && imageHeight > 0) {
			camera.aspect = imageWidth / imageHeight;
			camera.updateProjectionMatrix();
		}
		this.aspectRatio = camera.aspect;
		this.restPosition = camera.position.clone();
		this.restQuaternion = camera.quaternion.clone();
		this.restFovDegrees = camera.fov;
		const {range, source} = comfortRangeFromExtras(ldiGltf, {nearMeters: camera.near, farMeters: camera.far});
		this.comfortRange = range;
		this.comfortRangeSource = source;
		const depthRange = (ldiGltf as {depthRange?: {nearMeters: number; farMeters: number}} | undefined)?.depthRange;
		this.depthMaterial = createDepthMaterial(depthRange?.nearMeters ?? camera.near, depthRange?.farMeters ?? camera.far);

		const layers: Layer[] = [];
		let unnamed = 0;
		for (const child of scene.children) {
			if (child === camera) continue;
			const fromExtras = (child.userData as {layerIndex?: unknown}).layerIndex;
			const match = LAYER_NAME.exec(child.name);
			const index = typeof fromExtras === 'number' ? fromExtras : match ? Number(match[1]) : 1000 + unnamed++;
			layers.push({index, object: child});
			child.traverse((object) => {
				if ((object as Mesh).isMesh) {
					this.meshes.push(object as Mesh);
					this.photoMaterials.set(object as Mesh, (object as Mesh).material);
				}
			});
		}
		layers.sort((a, b) => a.index - b.index);
		this.layers = layers;
		this.layerIndices = layers.map((layer) => layer.index);
		this.clip = clip;
		if (clip) {
			this.mixer = new AnimationMixer(scene);
			this.mixer.clipAction(clip).setLoop(LoopRepeat, Infinity).play();
		}
	}

	/**
	 * Parses a `.glb` (meshopt-compressed or not). Rejects when it is not a glTF or has no camera.
	 *
	 * ```ts
	 * const view = await SceneView.load(await file.arrayBuffer());
	 * ```
	 */
	static async load(glb: ArrayBuffer): Promise<SceneView> {
		const loader = new GLTFLoader();
		loader.setMeshoptDecoder(MeshoptDecoder);
		const gltf = await loader.parseAsync(glb, '');
		const camera = gltf.cameras.find((candidate): candidate is PerspectiveCamera => (candidate as PerspectiveCamera).isPerspectiveCamera);
		if (!camera) throw new Error('the scene has no perspective camera (is it a file written by ldi-gltf build?)');
		// gltf.cameras follows the file's cameras array.
		const definitions = (gltf.parser.json as {cameras?: Array<{perspective?: {aspectRatio?: number}}>}).cameras ?? [];
		const aspectRatioDeclared = definitions[gltf.cameras.indexOf(camera)]?.perspective?.aspectRatio !== undefined;
		gltf.scene.updateMatrixWorld(true);
		const asset = gltf.asset as {extras?: {ldiGltf?: unknown}};
		return new SceneView(gltf.scene, camera, gltf.animations[0], asset.extras?.ldiGltf, aspectRatioDeclared);
	}

	/** Whether the file stores a camera path. */
	get hasCameraPath(): boolean {
		return this.clip !== undefined;
	}

	/** Duration of the stored camera path, seconds (0 without one). */
	get cameraPathSeconds(): number {
		return this.clip?.duration ?? 0;
	}

	/** Places the camera at the photo's view moved by `input` within the comfort range. */
	applyInput(input: ViewInput, motion: ViewMotion): void {
		const pose = poseForInput(this.comfortRange, input, motion);
		this.camera.position.set(...pose.position).applyQuaternion(this.restQuaternion).add(this.restPosition);
		this.camera.quaternion.copy(this.restQuaternion).multiply(new Quaternion(...pose.quaternion));
		this.setFov(this.restFovDegrees);
	}

	/** Poses the camera at `seconds` into the stored camera path (looping), applying its FOV track if any. */
	applyCameraPath(seconds: number): void {
		if (!this.mixer || !this.clip) return;
		this.mixer.setTime(seconds % this.clip.duration || 0);
		const fovTrack = (this.clip.userData as {cameraYfovRadians?: unknown}).cameraYfovRadians;
		const times = this.clip.tracks[0]?.times;
		if (Array.isArray(fovTrack) && times && fovTrack.length === times.length) {
			this.setFov(MathUtils.radToDeg(interpolateTrack(times, fovTrack as number[], seconds % this.clip.duration)));
		} else {
			this.setFov(this.restFovDegrees);
		}
	}

	get displayModes(): DisplayModes {
		return {...this.modes};
	}

	/** Shows one layer or all, wireframe or not, photo colours or disparity. */
	setDisplayModes(modes: Partial<DisplayModes>): void {
		this.modes = {...this.modes, ...modes};
		for (const layer of this.layers) layer.object.visible = this.modes.soloLayer < 0 || layer.index === this.modes.soloLayer;
		this.depthMaterial.wireframe = this.modes.wireframe;
		for (const mesh of this.meshes) {
			const photoMaterial = this.photoMaterials.get(mesh) as Material | Material[];
			for (const material of Array.isArray(photoMaterial) ? photoMaterial : [photoMaterial]) {
				(material as Material & {wireframe?: boolean}).wireframe = this.modes.wireframe;
			}
			mesh.material = this.modes.depthView ? this.depthMaterial : photoMaterial;
		}
	}

	/** Frees the GPU resources of the scene (before another one replaces it). */
	dispose(): void {
		for (const mesh of this.meshes) {
			mesh.geometry.dispose();
			const photoMaterial = this.photoMaterials.get(mesh) as Material | Material[];
			for (const material of Array.isArray(photoMaterial) ? photoMaterial : [photoMaterial]) {
				for (const value of Object.values(material)) if (value && (value as {isTexture?: boolean}).isTexture) (value as {dispose(): void}).dispose();
				material.dispose();
			}
		}
		this.depthMaterial.dispose();
	}

	private setFov(degrees: number): void {
		if (this.camera.fov === degrees) return;
		this.camera.fov = degrees;
		this.camera.updateProjectionMatrix();
	}
}
