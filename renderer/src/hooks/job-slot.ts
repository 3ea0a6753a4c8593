import type { ApiInput, ApiMethodName, ApiOutput } from '../../../main/api/contract';
import type { JobProgress } from '../../../main/api/schemas';
import { api, onApiEvent, type ApiCallError } from '../api/client';
import { toApiCallError } from './use-api-query';

export interface JobSnapshot<M extends ApiMethodName> {
  running: boolean;
  /** Known from the first progress event of the job; null until then. */
  jobId: number | null;
  progress: JobProgress | null;
  result: ApiOutput<M> | undefined;
  /** The failure of the last run; null when it succeeded or was cancelled. */
  error: ApiCallError | null;
  cancelled: boolean;
  cancelling: boolean;
}

export type JobOutcome<M extends ApiMethodName> =
  | { status: 'succeeded'; result: ApiOutput<M> }
  | { status: 'failed'; error: ApiCallError }
  | { status: 'cancelled' }
  /** Another run of the same slot was still going, so nothing started. */
  | { status: 'busy' };

/**
 * One long-running API call and the job it starts on the server, kept outside
 * React so that its progress survives switching pages. The API call resolves
 * when the job ends; the job id arrives with its first progress event.
 */
export class JobSlot<M extends ApiMethodName> {
  private snapshot: JobSnapshot<M> = {
    running: false,
    jobId: null,
    progress: null,
    result: undefined,
    error: null,
    cancelled: false,
    cancelling: false,
  };
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly method: M,
    /** Job kind or phase name that the server reports for this call, e.g. "import". */
    private readonly kind: string,
  ) {
    onApiEvent('job.progress', (event) => this.receiveProgress(event));
  }

  readonly getSnapshot = (): JobSnapshot<M> => this.snapshot;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Runs the call; resolves when the job ends, never rejects. */
  async start(input: ApiInput<M>): Promise<JobOutcome<M>> {
    if (this.snapshot.running) return { status: 'busy' };
    this.update({ running: true, jobId: null, progress: null, result: undefined, error: null, cancelled: false, cancelling: false });

    try {
      const result = (await api[this.method](input)) as ApiOutput<M>;
      this.update({ running: false, cancelling: false, result });
      return { status: 'succeeded', result };
    } catch (reason) {
      const error = toApiCallError(reason);
      const cancelled = error.code === 'cancelled';
      this.update({ running: false, cancelling: false, cancelled, error: cancelled ? null : error });
      return cancelled ? { status: 'cancelled' } : { status: 'failed', error };
    }
  }

  /** Asks the server to stop the job; before its id is known, the request waits for it. */
  async cancel(): Promise<void> {
    if (!this.snapshot.running || this.snapshot.cancelling) return;
    this.update({ cancelling: true });
    if (this.snapshot.jobId !== null) await this.sendCancel(this.snapshot.jobId);
  }

  private receiveProgress(event: JobProgress): void {
    if (!this.snapshot.running) return;
    if (this.snapshot.jobId === null) {
      if (!this.matchesKind(event)) return;
      this.update({ jobId: event.jobId, progress: event });
      if (this.snapshot.cancelling) void this.sendCancel(event.jobId);
      return;
    }
    if (event.jobId === this.snapshot.jobId) this.update({ progress: event });
  }

  // NOTE: the kind strings the job runner uses are not fixed by the API contract,
  // so a prefix of either the kind or the phase is accepted.
  private matchesKind(event: JobProgress): boolean {
    return event.kind.startsWith(this.kind) || event.phase.startsWith(this.kind);
  }

  private async sendCancel(jobId: number): Promise<void> {
    try {
      await api['jobs.cancel']({ jobId });
    } catch (reason) {
      this.update({ cancelling: false, error: toApiCallError(reason) });
    }
  }

  private update(change: Partial<JobSnapshot<M>>): void {
    this.snapshot = { ...this.snapshot, ...change };
    for (const listener of this.listeners) listener();
  }
}

const slots = new Map<string, JobSlot<ApiMethodName>>();

/** The slot for one kind of job in this window, created on first use. */
export function jobSlot<M extends ApiMethodName>(method: M, kind: string): JobSlot<M> {
  const key = `${method}:${kind}`;
  let slot = slots.get(key);
  if (!slot) {
    slot = new JobSlot(method, kind) as unknown as JobSlot<ApiMethodName>;
    slots.set(key, slot);
  }
  return slot as unknown as JobSlot<M>;
}
