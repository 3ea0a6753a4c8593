import type { ExecutionProviderChoice } from './api/schemas';
import { EventBus } from './api/event-bus';
import { lockWorkspace, type WorkspaceLock } from './db/workspace-lock';
import { openWorkspace, type Db } from './db/workspace';
import { JobRunner } from './jobs/job-runner';
import { markInterruptedRuns } from './training/run-rows';

/** Everything a request handler needs: the open workspace, its jobs and the event bus. */
export interface AppContext {
  workspacePath: string;
  db: Db;
  jobs: JobRunner;
  events: EventBus;
  settings: { executionProvider: ExecutionProviderChoice };
  lock: WorkspaceLock;
}

export function createAppContext(workspacePath: string, options: { nativeBinding?: string } = {}): AppContext {
  const lock = lockWorkspace(workspacePath);
  let db: Db;
  try {
    db = openWorkspace(workspacePath, { nativeBinding: options.nativeBinding });
  } catch (error) {
    lock.release();
    throw error;
  }
  const events = new EventBus();
  const jobs = new JobRunner(db, {
    progress: (event) => events.emit('job.progress', event),
    finished: (event) => events.emit('job.finished', event),
  });
  jobs.markInterruptedJobs();
  markInterruptedRuns(db);

  return { workspacePath, db, jobs, events, settings: { executionProvider: readExecutionProvider(db) }, lock };
}

export function closeAppContext(context: AppContext): void {
  context.db.close();
  context.lock.release();
}

function readExecutionProvider(db: Db): ExecutionProviderChoice {
  const row = db.prepare("SELECT value FROM settings WHERE key = 'executionProvider'").get() as { value: string } | undefined;
  const value = row ? JSON.parse(row.value) : 'auto';
  return value === 'cpu' || value === 'cuda' ? value : 'auto';
}

export function saveExecutionProvider(context: AppContext, choice: ExecutionProviderChoice): void {
  context.db
    .prepare("INSERT INTO settings (key, value) VALUES ('executionProvider', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
    .run(JSON.stringify(choice));
  context.settings.executionProvider = choice;
}
