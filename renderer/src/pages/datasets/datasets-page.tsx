import { Stack, Title } from '@mantine/core';
import { ErrorAlert } from '../../components/error-alert';
import { useApiQuery } from '../../hooks/use-api-query';
import { DatasetTable } from './dataset-table';
import { ImportForm } from './import-form';

/** Imported datasets with their counts, and the import form. */
export function DatasetsPage() {
  const datasets = useApiQuery('datasets.list', {});

  return (
    <Stack gap="lg">
      <Title order={2}>Datasets</Title>
      <ImportForm onImported={datasets.reload} />
      <ErrorAlert error={datasets.error} title="Cannot list datasets" />
      <DatasetTable datasets={datasets.data ?? []} loading={datasets.loading} onDeleted={datasets.reload} />
    </Stack>
  );
}
