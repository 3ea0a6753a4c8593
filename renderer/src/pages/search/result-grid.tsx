import { SimpleGrid, Text } from '@mantine/core';
import type { RankedImage } from '../../../../main/api/schemas';
import { useGridKeyboard } from '../../hooks/use-grid-keyboard';
import { ResultCard } from './result-card';

/** Ranked gallery images in reading order; arrow keys move between them. */
export function ResultGrid({ results }: { results: RankedImage[] }) {
  const itemProps = useGridKeyboard(results.length, () => {});
  if (results.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        No gallery images left after filtering.
      </Text>
    );
  }

  return (
    <SimpleGrid cols={{ base: 3, sm: 5, lg: 10 }} spacing="xs" role="grid" aria-label="Search results" data-testid="search-results">
      {results.map((result, index) => (
        <ResultCard key={result.imageId} result={result} {...itemProps(index)} />
      ))}
    </SimpleGrid>
  );
}
