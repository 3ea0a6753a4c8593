import { Group, Pagination, Paper, SimpleGrid, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { ErrorAlert } from '../../components/error-alert';
import { formatPersonId, plural } from '../../components/format';
import { ImageThumb } from '../../components/image-thumb';
import { useApiQuery } from '../../hooks/use-api-query';
import { useGridKeyboard } from '../../hooks/use-grid-keyboard';
import { QueryIdentityImages } from './query-identity-images';

const pageSize = 12;

export interface QueryPickerProps {
  datasetId: number;
  selectedImageId: number | null;
  onPick: (imageId: number) => void;
}

/** A small paged grid of the query split's identities; opening one lists its query images to search with. */
export function QueryPicker({ datasetId, selectedImageId, onPick }: QueryPickerProps) {
  const [page, setPage] = useState(1);
  const [identityId, setIdentityId] = useState<number | null>(null);
  const identities = useApiQuery('identities.list', { datasetId, split: 'query', offset: (page - 1) * pageSize, limit: pageSize });
  const items = identities.data?.items ?? [];
  const total = identities.data?.total ?? 0;
  const itemProps = useGridKeyboard(items.length, (index) => setIdentityId(items[index].identityId));

  return (
    <Stack gap="sm">
      <ErrorAlert error={identities.error} title="Cannot list query identities" />
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          {plural(total, 'query identity', 'query identities')}; choose one, then one of its images.
        </Text>
        {total > pageSize && <Pagination size="sm" total={Math.ceil(total / pageSize)} value={page} onChange={setPage} />}
      </Group>
      <SimpleGrid cols={{ base: 4, sm: 6, lg: 12 }} spacing="xs" role="grid" aria-label="Query identities" data-testid="query-grid">
        {items.map((identity, index) => (
          <Paper
            key={identity.identityId}
            withBorder
            p={4}
            role="gridcell"
            aria-label={`Query identity ${formatPersonId(identity.personId)}`}
            aria-selected={identity.identityId === identityId}
            style={{ cursor: 'pointer', borderColor: identity.identityId === identityId ? 'var(--mantine-primary-color-filled)' : undefined }}
            {...itemProps(index)}
          >
            <Stack gap={0} align="center">
              <ImageThumb imageId={identity.coverImageId} height={96} alt={`Identity ${formatPersonId(identity.personId)}`} />
              <Text size="xs" fw={600}>
                {formatPersonId(identity.personId)}
              </Text>
            </Stack>
          </Paper>
        ))}
      </SimpleGrid>
      {identityId !== null && <QueryIdentityImages identityId={identityId} selectedImageId={selectedImageId} onPick={onPick} />}
    </Stack>
  );
}
