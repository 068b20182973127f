import {clampViewInput, type ViewInput} from './comfort-range.js';

/** Options for {@link EasedInput}. */
export interface EasedInputOptions {
	/** Time constant of the exponential approach to the target, seconds (63 % of the way after one). */
	timeConstantSeconds: number;
	/** Below this distance to the target (in input units) the input snaps to it and is settled. */
	settleDistance: number;
}

export const EASED_INPUT_DEFAULTS: EasedInputOptions = {timeConstantSeconds: 0.12, settleDistance: 1e-4};

/**
 * The viewer input, eased: pointer, touch and tilt set a target (clamped to the comfort range's unit
 * ball); every frame moves the current value towards it, independently of the frame rate.
 *
 * ```ts
 * const input = new EasedInput();
 * input.setTarget({x: 1, y: 0, z: 0});
 * if (input.step(1 / 60)) renderAgain();
 * ```
 */
export class EasedInput {
	private readonly settings: EasedInputOptions;
	private target: ViewInput = {x: 0, y: 0, z: 0};
	private value: ViewInput = {x: 0, y: 0, z: 0};

	constructor(options: Partial<EasedInputOptions> = {}) {
		this.settings = {...EASED_INPUT_DEFAULTS, ...options};
	}

	/** The eased input now. */
	get current(): ViewInput {
		return {...this.value};
	}

	/** Where the input is heading (clamped). */
	get goal(): ViewInput {
		return {...this.target};
	}

	/** Whether the current value has reached the target. */
	get settled(): boolean {
		return this.value.x === this.target.x && this.value.y === this.target.y && this.value.z === this.target.z;
	}

	setTarget(target: Partial<ViewInput>): void {
		this.target = clampViewInput({...this.target, ...target});
	}

	/** Jumps to `value` without easing (a reset). */
	jumpTo(value: ViewInput): void {
		this.target = clampViewInput(value);
		this.value = {...this.target};
	}

	/** Advances by `seconds`; returns whether the value changed. */
	step(seconds: number): boolean {
		if (this.settled) return false;
		const blend = 1 - Math.exp(-Math.max(0, seconds) / this.settings.timeConstantSeconds);
		const next = {
			x: this.value.x + (this.target.x - this.value.x) * blend,
			y: this.value.y + (this.target.y - this.value.y) * blend,
			z: this.value.z + (this.target.z - this.value.z) * blend,
		};
		const distance = Math.hypot(next.x - this.target.x, next.y - this.target.y, next.z - this.target.z);
		this.value = distance < this.settings.settleDistance ? {...this.target} : next;
		return true;
	}
}
