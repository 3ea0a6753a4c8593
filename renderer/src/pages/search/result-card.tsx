import { Group, Paper, Stack, Text } from '@mantine/core';
import type { RankedImage } from '../../../../main/api/schemas';
import { formatPersonId } from '../../components/format';
import { ImageThumb } from '../../components/image-thumb';
import type { GridItemProps } from '../../hooks/use-grid-keyboard';

const matchWords = { true: 'true match', false: 'false match', unknown: 'identity unknown' } as const;

/** One ranked gallery image: rank, distance, identity and camera, outlined by whether it matches the query. */
export function ResultCard({ result, ...itemProps }: { result: RankedImage } & GridItemProps) {
  return (
    <Paper
      withBorder
      p={4}
      role="gridcell"
      aria-label={`Rank ${result.rank}, distance ${result.distance.toFixed(3)}, ${matchWords[result.match]}`}
      data-match={result.match}
      data-rank={result.rank}
      data-person-id={result.personId}
      data-camera-id={result.cameraId}
      {...itemProps}
    >
      <Stack gap={0} align="center">
        <Group justify="space-between" wrap="nowrap" gap={4} w="100%" px={2}>
          <Text size="xs" fw={700}>
            #{result.rank}
          </Text>
          <Text size="xs" c="dimmed" title="Euclidean distance">
            {result.distance.toFixed(3)}
          </Text>
        </Group>
        <ImageThumb imageId={result.imageId} height={128} match={result.match} alt={`Rank ${result.rank}`} />
        <Text size="xs" fw={500}>
          {formatPersonId(result.personId)}
        </Text>
        <Text size="xs" c="dimmed">
          camera {result.cameraId}
        </Text>
      </Stack>
    </Paper>
  );
}
