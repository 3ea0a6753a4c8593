import type { PromptListItem } from '../../../../main/prompts/api-schemas';
import { api } from '../../api/client';
import { readAttributeValues } from './identity-attribute-cache';
import type { PromptFilters } from './prompt-filters';

/** Largest page that `prompts.list` returns. */
const serverPageLimit = 1000;

/** Identity pages read at once while checking attribute values. */
const attributeReadConcurrency = 4;

export interface ScanCallbacks {
  onProgress: (done: number, total: number) => void;
  /** False once the caller no longer wants the result, which stops the scan early. */
  isCurrent: () => boolean;
}

/**
 * Reads every identity of a dataset that passes the server-side filters, then
 * keeps those whose prompt contains the text and whose attribute has the value.
 */
// TODO: move the text and attribute filters into `prompts.list`; this scan reads one identity page per candidate.
export async function scanPromptList(datasetId: number, filters: PromptFilters, callbacks: ScanCallbacks): Promise<PromptListItem[]> {
  const all = await readWholeList(datasetId, filters, callbacks);
  const text = filters.text.trim().toLowerCase();
  const textMatches = text === '' ? all : all.filter((item) => item.text?.toLowerCase().includes(text));

  const attribute = filters.attribute;
  if (attribute === null) return textMatches;

  const keep = new Array<boolean>(textMatches.length).fill(false);
  let done = 0;
  await forEachConcurrently(textMatches, attributeReadConcurrency, callbacks.isCurrent, async (item, index) => {
    const values = await readAttributeValues(item.identityId);
    keep[index] = values.get(attribute.name) === attribute.value;
    done += 1;
    callbacks.onProgress(done, textMatches.length);
  });
  return textMatches.filter((_item, index) => keep[index]);
}

async function readWholeList(datasetId: number, filters: PromptFilters, callbacks: ScanCallbacks): Promise<PromptListItem[]> {
  const items: PromptListItem[] = [];
  for (;;) {
    const page = await api['prompts.list']({
      datasetId,
      reviewStatus: filters.reviewStatus ?? undefined,
      failedChecksOnly: filters.failedChecksOnly,
      offset: items.length,
      limit: serverPageLimit,
    });
    items.push(...page.items);
    if (page.items.length === 0 || items.length >= page.total || !callbacks.isCurrent()) return items;
  }
}

async function forEachConcurrently<T>(items: readonly T[], concurrency: number, isCurrent: () => boolean, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length && isCurrent()) {
      const index = next++;
      await work(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
