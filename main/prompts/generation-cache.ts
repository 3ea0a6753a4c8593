import { createHash } from 'node:crypto';
import type { Db } from '../db/workspace';

/** A chat reply stored under the inputs that produced it. */
export interface CachedReply {
  reply: string;
  promptTokens: number;
  completionTokens: number;
}

/** sha256 (hex) of the JSON of `parts`; equal inputs in the same order give the same key. */
export function cacheKeyOf(parts: readonly unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/**
 * Cache key of a chat prompt: the attribute words, the instruction version and the model.
 * NOTE: the base URL is not part of the key, so two endpoints serving a model under the same name share cached replies.
 */
export function chatCacheKey(words: readonly string[], instructionVersion: number, model: string): string {
  return cacheKeyOf(['chat', words, instructionVersion, model]);
}

export function readCachedReply(db: Db, cacheKey: string): CachedReply | null {
  const row = db.prepare('SELECT reply, prompt_tokens, completion_tokens FROM prompt_generation_cache WHERE cache_key = ?').get(cacheKey) as
    | { reply: string; prompt_tokens: number; completion_tokens: number }
    | undefined;
  return row ? { reply: row.reply, promptTokens: row.prompt_tokens, completionTokens: row.completion_tokens } : null;
}

/** Stores a reply that passed every check. Replies that failed one are not cached, so a new run requests them again. */
export function storeCachedReply(db: Db, cacheKey: string, inputs: { words: readonly string[]; instructionVersion: number; model: string }, reply: CachedReply): void {
  db.prepare(
    `INSERT OR REPLACE INTO prompt_generation_cache (cache_key, model, instruction_version, words, reply, prompt_tokens, completion_tokens, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(cacheKey, inputs.model, inputs.instructionVersion, JSON.stringify(inputs.words), reply.reply, reply.promptTokens, reply.completionTokens, new Date().toISOString());
}
