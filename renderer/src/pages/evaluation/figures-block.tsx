import { Paper, SimpleGrid, Stack, Text } from '@mantine/core';
import type { RetrievalFigures } from '../../../../main/api/schemas';
import { formatPercent } from '../../components/format';

const figureLabels: [keyof Omit<RetrievalFigures, 'cmc'>, string][] = [
  ['mAP', 'mAP'],
  ['rank1', 'Rank-1'],
  ['rank5', 'Rank-5'],
  ['rank10', 'Rank-10'],
  ['rank20', 'Rank-20'],
  ['mINP', 'mINP'],
];

/** mAP, CMC at ranks 1, 5, 10 and 20, and mINP as percentages under one title. */
export function FiguresBlock({ title, figures, testId }: { title: string; figures: RetrievalFigures; testId: string }) {
  return (
    <Stack gap={6} data-testid={testId}>
      <Text fw={600} size="sm">
        {title}
      </Text>
      <SimpleGrid cols={{ base: 3, md: 6 }} spacing="xs">
        {figureLabels.map(([key, label]) => (
          <Paper key={key} withBorder p="xs" data-figure={key}>
            <Text size="xs" c="dimmed">
              {label}
            </Text>
            <Text size="xl" fw={700}>
              {formatPercent(figures[key])}
            </Text>
          </Paper>
        ))}
      </SimpleGrid>
    </Stack>
  );
}
