import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrations } from '../../main/db/migrations';
import { openWorkspace, schemaVersion } from '../../main/db/workspace';

const dirs: string[] = [];
const tempFile = () => {
  const dir = mkdtempSync(join(tmpdir(), 'mpreid-db-'));
  dirs.push(dir);
  return join(dir, 'test.mpreid');
};

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('openWorkspace', () => {
  it('applies every migration to a new file', () => {
    const db = openWorkspace(tempFile());

    expect(schemaVersion(db)).toBe(migrations[migrations.length - 1].version);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all().map((row) => (row as { name: string }).name);
    expect(tables).toEqual(expect.arrayContaining(['datasets', 'images', 'identities', 'attribute_schemas', 'attribute_values', 'models', 'embeddings', 'jobs']));
    db.close();
  });

  it('uses WAL and foreign keys', () => {
    const db = openWorkspace(tempFile());

    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(() => db.prepare('INSERT INTO identities (dataset_id, person_id) VALUES (999, 1)').run()).toThrow(/FOREIGN KEY/);
    db.close();
  });

  it('reopens without reapplying migrations', () => {
    const path = tempFile();
    const first = openWorkspace(path);
    first.prepare("INSERT INTO settings (key, value) VALUES ('k', '1')").run();
    first.close();

    const second = openWorkspace(path);

    expect(second.prepare("SELECT value FROM settings WHERE key = 'k'").get()).toEqual({ value: '1' });
    second.close();
  });

  it('rejects a workspace from a newer app', () => {
    const path = tempFile();
    const db = openWorkspace(path);
    db.pragma('user_version = 999');
    db.close();

    expect(() => openWorkspace(path)).toThrow(/schema version 999.*Update the workstation/);
  });
});

describe('openWorkspace on foreign files', () => {
  it('rejects another program database unchanged', () => {
    const path = tempFile();
    const foreign = new Database(path);
    foreign.exec('CREATE TABLE notes (text TEXT)');
    foreign.close();

    expect(() => openWorkspace(path)).toThrow(/SQLite database of another program/);

    const reopened = new Database(path);
    const tables = reopened.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all();
    expect(tables).toEqual([{ name: 'notes' }]);
    expect(reopened.pragma('user_version', { simple: true })).toBe(0);
    reopened.close();
  });

  it('names a file that is not a database', () => {
    const path = tempFile();
    writeFileSync(path, 'person,camera\n1,2\n'.repeat(200));

    expect(() => openWorkspace(path)).toThrow(new RegExp(`Cannot open workspace ${path}: file is not a database`));
  });
});
