import { Badge, Group, Paper, Stack, Text, UnstyledButton } from '@mantine/core';
import type { IdentityDetail } from '../../../../main/api/schemas';
import { plural } from '../../components/format';
import { ImageThumb } from '../../components/image-thumb';

export interface CameraImageGroupsProps {
  detail: IdentityDetail;
  selectedImageId: number | null;
  onSelect: (imageId: number) => void;
}

const splitColor = { train: 'gray', query: 'grape', gallery: 'cyan' } as const;

/** Shows the identity's images, one box per camera. Clicking an image selects it for the VQA answers below. */
export function CameraImageGroups({ detail, selectedImageId, onSelect }: CameraImageGroupsProps) {
  return (
    <Group gap="xs" align="flex-start" data-testid="camera-groups">
      {detail.cameras.map((camera) => (
        <Paper key={camera.cameraId} withBorder p="xs" data-camera-id={camera.cameraId}>
          <Text size="sm" fw={600} mb={4}>
            Camera {camera.cameraId} · {plural(camera.images.length, 'image')}
          </Text>
          <Group gap={4}>
            {camera.images.map((image) => (
              <UnstyledButton
                key={image.imageId}
                onClick={() => onSelect(image.imageId)}
                aria-pressed={image.imageId === selectedImageId}
                aria-label={`Image ${image.path}`}
                className="mantine-focus-auto"
                style={{
                  borderRadius: 6,
                  outline: image.imageId === selectedImageId ? '2px solid var(--mantine-primary-color-filled)' : undefined,
                }}
              >
                <Stack gap={0} align="center">
                  <ImageThumb imageId={image.imageId} height={112} alt={image.path} />
                  <Badge size="xs" variant="light" color={splitColor[image.split]}>
                    {image.split}
                  </Badge>
                </Stack>
              </UnstyledButton>
            ))}
          </Group>
        </Paper>
      ))}
    </Group>
  );
}
