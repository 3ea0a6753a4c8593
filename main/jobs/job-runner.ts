import type { JobProgress, JobSummary } from '../api/schemas';
import type { Db } from '../db/workspace';
import { CancelledError, serializeError } from '../errors';
import { createLogger } from '../log';
import { estimateRate, type ProgressReporter } from './progress';

const log = createLogger('JobRunner');

/** Minimum milliseconds between two progress events of one job, so a fast loop does not flood IPC. */
const progressIntervalMs = 150;

export interface JobEvents {
  progress(event: JobProgress): void;
  finished(event: { jobId: number; kind: string; status: JobSummary['status']; error: { code: string; message: string } | null }): void;
}

/**
 * Runs jobs, records them in the workspace's `jobs` table and relays their
 * progress. A job still marked running when a workspace opens was cut off by a
 * crash; `markInterruptedJobs` flags it so the UI can offer to resume.
 */
export class JobRunner {
  private readonly controllers = new Map<number, AbortController>();
  private readonly runningParams = new Map<number, { kind: string; params: unknown }>();

  constructor(
    private readonly db: Db,
    private readonly events: JobEvents,
  ) {}

  async run<T>(kind: string, params: unknown, work: (progress: ProgressReporter, jobId: number) => Promise<T>): Promise<T> {
    const jobId = this.insertJob(kind, params);
    const controller = new AbortController();
    this.controllers.set(jobId, controller);
    this.runningParams.set(jobId, { kind, params });
    log.info('job started', { jobId, kind });
    const started = performance.now();

    const { reporter, flushProgress } = this.reporter(jobId, kind, controller.signal);
    try {
      const result = await work(reporter, jobId);
      flushProgress();
      this.finish(jobId, kind, 'succeeded', result, null);
      log.info('job succeeded', { jobId, kind, seconds: (performance.now() - started) / 1000 });
      return result;
    } catch (error) {
      const status = error instanceof CancelledError ? 'cancelled' : 'failed';
      flushProgress();
      this.finish(jobId, kind, status, null, serializeError(error));
      log.warn(`job ${status}`, { jobId, kind, error });
      throw error;
    } finally {
      this.controllers.delete(jobId);
      this.runningParams.delete(jobId);
    }
  }

  cancel(jobId: number): boolean {
    const controller = this.controllers.get(jobId);
    if (!controller) return false;
    controller.abort();
    log.info('job cancellation requested', { jobId });
    return true;
  }

  /** Running jobs whose parameters name the dataset, such as an embedding or evaluation of it. */
  runningForDataset(datasetId: number): { jobId: number; kind: string }[] {
    const jobs: { jobId: number; kind: string }[] = [];
    for (const [jobId, { kind, params }] of this.runningParams) {
      if ((params as { datasetId?: unknown } | null)?.datasetId === datasetId) jobs.push({ jobId, kind });
    }
    return jobs;
  }

  list(limit: number): JobSummary[] {
    const rows = this.db
      .prepare('SELECT id, kind, status, params, progress, error, started_at, finished_at FROM jobs ORDER BY id DESC LIMIT ?')
      .all(limit) as JobRow[];
    return rows.map(toJobSummary);
  }

  markInterruptedJobs(): number {
    return this.db.prepare("UPDATE jobs SET status = 'interrupted' WHERE status = 'running'").run().changes;
  }

  private insertJob(kind: string, params: unknown): number {
    const info = this.db
      .prepare("INSERT INTO jobs (kind, status, params, started_at) VALUES (?, 'running', ?, ?)")
      .run(kind, JSON.stringify(params ?? {}), new Date().toISOString());
    return Number(info.lastInsertRowid);
  }

  private finish(jobId: number, kind: string, status: JobSummary['status'], result: unknown, error: { code: string; message: string } | null): void {
    this.db
      .prepare('UPDATE jobs SET status = ?, result = ?, error = ?, finished_at = ? WHERE id = ?')
      .run(status, result === null ? null : JSON.stringify(result), error ? JSON.stringify(error) : null, new Date().toISOString(), jobId);
    this.events.finished({ jobId, kind, status, error });
  }

  /**
   * Returns the job's progress reporter, which saves and relays at most one
   * update per `progressIntervalMs`. Also returns `flushProgress`, which saves
   * the last update that the interval held back, so that a finished job
   * records where it stopped.
   */
  private reporter(jobId: number, kind: string, signal: AbortSignal): { reporter: ProgressReporter; flushProgress: () => void } {
    let phase = '';
    let phaseStart = performance.now();
    let lastSent = 0;
    let heldBack: JobProgress | null = null;
    const saveProgress = this.db.prepare('UPDATE jobs SET progress = ? WHERE id = ?');
    const send = (event: JobProgress) => {
      heldBack = null;
      saveProgress.run(JSON.stringify(event), jobId);
      this.events.progress(event);
    };

    const reporter: ProgressReporter = {
      signal,
      throwIfCancelled: () => {
        if (signal.aborted) throw new CancelledError();
      },
      update: (nextPhase, done, total, message) => {
        const now = performance.now();
        const startsPhase = nextPhase !== phase;
        if (startsPhase) {
          phase = nextPhase;
          phaseStart = now;
        }

        const event: JobProgress = { jobId, kind, phase, done, total, ...estimateRate(done, total, (now - phaseStart) / 1000), message };
        if (!startsPhase && now - lastSent < progressIntervalMs && done < total) {
          heldBack = event;
          return;
        }
        lastSent = now;
        send(event);
      },
    };
    const flushProgress = () => {
      if (heldBack) send(heldBack);
    };
    return { reporter, flushProgress };
  }
}

interface JobRow {
  id: number;
  kind: string;
  status: JobSummary['status'];
  params: string;
  progress: string | null;
  error: string | null;
  started_at: string;
  finished_at: string | null;
}

function toJobSummary(row: JobRow): JobSummary {
  return {
    jobId: row.id,
    kind: row.kind,
    status: row.status,
    params: JSON.parse(row.params),
    progress: row.progress ? JSON.parse(row.progress) : null,
    error: row.error ? JSON.parse(row.error) : null,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}
