import { Loader, Table, Text } from '@mantine/core';
import type { VqaAggregate } from '../../../../main/prompts/api-schemas';
import { formatPercent } from '../../components/format';
import { AnswerCounts } from './answer-counts';
import type { ImageVqa } from './use-image-vqa';

export interface VqaTableProps {
  aggregates: VqaAggregate[];
  /** Per-image answers, or null while they load. */
  imageAnswers: Map<number, ImageVqa> | null;
}

/** Lists, per question, the answers of the identity's images, the majority answer with its share, and its sentence. */
export function VqaTable({ aggregates, imageAnswers }: VqaTableProps) {
  return (
    <Table verticalSpacing={4} striped data-testid="vqa-table">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Question</Table.Th>
          <Table.Th>Answers per image</Table.Th>
          <Table.Th>Majority</Table.Th>
          <Table.Th>Sentence</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {aggregates.map((aggregate) => (
          <Table.Tr key={aggregate.questionKey} data-question={aggregate.questionKey}>
            <Table.Td>
              <Text size="sm">{aggregate.question}</Text>
            </Table.Td>
            <Table.Td>{imageAnswers ? <AnswerCounts counts={countAnswers(imageAnswers, aggregate.questionKey)} /> : <Loader size="xs" />}</Table.Td>
            <Table.Td>
              {aggregate.answer === null ? (
                <Text size="sm" c="dimmed">
                  none
                </Text>
              ) : (
                <Text size="sm">
                  <b>{aggregate.answer}</b> · {formatPercent(aggregate.share)} of {aggregate.answeredImages}
                </Text>
              )}
            </Table.Td>
            <Table.Td>
              <Text size="sm">{aggregate.sentence ?? '—'}</Text>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** Current answers to one question over the images, most frequent first. */
function countAnswers(imageAnswers: Map<number, ImageVqa>, questionKey: string): [string, number][] {
  const counts = new Map<string, number>();
  for (const entries of imageAnswers.values()) {
    const text = entries.find((entry) => entry.questionKey === questionKey)?.answer?.current.text;
    if (text !== undefined) counts.set(text, (counts.get(text) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}
