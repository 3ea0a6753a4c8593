import { ValidationError } from '../../errors';

/** Learning rate as a function of the 0-based step, computed in TypeScript and fed to the step graph. */
export type LearningRateSchedule = (step: number) => number;

export interface WarmupOptions {
  baseLearningRate: number;
  warmupSteps: number;
  /** Fraction of the base rate at step 0; the rate rises linearly to the base rate at `warmupSteps`. */
  warmupStartFactor?: number;
}

function validate(options: WarmupOptions): void {
  if (!(options.baseLearningRate > 0) || !(options.warmupSteps >= 0)) {
    throw new ValidationError(`Schedule needs a positive base learning rate and non-negative warm-up steps but got ${options.baseLearningRate} and ${options.warmupSteps}.`);
  }
}

function warmupFactor(step: number, options: WarmupOptions): number | undefined {
  if (step >= options.warmupSteps) return undefined;
  const start = options.warmupStartFactor ?? 0.01;
  return start + ((1 - start) * step) / options.warmupSteps;
}

/** Linear warm-up, then cosine decay from the base rate to `minLearningRate` at `totalSteps`. */
export function warmupCosineSchedule(options: WarmupOptions & { totalSteps: number; minLearningRate?: number }): LearningRateSchedule {
  validate(options);
  const minimum = options.minLearningRate ?? 0;
  const decaySteps = Math.max(1, options.totalSteps - options.warmupSteps);
  return (step) => {
    const warmup = warmupFactor(step, options);
    if (warmup !== undefined) return options.baseLearningRate * warmup;
    const progress = Math.min(1, (step - options.warmupSteps) / decaySteps);
    return minimum + 0.5 * (options.baseLearningRate - minimum) * (1 + Math.cos(Math.PI * progress));
  };
}

/** Linear warm-up, then the base rate times `gamma` for each milestone step passed. */
export function warmupStepSchedule(options: WarmupOptions & { milestones: number[]; gamma?: number }): LearningRateSchedule {
  validate(options);
  const gamma = options.gamma ?? 0.1;
  return (step) => {
    const warmup = warmupFactor(step, options);
    if (warmup !== undefined) return options.baseLearningRate * warmup;
    const passed = options.milestones.filter((milestone) => step >= milestone).length;
    return options.baseLearningRate * gamma ** passed;
  };
}
