import { Select } from '@mantine/core';
import { useEffect } from 'react';
import { useApiQuery } from '../hooks/use-api-query';

export interface DatasetSelectProps {
  value: number | null;
  onChange: (datasetId: number | null) => void;
}

/** Chooses one imported dataset; picks the first one when nothing is chosen yet. */
export function DatasetSelect({ value, onChange }: DatasetSelectProps) {
  const datasets = useApiQuery('datasets.list', {});
  const items = (datasets.data ?? []).map((dataset) => ({ value: dataset.datasetId, label: dataset.name }));

  useEffect(() => {
    const list = datasets.data ?? [];
    const first = list[0];
    if (first && !list.some((item) => item.datasetId === value)) onChange(first.datasetId);
  }, [datasets.data, value, onChange]);

  return (
    <Select<number>
      label="Dataset"
      placeholder={datasets.loading ? 'Loading…' : 'None; import one first'}
      data={items}
      value={value}
      onChange={onChange}
      error={datasets.error?.message}
      allowDeselect={false}
      w={260}
      data-testid="dataset-select"
    />
  );
}
