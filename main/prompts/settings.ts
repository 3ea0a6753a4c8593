import type { z } from 'zod';
import type { Db } from '../db/workspace';
import { createLogger } from '../log';
import { chatSettingsSchema, chatSettingsWith, type ChatSettings } from './api-schemas';

const log = createLogger('Prompts');

const chatSettingsKey = 'prompts.chat';

/**
 * Reads one JSON setting of the workspace's `settings` table through a zod
 * schema. A missing value, or one that no longer parses because an older
 * version wrote it, gives `fallback()`; the second case logs a warning.
 */
export function readSetting<S extends z.ZodType>(db: Db, key: string, schema: S, fallback: () => z.output<S>): z.output<S> {
  const row = db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
  if (!row) return fallback();

  const parsed = schema.safeParse(JSON.parse(row.value));
  if (parsed.success) return parsed.data;
  log.warn('stored setting is invalid; using the defaults', { key, issues: parsed.error.issues.length });
  return fallback();
}

export function writeSetting(db: Db, key: string, value: unknown): void {
  db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, JSON.stringify(value));
}

export function readChatSettings(db: Db): ChatSettings {
  // Defaults first, so settings stored before a field existed still parse.
  const stored = readSetting(db, chatSettingsKey, chatSettingsSchema.partial(), () => ({}));
  return chatSettingsWith(stored);
}

/** Merges `changes` into the stored chat settings and returns the result. */
export function updateChatSettings(db: Db, changes: Partial<ChatSettings>): ChatSettings {
  const next = chatSettingsSchema.parse({ ...readChatSettings(db), ...changes });
  writeSetting(db, chatSettingsKey, next);
  log.info('chat settings updated', { baseUrl: next.baseUrl, model: next.model });
  return next;
}
