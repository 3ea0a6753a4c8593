import { Paper, Stack, Text, Title } from '@mantine/core';
import type { IdentityDetail } from '../../../../main/api/schemas';
import type { IdentityPrompts } from '../../../../main/prompts/api-schemas';
import { ImageVqaCard } from './image-vqa-card';
import { useImageVqa } from './use-image-vqa';
import { VqaTable } from './vqa-table';

export interface VqaSectionProps {
  identity: IdentityPrompts;
  detail: IdentityDetail;
  selectedImageId: number | null;
  /** Increases after each change, so the per-image answers are read again. */
  generation: number;
  onChanged: () => void;
}

/** Shows the identity's VQA prompts: majority answers per question, and the chosen image's own answers and sentences. */
export function VqaSection({ identity, detail, selectedImageId, generation, onChanged }: VqaSectionProps) {
  const answered = identity.vqa.some((aggregate) => aggregate.answeredImages > 0);
  const images = detail.cameras.flatMap((camera) => camera.images);
  const imageAnswers = useImageVqa(
    images.map((image) => image.imageId),
    answered,
    generation,
  );
  const selectedImage = images.find((image) => image.imageId === selectedImageId);

  return (
    <Paper withBorder p="md">
      <Stack gap="sm">
        <Title order={4}>VQA prompts</Title>
        {answered ? (
          <VqaTable aggregates={identity.vqa} imageAnswers={imageAnswers} />
        ) : (
          <Text size="sm" c="dimmed" data-testid="no-vqa">
            No VQA answers for this identity yet. Run “Answer VQA questions” from the prompt list.
          </Text>
        )}
        {selectedImage ? (
          <ImageVqaCard key={selectedImage.imageId} imageId={selectedImage.imageId} imagePath={selectedImage.path} onChanged={onChanged} />
        ) : (
          answered && (
            <Text size="xs" c="dimmed">
              Click an image above to see and edit its own answers and sentences.
            </Text>
          )
        )}
      </Stack>
    </Paper>
  );
}
