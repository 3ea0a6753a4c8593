import { Paper, Stack, Title } from '@mantine/core';
import { ErrorAlert } from '../../components/error-alert';
import { useApiQuery } from '../../hooks/use-api-query';
import { ModelsTable } from './models-table';
import { RegisterModelForm } from './register-model-form';

/** Registered models and the form that registers another. */
export function ModelsCard() {
  const models = useApiQuery('models.list', {});

  return (
    <Paper withBorder p="md">
      <Stack gap="md">
        <Title order={4}>Models</Title>
        <ErrorAlert error={models.error} title="Cannot list models" />
        <ModelsTable models={models.data ?? []} />
        <RegisterModelForm onRegistered={models.reload} />
      </Stack>
    </Paper>
  );
}
