import { Group, SegmentedControl, Stack, Title } from '@mantine/core';
import { useState } from 'react';
import type { Split } from '../../../../main/api/schemas';
import { DatasetSelect } from '../../components/dataset-select';
import { useSelectedDataset } from '../../hooks/use-selection';
import { IdentityDetail } from './identity-detail';
import { IdentityGrid } from './identity-grid';

export type SplitFilter = Split | 'all';

const splitOptions = [
  { value: 'all', label: 'All' },
  { value: 'train', label: 'Train' },
  { value: 'query', label: 'Query' },
  { value: 'gallery', label: 'Gallery' },
];

/** Browses the identities of a dataset split and opens one identity's images and attributes. */
export function IdentitiesPage() {
  const [datasetId, setDatasetId] = useSelectedDataset();
  const [split, setSplit] = useState<SplitFilter>('all');
  const [page, setPage] = useState(1);
  const [openIdentityId, setOpenIdentityId] = useState<number | null>(null);

  const changeDataset = (id: number | null) => {
    setDatasetId(id);
    setPage(1);
  };
  const changeSplit = (value: string) => {
    setSplit(value as SplitFilter);
    setPage(1);
  };

  if (openIdentityId !== null) {
    return <IdentityDetail identityId={openIdentityId} onBack={() => setOpenIdentityId(null)} />;
  }

  return (
    <Stack gap="lg">
      <Title order={2}>Identities</Title>
      <Group align="flex-end">
        <DatasetSelect value={datasetId} onChange={changeDataset} />
        <SegmentedControl data={splitOptions} value={split} onChange={changeSplit} aria-label="Split" />
      </Group>
      {datasetId !== null && <IdentityGrid datasetId={datasetId} split={split} page={page} onPageChange={setPage} onOpen={setOpenIdentityId} />}
    </Stack>
  );
}
