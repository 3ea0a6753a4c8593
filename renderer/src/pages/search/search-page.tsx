import { Group, Paper, Select, Stack, Switch, Tabs, Title } from '@mantine/core';
import { DatasetSelect } from '../../components/dataset-select';
import { ModelSelect } from '../../components/model-select';
import { useSelectedDataset, useSelectedModel } from '../../hooks/use-selection';
import { useSharedState } from '../../hooks/use-shared-state';
import { ImageDropZone } from './image-drop-zone';
import { QueryPicker } from './query-picker';
import { SearchResults } from './search-results';
import { hideSameCameraState, searchQueryState, searchTabState, topKState } from './search-state';
import { TextSearchPanel } from './text-search-panel';

const topKChoices = ['5', '10', '20', '50', '100'];

/** Ranks a dataset's gallery for a query image, from the query split or from a file, or for a typed description. */
export function SearchPage() {
  const [datasetId, setDatasetId] = useSelectedDataset();
  const [modelId, setModelId] = useSelectedModel();
  const [query, setQuery] = useSharedState(searchQueryState);
  const [topK, setTopK] = useSharedState(topKState);
  const [hideSameCamera, setHideSameCamera] = useSharedState(hideSameCameraState);
  const [tab, setTab] = useSharedState(searchTabState);

  const changeDataset = (id: number | null) => {
    if (id !== datasetId) setQuery(null);
    setDatasetId(id);
  };

  return (
    <Stack gap="lg">
      <Title order={2}>Search</Title>
      <Group align="flex-end">
        <DatasetSelect value={datasetId} onChange={changeDataset} />
        {/* A typed description is ranked by a training run's own model, and without a query camera to hide. */}
        {tab !== 'text' && <ModelSelect value={modelId} onChange={setModelId} />}
        <Select label="Top k" data={topKChoices} value={String(topK)} onChange={(value) => value && setTopK(Number(value))} allowDeselect={false} w={100} />
        {tab !== 'text' && (
          <Switch
            label="Hide same identity on the same camera"
            checked={hideSameCamera}
            onChange={(event) => setHideSameCamera(event.currentTarget.checked)}
            mb={8}
            data-testid="hide-same-camera"
          />
        )}
      </Group>

      {datasetId !== null && (
        <Paper withBorder p="sm">
          <Tabs value={tab} onChange={(value) => value && setTab(value as typeof tab)} keepMounted={false}>
            <Tabs.List>
              <Tabs.Tab value="split">From the query split</Tabs.Tab>
              <Tabs.Tab value="file">From an image file</Tabs.Tab>
              <Tabs.Tab value="text">Describe a person</Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="split" pt="sm">
              <QueryPicker datasetId={datasetId} selectedImageId={query?.source === 'dataset' ? query.imageId : null} onPick={(imageId) => setQuery({ source: 'dataset', imageId })} />
            </Tabs.Panel>
            <Tabs.Panel value="file" pt="sm">
              <ImageDropZone onImage={(dataUrl, fileName) => setQuery({ source: 'file', dataUrl, fileName })} />
            </Tabs.Panel>
            <Tabs.Panel value="text" pt="sm">
              <TextSearchPanel datasetId={datasetId} topK={topK} />
            </Tabs.Panel>
          </Tabs>
        </Paper>
      )}

      {datasetId !== null && modelId !== null && query && tab !== 'text' && (
        <SearchResults datasetId={datasetId} modelId={modelId} query={query} topK={topK} hideSameCameraSameIdentity={hideSameCamera} />
      )}
    </Stack>
  );
}
