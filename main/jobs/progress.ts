import { CancelledError } from '../errors';

/**
 * What a long-running service sees of its job: a way to report counts and a
 * cancellation signal. Services take this interface, never the job runner, so
 * tests can pass `silentProgress()`.
 */
export interface ProgressReporter {
  readonly signal: AbortSignal;
  /** Reports `done` of `total` units in the named phase; rate and time left are derived. */
  update(phase: string, done: number, total: number, message?: string): void;
  /** Throws CancelledError once the job was asked to stop. */
  throwIfCancelled(): void;
}

export function silentProgress(signal: AbortSignal = new AbortController().signal): ProgressReporter {
  return {
    signal,
    update: () => {},
    throwIfCancelled: () => {
      if (signal.aborted) throw new CancelledError();
    },
  };
}

/** Units per second and seconds left, from the start of the current phase. */
export function estimateRate(done: number, total: number, elapsedSeconds: number): { ratePerSecond: number | null; etaSeconds: number | null } {
  if (done <= 0 || elapsedSeconds <= 0) return { ratePerSecond: null, etaSeconds: null };

  const ratePerSecond = done / elapsedSeconds;
  const etaSeconds = Math.max(0, (total - done) / ratePerSecond);
  return { ratePerSecond, etaSeconds };
}
