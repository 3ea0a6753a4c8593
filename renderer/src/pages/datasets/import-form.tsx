import { Button, Group, Paper, Stack, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { ErrorAlert } from '../../components/error-alert';
import { formatCount, formatDuration } from '../../components/format';
import { JobProgress } from '../../components/job-progress';
import { PathPicker } from '../../components/path-picker';
import { useJob } from '../../hooks/use-job';
import { useNotify } from '../../hooks/use-notify';

/** Imports a Market-1501 or DukeMTMC-reID folder, with an optional attribute file, showing the import job's progress. */
export function ImportForm({ onImported }: { onImported: () => void }) {
  const [datasetDir, setDatasetDir] = useState('');
  const [attributesFile, setAttributesFile] = useState('');
  const [name, setName] = useState('');
  const job = useJob('datasets.import', 'import');
  const notify = useNotify();

  const start = async () => {
    const outcome = await job.start({
      datasetDir: datasetDir.trim(),
      attributesFile: attributesFile.trim() || undefined,
      name: name.trim() || undefined,
    });
    if (outcome.status === 'succeeded') {
      const report = outcome.result;
      const images = report.splits.train.images + report.splits.query.images + report.splits.gallery.images;
      notify({ tone: 'success', title: `Imported ${report.name}`, message: `${formatCount(images)} images in ${formatDuration(report.seconds)}.` });
      setName('');
      onImported();
    }
    if (outcome.status === 'cancelled') notify({ tone: 'info', title: 'Import cancelled', message: 'The workspace is unchanged.' });
  };

  return (
    <Paper withBorder p="md" component="form" onSubmit={(event) => { event.preventDefault(); void start(); }}>
      <Stack gap="sm">
        <Title order={4}>Import a dataset</Title>
        <PathPicker
          label="Dataset folder"
          description="Contains query/ and bounding_box_test/, and bounding_box_train/ unless the dataset is for evaluation only."
          kind="folder"
          value={datasetDir}
          onChange={setDatasetDir}
          required
          testId="dataset-folder"
        />
        <PathPicker
          label="Attribute file (optional)"
          description="Market-1501 or DukeMTMC attribute annotations in MATLAB .mat format."
          kind="file"
          extensions={['.mat']}
          value={attributesFile}
          onChange={setAttributesFile}
          testId="attribute-file"
        />
        <TextInput label="Name (optional)" description="Defaults to the folder name." value={name} onChange={(event) => setName(event.currentTarget.value)} maw={400} />
        <Group>
          <Button type="submit" loading={job.running} disabled={!datasetDir.trim()}>
            Import
          </Button>
        </Group>
        {job.running && <JobProgress progress={job.progress} unit="images" onCancel={job.cancel} cancelling={job.cancelling} />}
        <ErrorAlert error={job.error} title="Import failed" />
      </Stack>
    </Paper>
  );
}
