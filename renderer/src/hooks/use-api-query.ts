import { useCallback, useEffect, useState } from 'react';
import type { ApiInput, ApiMethodName, ApiOutput } from '../../../main/api/contract';
import { api, ApiCallError } from '../api/client';

export interface ApiQuery<T> {
  data: T | undefined;
  error: ApiCallError | null;
  loading: boolean;
  reload: () => void;
}

/**
 * Calls a read-only API method and keeps its latest result. A null input
 * skips the call, for queries that wait on a selection. The call repeats
 * whenever the input changes by value.
 */
export function useApiQuery<M extends ApiMethodName>(method: M, input: ApiInput<M> | null): ApiQuery<ApiOutput<M>> {
  const [data, setData] = useState<ApiOutput<M> | undefined>(undefined);
  const [error, setError] = useState<ApiCallError | null>(null);
  const [loading, setLoading] = useState(input !== null);
  const [generation, setGeneration] = useState(0);
  const inputKey = input === null ? null : JSON.stringify(input);

  useEffect(() => {
    if (inputKey === null) {
      setData(undefined);
      setLoading(false);
      return;
    }

    // A reply that arrives after the input changed belongs to the old input and is dropped.
    let current = true;
    setLoading(true);
    api[method](JSON.parse(inputKey))
      .then((result) => {
        if (!current) return;
        setData(result as ApiOutput<M>);
        setError(null);
      })
      .catch((reason: unknown) => {
        if (current) setError(toApiCallError(reason));
      })
      .finally(() => {
        if (current) setLoading(false);
      });
    return () => {
      current = false;
    };
  }, [method, inputKey, generation]);

  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  return { data, error, loading, reload };
}

export function toApiCallError(reason: unknown): ApiCallError {
  if (reason instanceof ApiCallError) return reason;
  return new ApiCallError('internal', reason instanceof Error ? reason.message : String(reason));
}
