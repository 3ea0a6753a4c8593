import { Button, Group, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { ByteProgress } from '../../components/byte-progress';
import { ErrorAlert } from '../../components/error-alert';
import { useJob } from '../../hooks/use-job';
import { useNotify } from '../../hooks/use-notify';
import { setDraftField } from './config-draft';
import { newRunFormState } from './training-state';

/**
 * Sets the weights path in the new-run form as it is now, not as it was when
 * the download started, so edits made meanwhile are kept. Returns false when
 * the form no longer uses CLIP weights.
 */
function fillWeightsPath(path: string): boolean {
  const form = newRunFormState.get();
  if (form.draft?.textEncoder.source !== 'clip') return false;
  newRunFormState.set({ ...form, draft: setDraftField(form.draft, 'textEncoder.weightsPath', path) });
  return true;
}

/**
 * Downloads CLIP ViT-B/16 into the workspace as a job, with its progress and
 * Cancel, and fills the weights path once it succeeds. The button sits under
 * `children`, the weights path field.
 */
export function ClipDownload({ children }: { children: ReactNode }) {
  const job = useJob('textEncoder.downloadClip', 'download');
  const notify = useNotify();

  const start = async () => {
    const outcome = await job.start({});
    if (outcome.status === 'busy') notify({ tone: 'info', title: 'A CLIP download is still running', message: 'Wait for it to finish or cancel it.' });
    if (outcome.status === 'cancelled') notify({ tone: 'info', title: 'CLIP download cancelled', message: 'The partly downloaded file was deleted.' });
    if (outcome.status !== 'succeeded') return;

    const filled = fillWeightsPath(outcome.result.path);
    notify({ tone: 'success', title: 'CLIP weights downloaded', message: filled ? outcome.result.path : `${outcome.result.path}. Choose "CLIP weights file" as the text encoder to use it.` });
  };

  return (
    <Stack gap={6}>
      {children}
      <Group gap="sm" wrap="nowrap">
        <Button variant="light" size="xs" onClick={start} loading={job.running} data-testid="download-clip">
          Download CLIP ViT-B/16
        </Button>
        <Text size="xs" c="dimmed">
          openai/clip-vit-base-patch16 from Hugging Face into the workspace&apos;s model folder, about 600 MB.
        </Text>
      </Group>
      {job.running && <ByteProgress progress={job.progress} onCancel={job.cancel} cancelling={job.cancelling} testId="clip-download-progress" />}
      <ErrorAlert error={job.error} title="CLIP download failed" />
    </Stack>
  );
}
