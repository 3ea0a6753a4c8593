import { Badge, Button, Group, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { ErrorAlert } from '../../components/error-alert';
import { formatPersonId, plural } from '../../components/format';
import { ImageThumb } from '../../components/image-thumb';
import { useApiQuery } from '../../hooks/use-api-query';
import { AttributeTable } from './attribute-table';

/** One identity: its images grouped by camera and its attribute table. Escape goes back. */
export function IdentityDetail({ identityId, onBack }: { identityId: number; onBack: () => void }) {
  const identity = useApiQuery('identities.get', { identityId });
  useHotkeys([['Escape', onBack]]);
  const detail = identity.data;
  const imageCount = detail?.cameras.reduce((sum, camera) => sum + camera.images.length, 0) ?? 0;

  return (
    <Stack gap="lg">
      <Group>
        <Button variant="default" onClick={onBack} autoFocus>
          ← Identities
        </Button>
        <Title order={2}>Identity {detail ? formatPersonId(detail.personId) : ''}</Title>
        {detail && (
          <Text c="dimmed">
            {plural(imageCount, 'image')} from {plural(detail.cameras.length, 'camera')}
          </Text>
        )}
      </Group>
      <ErrorAlert error={identity.error} title="Cannot load this identity" />
      {identity.loading && !detail && <Loader size="sm" />}

      {detail?.cameras.map((camera) => (
        <Paper key={camera.cameraId} withBorder p="sm">
          <Text fw={600} mb="xs">
            Camera {camera.cameraId} · {plural(camera.images.length, 'image')}
          </Text>
          <Group gap="xs">
            {camera.images.map((image) => (
              <Stack key={image.imageId} gap={0} align="center">
                <ImageThumb imageId={image.imageId} height={160} alt={image.path} />
                <Badge size="xs" variant="light" color={image.split === 'query' ? 'grape' : image.split === 'gallery' ? 'cyan' : 'gray'}>
                  {image.split}
                </Badge>
              </Stack>
            ))}
          </Group>
        </Paper>
      ))}

      {detail && (
        <Paper withBorder p="sm">
          <Text fw={600} mb="xs">
            Attributes
          </Text>
          <AttributeTable attributes={detail.attributes} />
        </Paper>
      )}
    </Stack>
  );
}
