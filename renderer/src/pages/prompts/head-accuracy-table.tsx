import { Table, Text } from '@mantine/core';
import type { ApiOutput } from '../../../../main/api/contract';
import { formatCount, formatPercent } from '../../components/format';

export type TrainedHeads = ApiOutput<'attributes.heads.train'>;

/** Accuracy of each attribute head on the test identities' images, with the mean over heads that had test images. */
export function HeadAccuracyTable({ heads }: { heads: TrainedHeads }) {
  if (heads.accuracy.length === 0) {
    return (
      <Text size="sm" c="dimmed" data-testid="head-accuracy-empty">
        The dataset has no labelled query or gallery images, so the heads could not be tested.
      </Text>
    );
  }

  return (
    <Table withTableBorder striped fz="sm" w="fit-content" miw={420} data-testid="head-accuracy">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Attribute</Table.Th>
          <Table.Th ta="right">Accuracy</Table.Th>
          <Table.Th ta="right">Test images</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {heads.accuracy.map((head) => (
          <Table.Tr key={head.attribute} data-attribute={head.attribute}>
            <Table.Td>{head.attribute}</Table.Td>
            <Table.Td ta="right" data-figure="accuracy">
              {head.images > 0 ? formatPercent(head.accuracy) : '–'}
            </Table.Td>
            <Table.Td ta="right">{formatCount(head.images)}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
      <Table.Tfoot>
        <Table.Tr>
          <Table.Th>Mean</Table.Th>
          <Table.Th ta="right" data-testid="head-mean-accuracy">
            {formatPercent(heads.meanAccuracy)}
          </Table.Th>
          <Table.Th />
        </Table.Tr>
      </Table.Tfoot>
    </Table>
  );
}
