import { Button, Group, NumberInput, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import type { VqaProviderRequest } from '../../../../main/prompts/api-schemas';
import { ErrorAlert } from '../../components/error-alert';
import { formatPercent } from '../../components/format';
import { JobProgress } from '../../components/job-progress';
import { ModelSelect } from '../../components/model-select';
import { useJob, type Job } from '../../hooks/use-job';
import { useNotify } from '../../hooks/use-notify';
import { useSelectedModel } from '../../hooks/use-selection';
import { createSharedState, useSharedState } from '../../hooks/use-shared-state';
import { HeadAccuracyTable, type TrainedHeads } from './head-accuracy-table';

/** Counted unit of each phase the attribute-heads job reports. */
const phaseUnits: Record<string, string> = { 'loading features': 'images', training: 'epochs', exporting: 'files' };

/** The last heads trained in this window and the dataset they belong to, kept while the user visits other pages. */
const trainedHeadsState = createSharedState<{ datasetId: number; heads: TrainedHeads } | null>(null);

export interface AttributeHeadsPanelProps {
  datasetId: number;
  /** Answers the VQA questions with the trained heads' ONNX provider. */
  onAnswer: (provider: VqaProviderRequest) => void;
  /** True while a VQA run is going, so a second one cannot be started. */
  answering: boolean;
}

/**
 * Trains one classifier per labelled attribute on an image model's cached
 * features of the dataset's train split, shows their accuracy on the test
 * identities, and hands the exported model to the VQA run.
 */
export function AttributeHeadsPanel({ datasetId, onAnswer, answering }: AttributeHeadsPanelProps) {
  const [modelId, setModelId] = useSelectedModel();
  const [epochs, setEpochs] = useState<number | string>(20);
  const [trained, setTrained] = useSharedState(trainedHeadsState);
  const job = useJob('attributes.heads.train', 'attribute-heads');
  const notify = useNotify();
  const heads = trained?.datasetId === datasetId ? trained.heads : undefined;
  const epochCount = typeof epochs === 'number' ? epochs : Number.NaN;
  const epochsValid = Number.isInteger(epochCount) && epochCount >= 1 && epochCount <= 200;

  const train = async () => {
    if (modelId === null || !epochsValid) return;
    const outcome = await job.start({ datasetId, imageModelId: modelId, epochs: epochCount });
    if (outcome.status === 'cancelled') notify({ tone: 'info', title: 'Attribute-head training cancelled' });
    if (outcome.status !== 'succeeded') return;

    setTrained({ datasetId, heads: outcome.result });
    notify({ tone: 'success', title: 'Attribute heads trained', message: `Mean accuracy ${formatPercent(outcome.result.meanAccuracy)} on the test identities.` });
  };

  return (
    <Stack gap="sm" data-testid="attribute-heads">
      <Text size="sm" fw={500}>
        Attribute heads
      </Text>
      <Text size="xs" c="dimmed">
        Trains one classifier per labelled attribute on the image model&apos;s embeddings of the train split, then exports them with the image model as an ONNX answer model.
      </Text>
      <Group align="flex-end" gap="md">
        <ModelSelect value={modelId} onChange={setModelId} />
        <NumberInput
          label="Epochs"
          value={epochs}
          onChange={setEpochs}
          min={1}
          max={200}
          allowDecimal={false}
          error={epochsValid ? undefined : 'Must be a whole number from 1 to 200.'}
          w={120}
          data-testid="head-epochs"
        />
        <Button variant="light" onClick={train} loading={job.running} disabled={modelId === null || !epochsValid} data-testid="train-heads">
          Train attribute heads
        </Button>
      </Group>
      {job.running && <HeadsProgress job={job} />}
      <ErrorAlert error={job.error} title="Attribute-head training failed" />
      {heads && !job.running && (
        <Stack gap="xs">
          <HeadAccuracyTable heads={heads} />
          <Text size="xs" c="dimmed" data-testid="heads-model-path">
            Answers {heads.questionKeys.join(', ')} · {heads.modelPath}
          </Text>
          <Button w="fit-content" onClick={() => onAnswer(heads.vqaProvider)} loading={answering} data-testid="answer-with-heads">
            Answer VQA with these heads
          </Button>
        </Stack>
      )}
    </Stack>
  );
}

function HeadsProgress({ job }: { job: Job<'attributes.heads.train'> }) {
  const phase = job.progress?.phase;
  return (
    <Stack gap={4}>
      {phase && (
        <Text size="xs" c="dimmed" data-testid="heads-phase">
          {phase}
        </Text>
      )}
      <JobProgress progress={job.progress} unit={(phase && phaseUnits[phase]) ?? 'steps'} onCancel={job.cancel} cancelling={job.cancelling} />
    </Stack>
  );
}
