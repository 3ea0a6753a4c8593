import { Group, SegmentedControl, Switch, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useEffect, useState } from 'react';
import type { ReviewStatus } from '../../../../main/prompts/api-schemas';
import { AttributeValueFilter } from './attribute-value-filter';
import type { PromptFilters } from './prompt-filters';

const statusOptions = [
  { value: 'all', label: 'All' },
  { value: 'unreviewed', label: 'Unreviewed' },
  { value: 'reviewed', label: 'Reviewed' },
  { value: 'flagged', label: 'Flagged' },
];

/** Milliseconds of no typing before the text filter applies, so each key press does not rescan the list. */
const typingPauseMs = 300;

export interface PromptFilterBarProps {
  datasetId: number;
  filters: PromptFilters;
  onChange: (filters: PromptFilters) => void;
}

/** Review status, failed checks, one attribute value and prompt text. */
export function PromptFilterBar({ datasetId, filters, onChange }: PromptFilterBarProps) {
  const [typedText, setTypedText] = useState(filters.text);
  const [debouncedText] = useDebouncedValue(typedText, typingPauseMs);
  const set = (change: Partial<PromptFilters>) => onChange({ ...filters, ...change });

  useEffect(() => {
    if (debouncedText !== filters.text) onChange({ ...filters, text: debouncedText });
  }, [debouncedText, filters, onChange]);

  return (
    <Group align="flex-end" gap="md" data-testid="prompt-filters">
      <SegmentedControl
        data={statusOptions}
        value={filters.reviewStatus ?? 'all'}
        onChange={(value) => set({ reviewStatus: value === 'all' ? null : (value as ReviewStatus) })}
        aria-label="Review status"
      />
      <Switch label="Failed checks only" checked={filters.failedChecksOnly} onChange={(event) => set({ failedChecksOnly: event.currentTarget.checked })} mb={8} />
      <AttributeValueFilter datasetId={datasetId} value={filters.attribute} onChange={(attribute) => set({ attribute })} />
      <TextInput
        label="Prompt contains"
        placeholder="Words in the prompt"
        value={typedText}
        onChange={(event) => setTypedText(event.currentTarget.value)}
        w={220}
        data-testid="prompt-text-filter"
      />
    </Group>
  );
}
