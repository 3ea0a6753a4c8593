import { createSharedState, useSharedState } from './use-shared-state';

const selectedDataset = createSharedState<number | null>(null);
const selectedModel = createSharedState<number | null>(null);

/** The dataset chosen on any page, so that Identities, Search and Evaluation open on the same one. */
export function useSelectedDataset(): [number | null, (datasetId: number | null) => void] {
  return useSharedState(selectedDataset);
}

/** The model chosen on any page. */
export function useSelectedModel(): [number | null, (modelId: number | null) => void] {
  return useSharedState(selectedModel);
}
