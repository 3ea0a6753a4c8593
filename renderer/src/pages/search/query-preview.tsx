import { Paper, Stack, Text } from '@mantine/core';
import type { ApiOutput } from '../../../../main/api/contract';
import { formatPersonId } from '../../components/format';
import { ImageThumb } from '../../components/image-thumb';
import type { SearchQuery } from './search-query';

const previewHeight = 192;

/** The query image with its identity and camera when the dataset knows them. */
export function QueryPreview({ query, person }: { query: SearchQuery; person: ApiOutput<'search.run'>['query'] | null }) {
  return (
    <Paper withBorder p="sm" data-testid="query-preview" data-person-id={person?.personId ?? undefined} data-camera-id={person?.cameraId ?? undefined}>
      <Stack gap={4} align="center">
        <Text fw={600}>Query</Text>
        {query.source === 'dataset' ? (
          <ImageThumb imageId={query.imageId} height={previewHeight} alt="Query image" />
        ) : (
          <img src={query.dataUrl} alt={query.fileName} style={{ height: previewHeight, borderRadius: 3 }} />
        )}
        {query.source === 'file' && (
          <Text size="xs" c="dimmed" maw={160} truncate="end">
            {query.fileName}
          </Text>
        )}
        {person?.personId != null && <Text size="sm">Identity {formatPersonId(person.personId)}</Text>}
        {person?.cameraId != null && (
          <Text size="xs" c="dimmed">
            camera {person.cameraId}
          </Text>
        )}
      </Stack>
    </Paper>
  );
}
