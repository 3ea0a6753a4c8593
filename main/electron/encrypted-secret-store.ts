import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { NotSupportedError } from '../errors';
import type { SecretStore } from '../prompts/secret-store';

/** The part of Electron's safeStorage this store uses; kept as an interface so the store runs under plain Node in tests. */
export interface StringCipher {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

/**
 * Keeps secrets such as the chat API key in one JSON file of base64
 * ciphertexts, encrypted by the operating system's keychain through Electron's
 * safeStorage. The file is written with mode 0600 and replaced atomically.
 */
export class EncryptedFileSecretStore implements SecretStore {
  constructor(
    private readonly filePath: string,
    private readonly cipher: StringCipher,
  ) {}

  describe(name: string): string {
    return `the encrypted secret "${name}" in ${this.filePath}`;
  }

  async get(name: string): Promise<string | null> {
    const encrypted = this.read()[name];
    if (encrypted === undefined) return null;
    this.requireEncryption();
    return this.cipher.decryptString(Buffer.from(encrypted, 'base64'));
  }

  async set(name: string, value: string): Promise<void> {
    this.requireEncryption();
    const secrets = this.read();
    secrets[name] = this.cipher.encryptString(value).toString('base64');
    this.write(secrets);
  }

  async delete(name: string): Promise<void> {
    const secrets = this.read();
    if (!(name in secrets)) return;
    delete secrets[name];
    this.write(secrets);
  }

  private requireEncryption(): void {
    if (!this.cipher.isEncryptionAvailable()) {
      throw new NotSupportedError(
        'The system keychain is not available, so the API key cannot be stored encrypted. Set MPREID_OPENAI_API_KEY in the environment instead.',
      );
    }
  }

  private read(): Record<string, string> {
    if (!existsSync(this.filePath)) return {};
    return JSON.parse(readFileSync(this.filePath, 'utf8')) as Record<string, string>;
  }

  private write(secrets: Record<string, string>): void {
    mkdirSync(dirname(this.filePath), { recursive: true });
    const temporary = `${this.filePath}.tmp`;
    writeFileSync(temporary, JSON.stringify(secrets), { mode: 0o600 });
    chmodSync(temporary, 0o600);
    renameSync(temporary, this.filePath);
  }
}
