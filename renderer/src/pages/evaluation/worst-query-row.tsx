import { Divider, Group, Paper, ScrollArea, Stack, Text } from '@mantine/core';
import type { QueryOutcome } from '../../../../main/api/schemas';
import { formatPercent, formatPersonId } from '../../components/format';
import { ImageThumb } from '../../components/image-thumb';

const thumbHeight = 96;

/** One query beside a strip of its top-ranked gallery images, outlined green for true and red for false matches. */
export function WorstQueryRow({ outcome }: { outcome: QueryOutcome }) {
  return (
    <Paper withBorder p="xs" data-query-image-id={outcome.queryImageId}>
      <Group wrap="nowrap" align="flex-start" gap="sm">
        <Stack gap={0} align="center" miw={120}>
          <ImageThumb imageId={outcome.queryImageId} height={thumbHeight} alt="Query" />
          <Text size="xs" fw={600}>
            {formatPersonId(outcome.personId)} · cam {outcome.cameraId}
          </Text>
          <Text size="xs">AP {formatPercent(outcome.averagePrecision)}</Text>
          <Text size="xs" c="dimmed">
            first true match at rank {outcome.firstTrueMatchRank}
          </Text>
          <Text size="xs" c="dimmed">
            {outcome.trueMatches} true matches
          </Text>
        </Stack>
        <Divider orientation="vertical" />
        <ScrollArea type="auto" offsetScrollbars style={{ flex: 1 }}>
          <Group wrap="nowrap" gap={4}>
            {outcome.ranked.map((image) => (
              <Stack key={image.imageId} gap={0} align="center" data-match={image.match}>
                <ImageThumb imageId={image.imageId} height={thumbHeight} match={image.match} alt={`Rank ${image.rank}`} />
                <Text size="xs" c="dimmed">
                  #{image.rank} · {image.distance.toFixed(2)}
                </Text>
              </Stack>
            ))}
          </Group>
        </ScrollArea>
      </Group>
    </Paper>
  );
}
