import { Paper, Stack, Text } from '@mantine/core';
import type { IdentitySummary } from '../../../../main/api/schemas';
import { formatPersonId, plural } from '../../components/format';
import { ImageThumb } from '../../components/image-thumb';
import type { GridItemProps } from '../../hooks/use-grid-keyboard';

/** A focusable card with an identity's cover image and counts. */
export function IdentityCard({ identity, ...itemProps }: { identity: IdentitySummary } & GridItemProps) {
  const personLabel = formatPersonId(identity.personId);
  return (
    <Paper
      withBorder
      p={6}
      role="gridcell"
      aria-label={`Identity ${personLabel}, ${identity.imageCount} images`}
      style={{ cursor: 'pointer', outlineOffset: 2 }}
      data-person-id={identity.personId}
      {...itemProps}
    >
      <Stack gap={2} align="center">
        <ImageThumb imageId={identity.coverImageId} height={128} alt={`Identity ${personLabel}`} />
        <Text size="sm" fw={600}>
          {personLabel}
        </Text>
        <Text size="xs" c="dimmed" ta="center" lh={1.3}>
          {plural(identity.imageCount, 'image')}
          <br />
          {plural(identity.cameraCount, 'camera')}
        </Text>
      </Stack>
    </Paper>
  );
}
