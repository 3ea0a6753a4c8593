import { Group, Stack, Text, UnstyledButton } from '@mantine/core';
import { useEffect } from 'react';
import { ErrorAlert } from '../../components/error-alert';
import { formatPersonId } from '../../components/format';
import { ImageThumb } from '../../components/image-thumb';
import { useApiQuery } from '../../hooks/use-api-query';

export interface QueryIdentityImagesProps {
  identityId: number;
  selectedImageId: number | null;
  onPick: (imageId: number) => void;
}

/** The query-split images of one identity; the first one is searched as soon as they load. */
export function QueryIdentityImages({ identityId, selectedImageId, onPick }: QueryIdentityImagesProps) {
  const identity = useApiQuery('identities.get', { identityId });
  const queryImages = (identity.data?.cameras ?? []).flatMap((camera) => camera.images).filter((image) => image.split === 'query');

  useEffect(() => {
    const first = queryImages[0];
    if (first && !queryImages.some((image) => image.imageId === selectedImageId)) onPick(first.imageId);
  }, [identity.data]); // Runs once per loaded identity; picking afterwards is the user's choice.

  return (
    <Stack gap={4}>
      <ErrorAlert error={identity.error} title="Cannot load the identity's images" />
      {identity.data && (
        <Text size="sm">
          Query images of {formatPersonId(identity.data.personId)}
        </Text>
      )}
      <Group gap="xs" data-testid="query-images">
        {queryImages.map((image) => (
          <UnstyledButton
            key={image.imageId}
            onClick={() => onPick(image.imageId)}
            aria-pressed={image.imageId === selectedImageId}
            aria-label={`Search with ${image.path}`}
            style={{
              borderRadius: 6,
              outline: image.imageId === selectedImageId ? '2px solid var(--mantine-primary-color-filled)' : undefined,
            }}
          >
            <Stack gap={0} align="center">
              <ImageThumb imageId={image.imageId} height={112} alt={image.path} />
              <Text size="xs" c="dimmed">
                camera {image.cameraId}
              </Text>
            </Stack>
          </UnstyledButton>
        ))}
      </Group>
    </Stack>
  );
}
