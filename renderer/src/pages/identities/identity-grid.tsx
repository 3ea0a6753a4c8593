import { Group, Loader, Pagination, SimpleGrid, Stack, Text } from '@mantine/core';
import { ErrorAlert } from '../../components/error-alert';
import { plural } from '../../components/format';
import { useApiQuery } from '../../hooks/use-api-query';
import { useGridKeyboard } from '../../hooks/use-grid-keyboard';
import { IdentityCard } from './identity-card';
import type { SplitFilter } from './identities-page';

const pageSize = 48;

export interface IdentityGridProps {
  datasetId: number;
  split: SplitFilter;
  /** One-based page number. */
  page: number;
  onPageChange: (page: number) => void;
  onOpen: (identityId: number) => void;
}

/** One page of identity cards; arrow keys move between cards and Enter opens one. */
export function IdentityGrid({ datasetId, split, page, onPageChange, onOpen }: IdentityGridProps) {
  const identities = useApiQuery('identities.list', {
    datasetId,
    split: split === 'all' ? undefined : split,
    offset: (page - 1) * pageSize,
    limit: pageSize,
  });
  const items = identities.data?.items ?? [];
  const total = identities.data?.total ?? 0;
  const itemProps = useGridKeyboard(items.length, (index) => onOpen(items[index].identityId));

  return (
    <Stack gap="md">
      <ErrorAlert error={identities.error} title="Cannot list identities" />
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          {identities.data ? plural(total, 'identity', 'identities') : 'Loading…'}
        </Text>
        {identities.loading && <Loader size="xs" />}
      </Group>
      <SimpleGrid cols={{ base: 3, sm: 4, md: 6, lg: 8 }} spacing="sm" role="grid" aria-label="Identities" data-testid="identity-grid">
        {items.map((identity, index) => (
          <IdentityCard key={identity.identityId} identity={identity} {...itemProps(index)} />
        ))}
      </SimpleGrid>
      {total > pageSize && <Pagination total={Math.ceil(total / pageSize)} value={page} onChange={onPageChange} />}
    </Stack>
  );
}
