import { Code, Group, Paper, Stack, Text, Title } from '@mantine/core';
import type { ApiOutput } from '../../../../main/api/contract';
import { ErrorAlert } from '../../components/error-alert';
import type { ApiQuery } from '../../hooks/use-api-query';

/** Path and schema version of the open workspace file. */
export function WorkspaceCard({ workspace }: { workspace: ApiQuery<ApiOutput<'workspace.info'>> }) {
  return (
    <Paper withBorder p="md">
      <Stack gap="xs">
        <Title order={4}>Workspace</Title>
        <ErrorAlert error={workspace.error} title="Cannot read the workspace" />
        {workspace.data && (
          <>
            <Group gap="xs">
              <Text size="sm" c="dimmed" w={120}>
                File
              </Text>
              <Code data-testid="workspace-path">{workspace.data.path}</Code>
            </Group>
            <Group gap="xs">
              <Text size="sm" c="dimmed" w={120}>
                Schema version
              </Text>
              <Text size="sm">{workspace.data.schemaVersion}</Text>
            </Group>
          </>
        )}
      </Stack>
    </Paper>
  );
}
