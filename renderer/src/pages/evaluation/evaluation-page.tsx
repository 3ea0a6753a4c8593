import { Group, Stack, Title } from '@mantine/core';
import { DatasetSelect } from '../../components/dataset-select';
import { ModelSelect } from '../../components/model-select';
import { useSelectedDataset, useSelectedModel } from '../../hooks/use-selection';
import { EmbedPanel } from './embed-panel';
import { EvaluatePanel } from './evaluate-panel';

/** Embeds a dataset with a model and measures retrieval on its query and gallery splits. */
export function EvaluationPage() {
  const [datasetId, setDatasetId] = useSelectedDataset();
  const [modelId, setModelId] = useSelectedModel();

  return (
    <Stack gap="lg">
      <Title order={2}>Evaluation</Title>
      <Group align="flex-end">
        <DatasetSelect value={datasetId} onChange={setDatasetId} />
        <ModelSelect value={modelId} onChange={setModelId} />
      </Group>
      {datasetId !== null && modelId !== null && (
        <>
          <EmbedPanel datasetId={datasetId} modelId={modelId} />
          <EvaluatePanel datasetId={datasetId} modelId={modelId} />
        </>
      )}
    </Stack>
  );
}
