import { Button, Group, Kbd, List, Paper, Stack, Text, Title } from '@mantine/core';
import type { IdentityPrompts, PromptGenerator } from '../../../../main/prompts/api-schemas';
import { ErrorAlert } from '../../components/error-alert';
import { useNotify } from '../../hooks/use-notify';
import { PromptEditor } from './prompt-editor';
import { RegenerateMenu } from './regenerate-menu';
import { RevisionBadges } from './revision-badges';
import { usePromptAction } from './use-prompt-action';

export interface ChatPromptCardProps {
  identity: IdentityPrompts;
  editing: boolean;
  onEditingChange: (editing: boolean) => void;
  onAccept: () => void;
  accepting: boolean;
  /** Reloads the identity after the prompt changed here or elsewhere. */
  onChanged: () => void;
}

/** Shows the identity's ChatGPT prompt with its failed checks, and edits, regenerates, accepts, undoes and redoes it. */
export function ChatPromptCard({ identity, editing, onEditingChange, onAccept, accepting, onChanged }: ChatPromptCardProps) {
  const action = usePromptAction(onChanged);
  const notify = useNotify();
  const chat = identity.chat;
  const current = chat?.current ?? null;

  const save = async (text: string) => {
    if (!chat) return;
    const saved = await action.run('prompts.edit', { promptId: chat.promptId, text, expectedRevision: chat.current.number });
    if (saved) onEditingChange(false);
  };

  const regenerate = async (generator: PromptGenerator) => {
    const report = await action.run('prompts.generate', { datasetId: identity.datasetId, generator, personIds: [identity.personId], overwriteEdits: true });
    if (!report) return;
    if (report.upToDate > 0) notify({ tone: 'info', title: 'Prompt already up to date', message: 'It came from the same words, instruction and model.' });
    if (report.withoutAttributes > 0) notify({ tone: 'info', title: 'No attribute words', message: 'This identity has no labelled attribute with words, so no prompt was written.' });
    for (const failure of report.failedRequests) notify({ tone: 'error', title: 'Chat request failed', message: failure.message });
  };

  const step = (method: 'prompts.undo' | 'prompts.redo') => chat && action.run(method, { promptId: chat.promptId, expectedRevision: chat.current.number });

  return (
    <Paper withBorder p="md" data-testid="chat-prompt-card">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={4}>ChatGPT prompt</Title>
          {current && <RevisionBadges revision={current} />}
        </Group>
        {current ? (
          <Text size="md" data-testid="chat-prompt-text" style={{ whiteSpace: 'pre-wrap' }}>
            {current.text || '(empty reply)'}
          </Text>
        ) : (
          <Text size="sm" c="dimmed" data-testid="chat-prompt-text">
            No prompt yet. Generate one with the template or the chat model.
          </Text>
        )}
        {current && current.failedChecks.length > 0 && (
          <List size="sm" c="yellow.8" data-testid="failed-check-reasons">
            {current.failedChecks.map((failure) => (
              <List.Item key={`${failure.check}:${failure.message}`}>{failure.message}</List.Item>
            ))}
          </List>
        )}
        {editing && chat && (
          <PromptEditor label="ChatGPT prompt" initialText={chat.current.text} saving={action.pending === 'prompts.edit'} onSave={save} onCancel={() => onEditingChange(false)} />
        )}

        <Group gap="xs">
          {chat && !editing && (
            <Button size="xs" variant="default" onClick={() => onEditingChange(true)} rightSection={<Kbd size="xs">E</Kbd>} data-testid="edit-prompt">
              Edit
            </Button>
          )}
          <Button size="xs" color="teal" onClick={onAccept} loading={accepting} disabled={!chat} rightSection={<Kbd size="xs">A</Kbd>} data-testid="accept-prompt">
            Accept
          </Button>
          <RegenerateMenu label={chat ? 'Regenerate' : 'Generate'} loading={action.pending === 'prompts.generate'} onChoose={regenerate} />
          <Button size="xs" variant="subtle" disabled={!chat?.undoTarget} loading={action.pending === 'prompts.undo'} onClick={() => step('prompts.undo')} data-testid="undo-prompt">
            Undo
          </Button>
          <Button size="xs" variant="subtle" disabled={!chat?.redoTarget} loading={action.pending === 'prompts.redo'} onClick={() => step('prompts.redo')} data-testid="redo-prompt">
            Redo
          </Button>
        </Group>
        <ErrorAlert
          error={action.error}
          title={action.error?.code === 'conflict' ? 'Changed elsewhere; reloaded the current revision' : 'Cannot change the prompt'}
          onClose={action.clearError}
        />
      </Stack>
    </Paper>
  );
}
