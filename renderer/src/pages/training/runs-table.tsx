import { Checkbox, Group, Table, Text } from '@mantine/core';
import type { ApiOutput } from '../../../../main/api/contract';
import type { RetrievalFigures } from '../../../../main/api/schemas';
import { formatPercent } from '../../components/format';
import { DeleteRunButton } from './delete-run-button';
import { OracleBadge, RunStatusBadge } from './run-badges';

export type RunSummary = ApiOutput<'training.list'>[number];

export interface RunsTableProps {
  runs: RunSummary[];
  selected: ReadonlySet<number>;
  onSelectedChange: (selected: Set<number>) => void;
  openRunId: number | null;
  onOpen: (runId: number) => void;
  onDeleted: (runId: number) => void;
}

/** Lists every run with its preset, status, epochs and latest figures beside the baseline. A click or Enter opens one. */
export function RunsTable({ runs, selected, onSelectedChange, openRunId, onOpen, onDeleted }: RunsTableProps) {
  const allSelected = runs.length > 0 && runs.every((run) => selected.has(run.runId));

  const toggle = (runIds: number[], checked: boolean) => {
    const next = new Set(selected);
    for (const runId of runIds) {
      if (checked) next.add(runId);
      else next.delete(runId);
    }
    onSelectedChange(next);
  };

  return (
    <Table.ScrollContainer minWidth={1000}>
      <Table highlightOnHover verticalSpacing={6} fz="sm" style={{ whiteSpace: 'nowrap' }} data-testid="runs-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={36}>
              <Checkbox aria-label="Select all runs" checked={allSelected} onChange={(event) => toggle(runs.map((run) => run.runId), event.currentTarget.checked)} />
            </Table.Th>
            <Table.Th>Run</Table.Th>
            <Table.Th>Preset</Table.Th>
            <Table.Th miw={130}>Status</Table.Th>
            <Table.Th>Epochs</Table.Th>
            <Table.Th>mAP</Table.Th>
            <Table.Th>Rank-1</Table.Th>
            <Table.Th>mINP</Table.Th>
            <Table.Th>Baseline mAP</Table.Th>
            <Table.Th>Features</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {runs.map((run) => (
            <Table.Tr
              key={run.runId}
              tabIndex={0}
              className="mantine-focus-auto"
              style={{ cursor: 'pointer', background: run.oracle ? 'var(--mantine-color-red-light)' : undefined }}
              onClick={() => onOpen(run.runId)}
              onKeyDown={(event) => {
                if (event.key === 'Enter' && event.target === event.currentTarget) onOpen(run.runId);
              }}
              aria-label={`Run ${run.name}`}
              aria-current={run.runId === openRunId ? 'true' : undefined}
              data-run-id={run.runId}
              data-oracle={run.oracle}
            >
              <Table.Td onClick={(event) => event.stopPropagation()}>
                <Checkbox aria-label={`Select run ${run.name}`} checked={selected.has(run.runId)} onChange={(event) => toggle([run.runId], event.currentTarget.checked)} />
              </Table.Td>
              <Table.Td>
                <Group gap={6} wrap="nowrap">
                  <Text size="sm" fw={run.runId === openRunId ? 700 : 500}>
                    {run.name}
                  </Text>
                  {run.oracle && <OracleBadge />}
                </Group>
                <Text size="xs" c="dimmed">
                  {run.datasetName} · {new Date(run.createdAt).toLocaleString()}
                </Text>
              </Table.Td>
              <Table.Td>{run.preset}</Table.Td>
              <Table.Td miw={130}>
                <RunStatusBadge status={run.status} />
              </Table.Td>
              <Table.Td>
                {run.epochsDone} / {run.epochsTotal}
              </Table.Td>
              <FigureCell figures={run.figures} figure="mAP" />
              <FigureCell figures={run.figures} figure="rank1" />
              <FigureCell figures={run.figures} figure="mINP" />
              <FigureCell figures={run.baseline} figure="mAP" />
              <Table.Td maw={260}>
                <Text size="xs" lineClamp={2} title={run.features} style={{ whiteSpace: 'normal' }}>
                  {run.features}
                </Text>
              </Table.Td>
              <Table.Td onClick={(event) => event.stopPropagation()}>
                <DeleteRunButton runId={run.runId} name={run.name} disabled={run.status === 'running'} onDeleted={() => onDeleted(run.runId)} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function FigureCell({ figures, figure }: { figures: RetrievalFigures | null; figure: 'mAP' | 'rank1' | 'mINP' }) {
  return <Table.Td data-figure={figure}>{figures ? formatPercent(figures[figure]) : '—'}</Table.Td>;
}
