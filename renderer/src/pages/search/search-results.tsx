import { Group, Loader, Paper, Stack, Text } from '@mantine/core';
import { ErrorAlert } from '../../components/error-alert';
import { formatCount } from '../../components/format';
import { useApiQuery } from '../../hooks/use-api-query';
import { QueryPreview } from './query-preview';
import { ResultGrid } from './result-grid';
import type { SearchQuery } from './search-query';

export interface SearchResultsProps {
  datasetId: number;
  modelId: number;
  query: SearchQuery;
  topK: number;
  hideSameCameraSameIdentity: boolean;
}

/** Runs the search whenever its inputs change and shows the query beside its ranked gallery images. */
export function SearchResults({ datasetId, modelId, query, topK, hideSameCameraSameIdentity }: SearchResultsProps) {
  const search = useApiQuery('search.run', {
    datasetId,
    modelId,
    topK,
    hideSameCameraSameIdentity,
    ...(query.source === 'dataset' ? { queryImageId: query.imageId } : { imageDataUrl: query.dataUrl }),
  });
  const result = search.data;
  const trueMatches = result?.results.filter((item) => item.match === 'true').length ?? 0;
  const identityKnown = result?.query.personId != null;

  return (
    <Stack gap="sm">
      <ErrorAlert error={search.error} title="Search failed" />
      {(result || search.loading) && (
      <Group align="flex-start" wrap="nowrap" gap="lg">
        <QueryPreview query={query} person={result?.query ?? null} />
        <Paper withBorder p="sm" style={{ flex: 1 }}>
          <Group justify="space-between" mb="xs">
            <Text fw={600}>Top {topK}</Text>
            {search.loading && <Loader size="xs" />}
            {result && (
              <Text size="sm" c="dimmed" data-testid="search-summary">
                {identityKnown && `${formatCount(trueMatches)} true matches shown · `}gallery of {formatCount(result.gallerySize)} images · {(result.seconds * 1000).toFixed(0)} ms
              </Text>
            )}
          </Group>
          {result && <ResultGrid results={result.results} />}
        </Paper>
      </Group>
      )}
    </Stack>
  );
}
