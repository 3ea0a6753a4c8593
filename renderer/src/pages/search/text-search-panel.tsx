import { Button, Group, Loader, Paper, Select, Stack, Text, Textarea } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { ApiOutput } from '../../../../main/api/contract';
import { ErrorAlert } from '../../components/error-alert';
import { formatCount, formatPercent } from '../../components/format';
import { useApiMutation } from '../../hooks/use-api-mutation';
import { useApiQuery } from '../../hooks/use-api-query';
import { useSharedState } from '../../hooks/use-shared-state';
import { ResultGrid } from './result-grid';
import { textQueryState, textRunState } from './search-state';

type TextSearchResult = ApiOutput<'search.text'>;

/** Ranks the gallery by a typed description of a person, in the joint image-text space of a succeeded training run of the dataset. */
export function TextSearchPanel({ datasetId, topK }: { datasetId: number; topK: number }) {
  const runs = useApiQuery('training.list', { datasetId });
  const succeeded = (runs.data ?? []).filter((run) => run.status === 'succeeded');
  const [runId, setRunId] = useSharedState(textRunState);
  const [text, setText] = useSharedState(textQueryState);
  const [result, setResult] = useState<(TextSearchResult & { runId: number }) | null>(null);
  const search = useApiMutation('search.text');

  useEffect(() => {
    const first = succeeded[0];
    if (runs.data && !succeeded.some((run) => run.runId === runId)) setRunId(first?.runId ?? null);
  }, [runs.data]); // Re-checked per loaded list; choosing afterwards is the user's.

  const submit = async () => {
    if (runId === null || text.trim() === '') return;
    const reply = await search.run({ runId, text: text.trim(), topK });
    if (reply) setResult({ ...reply, runId });
  };

  return (
    <Stack gap="sm">
      <Group align="flex-end" wrap="nowrap">
        <Select<number>
          label="Training run"
          placeholder={runs.loading ? 'Loading…' : 'No succeeded run; train one first'}
          data={succeeded.map((run) => ({ value: run.runId, label: runLabel(run) }))}
          value={runId}
          onChange={setRunId}
          allowDeselect={false}
          w={340}
          data-testid="text-search-run"
        />
        <Textarea
          label="Describe a person"
          placeholder="A man in a black jacket and blue jeans, carrying a backpack."
          value={text}
          onChange={(event) => setText(event.currentTarget.value)}
          onKeyDown={(event) => {
            // Enter searches; Shift+Enter adds a line break.
            if (event.key === 'Enter' && !event.shiftKey) {
              event.preventDefault();
              void submit();
            }
          }}
          autosize
          minRows={1}
          maxRows={4}
          maxLength={1000}
          style={{ flex: 1 }}
          data-testid="text-search-input"
        />
        <Button onClick={submit} loading={search.pending} disabled={runId === null || text.trim() === ''} data-testid="text-search-button">
          Search
        </Button>
      </Group>
      <ErrorAlert error={runs.error} title="Cannot list training runs" />
      <ErrorAlert error={search.error} title="Text search failed" onClose={search.clearError} />
      {result && (
        <Paper withBorder p="sm">
          <Group justify="space-between" mb="xs">
            <Text fw={600}>Top {result.results.length}</Text>
            {search.pending && <Loader size="xs" />}
            <Text size="sm" c="dimmed" data-testid="text-search-summary">
              {formatCount(result.tokens)} tokens · gallery of {formatCount(result.gallerySize)} images · {(result.seconds * 1000).toFixed(0)} ms
            </Text>
          </Group>
          <ResultGrid results={result.results} />
        </Paper>
      )}
    </Stack>
  );
}

function runLabel(run: ApiOutput<'training.list'>[number]): string {
  const figure = run.figures ? ` · mAP ${formatPercent(run.figures.mAP)}${run.oracle ? ' (oracle)' : ''}` : '';
  return `${run.name} · ${run.preset}${figure}`;
}
