import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobProgress } from '../../main/api/schemas';
import { openWorkspace, type Db } from '../../main/db/workspace';
import { CancelledError } from '../../main/errors';
import { JobRunner } from '../../main/jobs/job-runner';
import { estimateRate } from '../../main/jobs/progress';

let dir: string;
let db: Db;
let progressEvents: JobProgress[];
let finishedStatuses: string[];
let runner: JobRunner;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mpreid-jobs-'));
  db = openWorkspace(join(dir, 'jobs.mpreid'));
  progressEvents = [];
  finishedStatuses = [];
  runner = new JobRunner(db, { progress: (event) => progressEvents.push(event), finished: (event) => finishedStatuses.push(event.status) });
});

afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('JobRunner', () => {
  it('records a succeeded job with its last progress', async () => {
    const result = await runner.run('count', { upTo: 3 }, async (progress) => {
      for (let done = 1; done <= 3; done++) progress.update('counting', done, 3);
      return 'finished';
    });

    expect(result).toBe('finished');
    const [job] = runner.list(10);
    expect(job.status).toBe('succeeded');
    expect(job.params).toEqual({ upTo: 3 });
    expect(job.progress?.done).toBe(3);
    expect(progressEvents.at(-1)?.total).toBe(3);
    expect(finishedStatuses).toEqual(['succeeded']);
  });

  it('cancels a running job', async () => {
    const running = runner.run('wait', {}, async (progress, jobId) => {
      runner.cancel(jobId);
      progress.throwIfCancelled();
      return 'not reached';
    });

    await expect(running).rejects.toBeInstanceOf(CancelledError);
    expect(runner.list(1)[0].status).toBe('cancelled');
  });

  it('cancelled job keeps its last progress', async () => {
    const running = runner.run('count', {}, async (progress, jobId) => {
      // Updates this close together are held back by the event interval, all but the first.
      for (let done = 1; done <= 5; done++) progress.update('counting', done, 10);
      runner.cancel(jobId);
      progress.throwIfCancelled();
    });

    await expect(running).rejects.toBeInstanceOf(CancelledError);
    const [job] = runner.list(1);
    expect(job.progress?.done).toBe(5);
    expect(progressEvents.at(-1)?.done).toBe(5);
  });

  it('stores the error of a failed job', async () => {
    await expect(runner.run('fail', {}, async () => Promise.reject(new Error('disk full')))).rejects.toThrow('disk full');

    expect(runner.list(1)[0].error).toEqual({ code: 'internal', message: 'disk full' });
  });

  it('marks jobs left running by a crash as interrupted', () => {
    db.prepare("INSERT INTO jobs (kind, status, params, started_at) VALUES ('embed', 'running', '{}', '2026-01-01')").run();

    expect(runner.markInterruptedJobs()).toBe(1);
    expect(runner.list(1)[0].status).toBe('interrupted');
  });
});

describe('estimateRate', () => {
  it('derives rate and time left', () => {
    expect(estimateRate(50, 200, 10)).toEqual({ ratePerSecond: 5, etaSeconds: 30 });
  });

  it('returns nulls before any progress', () => {
    expect(estimateRate(0, 200, 10)).toEqual({ ratePerSecond: null, etaSeconds: null });
  });
});
