import { Badge } from '@mantine/core';
import type { ReviewStatus } from '../../../../main/prompts/api-schemas';

const colorByStatus: Record<ReviewStatus, string> = { unreviewed: 'gray', reviewed: 'teal', flagged: 'orange' };

export function ReviewStatusBadge({ status }: { status: ReviewStatus }) {
  return (
    <Badge variant="light" color={colorByStatus[status]} data-review-status={status}>
      {status}
    </Badge>
  );
}
