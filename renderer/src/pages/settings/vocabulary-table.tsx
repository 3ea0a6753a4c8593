import { Badge, Select, Table, TextInput } from '@mantine/core';
import type { VocabularyEntry, WordRole } from '../../../../main/prompts/api-schemas';

/** An entry as the table edits it: empty words leave the value out of prompts. */
export interface VocabularyDraft {
  word: string;
  role: WordRole;
}

export function vocabularyKey(entry: { attribute: string; value: number }): string {
  return `${entry.attribute}\u0000${entry.value}`;
}

const roles: { value: WordRole; label: string }[] = [
  { value: 'subject', label: 'subject (… person)' },
  { value: 'with', label: 'with …' },
  { value: 'wearing', label: 'wearing …' },
  { value: 'carrying', label: 'carrying …' },
];

export interface VocabularyTableProps {
  entries: VocabularyEntry[];
  drafts: ReadonlyMap<string, VocabularyDraft>;
  onChange: (key: string, draft: VocabularyDraft) => void;
}

/** Lists each coded attribute value with its meaning, the words prompts use for it, and the role that places them in the template sentence. */
export function VocabularyTable({ entries, drafts, onChange }: VocabularyTableProps) {
  return (
    <Table verticalSpacing={2} striped stickyHeader data-testid="vocabulary-table">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Attribute</Table.Th>
          <Table.Th>Code</Table.Th>
          <Table.Th>Meaning</Table.Th>
          <Table.Th>Words</Table.Th>
          <Table.Th>Role</Table.Th>
          <Table.Th />
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {entries.map((entry) => {
          const key = vocabularyKey(entry);
          const draft = drafts.get(key) ?? { word: entry.word ?? '', role: entry.role };
          return (
            <Table.Tr key={key} data-attribute={entry.attribute} data-value={entry.value}>
              <Table.Td>{entry.attribute}</Table.Td>
              <Table.Td>{entry.value}</Table.Td>
              <Table.Td>{entry.meaning}</Table.Td>
              <Table.Td>
                <TextInput size="xs" aria-label={`Words for ${entry.attribute} = ${entry.value}`} placeholder="left out" value={draft.word} onChange={(event) => onChange(key, { ...draft, word: event.currentTarget.value })} w={200} />
              </Table.Td>
              <Table.Td>
                <Select size="xs" aria-label={`Role of ${entry.attribute} = ${entry.value}`} data={roles} value={draft.role} onChange={(role) => role && onChange(key, { ...draft, role: role as WordRole })} allowDeselect={false} w={170} />
              </Table.Td>
              <Table.Td>
                {!entry.isDefault && (
                  <Badge size="xs" variant="light">
                    edited
                  </Badge>
                )}
              </Table.Td>
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}
