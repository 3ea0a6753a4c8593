import { Box, Skeleton, Text } from '@mantine/core';
import type { RankedImage } from '../../../main/api/schemas';
import { useImage } from '../hooks/use-image';

export type Match = RankedImage['match'];

export interface ImageThumbProps {
  imageId: number;
  /** Displayed height in CSS pixels; person crops are about twice as tall as wide. */
  height: number;
  /** Green outline for a true match, red for a false one, none when unknown or absent. */
  match?: Match;
  alt: string;
}

const outlineByMatch: Record<Match, string | undefined> = {
  true: 'var(--mantine-color-green-6)',
  false: 'var(--mantine-color-red-6)',
  unknown: undefined,
};

/** A workspace image, loaded at a size that fits `height` on a high-density screen. */
export function ImageThumb({ imageId, height, match, alt }: ImageThumbProps) {
  const maxSide = Math.min(1024, Math.max(16, Math.ceil(height * 1.5)));
  const { image, failed } = useImage(imageId, maxSide);
  const outline = match ? outlineByMatch[match] : undefined;
  const width = Math.round(height / 2);

  return (
    <Box
      data-testid="image-thumb"
      style={{
        display: 'inline-flex',
        alignItems: 'center',
        justifyContent: 'center',
        minWidth: width,
        maxWidth: '100%',
        height: height + 10,
        padding: 2,
        borderRadius: 6,
        border: `3px solid ${outline ?? 'transparent'}`,
      }}
    >
      {image && <img src={image.dataUrl} alt={alt} style={{ height, maxWidth: '100%', objectFit: 'contain', display: 'block', borderRadius: 3 }} />}
      {!image && !failed && <Skeleton height={height} width={width} />}
      {failed && (
        <Text size="xs" c="red" w={width} ta="center">
          unreadable
        </Text>
      )}
    </Box>
  );
}
