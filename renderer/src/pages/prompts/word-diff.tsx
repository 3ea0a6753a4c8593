import { Text } from '@mantine/core';
import type { CSSProperties } from 'react';
import type { z } from 'zod';
import type { diffSegmentSchema } from '../../../../main/prompts/api-schemas';

type DiffSegment = z.infer<typeof diffSegmentSchema>;

const styleByOp: Record<DiffSegment['op'], CSSProperties | undefined> = {
  equal: undefined,
  delete: { background: 'var(--mantine-color-red-light)', color: 'var(--mantine-color-red-light-color)', textDecoration: 'line-through' },
  insert: { background: 'var(--mantine-color-green-light)', color: 'var(--mantine-color-green-light-color)' },
};

/** Two revisions' words in one line: deleted words struck through in red, inserted ones in green. */
export function WordDiff({ segments }: { segments: DiffSegment[] }) {
  return (
    <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} data-testid="word-diff">
      {segments.map((segment, index) =>
        segment.op === 'equal' ? (
          <span key={index}>{segment.text}</span>
        ) : (
          <span key={index} style={{ ...styleByOp[segment.op], borderRadius: 2 }} data-op={segment.op}>
            {segment.text}
          </span>
        ),
      )}
    </Text>
  );
}
