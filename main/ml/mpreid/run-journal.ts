import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConflictError, ValidationError } from '../../errors';
import type { EpochRecord, TrainingStage } from './training-types';

const journalFile = 'journal.json';
const journalFormat = 'mpreid-run-journal/1';

/**
 * The record of what a run folder has committed: the epochs finished so far, each with its
 * checkpoint. Written after the checkpoint it names, by rename, so a crash
 * leaves either the old or the new journal and never one that points at a
 * checkpoint that does not exist.
 */
export interface RunJournal {
  format: typeof journalFormat;
  /** Hash of the configuration and data the run started with; a resume with others is refused. */
  fingerprint: string;
  epochs: EpochRecord[];
  /** Checkpoint file of the last finished epoch of each stage. */
  checkpoints: Partial<Record<TrainingStage, string>>;
}

export async function readJournal(runDirectory: string, fingerprint: string): Promise<RunJournal> {
  const path = join(runDirectory, journalFile);
  if (!existsSync(path)) return { format: journalFormat, fingerprint, epochs: [], checkpoints: {} };

  const journal = JSON.parse(await readFile(path, 'utf8')) as RunJournal;
  if (journal.format !== journalFormat) {
    throw new ValidationError(`${path} is not an MP-ReID run journal (format "${journal.format}"). Choose an empty folder for a new run.`);
  }
  if (journal.fingerprint !== fingerprint) {
    throw new ConflictError(`The run in ${runDirectory} was started with another configuration, other features or labels, or prompts whose text has changed since, so resuming would mix two trainings. Start a new run, or restore the prompts.`);
  }
  return journal;
}

export async function writeJournal(runDirectory: string, journal: RunJournal): Promise<void> {
  await mkdir(runDirectory, { recursive: true });
  const path = join(runDirectory, journalFile);
  await writeFile(`${path}.partial`, JSON.stringify(journal, null, 1));
  await rename(`${path}.partial`, path);
}

export function epochsDone(journal: RunJournal, stage: TrainingStage): number {
  return journal.epochs.filter((record) => record.stage === stage).length;
}
