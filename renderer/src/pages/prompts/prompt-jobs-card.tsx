import { Group, Paper, SegmentedControl, Tabs } from '@mantine/core';
import { useState } from 'react';
import { formatCount } from '../../components/format';
import { GenerationPanel } from './generation-panel';
import { VqaPanel } from './vqa-panel';

export interface PromptJobsCardProps {
  datasetId: number;
  /** Person ids chosen in the list; empty when none are. */
  selectedPersonIds: number[];
  onFinished: () => void;
}

/** Runs the two jobs that write prompts, one tab each, over all identities or those chosen in the list. */
export function PromptJobsCard({ datasetId, selectedPersonIds, onFinished }: PromptJobsCardProps) {
  const [scope, setScope] = useState<'all' | 'selected'>('all');
  const personIds = scope === 'selected' && selectedPersonIds.length > 0 ? selectedPersonIds : undefined;

  return (
    <Paper withBorder p="md">
      <Tabs defaultValue="generate">
        <Group justify="space-between" align="flex-end" mb="sm" wrap="nowrap">
          <Tabs.List style={{ flex: 1 }}>
            <Tabs.Tab value="generate">Generate ChatGPT prompts</Tabs.Tab>
            <Tabs.Tab value="vqa">Answer VQA questions</Tabs.Tab>
          </Tabs.List>
          <SegmentedControl
            size="xs"
            data={[
              { value: 'all', label: 'All identities' },
              { value: 'selected', label: `Chosen (${formatCount(selectedPersonIds.length)})`, disabled: selectedPersonIds.length === 0 },
            ]}
            value={personIds ? 'selected' : 'all'}
            onChange={(value) => setScope(value as 'all' | 'selected')}
            aria-label="Identities to run for"
            data-testid="job-scope"
          />
        </Group>
        <Tabs.Panel value="generate">
          <GenerationPanel datasetId={datasetId} personIds={personIds} onFinished={onFinished} />
        </Tabs.Panel>
        <Tabs.Panel value="vqa">
          <VqaPanel datasetId={datasetId} personIds={personIds} onFinished={onFinished} />
        </Tabs.Panel>
      </Tabs>
    </Paper>
  );
}
