import { Group, Paper, Select, Stack, Switch, Tabs, Title } from '@mantine/core';
import { DatasetSelect } from '../../components/dataset-select';
import { ModelSelect } from '../../components/model-select';
import { useSelectedDataset, useSelectedModel } from '../../hooks/use-selection';
import { useSharedState } from '../../hooks/use-shared-state';
import { ImageDropZone } from './image-drop-zone';
import { QueryPicker } from './query-picker';
import { SearchResults } from './search-results';
import { hideSameCameraState, searchQueryState, topKState } from './search-state';

const topKChoices = ['5', '10', '20', '50', '100'];

/** Ranks a dataset's gallery for a query image, from the query split or from a file. */
export function SearchPage() {
  const [datasetId, setDatasetId] = useSelectedDataset();
  const [modelId, setModelId] = useSelectedModel();
  const [query, setQuery] = useSharedState(searchQueryState);
  const [topK, setTopK] = useSharedState(topKState);
  const [hideSameCamera, setHideSameCamera] = useSharedState(hideSameCameraState);

  const changeDataset = (id: number | null) => {
    if (id !== datasetId) setQuery(null);
    setDatasetId(id);
  };

  return (
    <Stack gap="lg">
      <Title order={2}>Search</Title>
      <Group align="flex-end">
        <DatasetSelect value={datasetId} onChange={changeDataset} />
        <ModelSelect value={modelId} onChange={setModelId} />
        <Select label="Top k" data={topKChoices} value={String(topK)} onChange={(value) => value && setTopK(Number(value))} allowDeselect={false} w={100} />
        <Switch
          label="Hide same identity on the same camera"
          checked={hideSameCamera}
          onChange={(event) => setHideSameCamera(event.currentTarget.checked)}
          mb={8}
          data-testid="hide-same-camera"
        />
      </Group>

      {datasetId !== null && (
        <Paper withBorder p="sm">
          <Tabs defaultValue="split" keepMounted={false}>
            <Tabs.List>
              <Tabs.Tab value="split">From the query split</Tabs.Tab>
              <Tabs.Tab value="file">From an image file</Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="split" pt="sm">
              <QueryPicker datasetId={datasetId} selectedImageId={query?.source === 'dataset' ? query.imageId : null} onPick={(imageId) => setQuery({ source: 'dataset', imageId })} />
            </Tabs.Panel>
            <Tabs.Panel value="file" pt="sm">
              <ImageDropZone onImage={(dataUrl, fileName) => setQuery({ source: 'file', dataUrl, fileName })} />
            </Tabs.Panel>
          </Tabs>
        </Paper>
      )}

      {datasetId !== null && modelId !== null && query && (
        <SearchResults datasetId={datasetId} modelId={modelId} query={query} topK={topK} hideSameCameraSameIdentity={hideSameCamera} />
      )}
    </Stack>
  );
}
