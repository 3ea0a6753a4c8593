import { renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ValidationError } from './errors';

/**
 * Writes an export (prompts, a runs table, a plot) to a file the user named:
 * refuses a folder or a missing parent folder with what to pass instead, and
 * writes through a temporary file, so a failed write never leaves half a file.
 * `exampleName` is the file name suggested when `filePath` is a folder.
 */
export function writeExportFile(filePath: string, content: string, exampleName: string): void {
  if (statSync(filePath, { throwIfNoEntry: false })?.isDirectory()) {
    throw new ValidationError(`${filePath} is a folder; pass the path of the file to write, such as ${join(filePath, basename(exampleName))}.`);
  }
  if (!statSync(dirname(filePath), { throwIfNoEntry: false })?.isDirectory()) {
    throw new ValidationError(`The folder ${dirname(filePath)} does not exist; create it first or pass another path.`);
  }

  const temporary = `${filePath}.partial`;
  try {
    writeFileSync(temporary, content);
    renameSync(temporary, filePath);
  } finally {
    rmSync(temporary, { force: true });
  }
}
