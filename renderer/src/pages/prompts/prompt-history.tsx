import { Button, Group, Paper, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { ErrorAlert } from '../../components/error-alert';
import { useApiQuery } from '../../hooks/use-api-query';
import { describeRevision } from './revision-label';
import { usePromptAction } from './use-prompt-action';
import { WordDiff } from './word-diff';

export interface PromptHistoryProps {
  promptId: number;
  currentRevision: number;
  onChanged: () => void;
}

/** Lists every revision of a prompt, newest first, compares any two word by word, and reverts to an earlier one. */
export function PromptHistory({ promptId, currentRevision, onChanged }: PromptHistoryProps) {
  const history = useApiQuery('prompts.history', { promptId });
  const action = usePromptAction(onChanged);
  const [pair, setPair] = useState<{ from: number; to: number } | null>(null);
  const compared = pair ?? { from: Math.max(1, currentRevision - 1), to: currentRevision };
  const diff = useApiQuery('prompts.compare', compared.from === compared.to ? null : { promptId, ...compared });
  const revisions = [...(history.data ?? [])].reverse();
  const numbers = revisions.map((revision) => ({ value: String(revision.number), label: `#${revision.number}` }));

  // A new revision, made here or by a job, extends the history and moves the default comparison to it.
  const loadedRevision = useRef(currentRevision);
  useEffect(() => {
    if (loadedRevision.current === currentRevision) return;
    loadedRevision.current = currentRevision;
    history.reload();
    setPair(null);
  }, [currentRevision, history.reload]);

  const revert = (revision: number) => action.run('prompts.revert', { promptId, revision, expectedRevision: currentRevision });

  return (
    <Paper withBorder p="md" data-testid="prompt-history">
      <Stack gap="sm">
        <Title order={4}>History</Title>
        <ErrorAlert error={history.error ?? action.error} title="Cannot change the history" onClose={action.error ? action.clearError : undefined} />
        <Table verticalSpacing={4} striped>
          <Table.Tbody>
            {revisions.map((revision) => (
              <Table.Tr key={revision.number} data-revision={revision.number}>
                <Table.Td w={48} fw={600}>
                  #{revision.number}
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{describeRevision(revision)}</Text>
                  <Text size="xs" c="dimmed">
                    {[revision.model ?? revision.generator, new Date(revision.createdAt).toLocaleString()].filter(Boolean).join(' · ')}
                  </Text>
                </Table.Td>
                <Table.Td w={170}>
                  <Group gap={4} justify="flex-end" wrap="nowrap">
                    {revision.number > 1 && (
                      <Button size="compact-xs" variant="subtle" onClick={() => setPair({ from: revision.number - 1, to: revision.number })}>
                        Diff
                      </Button>
                    )}
                    {revision.number === currentRevision ? (
                      <Text size="xs" c="dimmed" px={8}>
                        current
                      </Text>
                    ) : (
                      <Button size="compact-xs" variant="light" loading={action.pending === 'prompts.revert'} onClick={() => revert(revision.number)} aria-label={`Revert to revision ${revision.number}`}>
                        Revert
                      </Button>
                    )}
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>

        {numbers.length > 1 && (
          <Stack gap={6}>
            <Group gap="xs" align="flex-end">
              <Select label="Compare" data={numbers} value={String(compared.from)} onChange={(value) => value && setPair({ ...compared, from: Number(value) })} allowDeselect={false} w={90} size="xs" aria-label="Earlier revision" />
              <Select label="with" data={numbers} value={String(compared.to)} onChange={(value) => value && setPair({ ...compared, to: Number(value) })} allowDeselect={false} w={90} size="xs" aria-label="Later revision" />
            </Group>
            <ErrorAlert error={diff.error} title="Cannot compare these revisions" />
            {diff.data && compared.from !== compared.to && <WordDiff segments={diff.data.segments} />}
          </Stack>
        )}
      </Stack>
    </Paper>
  );
}
