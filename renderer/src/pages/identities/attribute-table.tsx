import { Table, Text } from '@mantine/core';
import type { IdentityDetail } from '../../../../main/api/schemas';

/** Attribute name, the coded value from the attribute file, and what that code means. */
export function AttributeTable({ attributes }: { attributes: IdentityDetail['attributes'] }) {
  if (attributes.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        No attributes for this identity. Import the dataset with an attribute file to see them.
      </Text>
    );
  }

  return (
    <Table striped withTableBorder={false} maw={560} data-testid="attribute-table">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Attribute</Table.Th>
          <Table.Th>Value</Table.Th>
          <Table.Th>Meaning</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {attributes.map((attribute) => (
          <Table.Tr key={attribute.name}>
            <Table.Td>{attribute.name}</Table.Td>
            <Table.Td>{attribute.value}</Table.Td>
            <Table.Td>{attribute.meaning}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
