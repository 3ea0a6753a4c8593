import { Button, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useCallback, useState } from 'react';
import type { PromptView } from '../../../../main/prompts/api-schemas';
import { ErrorAlert } from '../../components/error-alert';
import { ImageThumb } from '../../components/image-thumb';
import { useApiQuery } from '../../hooks/use-api-query';
import { PromptEditor } from './prompt-editor';
import { usePromptAction } from './use-prompt-action';

export interface ImageVqaCardProps {
  imageId: number;
  imagePath: string;
  onChanged: () => void;
}

/** Shows and edits one image's VQA answer and sentence for each question. */
export function ImageVqaCard({ imageId, imagePath, onChanged }: ImageVqaCardProps) {
  const entries = useApiQuery('prompts.image', { imageId });
  const [editingPromptId, setEditingPromptId] = useState<number | null>(null);
  const reloadAll = useCallback(() => {
    entries.reload();
    onChanged();
  }, [entries.reload, onChanged]);
  const action = usePromptAction(reloadAll);

  const save = async (view: PromptView, text: string) => {
    const saved = await action.run('prompts.edit', { promptId: view.promptId, text, expectedRevision: view.current.number });
    if (saved) setEditingPromptId(null);
  };

  const cell = (view: PromptView | null, label: string) => {
    if (!view) return <Text size="sm" c="dimmed">—</Text>;
    if (view.promptId === editingPromptId) {
      return <PromptEditor label={label} initialText={view.current.text} saving={action.pending === 'prompts.edit'} onSave={(text) => save(view, text)} onCancel={() => setEditingPromptId(null)} />;
    }
    return (
      <Group gap={6} wrap="nowrap" justify="space-between">
        <Text size="sm">{view.current.text}</Text>
        <Button size="compact-xs" variant="subtle" onClick={() => setEditingPromptId(view.promptId)} aria-label={`Edit ${label} ${view.questionKey}`}>
          Edit
        </Button>
      </Group>
    );
  };

  return (
    <Paper withBorder p="md" data-testid="image-vqa">
      <Group align="flex-start" wrap="nowrap">
        <ImageThumb imageId={imageId} height={160} alt={imagePath} />
        <Stack gap="xs" style={{ flex: 1 }}>
          <Title order={5}>{imagePath}</Title>
          <ErrorAlert error={entries.error ?? action.error} title="Cannot change this image's VQA prompts" onClose={action.error ? action.clearError : undefined} />
          <Table verticalSpacing={4}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={140}>Question</Table.Th>
                <Table.Th>Answer</Table.Th>
                <Table.Th>Sentence</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(entries.data ?? []).map((entry) => (
                <Table.Tr key={entry.questionKey}>
                  <Table.Td>{entry.questionKey}</Table.Td>
                  <Table.Td>{cell(entry.answer, 'VQA answer')}</Table.Td>
                  <Table.Td>{cell(entry.sentence, 'VQA sentence')}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Stack>
      </Group>
    </Paper>
  );
}
