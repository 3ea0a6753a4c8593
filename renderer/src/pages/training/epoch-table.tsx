import { Table, Text } from '@mantine/core';
import { formatDuration, formatPercent } from '../../components/format';
import { stageLabel, type EpochRecord } from './training-curves';

/** Lists each finished epoch: stage, mean loss terms and, where evaluated, mAP, Rank-1/5/10 and mINP. */
export function EpochTable({ epochs }: { epochs: EpochRecord[] }) {
  if (epochs.length === 0) return null;
  const terms = [...new Set(epochs.flatMap((epoch) => Object.keys(epoch.losses)))];

  return (
    <Table.ScrollContainer minWidth={600}>
      <Table striped verticalSpacing={4} fz="sm" style={{ whiteSpace: 'nowrap' }} data-testid="epoch-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Stage</Table.Th>
            <Table.Th>Epoch</Table.Th>
            {terms.map((term) => (
              <Table.Th key={term}>{term}</Table.Th>
            ))}
            <Table.Th>mAP</Table.Th>
            <Table.Th>Rank-1</Table.Th>
            <Table.Th>Rank-5</Table.Th>
            <Table.Th>Rank-10</Table.Th>
            <Table.Th>mINP</Table.Th>
            <Table.Th>Time</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {epochs.map((epoch) => (
            <Table.Tr key={`${epoch.stage}-${epoch.epoch}`} data-stage={epoch.stage} data-epoch={epoch.epoch}>
              <Table.Td>{stageLabel(epoch.stage)}</Table.Td>
              <Table.Td>{epoch.epoch}</Table.Td>
              {terms.map((term) => (
                <Table.Td key={term}>{epoch.losses[term]?.toFixed(3) ?? '—'}</Table.Td>
              ))}
              {epoch.figures ? (
                <>
                  <Table.Td data-figure="mAP">{formatPercent(epoch.figures.mAP)}</Table.Td>
                  <Table.Td data-figure="rank1">{formatPercent(epoch.figures.rank1)}</Table.Td>
                  <Table.Td>{formatPercent(epoch.figures.rank5)}</Table.Td>
                  <Table.Td>{formatPercent(epoch.figures.rank10)}</Table.Td>
                  <Table.Td>{formatPercent(epoch.figures.mINP)}</Table.Td>
                </>
              ) : (
                <Table.Td colSpan={5}>
                  <Text size="xs" c="dimmed">
                    not evaluated
                  </Text>
                </Table.Td>
              )}
              <Table.Td>{formatDuration(epoch.seconds)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
