import { Checkbox, Table, Text } from '@mantine/core';
import type { PromptListItem } from '../../../../main/prompts/api-schemas';
import { formatPersonId } from '../../components/format';
import { FailedChecksBadge } from './failed-checks-badge';
import { ReviewStatusBadge } from './review-status-badge';

export interface PromptListTableProps {
  items: PromptListItem[];
  /** Person ids chosen for a generation run. */
  selected: ReadonlySet<number>;
  onSelectedChange: (selected: Set<number>) => void;
  /** Opens the identity at this index of `items`. */
  onOpen: (index: number) => void;
}

/** Identities with their review status, failed checks and current ChatGPT prompt; a click or Enter opens one. */
export function PromptListTable({ items, selected, onSelectedChange, onOpen }: PromptListTableProps) {
  const pageSelected = items.length > 0 && items.every((item) => selected.has(item.personId));

  const toggle = (personIds: number[], checked: boolean) => {
    const next = new Set(selected);
    for (const personId of personIds) {
      if (checked) next.add(personId);
      else next.delete(personId);
    }
    onSelectedChange(next);
  };

  return (
    <Table highlightOnHover verticalSpacing={6} data-testid="prompt-list">
      <Table.Thead>
        <Table.Tr>
          <Table.Th w={36}>
            <Checkbox aria-label="Select this page" checked={pageSelected} onChange={(event) => toggle(items.map((item) => item.personId), event.currentTarget.checked)} />
          </Table.Th>
          <Table.Th w={80}>Person</Table.Th>
          <Table.Th w={130}>Review</Table.Th>
          <Table.Th>ChatGPT prompt</Table.Th>
          <Table.Th w={170}>Source</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {items.map((item, index) => (
          <Table.Tr
            key={item.identityId}
            tabIndex={0}
            className="mantine-focus-auto"
            style={{ cursor: 'pointer' }}
            onClick={() => onOpen(index)}
            onKeyDown={(event) => {
              if (event.key === 'Enter' && event.target === event.currentTarget) onOpen(index);
            }}
            aria-label={`Identity ${formatPersonId(item.personId)}`}
            data-person-id={item.personId}
          >
            <Table.Td onClick={(event) => event.stopPropagation()}>
              <Checkbox aria-label={`Select identity ${formatPersonId(item.personId)}`} checked={selected.has(item.personId)} onChange={(event) => toggle([item.personId], event.currentTarget.checked)} />
            </Table.Td>
            <Table.Td fw={600}>{formatPersonId(item.personId)}</Table.Td>
            <Table.Td>
              <ReviewStatusBadge status={item.reviewStatus} />
            </Table.Td>
            <Table.Td>
              {item.text === null ? (
                <Text size="sm" c="dimmed">
                  No prompt yet
                </Text>
              ) : (
                <Text size="sm" lineClamp={2}>
                  {item.text}
                </Text>
              )}
              <FailedChecksBadge count={item.failedChecks} />
            </Table.Td>
            <Table.Td>
              {item.source ? (
                <Text size="xs" c="dimmed">
                  {item.source}
                  {item.generator && ` · ${item.generator}`}
                  <br />
                  revision {item.revision}
                </Text>
              ) : (
                <Text size="xs" c="dimmed">
                  —
                </Text>
              )}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
