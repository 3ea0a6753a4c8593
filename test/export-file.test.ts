import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../main/errors';
import { writeExportFile } from '../main/export-file';

const directory = mkdtempSync(join(tmpdir(), 'export-file-test-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** Creates a fresh folder for one test, so each test can list exactly what it wrote. */
function folderFor(name: string): string {
  const folder = join(directory, name);
  mkdirSync(folder);
  return folder;
}

describe('writeExportFile', () => {
  it('writes content and no partial file', () => {
    const folder = folderFor('plain');
    writeExportFile(join(folder, 'runs.csv'), 'a,b\n1,2\n', 'runs.csv', '.csv');

    expect(readFileSync(join(folder, 'runs.csv'), 'utf8')).toBe('a,b\n1,2\n');
    expect(readdirSync(folder)).toEqual(['runs.csv']);
  });

  it('replaces an existing file', () => {
    const folder = folderFor('replace');
    writeFileSync(join(folder, 'runs.csv'), 'old');
    writeExportFile(join(folder, 'runs.csv'), 'new', 'runs.csv');

    expect(readFileSync(join(folder, 'runs.csv'), 'utf8')).toBe('new');
  });

  it('folder path suggests a file name', () => {
    const folder = folderFor('folder');
    expect(() => writeExportFile(folder, 'x', 'runs.csv')).toThrow(ValidationError);
    expect(() => writeExportFile(folder, 'x', 'runs.csv')).toThrow(`pass the path of the file to write, such as ${join(folder, 'runs.csv')}`);
  });

  it('missing parent folder throws', () => {
    expect(() => writeExportFile(join(directory, 'absent', 'runs.csv'), 'x', 'runs.csv')).toThrow(ValidationError);
  });

  it('named pipe is left alone', () => {
    const folder = folderFor('fifo');
    const pipe = join(folder, 'runs.csv');
    execFileSync('mkfifo', [pipe]);

    expect(() => writeExportFile(pipe, 'x', 'runs.csv')).toThrow(ValidationError);
    expect(() => writeExportFile(pipe, 'x', 'runs.csv')).toThrow(`${pipe} is a named pipe (FIFO), not a regular file`);
    expect(lstatSync(pipe).isFIFO()).toBe(true);
    expect(readdirSync(folder)).toEqual(['runs.csv']);
  });

  it('symbolic link to pipe throws', () => {
    const folder = folderFor('link');
    execFileSync('mkfifo', [join(folder, 'pipe')]);
    symlinkSync(join(folder, 'pipe'), join(folder, 'runs.csv'));

    expect(() => writeExportFile(join(folder, 'runs.csv'), 'x', 'runs.csv')).toThrow(/is a named pipe \(FIFO\), not a regular file/);
    expect(lstatSync(join(folder, 'runs.csv')).isSymbolicLink()).toBe(true);
  });

  it('file used as folder throws', () => {
    const folder = folderFor('not-folder');
    writeFileSync(join(folder, 'out.csv'), 'keep');
    const path = join(folder, 'out.csv', 'x.csv');

    expect(() => writeExportFile(path, 'x', 'x.csv')).toThrow(ValidationError);
    expect(() => writeExportFile(path, 'x', 'x.csv')).toThrow(`Cannot write ${path}`);
    expect(readFileSync(join(folder, 'out.csv'), 'utf8')).toBe('keep');
  });

  it('write failure throws validation error', () => {
    // The name itself fits the 255-byte limit of common file systems, but the temporary file's longer name does not.
    const folder = folderFor('long-name');
    const path = join(folder, `${'n'.repeat(250)}.csv`);

    expect(() => writeExportFile(path, 'x', 'x.csv')).toThrow(ValidationError);
    expect(() => writeExportFile(path, 'x', 'x.csv')).toThrow(`Cannot write ${path} because the name is too long (ENAMETOOLONG)`);
    expect(readdirSync(folder)).toEqual([]);
  });

  it('relative path throws', () => {
    expect(() => writeExportFile('rel.csv', 'x', 'runs.csv')).toThrow(ValidationError);
    expect(() => writeExportFile('rel.csv', 'x', 'runs.csv')).toThrow('"rel.csv" is a relative path');
    expect(readdirSync(process.cwd())).not.toContain('rel.csv');
  });

  it('extension contradicting format throws', () => {
    const folder = folderFor('extension');
    expect(() => writeExportFile(join(folder, 'out.csv'), '<svg/>', 'runs.svg', '.svg')).toThrow(ValidationError);
    expect(() => writeExportFile(join(folder, 'out.csv'), '<svg/>', 'runs.svg', '.svg')).toThrow('ends in .csv but the export is .svg');
    expect(readdirSync(folder)).toEqual([]);
  });

  it('matching or missing extension passes', () => {
    const folder = folderFor('extension-ok');
    writeExportFile(join(folder, 'chart.SVG'), '<svg/>', 'runs.svg', '.svg');
    writeExportFile(join(folder, 'chart'), '<svg/>', 'runs.svg', '.svg');

    expect(readdirSync(folder).sort()).toEqual(['chart', 'chart.SVG']);
  });
});
