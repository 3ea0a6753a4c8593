import { Button, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import type { QueryOutcome } from '../../../../main/api/schemas';
import { WorstQueryRow } from './worst-query-row';

/** Rows shown before "Show more"; each row loads a strip of thumbnails. */
const initialRows = 5;

/** The queries with the lowest average precision, each with its ranked gallery images. */
export function WorstQueries({ outcomes }: { outcomes: QueryOutcome[] }) {
  const [shown, setShown] = useState(initialRows);
  if (outcomes.length === 0) return null;

  return (
    <Stack gap="xs" data-testid="worst-queries">
      <Text fw={600} size="sm">
        Worst queries (lowest average precision first)
      </Text>
      {outcomes.slice(0, shown).map((outcome) => (
        <WorstQueryRow key={outcome.queryImageId} outcome={outcome} />
      ))}
      {shown < outcomes.length && (
        <Button variant="subtle" size="xs" onClick={() => setShown((count) => count + initialRows * 2)} w="fit-content">
          Show more ({outcomes.length - shown} left)
        </Button>
      )}
    </Stack>
  );
}
