import { useSyncExternalStore } from 'react';
import type { ApiInput, ApiMethodName } from '../../../main/api/contract';
import { jobSlot, type JobOutcome, type JobSnapshot } from './job-slot';

export interface Job<M extends ApiMethodName> extends JobSnapshot<M> {
  start: (input: ApiInput<M>) => Promise<JobOutcome<M>>;
  cancel: () => Promise<void>;
}

/**
 * A long-running API call with live progress and cancellation. Its state is
 * shared by every component that asks for the same method and kind, and it
 * outlives the component, so leaving a page does not lose a running job.
 */
export function useJob<M extends ApiMethodName>(method: M, kind: string): Job<M> {
  const slot = jobSlot(method, kind);
  const snapshot = useSyncExternalStore(slot.subscribe, slot.getSnapshot);
  return { ...snapshot, start: (input) => slot.start(input), cancel: () => slot.cancel() };
}
