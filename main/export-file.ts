import { randomBytes } from 'node:crypto';
import { renameSync, rmSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, extname, isAbsolute, join } from 'node:path';
import { ValidationError } from './errors';

/** Plain words for the file-system error codes a user can fix by choosing another path. */
const fileSystemReasons: Record<string, string> = {
  ENOTDIR: 'a part of its folder path is a file',
  EACCES: 'permission was denied',
  EPERM: 'the operation is not permitted',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'its symbolic links form a loop',
  ENOENT: 'the file could not be created in its folder',
  EISDIR: 'it is a folder',
  EBUSY: 'the file is in use',
};

/**
 * Writes an export (prompts, a runs table, a plot) to a file the user named.
 * Rejects a relative path, an extension other than `extension` (such as
 * '.csv') when given, a folder, a device, pipe or socket, and a missing parent
 * folder, each with what to pass instead. Writes through a temporary file, so
 * a failed write never leaves half a file. `exampleName` is the file name
 * suggested when `filePath` is a folder or relative. File-system errors become
 * ValidationError naming the path.
 */
export function writeExportFile(filePath: string, content: string, exampleName: string, extension?: string): void {
  checkPathForm(filePath, exampleName, extension);

  const target = statPath(filePath);
  if (target?.isDirectory()) {
    throw new ValidationError(`${filePath} is a folder; pass the path of the file to write, such as ${join(filePath, basename(exampleName))}.`);
  }
  if (target && !target.isFile()) {
    throw new ValidationError(`${filePath} is a ${describeKind(target)}, not a regular file; pass the path of a regular file or of a new one.`);
  }
  if (!statPath(dirname(filePath), filePath)?.isDirectory()) {
    throw new ValidationError(`The folder ${dirname(filePath)} does not exist; create it first or pass another path.`);
  }

  // A name unique to this write keeps two exports to one path from sharing a temporary file.
  // NOTE: a symbolic link to a regular file is replaced by the new file and its target stays as it was.
  const temporary = `${filePath}.${process.pid}-${randomBytes(4).toString('hex')}.partial`;
  try {
    writeFileSync(temporary, content);
    renameSync(temporary, filePath);
  } catch (error) {
    removeTemporary(temporary);
    throw toValidationError(error, filePath);
  }
}

/** Deletes the temporary file after a failed write, dropping a second error because the write's error explains the failure. */
function removeTemporary(temporary: string): void {
  try {
    rmSync(temporary, { force: true });
  } catch {
    // Such as ENAMETOOLONG, where the temporary file was never created.
  }
}

function checkPathForm(filePath: string, exampleName: string, extension: string | undefined): void {
  if (!isAbsolute(filePath)) {
    throw new ValidationError(`Export path "${filePath}" is a relative path; pass an absolute path, such as ${join(homedir(), basename(exampleName))}.`);
  }

  const actual = extname(filePath);
  if (extension && actual && actual.toLowerCase() !== extension.toLowerCase()) {
    throw new ValidationError(`${filePath} ends in ${actual} but the export is ${extension}; pass a path ending in ${extension} or choose the matching format.`);
  }
}

/** Stats `path` following symbolic links; returns undefined when it does not exist. */
function statPath(path: string, requestedPath = path): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch (error) {
    throw toValidationError(error, requestedPath);
  }
}

function describeKind(stats: Stats): string {
  if (stats.isFIFO()) return 'named pipe (FIFO)';
  if (stats.isSocket()) return 'socket';
  if (stats.isCharacterDevice()) return 'character device';
  if (stats.isBlockDevice()) return 'block device';
  return 'special file';
}

/** Converts a file-system error into a ValidationError naming the path; any other error passes through. */
function toValidationError(error: unknown, filePath: string): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (!code || !/^E[A-Z]+$/.test(code)) return error;

  const reason = fileSystemReasons[code] ?? (error as Error).message;
  return new ValidationError(`Cannot write ${filePath} because ${reason} (${code}); pass a path in a folder you can write to.`, { cause: error });
}
