import { Table, Text } from '@mantine/core';
import type { ModelSummary } from '../../../../main/api/schemas';

/** Registered models with the input and output that their model cards declare. */
export function ModelsTable({ models }: { models: ModelSummary[] }) {
  if (models.length === 0) {
    return (
      <Text size="sm" c="dimmed" data-testid="no-models">
        No models registered yet.
      </Text>
    );
  }

  return (
    <Table.ScrollContainer minWidth={700}>
      <Table striped verticalSpacing="xs" data-testid="models-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Input</Table.Th>
            <Table.Th>Output</Table.Th>
            <Table.Th>Batch</Table.Th>
            <Table.Th>Registered</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {models.map((model) => (
            <Table.Tr key={model.modelId}>
              <Table.Td>
                <Text size="sm" fw={500}>
                  {model.name}
                </Text>
                <Text size="xs" c="dimmed" truncate="end" maw={320} title={model.filePath}>
                  {model.filePath}
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">
                  {model.card.inputName} · {model.card.height} × {model.card.width} {model.card.channelOrder}
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">
                  {model.card.outputName} · {model.featureDimension}-d
                </Text>
              </Table.Td>
              <Table.Td>{model.fixedBatch ?? 'dynamic'}</Table.Td>
              <Table.Td>{new Date(model.createdAt).toLocaleString()}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
