import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Scoped, levelled logger. Lines go to stderr and, once `configureLogFile` is
 * called, to a log file that rotates to `<file>.1` past `maxBytes`.
 * Never pass API keys or full prompts to it.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const levelRank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

const settings = {
  level: (process.env.MPREID_LOG_LEVEL as LogLevel | undefined) ?? 'info',
  filePath: undefined as string | undefined,
  maxBytes: 5 * 1024 * 1024,
  // The CLI prints JSON on stdout, so logs never go there; tests silence stderr.
  toStderr: process.env.MPREID_LOG_STDERR !== '0',
};

export function configureLogFile(filePath: string, maxBytes = settings.maxBytes): void {
  mkdirSync(dirname(filePath), { recursive: true });
  settings.filePath = filePath;
  settings.maxBytes = maxBytes;
}

export function setLogLevel(level: LogLevel): void {
  settings.level = level;
}

export function setLogToStderr(enabled: boolean): void {
  settings.toStderr = enabled;
}

/** Level and destinations of this thread's logger, which a worker thread copies from its parent. */
export interface LogSettings {
  level: LogLevel;
  filePath: string | undefined;
  maxBytes: number;
  toStderr: boolean;
}

export function currentLogSettings(): LogSettings {
  return { ...settings };
}

/**
 * Applies settings read from another thread. Each worker thread loads its own
 * copy of this module, which otherwise starts from the environment defaults.
 * NOTE: both threads then append to the same log file, and a rotation by one
 * can race with an append by the other.
 */
export function applyLogSettings(applied: LogSettings): void {
  Object.assign(settings, applied);
}

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export function createLogger(scope: string): Logger {
  const write = (level: LogLevel, message: string, fields?: Record<string, unknown>) => {
    if (levelRank[level] < levelRank[settings.level]) return;
    const suffix = fields ? ` ${JSON.stringify(fields, errorReplacer)}` : '';
    const line = `${new Date().toISOString()} ${level.toUpperCase()} [${scope}] ${message}${suffix}\n`;
    if (settings.toStderr) process.stderr.write(line);
    if (settings.filePath) appendToFile(settings.filePath, line);
  };
  return {
    debug: (message, fields) => write('debug', message, fields),
    info: (message, fields) => write('info', message, fields),
    warn: (message, fields) => write('warn', message, fields),
    error: (message, fields) => write('error', message, fields),
  };
}

function appendToFile(filePath: string, line: string): void {
  try {
    const size = statSync(filePath, { throwIfNoEntry: false })?.size ?? 0;
    if (size > settings.maxBytes) {
      renameSync(filePath, `${filePath}.1`);
    }
    appendFileSync(filePath, line);
  } catch (error) {
    // Logging must never take the app down; report the failure once on stderr.
    process.stderr.write(`log file ${filePath} is not writable: ${String(error)}\n`);
    settings.filePath = undefined;
  }
}

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message };
  return value;
}
