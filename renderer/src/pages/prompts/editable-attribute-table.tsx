import { Alert, Paper, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import type { IdentityDetail } from '../../../../main/api/schemas';
import type { IdentityPrompts } from '../../../../main/prompts/api-schemas';
import { ErrorAlert } from '../../components/error-alert';
import { useApiMutation } from '../../hooks/use-api-mutation';

export interface EditableAttributeTableProps {
  detail: IdentityDetail;
  /** Labels with the words the prompts use for them. */
  labels: IdentityPrompts['attributes'];
  onUpdated: (detail: IdentityDetail) => void;
}

/** Shows the identity's coded attribute values with their meanings and prompt words, and corrects a value to another of the attribute's codes. */
export function EditableAttributeTable({ detail, labels, onUpdated }: EditableAttributeTableProps) {
  const update = useApiMutation('attributes.update');
  const [corrected, setCorrected] = useState(false);
  const wordByName = new Map(labels.map((label) => [label.name, label.word]));

  const change = async (name: string, code: string | null) => {
    if (code === null) return;
    const updated = await update.run({ identityId: detail.identityId, name, value: Number(code) });
    if (!updated) return;
    setCorrected(true);
    onUpdated(updated);
  };

  return (
    <Paper withBorder p="md">
      <Stack gap="sm">
        <Title order={4}>Attributes</Title>
        <ErrorAlert error={update.error} title="Cannot correct the label" onClose={update.clearError} />
        {corrected && (
          <Alert variant="light" color="blue" withCloseButton onClose={() => setCorrected(false)}>
            Labels changed. The prompt keeps its old words until you regenerate it.
          </Alert>
        )}
        {detail.attributes.length === 0 ? (
          <Text size="sm" c="dimmed">
            No attribute labels for this identity, so it gets no ChatGPT prompt. Import the dataset with an attribute file.
          </Text>
        ) : (
          <Table verticalSpacing={2} striped data-testid="prompt-attribute-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Attribute</Table.Th>
                <Table.Th>Value</Table.Th>
                <Table.Th>Words in prompts</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {detail.attributes.map((attribute) => (
                <Table.Tr key={attribute.name} data-attribute={attribute.name}>
                  <Table.Td>{attribute.name}</Table.Td>
                  <Table.Td>
                    <Select
                      size="xs"
                      aria-label={`Value of ${attribute.name}`}
                      data={attribute.choices.map((choice) => ({ value: String(choice.value), label: `${choice.value} · ${choice.meaning}` }))}
                      value={String(attribute.value)}
                      onChange={(code) => change(attribute.name, code)}
                      allowDeselect={false}
                      disabled={update.pending}
                      w={200}
                    />
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" c={wordByName.get(attribute.name) ? undefined : 'dimmed'}>
                      {wordByName.get(attribute.name) ?? 'left out'}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </Paper>
  );
}
