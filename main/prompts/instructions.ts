import type { Db } from '../db/workspace';
import { NotFoundError, ValidationError } from '../errors';
import { createLogger } from '../log';
import type { Instruction } from './api-schemas';

const log = createLogger('Prompts');

/** Placeholder replaced by the identity's attribute words, joined by commas. */
export const wordsPlaceholder = '{words}';

const maxInstructionLength = 8000;

/** Version 1 of every workspace's instruction; analysts edit it into later versions. */
export const defaultInstructionText = `Describe one person from a surveillance camera in a single sentence.
Attribute words: ${wordsPlaceholder}
Rules:
- Use only the attribute words above. Do not add colours, garments, items, actions, places or any other detail they do not state.
- Mention every attribute word above.
- Write exactly one sentence.
- Reply with that sentence only, without quotes or notes.`;

interface InstructionRow {
  version: number;
  text: string;
  created_at: string;
}

/** Returns the newest instruction, first storing the default as version 1 in a new workspace. */
export function currentInstruction(db: Db): Instruction {
  const row = db.prepare('SELECT version, text, created_at FROM prompt_instructions ORDER BY version DESC LIMIT 1').get() as InstructionRow | undefined;
  if (row) return toInstruction(row);

  // OR IGNORE: another connection may store version 1 first.
  db.prepare('INSERT OR IGNORE INTO prompt_instructions (version, text, created_at) VALUES (1, ?, ?)').run(defaultInstructionText, new Date().toISOString());
  return currentInstruction(db);
}

export function listInstructions(db: Db): Instruction[] {
  currentInstruction(db);
  const rows = db.prepare('SELECT version, text, created_at FROM prompt_instructions ORDER BY version').all() as InstructionRow[];
  return rows.map(toInstruction);
}

export function getInstruction(db: Db, version: number): Instruction {
  currentInstruction(db);
  const row = db.prepare('SELECT version, text, created_at FROM prompt_instructions WHERE version = ?').get(version) as InstructionRow | undefined;
  if (!row) throw new NotFoundError(`Instruction version ${version} does not exist. List the instruction versions to find one.`);
  return toInstruction(row);
}

/**
 * Saves an edited instruction as a new version and returns it. Saving the
 * text of the current version again returns that version unchanged, so the
 * generation cache stays valid.
 */
export function saveInstruction(db: Db, text: string): Instruction {
  validateInstruction(text);
  return db.transaction(() => {
    const current = currentInstruction(db);
    if (current.text === text) return current;

    const next = { version: current.version + 1, text, createdAt: new Date().toISOString() };
    db.prepare('INSERT INTO prompt_instructions (version, text, created_at) VALUES (?, ?, ?)').run(next.version, next.text, next.createdAt);
    log.info('instruction saved', { version: next.version });
    return next;
  })();
}

/** Fills the identity's attribute words into the instruction. */
export function renderInstruction(text: string, words: readonly string[]): string {
  return text.replaceAll(wordsPlaceholder, words.join(', '));
}

function validateInstruction(text: string): void {
  if (!text.includes(wordsPlaceholder)) {
    throw new ValidationError(`The instruction has no ${wordsPlaceholder} placeholder, so the attribute words would never reach the chat model. Add ${wordsPlaceholder} where the words belong.`);
  }
  if (text.length > maxInstructionLength) {
    throw new ValidationError(`The instruction has ${text.length} characters; the limit is ${maxInstructionLength}. Shorten it.`);
  }
}

function toInstruction(row: InstructionRow): Instruction {
  return { version: row.version, text: row.text, createdAt: row.created_at };
}
