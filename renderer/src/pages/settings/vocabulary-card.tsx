import { Button, Group, Paper, ScrollArea, Stack, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { VocabularyEntry } from '../../../../main/prompts/api-schemas';
import { DatasetSelect } from '../../components/dataset-select';
import { ErrorAlert } from '../../components/error-alert';
import { plural } from '../../components/format';
import { useApiMutation } from '../../hooks/use-api-mutation';
import { useApiQuery } from '../../hooks/use-api-query';
import { useNotify } from '../../hooks/use-notify';
import { useSelectedDataset } from '../../hooks/use-selection';
import { VocabularyTable, vocabularyKey, type VocabularyDraft } from './vocabulary-table';

/** Edits, per dataset, the words that stand for each coded attribute value in prompts. */
export function VocabularyCard() {
  const [datasetId, setDatasetId] = useSelectedDataset();
  const vocabulary = useApiQuery('prompts.vocabulary.list', datasetId === null ? null : { datasetId });
  const update = useApiMutation('prompts.vocabulary.update');
  const notify = useNotify();
  const [drafts, setDrafts] = useState<Map<string, VocabularyDraft>>(new Map());
  const entries = vocabulary.data ?? [];
  const changes = changesOf(entries, drafts);

  useEffect(() => setDrafts(new Map()), [vocabulary.data]);

  const save = async () => {
    if (datasetId === null || changes.length === 0) return;
    if (await update.run({ datasetId, changes })) {
      notify({ tone: 'success', title: 'Vocabulary saved', message: `${plural(changes.length, 'value')} changed. Regenerate prompts to use the new words.` });
      vocabulary.reload();
    }
  };

  return (
    <Paper withBorder p="md" data-testid="vocabulary-card">
      <Stack gap="sm">
        <Title order={4}>Prompt vocabulary</Title>
        <Text size="sm" c="dimmed">
          Words for each coded attribute value, used by the template and sent to the chat model. Leave the words empty to keep a value out of prompts.
        </Text>
        <DatasetSelect value={datasetId} onChange={setDatasetId} />
        <ErrorAlert error={vocabulary.error} title="Cannot read the vocabulary" />
        {vocabulary.data && entries.length === 0 && (
          <Text size="sm" c="dimmed">
            This dataset has no attributes; import it with an attribute file.
          </Text>
        )}
        {entries.length > 0 && (
          <ScrollArea.Autosize mah={480} type="auto">
            <VocabularyTable entries={entries} drafts={drafts} onChange={(key, draft) => setDrafts(new Map(drafts).set(key, draft))} />
          </ScrollArea.Autosize>
        )}
        <ErrorAlert error={update.error} title="Vocabulary rejected" onClose={update.clearError} />
        <Group>
          <Button onClick={save} disabled={changes.length === 0} loading={update.pending} data-testid="save-vocabulary">
            Save {changes.length > 0 ? plural(changes.length, 'change') : 'changes'}
          </Button>
          <Button variant="default" onClick={() => setDrafts(new Map())} disabled={changes.length === 0}>
            Discard
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

function changesOf(entries: VocabularyEntry[], drafts: ReadonlyMap<string, VocabularyDraft>) {
  return entries.flatMap((entry) => {
    const draft = drafts.get(vocabularyKey(entry));
    if (!draft) return [];
    const word = draft.word.trim() === '' ? null : draft.word.trim();
    if (word === entry.word && draft.role === entry.role) return [];
    return [{ attribute: entry.attribute, value: entry.value, word, role: draft.role }];
  });
}
