import { Stack, Title } from '@mantine/core';
import { useApiQuery } from '../../hooks/use-api-query';
import { ExecutionProviderCard } from './execution-provider-card';
import { ModelsCard } from './models-card';
import { ThemeCard } from './theme-card';
import { WorkspaceCard } from './workspace-card';

/** Workspace facts, execution provider, registered models and the color scheme. */
export function SettingsPage() {
  const workspace = useApiQuery('workspace.info', {});

  return (
    <Stack gap="lg">
      <Title order={2}>Settings</Title>
      <WorkspaceCard workspace={workspace} />
      <ExecutionProviderCard workspace={workspace} />
      <ModelsCard />
      <ThemeCard />
    </Stack>
  );
}
