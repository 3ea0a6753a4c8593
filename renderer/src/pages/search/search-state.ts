import { createSharedState } from '../../hooks/use-shared-state';
import type { SearchQuery } from './search-query';

/** Search choices kept while the user visits other pages, so that coming back shows the same results. */
export const searchQueryState = createSharedState<SearchQuery | null>(null);
export const topKState = createSharedState(20);
export const hideSameCameraState = createSharedState(true);
