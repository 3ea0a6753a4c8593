import { Checkbox, Group, Stack, Text } from '@mantine/core';
import { DecimalField, IntegerField, type DraftBinding } from './draft-fields';

const promptKinds = [
  { key: 'attributeWords', label: 'Attribute words', description: 'the identity’s attribute words joined into one phrase' },
  { key: 'chat', label: 'ChatGPT prompt', description: 'the current revision of the identity’s generated sentence' },
  { key: 'vqa', label: 'VQA sentences', description: 'one sentence per question, from the majority answers' },
] as const;

const lossTerms = [
  { key: 'cls', label: 'cls', description: 'multimodal classifier' },
  { key: 'm2p', label: 'm2p', description: 'image to prompt' },
  { key: 'p2m', label: 'p2m', description: 'prompt to image' },
  { key: 'm2pce', label: 'm2pce', description: 'image to implicit prompts' },
  { key: 'id', label: 'id', description: 'identity, on the retrieval feature' },
  { key: 'tri', label: 'tri', description: 'batch-hard triplet' },
] as const;

/** Explicit prompt kinds the run aligns images with; the implicit prompt is always trained. */
export function PromptKindFields({ binding }: { binding: DraftBinding }) {
  return (
    <Stack gap={6}>
      <Text size="sm" fw={500}>
        Explicit prompts
      </Text>
      <Group gap="lg">
        {promptKinds.map((kind) => (
          <Checkbox
            key={kind.key}
            label={kind.label}
            description={kind.description}
            checked={binding.draft.prompts[kind.key]}
            onChange={(event) => binding.setField(`prompts.${kind.key}`, event.currentTarget.checked)}
            data-testid={`config-prompts.${kind.key}`}
          />
        ))}
      </Group>
      <Text size="xs" c="dimmed">
        The implicit prompt “A photo of a X … X person.” is learned in every run.
      </Text>
    </Stack>
  );
}

/** Epochs, learning rates and regularisation of both stages, and the P × K batch. */
export function ScheduleFields({ binding }: { binding: DraftBinding }) {
  return (
    <Stack gap="sm">
      <Group align="flex-start" gap="md">
        <IntegerField binding={binding} path="stage1Epochs" label="Stage 1 epochs" description="implicit tokens only; 0 skips" />
        <DecimalField binding={binding} path="stage1LearningRate" label="Stage 1 learning rate" description="e.g. 3.5e-4" width={180} />
      </Group>
      <Group align="flex-start" gap="md">
        <IntegerField binding={binding} path="stage2Epochs" label="Stage 2 epochs" description="heads and text side" />
        <DecimalField binding={binding} path="learningRate" label="Stage 2 learning rate" description="peak, after warm-up" width={180} />
        <IntegerField binding={binding} path="warmupEpochs" label="Warm-up epochs" description="linear, in stage 2" />
        <DecimalField binding={binding} path="weightDecay" label="Weight decay" description="AdamW, 0 to 1" />
      </Group>
      <Group align="flex-start" gap="md">
        <IntegerField binding={binding} path="identitiesPerBatch" label="Identities per batch (P)" />
        <IntegerField binding={binding} path="imagesPerIdentity" label="Images per identity (K)" />
        <IntegerField binding={binding} path="stepsPerEpoch" label="Steps per epoch" placeholder="images ÷ P × K" description="empty: one pass over the images" width={190} />
      </Group>
    </Stack>
  );
}

/** Edits the weight of each loss term. A weight of 0 leaves the term out of the training graph. */
export function LossWeightFields({ binding }: { binding: DraftBinding }) {
  return (
    <Stack gap={6}>
      <Text size="sm" fw={500}>
        Loss weights
      </Text>
      <Group align="flex-start" gap="sm">
        {lossTerms.map((term) => (
          <DecimalField key={term.key} binding={binding} path={`lossWeights.${term.key}`} label={term.label} description={term.description} width={120} />
        ))}
      </Group>
    </Stack>
  );
}
