import { Group, Select } from '@mantine/core';
import { useState } from 'react';
import { useApiQuery } from '../../hooks/use-api-query';
import type { PromptFilters } from './prompt-filters';

export interface AttributeValueFilterProps {
  datasetId: number;
  value: PromptFilters['attribute'];
  onChange: (attribute: PromptFilters['attribute']) => void;
}

/** Chooses an attribute and one of its coded values from the dataset's vocabulary. */
export function AttributeValueFilter({ datasetId, value, onChange }: AttributeValueFilterProps) {
  const vocabulary = useApiQuery('prompts.vocabulary.list', { datasetId });
  const [attributeName, setAttributeName] = useState<string | null>(value?.name ?? null);
  const entries = vocabulary.data ?? [];
  const attributeNames = [...new Set(entries.map((entry) => entry.attribute))];
  const valueOptions = entries.filter((entry) => entry.attribute === attributeName).map((entry) => ({ value: String(entry.value), label: `${entry.value} · ${entry.meaning}` }));

  const chooseAttribute = (name: string | null) => {
    setAttributeName(name);
    onChange(null);
  };

  return (
    <Group gap="xs" align="flex-end">
      <Select
        label="Attribute"
        placeholder={attributeNames.length > 0 ? 'Any' : 'None'}
        data={attributeNames}
        value={attributeName}
        onChange={chooseAttribute}
        clearable
        searchable
        disabled={attributeNames.length === 0}
        w={160}
        data-testid="attribute-filter"
      />
      <Select
        label="Value"
        placeholder="Any"
        data={valueOptions}
        value={value ? String(value.value) : null}
        onChange={(code) => onChange(code === null || attributeName === null ? null : { name: attributeName, value: Number(code) })}
        clearable
        disabled={attributeName === null}
        w={170}
        data-testid="attribute-value-filter"
      />
    </Group>
  );
}
