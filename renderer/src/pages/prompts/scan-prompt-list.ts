import type { PromptListItem } from '../../../../main/prompts/api-schemas';
import { api } from '../../api/client';
import type { PromptFilters } from './prompt-filters';

/** Largest page that `prompts.list` returns. */
const serverPageLimit = 1000;

export interface ScanCallbacks {
  onProgress: (done: number, total: number) => void;
  /** False once the caller no longer wants the result, which stops the scan early. */
  isCurrent: () => boolean;
}

/** Reads every identity of a dataset that passes the filters, page by page; the server applies all of them. */
export async function scanPromptList(datasetId: number, filters: PromptFilters, callbacks: ScanCallbacks): Promise<PromptListItem[]> {
  const items: PromptListItem[] = [];
  const text = filters.text.trim();
  for (;;) {
    const page = await api['prompts.list']({
      datasetId,
      reviewStatus: filters.reviewStatus ?? undefined,
      failedChecksOnly: filters.failedChecksOnly,
      text: text === '' ? undefined : text,
      attribute: filters.attribute ?? undefined,
      offset: items.length,
      limit: serverPageLimit,
    });
    items.push(...page.items);
    callbacks.onProgress(items.length, page.total);
    if (page.items.length === 0 || items.length >= page.total || !callbacks.isCurrent()) return items;
  }
}
