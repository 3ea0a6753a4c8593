import { Button, Checkbox, Divider, Group, JsonInput, SegmentedControl, Select, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import type { VqaProviderRequest } from '../../../../main/prompts/api-schemas';
import { ErrorAlert } from '../../components/error-alert';
import { formatCount, plural } from '../../components/format';
import { JobProgress } from '../../components/job-progress';
import { PathPicker } from '../../components/path-picker';
import { useJob } from '../../hooks/use-job';
import { useNotify } from '../../hooks/use-notify';
import { AttributeHeadsPanel } from './attribute-heads-panel';
import { exampleOnnxSettings, parseOnnxProvider } from './onnx-provider-fields';
import { VqaReportView } from './vqa-report-view';

type Split = 'train' | 'query' | 'gallery';

const splitOptions = [
  { value: 'all', label: 'All splits' },
  { value: 'train', label: 'Train' },
  { value: 'query', label: 'Query' },
  { value: 'gallery', label: 'Gallery' },
];

export interface VqaPanelProps {
  datasetId: number;
  /** Identities whose images to answer for; every image of the dataset when undefined. */
  personIds: number[] | undefined;
  onFinished: () => void;
}

/** Runs `prompts.vqa.run` with a vision chat model or an ONNX attribute model over a dataset's images. */
export function VqaPanel({ datasetId, personIds, onFinished }: VqaPanelProps) {
  const [kind, setKind] = useState<'chat' | 'onnx'>('chat');
  const [chatModel, setChatModel] = useState('');
  const [modelPath, setModelPath] = useState('');
  const [onnxSettings, setOnnxSettings] = useState(exampleOnnxSettings);
  const [settingsError, setSettingsError] = useState<string | null>(null);
  const [split, setSplit] = useState<Split | 'all'>('all');
  const [overwriteEdits, setOverwriteEdits] = useState(false);
  const job = useJob('prompts.vqa.run', 'prompts.vqa');
  const notify = useNotify();
  const report = job.result?.datasetId === datasetId ? job.result : undefined;

  const provider = (): VqaProviderRequest | null => {
    if (kind === 'chat') return { kind: 'chat', model: chatModel.trim() || undefined };
    const parsed = parseOnnxProvider(modelPath, onnxSettings);
    setSettingsError('error' in parsed ? parsed.error : null);
    return 'provider' in parsed ? parsed.provider : null;
  };

  const answer = async (chosen: VqaProviderRequest) => {
    const outcome = await job.start({ datasetId, provider: chosen, split: split === 'all' ? undefined : split, personIds, overwriteEdits });
    if (outcome.status === 'succeeded') notify({ tone: 'success', title: 'VQA finished', message: `${formatCount(outcome.result.answers)} answers, ${formatCount(outcome.result.sentences)} sentences.` });
    if (outcome.status === 'cancelled') notify({ tone: 'info', title: 'VQA cancelled', message: 'Answers stored so far are kept; running again continues from them.' });
    onFinished();
  };

  const start = () => {
    const chosen = provider();
    if (chosen) void answer(chosen);
  };

  /** Fills the ONNX fields with the trained heads' model and settings, so the analyst sees which model produced the answers, and runs VQA with them. */
  const answerWithHeads = (heads: VqaProviderRequest) => {
    if (heads.kind === 'onnx') {
      const { kind: _kind, modelPath: headsPath, ...settings } = heads;
      setModelPath(headsPath);
      setOnnxSettings(JSON.stringify(settings, null, 2));
      setSettingsError(null);
    }
    void answer(heads);
  };

  return (
    <Stack gap="sm">
      <Group align="flex-end" gap="md">
        <SegmentedControl
          data={[
            { value: 'chat', label: 'Vision chat model' },
            { value: 'onnx', label: 'ONNX attribute model' },
          ]}
          value={kind}
          onChange={(value) => setKind(value as 'chat' | 'onnx')}
          aria-label="Answer provider"
        />
        {kind === 'chat' && <TextInput label="Model" placeholder="Vision model from Settings" value={chatModel} onChange={(event) => setChatModel(event.currentTarget.value)} w={220} />}
        <Select label="Images" data={splitOptions} value={split} onChange={(value) => setSplit((value ?? 'all') as Split | 'all')} allowDeselect={false} w={140} />
        <Checkbox label="Replace analysts' edits" checked={overwriteEdits} onChange={(event) => setOverwriteEdits(event.currentTarget.checked)} mb={6} />
        <Button onClick={start} loading={job.running} data-testid="vqa-button">
          Answer
        </Button>
      </Group>
      {kind === 'onnx' && (
        <>
          <AttributeHeadsPanel datasetId={datasetId} onAnswer={answerWithHeads} answering={job.running} />
          <Divider label="ONNX model file" labelPosition="left" />
          <PathPicker label="ONNX attribute model" kind="file" extensions={['.onnx']} value={modelPath} onChange={setModelPath} required testId="onnx-model-path" />
          <JsonInput
            label="Model settings"
            description="Input name and size, normalisation, and which output answers which question key. One score answers yes/no at the threshold; several scores pick the label with the highest."
            value={onnxSettings}
            onChange={setOnnxSettings}
            error={settingsError}
            autosize
            minRows={6}
            maxRows={16}
            formatOnBlur
          />
        </>
      )}
      <Text size="xs" c="dimmed">
        {personIds ? `Answers for the images of ${plural(personIds.length, 'chosen identity', 'chosen identities')}.` : 'Answers for every image of the dataset.'} Answers already made
        by the same model are kept.
      </Text>
      {job.running && <JobProgress progress={job.progress} unit="images" onCancel={job.cancel} cancelling={job.cancelling} />}
      <ErrorAlert error={job.error} title="VQA failed" />
      {report && !job.running && <VqaReportView report={report} />}
    </Stack>
  );
}
