import { Text } from '@mantine/core';

/** Lists each answer given to a question with how many images gave it, most frequent first. */
export function AnswerCounts({ counts }: { counts: [string, number][] }) {
  if (counts.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        no answers
      </Text>
    );
  }
  return <Text size="sm">{counts.map(([answer, count]) => `${answer} × ${count}`).join(' · ')}</Text>;
}
