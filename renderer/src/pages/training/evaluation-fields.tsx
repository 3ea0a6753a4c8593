import { Alert, Checkbox, Group, Select, Stack } from '@mantine/core';
import { IntegerField, type DraftBinding } from './draft-fields';

const featureOptions = [
  { value: 'image', label: 'Image features only' },
  { value: 'image-with-identity-prompts', label: 'Image + identity prompts (oracle)' },
];

const providerOptions = [
  { value: 'auto', label: 'Automatic' },
  { value: 'cpu', label: 'CPU' },
  { value: 'cuda', label: 'CUDA' },
];

/** Seed, execution provider, and how and when the run is evaluated, with a warning when the evaluation reads identity labels. */
export function EvaluationFields({ binding }: { binding: DraftBinding }) {
  const oracle = binding.draft.evaluationFeatures === 'image-with-identity-prompts';
  return (
    <Stack gap="sm">
      <Group align="flex-end" gap="md">
        <IntegerField binding={binding} path="seed" label="Seed" description="batches and initial weights" />
        <Select
          label="Execution provider"
          data={providerOptions}
          value={binding.draft.executionProvider}
          onChange={(value) => value && binding.setField('executionProvider', value)}
          allowDeselect={false}
          w={150}
          data-testid="config-executionProvider"
        />
        <Select
          label="Evaluation features"
          data={featureOptions}
          value={binding.draft.evaluationFeatures}
          onChange={(value) => value && binding.setField('evaluationFeatures', value)}
          allowDeselect={false}
          w={280}
          error={oracle ? 'Oracle: the figures will use identity labels.' : undefined}
          data-testid="config-evaluationFeatures"
        />
        <Checkbox
          label="Evaluate after each epoch"
          checked={binding.draft.evaluateEachEpoch}
          onChange={(event) => binding.setField('evaluateEachEpoch', event.currentTarget.checked)}
          mb={8}
          data-testid="config-evaluateEachEpoch"
        />
      </Group>
      {oracle && (
        <Alert color="red" variant="filled" title="Oracle evaluation" data-testid="oracle-warning">
          Identity prompts come from the ground-truth attribute labels of the query and gallery identities. Adding them to the features leaks those labels, so the
          mAP and Rank-k of this run are not comparable with a real search and are marked as oracle wherever they appear.
        </Alert>
      )}
    </Stack>
  );
}
