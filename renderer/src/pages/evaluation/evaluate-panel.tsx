import { Button, Checkbox, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { ErrorAlert } from '../../components/error-alert';
import { formatCount, formatDuration } from '../../components/format';
import { JobProgress } from '../../components/job-progress';
import { useJob } from '../../hooks/use-job';
import { CmcPlot } from './cmc-plot';
import { FiguresBlock } from './figures-block';
import { WorstQueries } from './worst-queries';

/** Queries whose ranked lists come back with the result, worst average precision first. */
const worstQueryCount = 20;

/** Runs the evaluation protocol and shows its figures, CMC curve and worst queries. */
export function EvaluatePanel({ datasetId, modelId }: { datasetId: number; modelId: number }) {
  const job = useJob('evaluation.run', 'evaluate');
  // Matches the shown result when the page opens again after an evaluation with re-ranking.
  const [rerank, setRerank] = useState(() => Boolean(job.result?.reranked));
  const result = job.result?.datasetId === datasetId && job.result.modelId === modelId ? job.result : undefined;
  const totalSeconds = result ? Object.values(result.seconds).reduce((sum, value) => sum + value, 0) : 0;

  return (
    <Paper withBorder p="md">
      <Stack gap="md">
        <Group justify="space-between">
          <Title order={4}>Evaluation</Title>
          <Group>
            <Checkbox label="k-reciprocal re-ranking" checked={rerank} onChange={(event) => setRerank(event.currentTarget.checked)} data-testid="rerank-checkbox" />
            <Button onClick={() => job.start({ datasetId, modelId, rerank, worstQueries: worstQueryCount })} loading={job.running} data-testid="evaluate-button">
              Evaluate
            </Button>
          </Group>
        </Group>
        {job.running && <JobProgress progress={job.progress} unit="queries" onCancel={job.cancel} cancelling={job.cancelling} />}
        <ErrorAlert error={job.error} title="Evaluation failed" />

        {result && (
          <Stack gap="md" data-testid="evaluation-result">
            <Text size="sm" c="dimmed">
              {formatCount(result.validQueries)} of {formatCount(result.queries)} queries valid · gallery of {formatCount(result.gallery)} images · features: {result.features} ·{' '}
              {formatDuration(totalSeconds)}
            </Text>
            <FiguresBlock title="Plain ranking" figures={result.plain} testId="figures-plain" />
            {result.reranked && <FiguresBlock title="With k-reciprocal re-ranking (k1 = 20, k2 = 6, λ = 0.3)" figures={result.reranked} testId="figures-reranked" />}
            <CmcPlot plain={result.plain.cmc} reranked={result.reranked?.cmc ?? null} />
            <WorstQueries outcomes={result.worstQueries} />
          </Stack>
        )}
      </Stack>
    </Paper>
  );
}
