import { saveExecutionProvider, type AppContext } from '../../app-context';
import { deleteDataset, getIdentity, importDataset, listDatasets, listIdentities, readImageDataUrl, updateAttribute } from '../../datasets';
import { schemaVersion } from '../../db/workspace';
import { ConflictError, NotFoundError } from '../../errors';
import { embedDataset } from '../../ml/embedding';
import { inspectModel, listModels, registerModel } from '../../ml/models';
import { availableExecutionProviders, resolveExecutionProvider } from '../../ml/runtime';
import type { ApiHandlers } from '../dispatcher';
import { runEvaluation } from './evaluation';
import { browseFiles } from './files';
import { promptHandlers } from './prompts';
import { runSearch } from './search';
import { trainingHandlers } from './training';
import { removeRunDirectory } from '../../training/run-folder';

/** Each API method's implementation; the dispatcher validates input and output around them. */
export const apiHandlers: ApiHandlers = {
  'workspace.info': (_input, context) => ({
    path: context.workspacePath,
    schemaVersion: schemaVersion(context.db),
    executionProviders: describeExecutionProviders(context),
  }),
  'files.browse': (input) => browseFiles(input),

  'datasets.list': (_input, context) => listDatasets(context.db),
  'datasets.import': (input, context) => context.jobs.run('import', input, (progress) => importDataset(context.db, input, progress)),
  'datasets.delete': (input, context) => {
    const running = context.jobs.runningForDataset(input.datasetId);
    if (running.length > 0) {
      const jobs = running.map((job) => `${job.kind} job ${job.jobId}`).join(', ');
      throw new ConflictError(`Dataset ${input.datasetId} is in use by the running ${jobs}. Cancel it or wait for it to finish, then delete the dataset.`);
    }
    const runFolders = context.db.prepare('SELECT run_dir FROM training_runs WHERE dataset_id = ?').all(input.datasetId) as { run_dir: string }[];
    deleteDataset(context.db, input.datasetId);
    for (const { run_dir: folder } of runFolders) removeRunDirectory(folder);
    return { ok: true as const };
  },
  'identities.list': (input, context) => listIdentities(context.db, input),
  'identities.get': (input, context) => getIdentity(context.db, input.identityId),
  'attributes.update': (input, context) => updateAttribute(context.db, input),
  'images.read': (input, context) => readImageDataUrl(context.db, input.imageId, input.maxSide),

  'models.inspect': (input) => inspectModel(input.filePath),
  'models.register': (input, context) => registerModel(context.db, input),
  'models.list': (_input, context) => listModels(context.db),

  'embeddings.run': (input, context) => {
    const running = context.jobs.runningForDataset(input.datasetId).find((job) => job.kind === 'embed');
    if (running) {
      throw new ConflictError(`Embedding job ${running.jobId} is already running on dataset ${input.datasetId}. Wait for it or cancel it before starting another.`);
    }
    return context.jobs.run('embed', input, (progress) =>
      embedDataset(context.db, { ...input, executionProvider: input.executionProvider ?? context.settings.executionProvider }, progress),
    );
  },
  'search.run': (input, context) => runSearch(input, context),
  'evaluation.run': (input, context) => runEvaluation(input, context),

  ...promptHandlers,
  ...trainingHandlers,

  'jobs.list': (input, context) => context.jobs.list(input.limit),
  'jobs.cancel': (input, context) => {
    if (!context.jobs.cancel(input.jobId)) {
      throw new NotFoundError(`No running job has id ${input.jobId}; it may have finished already. List jobs to see their status.`);
    }
    return { cancelled: true };
  },
  'settings.setExecutionProvider': (input, context) => {
    resolveExecutionProvider(input.executionProvider);
    saveExecutionProvider(context, input.executionProvider);
    return { ok: true as const };
  },
};

function describeExecutionProviders(context: AppContext) {
  const preferred = context.settings.executionProvider;
  try {
    const { provider, note } = resolveExecutionProvider(preferred);
    return { available: availableExecutionProviders(), preferred, active: provider, note };
  } catch (error) {
    // The saved preference is CUDA but CUDA is gone: report it rather than fail the whole page.
    return { available: availableExecutionProviders(), preferred, active: 'cpu' as const, note: (error as Error).message };
  }
}
