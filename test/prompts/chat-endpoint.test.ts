import { describe, expect, it } from 'vitest';
import { chatSettingsWith } from '../../main/prompts/api-schemas';
import { openChatClient } from '../../main/prompts/chat-endpoint';
import { EnvironmentSecretStore } from '../../main/prompts/secret-store';

const emptyEnvironment = new EnvironmentSecretStore(undefined, {});

describe('openChatClient', () => {
  it('rejects a hosted endpoint without a key', async () => {
    const settings = chatSettingsWith({ baseUrl: 'https://api.openai.com/v1' });

    await expect(openChatClient(settings, {}, emptyEnvironment)).rejects.toThrow(/No API key is set for https:\/\/api\.openai\.com\/v1.*MPREID_OPENAI_API_KEY/);
  });

  it('opens a local endpoint without a key', async () => {
    const settings = chatSettingsWith({ baseUrl: 'http://127.0.0.1:8080/v1' });

    const { settings: effective } = await openChatClient(settings, {}, emptyEnvironment);

    expect(effective.baseUrl).toBe('http://127.0.0.1:8080/v1');
  });

  it('opens a hosted endpoint with a key', async () => {
    const store = new EnvironmentSecretStore(undefined, { MPREID_OPENAI_API_KEY: 'sk-test' });

    const { settings } = await openChatClient(chatSettingsWith({ baseUrl: 'https://api.openai.com/v1' }), {}, store);

    expect(settings.baseUrl).toBe('https://api.openai.com/v1');
  });
});
