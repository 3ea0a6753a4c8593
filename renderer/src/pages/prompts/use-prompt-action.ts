import { useCallback, useState } from 'react';
import type { ApiInput, ApiMethodName, ApiOutput } from '../../../../main/api/contract';
import { api, type ApiCallError } from '../../api/client';
import { toApiCallError } from '../../hooks/use-api-query';

export interface PromptAction {
  /** Resolves to the result, or to undefined after a failure, which `error` then holds. */
  run: <M extends ApiMethodName>(method: M, input: ApiInput<M>) => Promise<ApiOutput<M> | undefined>;
  /** Method of the call in flight, for the button that shows it. */
  pending: ApiMethodName | null;
  error: ApiCallError | null;
  clearError: () => void;
}

/**
 * Calls the API methods that change a prompt. After a success, and after a
 * conflict with a newer revision, `onChanged` reloads the prompt so the page
 * shows the revision that is now current.
 */
export function usePromptAction(onChanged: () => void): PromptAction {
  const [pending, setPending] = useState<ApiMethodName | null>(null);
  const [error, setError] = useState<ApiCallError | null>(null);

  const run = useCallback(
    async <M extends ApiMethodName>(method: M, input: ApiInput<M>): Promise<ApiOutput<M> | undefined> => {
      setPending(method);
      setError(null);
      try {
        const result = (await api[method](input)) as ApiOutput<M>;
        onChanged();
        return result;
      } catch (reason) {
        const failure = toApiCallError(reason);
        setError(failure);
        if (failure.code === 'conflict') onChanged();
        return undefined;
      } finally {
        setPending(null);
      }
    },
    [onChanged],
  );

  const clearError = useCallback(() => setError(null), []);
  return { run, pending, error, clearError };
}
