import { Button, Group, Paper, SegmentedControl, Stack, Text, Textarea, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { Review, ReviewStatus } from '../../../../main/prompts/api-schemas';
import type { ApiCallError } from '../../api/client';
import { ErrorAlert } from '../../components/error-alert';

const statusOptions: { value: ReviewStatus; label: string }[] = [
  { value: 'unreviewed', label: 'Unreviewed' },
  { value: 'reviewed', label: 'Reviewed' },
  { value: 'flagged', label: 'Flagged' },
];

export interface ReviewCardProps {
  review: Review;
  saving: boolean;
  error: ApiCallError | null;
  onSave: (status: ReviewStatus, note: string) => void;
}

/** Review status and note of the identity's prompts; changing the status also saves the note being typed. */
export function ReviewCard({ review, saving, error, onSave }: ReviewCardProps) {
  const [note, setNote] = useState(review.note);

  useEffect(() => setNote(review.note), [review.note]);

  return (
    <Paper withBorder p="md" data-testid="review-card">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={4}>Review</Title>
          <Text size="xs" c="dimmed">
            {review.updatedAt ? `Set ${new Date(review.updatedAt).toLocaleString()}` : 'Not reviewed yet'}
          </Text>
        </Group>
        <SegmentedControl
          data={statusOptions}
          value={review.status}
          onChange={(value) => onSave(value as ReviewStatus, note)}
          disabled={saving}
          aria-label="Review status"
          data-testid="review-status"
          w="fit-content"
        />
        <Textarea label="Note" placeholder="Why the prompt needs work, or what was corrected" value={note} onChange={(event) => setNote(event.currentTarget.value)} autosize minRows={2} maxRows={6} maxLength={2000} />
        <Group>
          <Button size="xs" variant="default" onClick={() => onSave(review.status, note)} disabled={note === review.note} loading={saving}>
            Save note
          </Button>
        </Group>
        <ErrorAlert error={error} title="Cannot save the review" />
      </Stack>
    </Paper>
  );
}
