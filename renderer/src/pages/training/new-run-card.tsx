import { Alert, Button, Divider, Group, Paper, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ApiOutput } from '../../../../main/api/contract';
import { DatasetSelect } from '../../components/dataset-select';
import { ErrorAlert } from '../../components/error-alert';
import { ModelSelect } from '../../components/model-select';
import { PathPicker } from '../../components/path-picker';
import { useApiMutation } from '../../hooks/use-api-mutation';
import { useApiQuery } from '../../hooks/use-api-query';
import { useNotify } from '../../hooks/use-notify';
import { useSelectedDataset, useSelectedModel } from '../../hooks/use-selection';
import { useSharedState } from '../../hooks/use-shared-state';
import { checkDraft, matchesPreset, setDraftField, withTextEncoderSource, type ConfigDraft } from './config-draft';
import { type DraftBinding } from './draft-fields';
import { EncoderFields } from './encoder-fields';
import { EvaluationFields } from './evaluation-fields';
import { LossWeightFields, PromptKindFields, ScheduleFields } from './schedule-fields';
import { newRunFormState, type PresetName } from './training-state';

type Preset = ApiOutput<'training.presets'>[number];
type RunSummary = ApiOutput<'training.start'>;

/** Chooses the dataset, frozen image model and preset of a new run, edits its configuration and starts it. */
export function NewRunCard({ onStarted }: { onStarted: (run: RunSummary) => void }) {
  const [datasetId, setDatasetId] = useSelectedDataset();
  const [modelId, setModelId] = useSelectedModel();
  const [form, setForm] = useSharedState(newRunFormState);
  const [showErrors, setShowErrors] = useState(false);
  const presets = useApiQuery('training.presets', {});
  const start = useApiMutation('training.start');
  const notify = useNotify();
  const preset = presets.data?.find((item) => item.name === form.preset);

  const choosePreset = useCallback((chosen: Preset) => setForm({ ...newRunFormState.get(), preset: chosen.name, draft: chosen.config }), [setForm]);
  useEffect(() => {
    const first = presets.data?.[0];
    if (first && form.draft === null) choosePreset(first);
  }, [presets.data, form.draft, choosePreset]);

  const check = useMemo(() => (form.draft ? checkDraft(form.draft) : null), [form.draft]);
  const setDraft = (draft: ConfigDraft) => setForm({ ...form, draft });

  const submit = async () => {
    setShowErrors(true);
    if (!check?.config || !form.preset || datasetId === null || modelId === null) return;
    const run = await start.run({
      datasetId,
      imageModelId: modelId,
      preset: form.preset,
      name: form.name.trim() || undefined,
      overrides: check.config,
      vocabularyPath: form.vocabularyPath.trim() || undefined,
    });
    if (!run) return;
    setShowErrors(false);
    notify({ tone: 'success', title: `Training ${run.name} started`, message: `${run.epochsTotal} epochs on ${run.datasetName}.` });
    onStarted(run);
  };

  const errorCount = Object.keys(check?.errors ?? {}).length;
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="new-run-title">
      <Stack gap="md">
        <Title order={4} id="new-run-title">
          New run
        </Title>
        <Group align="flex-end">
          <DatasetSelect value={datasetId} onChange={setDatasetId} />
          <ModelSelect value={modelId} onChange={setModelId} />
          <Select<PresetName>
            label="Preset"
            placeholder={presets.loading ? 'Loading…' : 'No presets'}
            data={(presets.data ?? []).map((item) => ({ value: item.name, label: item.label }))}
            value={form.preset}
            onChange={(name) => {
              const chosen = presets.data?.find((item) => item.name === name);
              if (chosen) choosePreset(chosen);
            }}
            allowDeselect={false}
            w={260}
            data-testid="preset-select"
          />
          <TextInput label="Run name" placeholder="from the preset and time" value={form.name} onChange={(event) => setForm({ ...form, name: event.currentTarget.value })} w={240} maxLength={200} />
        </Group>
        <ErrorAlert error={presets.error} title="Cannot load the presets" />
        {preset && (
          <Text size="sm" c="dimmed" data-testid="preset-description">
            {preset.description}
            {form.draft && !matchesPreset(form.draft, preset.config) && ' Changed from the preset below.'}
          </Text>
        )}

        {form.draft && preset && (
          <ConfigSections
            binding={{ draft: form.draft, errors: check?.errors ?? {}, setField: (path, value) => setDraft(setDraftField(form.draft!, path, value)) }}
            onSourceChange={(source) => setDraft(withTextEncoderSource(form.draft!, source, preset.config.textEncoder))}
          />
        )}

        <PathPicker
          label="CLIP vocabulary"
          description="bpe_simple_vocab_16e6.txt.gz, or a folder with vocab.json and merges.txt. Empty: the server's MPREID_CLIP_VOCAB."
          kind="file"
          extensions={['.gz']}
          value={form.vocabularyPath}
          onChange={(path) => setForm({ ...form, vocabularyPath: path })}
          testId="vocabulary-path"
        />

        {showErrors && errorCount > 0 && (
          <Alert color="red" variant="light" role="alert" data-testid="config-invalid">
            {errorCount === 1 ? 'One field is invalid' : `${errorCount} fields are invalid`}; fix the marked fields and start again.
          </Alert>
        )}
        <ErrorAlert error={start.error} title="Cannot start training" onClose={start.clearError} />
        <Group justify="flex-end">
          <Button onClick={submit} loading={start.pending} disabled={datasetId === null || modelId === null || !form.draft} data-testid="start-training">
            Start training
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

function ConfigSections({ binding, onSourceChange }: { binding: DraftBinding; onSourceChange: Parameters<typeof EncoderFields>[0]['onSourceChange'] }) {
  return (
    <Stack gap="md" data-testid="training-config">
      <PromptKindFields binding={binding} />
      <Divider label="Schedule" labelPosition="left" />
      <ScheduleFields binding={binding} />
      <LossWeightFields binding={binding} />
      <Divider label="Model" labelPosition="left" />
      <EncoderFields binding={binding} onSourceChange={onSourceChange} />
      <Divider label="Run" labelPosition="left" />
      <EvaluationFields binding={binding} />
    </Stack>
  );
}
