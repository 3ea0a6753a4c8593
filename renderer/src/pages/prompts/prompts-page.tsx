import { Group, Loader, Pagination, Stack, Text, Title } from '@mantine/core';
import { useCallback, useState } from 'react';
import { DatasetSelect } from '../../components/dataset-select';
import { ErrorAlert } from '../../components/error-alert';
import { formatCount, plural } from '../../components/format';
import { useSelectedDataset } from '../../hooks/use-selection';
import { IdentityReview } from './identity-review';
import { PromptFilterBar } from './prompt-filter-bar';
import { noFilters, type PromptFilters } from './prompt-filters';
import { PromptJobsCard } from './prompt-jobs-card';
import { PromptListTable } from './prompt-list-table';
import { promptPageSize, usePromptListing } from './use-prompt-listing';

/**
 * Reviews the prompts of a dataset's identities: generation and VQA runs, a
 * filtered list, and one identity at a time, stepped through in list order.
 */
export function PromptsPage() {
  const [datasetId, setDatasetId] = useSelectedDataset();
  const [filters, setFilters] = useState<PromptFilters>(noFilters);
  const [page, setPage] = useState(1);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  // Position of the open identity in the filtered list; its page is loaded to find it.
  const [openPosition, setOpenPosition] = useState<number | null>(null);
  const listPage = openPosition === null ? page : Math.floor(openPosition / promptPageSize) + 1;
  const listing = usePromptListing(datasetId, filters, listPage);

  const changeDataset = useCallback(
    (id: number | null) => {
      setDatasetId(id);
      setPage(1);
      setSelected(new Set());
      setFilters(noFilters);
    },
    [setDatasetId],
  );
  const changeFilters = useCallback((next: PromptFilters) => {
    setFilters(next);
    setPage(1);
  }, []);

  if (openPosition !== null && datasetId !== null) {
    const entry = listing.offset === null ? undefined : listing.items[openPosition - listing.offset];
    const closeReview = () => {
      setPage(listPage);
      setOpenPosition(null);
      listing.reload();
    };
    return <IdentityReview entry={entry} missing={listing.offset !== null && !entry} position={openPosition} total={listing.total} onMove={setOpenPosition} onBack={closeReview} />;
  }

  const selectedPersonIds = [...selected];
  return (
    <Stack gap="lg">
      <Title order={2}>Prompts</Title>
      <DatasetSelect value={datasetId} onChange={changeDataset} />
      {datasetId !== null && (
        <>
          <PromptJobsCard datasetId={datasetId} selectedPersonIds={selectedPersonIds} onFinished={listing.reload} />
          <PromptFilterBar key={datasetId} datasetId={datasetId} filters={filters} onChange={changeFilters} />
          <ErrorAlert error={listing.error} title="Cannot list prompts" />
          <Group gap="sm">
            <Text size="sm" c="dimmed" data-testid="prompt-count">
              {listing.offset === null ? 'Loading…' : plural(listing.total, 'identity', 'identities')}
            </Text>
            {selected.size > 0 && (
              <Text size="sm" c="dimmed">
                {formatCount(selected.size)} chosen
              </Text>
            )}
            {listing.loading && <Loader size="xs" />}
            {listing.scan && (
              <Text size="xs" c="dimmed">
                Checking attribute labels {formatCount(listing.scan.done)} / {formatCount(listing.scan.total)}
              </Text>
            )}
          </Group>
          <PromptListTable items={listing.items} selected={selected} onSelectedChange={setSelected} onOpen={(index) => setOpenPosition((listing.offset ?? 0) + index)} />
          {listing.total > promptPageSize && <Pagination total={Math.ceil(listing.total / promptPageSize)} value={page} onChange={setPage} />}
        </>
      )}
    </Stack>
  );
}
