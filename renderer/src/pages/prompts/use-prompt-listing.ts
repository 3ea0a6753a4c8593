import { useCallback, useEffect, useState } from 'react';
import type { PromptListItem } from '../../../../main/prompts/api-schemas';
import { api, type ApiCallError } from '../../api/client';
import { toApiCallError } from '../../hooks/use-api-query';
import { needsClientFiltering, type PromptFilters } from './prompt-filters';
import { scanPromptList } from './scan-prompt-list';

export const promptPageSize = 50;

export interface PromptListing {
  /** Offset of `items` in the filtered list; null while the page for the current filters is not there yet. */
  offset: number | null;
  items: PromptListItem[];
  total: number;
  loading: boolean;
  error: ApiCallError | null;
  /** Identities checked against the attribute filter so far, while that check runs. */
  scan: { done: number; total: number } | null;
  reload: () => void;
}

interface Loaded {
  requestKey: string;
  /** The requested page, or for client-side filters every match. */
  items: PromptListItem[];
  total: number;
}

/**
 * Loads one page of a dataset's identities with their ChatGPT prompt, filtered.
 * Text and attribute filters read the whole list once and page through it in
 * memory; the other filters page on the server.
 */
export function usePromptListing(datasetId: number | null, filters: PromptFilters, page: number): PromptListing {
  const [generation, setGeneration] = useState(0);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<ApiCallError | null>(null);
  const [scan, setScan] = useState<{ done: number; total: number } | null>(null);

  const clientSide = needsClientFiltering(filters);
  const offset = (page - 1) * promptPageSize;
  const requestKey = datasetId === null ? null : JSON.stringify({ datasetId, filters, generation, page: clientSide ? null : page });

  useEffect(() => {
    if (requestKey === null || datasetId === null) return;
    let current = true;
    setLoading(true);
    setError(null);

    const load = clientSide
      ? scanPromptList(datasetId, filters, { onProgress: (done, total) => current && setScan({ done, total }), isCurrent: () => current }).then((items) => ({ items, total: items.length }))
      : readPage(datasetId, filters, offset);
    load
      .then((result) => current && setLoaded({ requestKey, ...result }))
      .catch((reason: unknown) => current && setError(toApiCallError(reason)))
      .finally(() => {
        if (!current) return;
        setLoading(false);
        setScan(null);
      });
    return () => {
      current = false;
    };
    // requestKey covers the dataset, filters, page and generation, so the other inputs need no entry.
  }, [requestKey]);

  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  const fresh = loaded !== null && loaded.requestKey === requestKey;
  if (!fresh) return { offset: null, items: [], total: 0, loading, error, scan, reload };

  const items = clientSide ? loaded.items.slice(offset, offset + promptPageSize) : loaded.items;
  return { offset, items, total: loaded.total, loading, error, scan, reload };
}

async function readPage(datasetId: number, filters: PromptFilters, offset: number): Promise<{ items: PromptListItem[]; total: number }> {
  return api['prompts.list']({
    datasetId,
    reviewStatus: filters.reviewStatus ?? undefined,
    failedChecksOnly: filters.failedChecksOnly,
    offset,
    limit: promptPageSize,
  });
}
