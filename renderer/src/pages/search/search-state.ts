import { createSharedState } from '../../hooks/use-shared-state';
import type { SearchQuery } from './search-query';

/** Search choices kept while the user visits other pages, so that coming back shows the same results. */
export const searchQueryState = createSharedState<SearchQuery | null>(null);
export const topKState = createSharedState(20);
export const hideSameCameraState = createSharedState(true);

/** Query kind that the Search page shows: a query-split image, an image file or a typed description. */
export const searchTabState = createSharedState<'split' | 'file' | 'text'>('split');
export const textQueryState = createSharedState('');
/** Training run whose joint image-text space ranks the gallery for a typed description. */
export const textRunState = createSharedState<number | null>(null);
