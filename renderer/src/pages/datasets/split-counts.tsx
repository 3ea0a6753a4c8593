import { Stack, Text } from '@mantine/core';
import type { ImportReport } from '../../../../main/api/schemas';
import { plural } from '../../components/format';

/** Identities, images and cameras of one split, one figure a line. */
export function SplitCounts({ counts }: { counts: ImportReport['splits']['train'] }) {
  return (
    <Stack gap={0} style={{ whiteSpace: 'nowrap' }}>
      <Text size="sm">{plural(counts.identities, 'identity', 'identities')}</Text>
      <Text size="sm">{plural(counts.images, 'image')}</Text>
      <Text size="xs" c="dimmed" title={`Cameras ${counts.cameras.join(', ')}`}>
        {plural(counts.cameras.length, 'camera')}
      </Text>
    </Stack>
  );
}
