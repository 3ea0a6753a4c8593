import { ValidationError } from '../errors';
import type { ChatSettings } from './api-schemas';
import { ChatClient } from './chat-client';
import { defaultRetryPolicy } from './retry';
import { chatApiKeySecret, secretStore, type SecretStore } from './secret-store';

/** Per-call replacements of the stored endpoint settings, as the command line's --base-url and --model give them. */
export interface EndpointOverrides {
  baseUrl?: string;
  model?: string;
}

/**
 * Builds a chat client from the workspace's chat settings and the API key in
 * the secret store. Returns the settings in effect, overrides applied.
 */
export async function openChatClient(settings: ChatSettings, overrides: EndpointOverrides = {}, store: SecretStore = secretStore()): Promise<{ client: ChatClient; settings: ChatSettings }> {
  const effective = { ...settings, baseUrl: overrides.baseUrl ?? settings.baseUrl, model: overrides.model ?? settings.model };
  const apiKey = await store.get(chatApiKeySecret);
  if (apiKey === null && requiresApiKey(effective.baseUrl)) {
    throw new ValidationError(
      `No API key is set for ${effective.baseUrl}. Set it in ${store.describe(chatApiKeySecret)}, or pass the base URL of a local server such as vLLM or Ollama.`,
    );
  }
  const client = new ChatClient({
    baseUrl: effective.baseUrl,
    model: effective.model,
    apiKey,
    timeoutMs: effective.timeoutSeconds * 1000,
    retry: { ...defaultRetryPolicy, maxRetries: effective.maxRetries },
    keySource: store.describe(chatApiKeySecret),
  });
  return { client, settings: effective };
}

/** Reports whether an API key is set and where it is read from. The key itself never leaves the secret store. */
export async function describeApiKey(store: SecretStore = secretStore()): Promise<{ apiKeySet: boolean; apiKeySource: string }> {
  return { apiKeySet: (await store.get(chatApiKeySecret)) !== null, apiKeySource: store.describe(chatApiKeySecret) };
}

/** Hosted endpoints reject every request without a key, so sending them one would only burn retries. Local servers often need none. */
function requiresApiKey(baseUrl: string): boolean {
  const hostname = new URL(baseUrl).hostname;
  return hostname === 'api.openai.com' || hostname.endsWith('.openai.azure.com');
}
