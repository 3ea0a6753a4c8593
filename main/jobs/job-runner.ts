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

    try {
      const result = await work(this.reporter(jobId, kind, controller.signal), jobId);
      this.finish(jobId, kind, 'succeeded', result, null);
      log.info('job succeeded', { jobId, kind, seconds: (performance.now() - started) / 1000 });
      return result;
    } catch (error) {
      const status = error instanceof CancelledError ? 'cancelled' : 'failed';
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

  private reporter(jobId: number, kind: string, signal: AbortSignal): ProgressReporter {
    let phase = '';
    let phaseStart = performance.now();
    let lastSent = 0;
    const saveProgress = this.db.prepare('UPDATE jobs SET progress = ? WHERE id = ?');

    return {
      signal,
      throwIfCancelled: () => {
        if (signal.aborted) throw new CancelledError();
      },
      update: (nextPhase, done, total, message) => {
        const now = performance.now();
        if (nextPhase !== phase) {
          phase = nextPhase;
          phaseStart = now;
        } else if (now - lastSent < progressIntervalMs && done < total) {
          return;
        }
        lastSent = now;
        const event: JobProgress = { jobId, kind, phase, done, total, ...estimateRate(done, total, (now - phaseStart) / 1000), message };
        saveProgress.run(JSON.stringify(event), jobId);
        this.events.progress(event);
      },
    };
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
