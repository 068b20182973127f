/**
 * What the viewer page exposes to scripts, tests and pipelines: `window.ldiViewerReady` once the first
 * frame is drawn, and `window.ldiViewer` with its state and a snapshot of the view.
 */
import type {ComfortRange, ComfortRangeSource, ViewMotion} from './comfort-range.js';

/** What `window.ldiViewer` exposes (read-only state and a snapshot). */
export interface ViewerStatus {
	/** Frames drawn since the page opened. */
	frames: number;
	/** The eased input has reached its target and no path plays: the picture is still. */
	settled: boolean;
	/** How the pointer moves the camera: 'parallax' (sideways and up/down) or 'orbit' (about the pivot). */
	motion: ViewMotion;
	/** The stored camera path is playing. */
	playing: boolean;
	/** Time into the camera path, seconds. */
	pathSeconds: number;
	/** Duration of the camera path, seconds (0: the scene has none). */
	pathDurationSeconds: number;
	/** Layer indices of the scene, and the one shown alone (-1: all). */
	layers: number[];
	soloLayer: number;
	wireframe: boolean;
	depthView: boolean;
	/** The comfort range in use and where it came from ('stored', 'depth-range' or 'camera'). */
	comfortRange: ComfortRange;
	comfortRangeSource: ComfortRangeSource;
	/** Name of the scene shown. */
	sceneName: string;
	/** Last load error, '' when none. */
	error: string;
}

declare global {
	interface Window {
		ldiViewerReady?: boolean;
		ldiViewer?: ViewerApi;
	}
}

/** `window.ldiViewer`. */
export interface ViewerApi {
	/** The viewer's state now. */
	status(): ViewerStatus;
	/** The current view as a PNG data URL, at the canvas's size (transparent where nothing is drawn). */
	snapshot(): string;
}
