import { Stack, Text, Tooltip } from '@mantine/core';
import type { ImportReport } from '../../../../main/api/schemas';
import { formatCount, plural } from '../../components/format';

/** How many identities the attribute file covers, with the ids it leaves out on hover. */
export function AttributeCoverage({ attributes }: { attributes: ImportReport['attributes'] }) {
  if (!attributes) return <Text c="dimmed">none</Text>;

  const covered = attributes.identitiesWithAttributes;
  const total = covered + attributes.identitiesWithoutAttributes.length;
  const missing = attributes.identitiesWithoutAttributes;
  const missingText = missing.length > 0 ? `Without attributes: ${missing.slice(0, 20).join(', ')}${missing.length > 20 ? ', …' : ''}` : 'Every identity has attributes.';

  return (
    <Tooltip label={missingText} multiline w={280}>
      <Stack gap={0}>
        <Text size="sm">
          {formatCount(covered)} of {plural(total, 'identity', 'identities')}
        </Text>
        <Text size="xs" c="dimmed">
          {plural(attributes.attributeNames.length, 'attribute')}
          {attributes.attributesWithoutImages.length > 0 && `, ${formatCount(attributes.attributesWithoutImages.length)} ids without images`}
        </Text>
      </Stack>
    </Tooltip>
  );
}
