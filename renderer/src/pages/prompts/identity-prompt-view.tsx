import { Grid, Loader, Stack } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { useCallback, useState } from 'react';
import type { ReviewStatus } from '../../../../main/prompts/api-schemas';
import { ErrorAlert } from '../../components/error-alert';
import { useApiMutation } from '../../hooks/use-api-mutation';
import { useApiQuery } from '../../hooks/use-api-query';
import { CameraImageGroups } from './camera-image-groups';
import { ChatPromptCard } from './chat-prompt-card';
import { EditableAttributeTable } from './editable-attribute-table';
import { PromptHistory } from './prompt-history';
import { ReviewCard } from './review-card';
import { VqaSection } from './vqa-section';

/** Everything reviewed for one identity: prompt, review, history, attributes, images and VQA prompts. A, F and E act on it. */
export function IdentityPromptView({ identityId }: { identityId: number }) {
  const prompts = useApiQuery('prompts.identity', { identityId });
  const detail = useApiQuery('identities.get', { identityId });
  const review = useApiMutation('prompts.review');
  const [editing, setEditing] = useState(false);
  const [selectedImageId, setSelectedImageId] = useState<number | null>(null);
  const [generation, setGeneration] = useState(0);
  const identity = prompts.data;

  // VQA changes also bump the generation, which reads every image's answers again; chat prompt changes need only the identity.
  const reloadVqa = useCallback(() => {
    prompts.reload();
    setGeneration((value) => value + 1);
  }, [prompts.reload]);

  const saveReview = async (status: ReviewStatus, note: string) => {
    if (await review.run({ identityId, status, note })) prompts.reload();
  };

  useHotkeys([
    ['a', () => identity?.chat && saveReview('reviewed', identity.review.note)],
    ['f', () => identity && saveReview('flagged', identity.review.note)],
    ['e', () => identity?.chat && setEditing(true)],
  ]);

  if (!identity || !detail.data) {
    return (
      <Stack>
        <ErrorAlert error={prompts.error ?? detail.error} title="Cannot load this identity" />
        {!prompts.error && !detail.error && <Loader size="sm" />}
      </Stack>
    );
  }

  return (
    <Stack gap="md" data-review-status={identity.review.status}>
      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Stack gap="md">
            <ChatPromptCard
              identity={identity}
              editing={editing}
              onEditingChange={setEditing}
              onAccept={() => saveReview('reviewed', identity.review.note)}
              accepting={review.pending}
              onChanged={prompts.reload}
            />
            <ReviewCard review={identity.review} saving={review.pending} error={review.error} onSave={saveReview} />
            {identity.chat && <PromptHistory promptId={identity.chat.promptId} currentRevision={identity.chat.current.number} onChanged={prompts.reload} />}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <EditableAttributeTable
            detail={detail.data}
            labels={identity.attributes}
            onUpdated={() => {
              detail.reload();
              prompts.reload();
            }}
          />
        </Grid.Col>
      </Grid>
      <CameraImageGroups detail={detail.data} selectedImageId={selectedImageId} onSelect={setSelectedImageId} />
      <VqaSection identity={identity} detail={detail.data} selectedImageId={selectedImageId} generation={generation} onChanged={reloadVqa} />
    </Stack>
  );
}
