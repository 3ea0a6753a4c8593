import { NotSupportedError } from '../errors';

/** Name of the chat endpoint's API key in a secret store. */
export const chatApiKeySecret = 'openai-api-key';

/** Environment variable that contains the chat API key in server and command-line mode. */
export const apiKeyVariable = 'MPREID_OPENAI_API_KEY';

/**
 * Storage for secrets such as API keys. The desktop app implements it with
 * Electron's safeStorage (encrypted by the operating system's key store);
 * server and command-line mode read environment variables. Values never reach
 * logs or API results: callers only learn whether a secret is set.
 */
export interface SecretStore {
  /** Describes where the secret is kept, for messages: "environment variable MPREID_OPENAI_API_KEY". */
  describe(name: string): string;
  get(name: string): Promise<string | null>;
  /** Throws NotSupportedError when the store is read-only. */
  set(name: string, value: string): Promise<void>;
  delete(name: string): Promise<void>;
}

/** Reads secrets from environment variables; read-only, because a process cannot change its parent's environment. */
export class EnvironmentSecretStore implements SecretStore {
  constructor(
    private readonly variables: Record<string, string> = { [chatApiKeySecret]: apiKeyVariable },
    private readonly environment: NodeJS.ProcessEnv = process.env,
  ) {}

  describe(name: string): string {
    return `environment variable ${this.variableFor(name)}`;
  }

  async get(name: string): Promise<string | null> {
    const value = this.environment[this.variableFor(name)]?.trim();
    return value ? value : null;
  }

  async set(name: string): Promise<void> {
    throw new NotSupportedError(`Secrets cannot be saved in server or command-line mode. Set the ${this.describe(name)} before starting the workstation.`);
  }

  async delete(name: string): Promise<void> {
    throw new NotSupportedError(`Secrets cannot be removed in server or command-line mode. Unset the ${this.describe(name)} and restart the workstation.`);
  }

  private variableFor(name: string): string {
    const variable = this.variables[name];
    if (!variable) throw new NotSupportedError(`No environment variable is assigned to the secret "${name}".`);
    return variable;
  }
}

let activeStore: SecretStore = new EnvironmentSecretStore();

/** Replaces the process-wide secret store; the Electron main process passes its safeStorage store here at start-up. */
export function configureSecretStore(store: SecretStore): void {
  activeStore = store;
}

export function secretStore(): SecretStore {
  return activeStore;
}
