import { Badge, Tooltip } from '@mantine/core';
import type { ApiOutput } from '../../../../main/api/contract';

type RunStatus = ApiOutput<'training.get'>['status'];

const colorByStatus: Record<RunStatus, string> = {
  running: 'blue',
  succeeded: 'teal',
  failed: 'red',
  cancelled: 'gray',
  interrupted: 'yellow',
};

export function RunStatusBadge({ status }: { status: RunStatus }) {
  return (
    <Badge color={colorByStatus[status]} variant="light" style={{ flexShrink: 0 }} miw="fit-content" data-status={status} data-testid="run-status">
      {status}
    </Badge>
  );
}

/** Marks figures that were measured with prompts derived from identity labels: solid red so that no one reads them as real results. */
export function OracleBadge() {
  return (
    <Tooltip label="Evaluated with identity prompts from ground-truth labels; these figures leak labels and overstate a real search." multiline w={280}>
      <Badge color="red" variant="filled" style={{ flexShrink: 0 }} miw="fit-content" data-testid="oracle-badge">
        oracle
      </Badge>
    </Tooltip>
  );
}
