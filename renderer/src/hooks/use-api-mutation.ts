import { useCallback, useState } from 'react';
import type { ApiInput, ApiMethodName, ApiOutput } from '../../../main/api/contract';
import { api, type ApiCallError } from '../api/client';
import { toApiCallError } from './use-api-query';

export interface ApiMutation<M extends ApiMethodName> {
  /** Resolves to the result, or to undefined after a failure, which `error` then holds. */
  run: (input: ApiInput<M>) => Promise<ApiOutput<M> | undefined>;
  pending: boolean;
  error: ApiCallError | null;
  clearError: () => void;
}

/** Calls an API method that changes something, tracking its pending state and last error. */
export function useApiMutation<M extends ApiMethodName>(method: M): ApiMutation<M> {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiCallError | null>(null);

  const run = useCallback(
    async (input: ApiInput<M>) => {
      setPending(true);
      setError(null);
      try {
        return (await api[method](input)) as ApiOutput<M>;
      } catch (reason) {
        setError(toApiCallError(reason));
        return undefined;
      } finally {
        setPending(false);
      }
    },
    [method],
  );

  const clearError = useCallback(() => setError(null), []);
  return { run, pending, error, clearError };
}
