import { Alert, Badge, Group, Paper, Select, Stack, Text, Title } from '@mantine/core';
import type { ApiOutput } from '../../../../main/api/contract';
import type { ExecutionProviderChoice } from '../../../../main/api/schemas';
import { ErrorAlert } from '../../components/error-alert';
import type { ApiQuery } from '../../hooks/use-api-query';
import { useApiMutation } from '../../hooks/use-api-mutation';
import { useNotify } from '../../hooks/use-notify';

const choices = [
  { value: 'auto', label: 'Automatic (CUDA when present, else CPU)' },
  { value: 'cpu', label: 'CPU' },
  { value: 'cuda', label: 'CUDA' },
];

/** Chooses the ONNX Runtime execution provider for new inference sessions and shows which ones exist. */
export function ExecutionProviderCard({ workspace }: { workspace: ApiQuery<ApiOutput<'workspace.info'>> }) {
  const setProvider = useApiMutation('settings.setExecutionProvider');
  const notify = useNotify();
  const providers = workspace.data?.executionProviders;

  const change = async (value: string | null) => {
    if (!value) return;
    const result = await setProvider.run({ executionProvider: value as ExecutionProviderChoice });
    if (!result) return;
    notify({ tone: 'success', title: 'Execution provider saved', message: 'New inference sessions use it.' });
    workspace.reload();
  };

  return (
    <Paper withBorder p="md">
      <Stack gap="sm">
        <Title order={4}>Execution provider</Title>
        <Select
          label="Run models on"
          data={choices}
          value={providers?.preferred ?? null}
          onChange={change}
          disabled={!providers || setProvider.pending}
          allowDeselect={false}
          maw={360}
          data-testid="execution-provider"
        />
        {providers && (
          <Group gap="lg">
            <Group gap={6}>
              <Text size="sm" c="dimmed">
                Available
              </Text>
              {providers.available.map((name) => (
                <Badge key={name} variant="light" color="gray">
                  {name}
                </Badge>
              ))}
            </Group>
            <Group gap={6}>
              <Text size="sm" c="dimmed">
                Active
              </Text>
              <Badge variant="filled">{providers.active}</Badge>
            </Group>
          </Group>
        )}
        {providers?.note && (
          <Alert variant="light" color="blue">
            {providers.note}
          </Alert>
        )}
        <ErrorAlert error={setProvider.error} title="Cannot use this execution provider" onClose={setProvider.clearError} />
      </Stack>
    </Paper>
  );
}
