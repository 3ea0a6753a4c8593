import { Alert, Button, Group, Paper, Select, Stack, Text, Textarea, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { ErrorAlert } from '../../components/error-alert';
import { useApiMutation } from '../../hooks/use-api-mutation';
import { useApiQuery } from '../../hooks/use-api-query';
import { useNotify } from '../../hooks/use-notify';
import { InstructionPreview } from './instruction-preview';

/** Placeholder that the service replaces with the identity's attribute words. */
const wordsPlaceholder = '{words}';

/** The chat instruction template: its versions, an editor that saves a new version, and a preview with real words. */
export function InstructionCard() {
  const versions = useApiQuery('prompts.instruction.list', {});
  const saving = useApiMutation('prompts.instruction.save');
  const notify = useNotify();
  const [chosen, setChosen] = useState<number | null>(null);
  const [draft, setDraft] = useState('');
  const list = versions.data ?? [];
  const latest = list.at(-1);
  const viewed = list.find((instruction) => instruction.version === chosen) ?? latest;

  useEffect(() => {
    if (viewed) setDraft(viewed.text);
  }, [viewed?.version, viewed?.text]);

  const save = async () => {
    const saved = await saving.run({ text: draft });
    if (!saved) return;
    notify({ tone: 'success', title: `Instruction version ${saved.version} is current`, message: 'Chat prompts generated from now on use it.' });
    setChosen(saved.version);
    versions.reload();
  };

  const missingPlaceholder = draft.trim() !== '' && !draft.includes(wordsPlaceholder);
  return (
    <Paper withBorder p="md" data-testid="instruction-card">
      <Stack gap="sm">
        <Title order={4}>Chat instruction</Title>
        <Text size="sm" c="dimmed">
          Sent to the chat model for each identity, with {wordsPlaceholder} replaced by its attribute words. Saving makes a new version; prompts record the version they came from.
        </Text>
        <ErrorAlert error={versions.error} title="Cannot read the instruction" />
        <Select
          label="Version"
          data={[...list].reverse().map((instruction) => ({
            value: String(instruction.version),
            label: `v${instruction.version} · ${new Date(instruction.createdAt).toLocaleString()}${instruction.version === latest?.version ? ' (current)' : ''}`,
          }))}
          value={viewed ? String(viewed.version) : null}
          onChange={(value) => value && setChosen(Number(value))}
          allowDeselect={false}
          w={320}
          data-testid="instruction-version"
        />
        <Textarea label="Instruction" value={draft} onChange={(event) => setDraft(event.currentTarget.value)} autosize minRows={6} maxRows={18} maxLength={8000} data-testid="instruction-text" />
        {missingPlaceholder && (
          <Alert color="yellow" variant="light">
            The instruction has no {wordsPlaceholder}, so the attribute words would never reach the chat model.
          </Alert>
        )}
        <ErrorAlert error={saving.error} title="Instruction rejected" onClose={saving.clearError} />
        <Group>
          <Button onClick={save} loading={saving.pending} disabled={!latest || draft === latest.text || missingPlaceholder} data-testid="save-instruction">
            Save as new version
          </Button>
          {latest && draft !== latest.text && (
            <Text size="xs" c="dimmed">
              The preview below uses the current version until you save.
            </Text>
          )}
        </Group>
        <InstructionPreview />
      </Stack>
    </Paper>
  );
}
