import { Button, Checkbox, Group, SegmentedControl, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import type { PromptGenerator } from '../../../../main/prompts/api-schemas';
import { ErrorAlert } from '../../components/error-alert';
import { formatCount, plural } from '../../components/format';
import { JobProgress } from '../../components/job-progress';
import { useJob } from '../../hooks/use-job';
import { useNotify } from '../../hooks/use-notify';
import { GenerationReportView } from './generation-report-view';

const generatorOptions = [
  { value: 'template', label: 'Template (offline)' },
  { value: 'chat', label: 'Chat model' },
];

export interface GenerationPanelProps {
  datasetId: number;
  /** Identities to generate for; all of the dataset's identities when undefined. */
  personIds: number[] | undefined;
  onFinished: () => void;
}

/** Runs `prompts.generate` with the template or the chat model, with live progress and the run's report. */
export function GenerationPanel({ datasetId, personIds, onFinished }: GenerationPanelProps) {
  const [generator, setGenerator] = useState<PromptGenerator>('template');
  const [overwriteEdits, setOverwriteEdits] = useState(false);
  const job = useJob('prompts.generate', 'prompts.generate');
  const notify = useNotify();
  const report = job.result?.datasetId === datasetId ? job.result : undefined;

  const start = async () => {
    const outcome = await job.start({ datasetId, generator, overwriteEdits, personIds });
    if (outcome.status === 'succeeded') {
      const { generated, cached, failedChecks } = outcome.result;
      notify({ tone: 'success', title: 'Prompts generated', message: `${formatCount(generated + cached)} written, ${formatCount(failedChecks)} failed checks.` });
    }
    if (outcome.status === 'cancelled') notify({ tone: 'info', title: 'Generation cancelled', message: 'Prompts written so far are kept; generating again continues from them.' });
    if (outcome.status === 'busy') notify({ tone: 'info', title: 'A generation run is still going', message: 'Wait for it to finish or cancel it.' });
    onFinished();
  };

  return (
    <Stack gap="sm">
      <Group align="flex-end" gap="md">
        <SegmentedControl data={generatorOptions} value={generator} onChange={(value) => setGenerator(value as PromptGenerator)} aria-label="Generator" data-testid="generator-choice" />
        <Checkbox label="Replace prompts that analysts edited" checked={overwriteEdits} onChange={(event) => setOverwriteEdits(event.currentTarget.checked)} mb={6} />
        <Button onClick={start} loading={job.running} data-testid="generate-button">
          Generate
        </Button>
      </Group>
      <Text size="xs" c="dimmed">
        {generator === 'chat'
          ? 'Sends each identity’s attribute words with the instruction from Settings to the chat model. Replies already cached cost no tokens.'
          : 'Writes one sentence from the attribute words without any model.'}{' '}
        {personIds ? `Runs for ${plural(personIds.length, 'chosen identity', 'chosen identities')}.` : 'Runs for every identity with attribute labels.'}
      </Text>
      {job.running && <JobProgress progress={job.progress} unit="identities" onCancel={job.cancel} cancelling={job.cancelling} />}
      <ErrorAlert error={job.error} title="Generation failed" />
      {report && !job.running && <GenerationReportView report={report} />}
    </Stack>
  );
}
