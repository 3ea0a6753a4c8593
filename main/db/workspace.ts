import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { ValidationError } from '../errors';
import { createLogger } from '../log';
import { migrations } from './migrations';

const log = createLogger('Workspace');

export type Db = Database.Database;

export interface OpenWorkspaceOptions {
  /** Path to better-sqlite3's addon built for the running ABI; see native-binding.ts. */
  nativeBinding?: string;
  readonly?: boolean;
}

/**
 * Opens (or creates) one workspace: a single SQLite file in WAL mode with
 * foreign keys on, migrated to the latest schema.
 */
export function openWorkspace(filePath: string, options: OpenWorkspaceOptions = {}): Db {
  if (!filePath) throw new ValidationError('The workspace path is empty. Pass the path of a .mpreid file.');
  if (!options.readonly) mkdirSync(dirname(filePath), { recursive: true });

  let db: Db;
  try {
    db = new Database(filePath, { nativeBinding: options.nativeBinding, readonly: options.readonly ?? false });
  } catch (error) {
    throw new ValidationError(`Cannot open workspace ${filePath}: ${(error as Error).message}`, { cause: error });
  }

  try {
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    rejectForeignDatabase(db, filePath);
    if (!options.readonly) applyMigrations(db, filePath);
  } catch (error) {
    db.close();
    if (error instanceof ValidationError) throw error;
    throw new ValidationError(`Cannot open workspace ${filePath}: ${(error as Error).message}. Pass a .mpreid workspace file, or a new path to create one.`, {
      cause: error,
    });
  }
  return db;
}

/** A database with tables but no schema version was made by another program; migrating it would add tables to someone else's file. */
function rejectForeignDatabase(db: Db, filePath: string): void {
  if (schemaVersion(db) > 0) return;
  const { tables } = db.prepare("SELECT COUNT(*) AS tables FROM sqlite_master WHERE type = 'table'").get() as { tables: number };
  if (tables > 0) {
    throw new ValidationError(`${filePath} is an SQLite database of another program, not a workstation workspace. Pass a .mpreid workspace file, or a new path to create one.`);
  }
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function applyMigrations(db: Db, filePath: string): void {
  const current = schemaVersion(db);
  const latest = migrations[migrations.length - 1].version;
  if (current > latest) {
    throw new ValidationError(
      `Workspace ${filePath} has schema version ${current}, newer than this app's ${latest}. Update the workstation to open it.`,
    );
  }

  for (const migration of migrations) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    })();
    log.info('applied migration', { file: filePath, version: migration.version });
  }
}
