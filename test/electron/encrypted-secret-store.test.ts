import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EncryptedFileSecretStore, type StringCipher } from '../../main/electron/encrypted-secret-store';

/** Stands in for the OS keychain. It reverses the bytes, so the file never contains the plain text. */
function reversingCipher(available = true): StringCipher {
  return {
    isEncryptionAvailable: () => available,
    encryptString: (text) => Buffer.from(text, 'utf8').reverse(),
    decryptString: (encrypted) => Buffer.from(encrypted).reverse().toString('utf8'),
  };
}

const dirs: string[] = [];
const secretsFile = () => {
  const dir = mkdtempSync(join(tmpdir(), 'mpreid-secrets-'));
  dirs.push(dir);
  return join(dir, 'nested', 'secrets.json');
};

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('EncryptedFileSecretStore', () => {
  it('round-trips a secret without storing it in plain text', async () => {
    const file = secretsFile();
    const store = new EncryptedFileSecretStore(file, reversingCipher());

    await store.set('chatApiKey', 'sk-test-123');

    expect(await store.get('chatApiKey')).toBe('sk-test-123');
    expect(readFileSync(file, 'utf8')).not.toContain('sk-test-123');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('returns null for a missing secret', async () => {
    expect(await new EncryptedFileSecretStore(secretsFile(), reversingCipher()).get('chatApiKey')).toBeNull();
  });

  it('deletes a secret', async () => {
    const store = new EncryptedFileSecretStore(secretsFile(), reversingCipher());
    await store.set('chatApiKey', 'sk-test-123');

    await store.delete('chatApiKey');

    expect(await store.get('chatApiKey')).toBeNull();
  });

  it('refuses to store without a keychain', async () => {
    const store = new EncryptedFileSecretStore(secretsFile(), reversingCipher(false));

    await expect(store.set('chatApiKey', 'sk-test-123')).rejects.toThrow(/keychain is not available.*MPREID_OPENAI_API_KEY/);
  });
});
