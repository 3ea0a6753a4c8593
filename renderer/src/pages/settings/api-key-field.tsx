import { Badge, Button, Group, PasswordInput, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { ErrorAlert } from '../../components/error-alert';
import { useApiMutation } from '../../hooks/use-api-mutation';
import { useNotify } from '../../hooks/use-notify';

export interface ApiKeyStatus {
  apiKeySet: boolean;
  /** Storage of the key, such as an environment variable or the system key store. */
  apiKeySource: string;
}

/** Shows whether a chat API key is set and where it is kept, and stores or removes it. The page never receives the key itself. */
export function ApiKeyField({ status, onChanged }: { status: ApiKeyStatus; onChanged: () => void }) {
  const [apiKey, setApiKey] = useState('');
  const setKey = useApiMutation('prompts.apiKey.set');
  const notify = useNotify();

  const store = async (value: string | null) => {
    const result = await setKey.run({ apiKey: value });
    if (!result) return;
    setApiKey('');
    notify({ tone: 'success', title: value === null ? 'API key removed' : 'API key saved', message: `Kept in the ${result.apiKeySource}.` });
    onChanged();
  };

  return (
    <Stack gap="xs" data-testid="api-key">
      <Group gap="xs">
        <Text size="sm" fw={500}>
          API key
        </Text>
        <Badge variant="light" color={status.apiKeySet ? 'teal' : 'gray'} data-testid="api-key-status">
          {status.apiKeySet ? 'set' : 'not set'}
        </Badge>
        <Text size="xs" c="dimmed" data-testid="api-key-source">
          Source: {status.apiKeySource}
        </Text>
      </Group>
      <Group align="flex-end" gap="xs">
        <PasswordInput
          aria-label="New API key"
          placeholder={status.apiKeySet ? 'Type a new key to replace it' : 'sk-…'}
          value={apiKey}
          onChange={(event) => setApiKey(event.currentTarget.value)}
          autoComplete="off"
          w={320}
          data-testid="api-key-input"
        />
        <Button variant="light" onClick={() => store(apiKey.trim())} disabled={apiKey.trim() === ''} loading={setKey.pending} data-testid="save-api-key">
          Save key
        </Button>
        <Button variant="subtle" color="red" onClick={() => store(null)} disabled={!status.apiKeySet} loading={setKey.pending}>
          Remove key
        </Button>
      </Group>
      <ErrorAlert error={setKey.error} title="Cannot store the API key" onClose={setKey.clearError} />
    </Stack>
  );
}
