import { Badge, Loader, Paper, Table, Text } from '@mantine/core';
import type { ApiOutput } from '../../../../main/api/contract';
import { formatCount } from '../../components/format';
import { AttributeCoverage } from './attribute-coverage';
import { DeleteDatasetButton } from './delete-dataset-button';
import { SplitCounts } from './split-counts';

type Datasets = ApiOutput<'datasets.list'>;

const layoutNames: Record<string, string> = { market1501: 'Market-1501', dukemtmc: 'DukeMTMC-reID' };

/** One row per dataset with its split counts from the import report. */
export function DatasetTable({ datasets, loading, onDeleted }: { datasets: Datasets; loading: boolean; onDeleted: () => void }) {
  if (loading && datasets.length === 0) return <Loader size="sm" />;
  if (datasets.length === 0) {
    return (
      <Text c="dimmed" data-testid="no-datasets">
        No datasets yet. Import a Market-1501 or DukeMTMC-reID folder above.
      </Text>
    );
  }

  return (
    <Paper withBorder>
      <Table.ScrollContainer minWidth={900}>
        <Table striped highlightOnHover verticalSpacing="sm" data-testid="dataset-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Layout</Table.Th>
              <Table.Th>Train</Table.Th>
              <Table.Th>Query</Table.Th>
              <Table.Th>Gallery</Table.Th>
              <Table.Th>Junk dropped</Table.Th>
              <Table.Th>Distractors</Table.Th>
              <Table.Th>Attributes</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {datasets.map((dataset) => (
              <Table.Tr key={dataset.datasetId} data-dataset-name={dataset.name}>
                <Table.Td>
                  <Text fw={500}>{dataset.name}</Text>
                  <Text size="xs" c="dimmed" truncate="end" maw={260} title={dataset.rootDir}>
                    {dataset.rootDir}
                  </Text>
                  {dataset.evaluationOnly && (
                    <Badge size="sm" variant="light" color="orange" mt={4}>
                      evaluation only
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>{layoutNames[dataset.layout] ?? dataset.layout}</Table.Td>
                <Table.Td>{dataset.evaluationOnly ? <Text c="dimmed">none</Text> : <SplitCounts counts={dataset.report.splits.train} />}</Table.Td>
                <Table.Td>
                  <SplitCounts counts={dataset.report.splits.query} />
                </Table.Td>
                <Table.Td>
                  <SplitCounts counts={dataset.report.splits.gallery} />
                </Table.Td>
                <Table.Td>{formatCount(dataset.report.junkImagesDropped)}</Table.Td>
                <Table.Td>{formatCount(dataset.report.distractorImages)}</Table.Td>
                <Table.Td>
                  <AttributeCoverage attributes={dataset.report.attributes} />
                </Table.Td>
                <Table.Td>
                  <DeleteDatasetButton datasetId={dataset.datasetId} name={dataset.name} onDeleted={onDeleted} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}
