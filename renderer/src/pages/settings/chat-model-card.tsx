import { Button, Divider, Group, NumberInput, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { ChatSettings } from '../../../../main/prompts/api-schemas';
import { ErrorAlert } from '../../components/error-alert';
import { useApiMutation } from '../../hooks/use-api-mutation';
import { useApiQuery } from '../../hooks/use-api-query';
import { useNotify } from '../../hooks/use-notify';
import { ApiKeyField } from './api-key-field';
import { changedSettings, draftFromSettings, type ChatSettingsDraft, type ChatSettingsErrors } from './chat-settings-draft';

/** Endpoint, models, limits and prices of the chat model that writes ChatGPT prompts and answers VQA questions, and its API key. */
export function ChatModelCard() {
  const settings = useApiQuery('prompts.chatSettings.get', {});
  const update = useApiMutation('prompts.chatSettings.update');
  const notify = useNotify();
  const [draft, setDraft] = useState<ChatSettingsDraft | null>(null);
  const [errors, setErrors] = useState<ChatSettingsErrors>({});

  useEffect(() => {
    if (settings.data) setDraft(draftFromSettings(settings.data));
  }, [settings.data]);

  const save = async () => {
    if (!draft || !settings.data) return;
    const checked = changedSettings(draft, settings.data);
    if ('errors' in checked) {
      setErrors(checked.errors);
      return;
    }
    setErrors({});
    if (Object.keys(checked.changes).length === 0) return;
    if (await update.run(checked.changes)) {
      notify({ tone: 'success', title: 'Chat settings saved' });
      settings.reload();
    }
  };

  const text = (field: 'baseUrl' | 'model' | 'visionModel', label: string, width: number) =>
    draft && <TextInput label={label} value={draft[field]} onChange={(event) => setDraft({ ...draft, [field]: event.currentTarget.value })} error={errors[field]} w={width} data-testid={`chat-${field}`} />;
  const number = (field: keyof ChatSettings, label: string, decimals = 0) =>
    draft && (
      <NumberInput
        label={label}
        value={draft[field] as number | ''}
        onChange={(value) => setDraft({ ...draft, [field]: value === '' ? '' : Number(value) })}
        error={errors[field]}
        allowDecimal={decimals > 0}
        decimalScale={decimals || undefined}
        min={0}
        w={200}
        data-testid={`chat-${field}`}
      />
    );

  return (
    <Paper withBorder p="md" data-testid="chat-model-card">
      <Stack gap="sm">
        <Title order={4}>Chat model</Title>
        <Text size="sm" c="dimmed">
          Any OpenAI-compatible endpoint. The chat model writes ChatGPT prompts from attribute words; the vision model answers VQA questions about images.
        </Text>
        <ErrorAlert error={settings.error} title="Cannot read the chat settings" />
        <Group align="flex-start">
          {text('baseUrl', 'Base URL', 340)}
          {text('model', 'Model', 200)}
          {text('visionModel', 'Vision model', 200)}
        </Group>
        <Group align="flex-start">
          {number('concurrency', 'Requests at once')}
          {number('timeoutSeconds', 'Timeout (seconds)', 1)}
          {number('maxRetries', 'Retries')}
          {number('maxReplyCharacters', 'Reply limit (characters)')}
        </Group>
        <Group align="flex-start">
          {number('inputPricePer1kTokens', 'Input price / 1k tokens', 6)}
          {number('outputPricePer1kTokens', 'Output price / 1k tokens', 6)}
          <Text size="xs" c="dimmed" maw={300} mt={28}>
            In your account’s currency; cost estimates stay 0 until the prices are set.
          </Text>
        </Group>
        <ErrorAlert error={update.error} title="Chat settings rejected" onClose={update.clearError} />
        <Group>
          <Button onClick={save} loading={update.pending} disabled={!draft} data-testid="save-chat-settings">
            Save chat settings
          </Button>
        </Group>
        <Divider />
        {settings.data && <ApiKeyField status={settings.data} onChanged={settings.reload} />}
      </Stack>
    </Paper>
  );
}
