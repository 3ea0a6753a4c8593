import type { ReviewStatus } from '../../../../main/prompts/api-schemas';

/** One coded attribute value, such as gender = 2. */
export interface AttributeFilter {
  name: string;
  value: number;
}

/** Filters of the prompt list; the server applies the review status and failed checks, the page applies the others. */
export interface PromptFilters {
  reviewStatus: ReviewStatus | null;
  failedChecksOnly: boolean;
  attribute: AttributeFilter | null;
  /** Case-insensitive text that the current ChatGPT prompt must contain; blank for none. */
  text: string;
}

export const noFilters: PromptFilters = { reviewStatus: null, failedChecksOnly: false, attribute: null, text: '' };

/** Returns whether the filters need the whole list in the page, because `prompts.list` cannot apply them. */
export function needsClientFiltering(filters: PromptFilters): boolean {
  return filters.text.trim() !== '' || filters.attribute !== null;
}
