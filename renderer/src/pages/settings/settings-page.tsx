import { Stack, Title } from '@mantine/core';
import { useApiQuery } from '../../hooks/use-api-query';
import { ChatModelCard } from './chat-model-card';
import { ExecutionProviderCard } from './execution-provider-card';
import { InstructionCard } from './instruction-card';
import { ModelsCard } from './models-card';
import { ThemeCard } from './theme-card';
import { VocabularyCard } from './vocabulary-card';
import { WorkspaceCard } from './workspace-card';

/** Workspace facts, execution provider, registered models, the chat model with its instruction and vocabulary, and the color scheme. */
export function SettingsPage() {
  const workspace = useApiQuery('workspace.info', {});

  return (
    <Stack gap="lg">
      <Title order={2}>Settings</Title>
      <WorkspaceCard workspace={workspace} />
      <ExecutionProviderCard workspace={workspace} />
      <ModelsCard />
      <ChatModelCard />
      <InstructionCard />
      <VocabularyCard />
      <ThemeCard />
    </Stack>
  );
}
