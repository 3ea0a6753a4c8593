import { Select } from '@mantine/core';
import { useEffect } from 'react';
import { useApiQuery } from '../hooks/use-api-query';

export interface ModelSelectProps {
  value: number | null;
  onChange: (modelId: number | null) => void;
}

/** Chooses one registered model; picks the first one when nothing is chosen yet. */
export function ModelSelect({ value, onChange }: ModelSelectProps) {
  const models = useApiQuery('models.list', {});
  const items = (models.data ?? []).map((model) => ({ value: model.modelId, label: model.name }));

  useEffect(() => {
    const list = models.data ?? [];
    const first = list[0];
    if (first && !list.some((item) => item.modelId === value)) onChange(first.modelId);
  }, [models.data, value, onChange]);

  return (
    <Select<number>
      label="Model"
      placeholder={models.loading ? 'Loading…' : 'None; see Settings'}
      data={items}
      value={value}
      onChange={onChange}
      error={models.error?.message}
      allowDeselect={false}
      w={260}
      data-testid="model-select"
    />
  );
}
