import { saveExecutionProvider, type AppContext } from '../../app-context';
import { NotSupportedError } from '../../errors';
import { schemaVersion } from '../../db/workspace';
import type { ApiHandlers } from '../dispatcher';
import { browseFiles } from './files';

const pending = (name: string) => () => {
  throw new NotSupportedError(`${name} is not wired yet.`);
};

export const apiHandlers: ApiHandlers = {
  'workspace.info': (_input, context: AppContext) => ({
    path: context.workspacePath,
    schemaVersion: schemaVersion(context.db),
    executionProviders: { available: ['cpu'], preferred: context.settings.executionProvider, active: 'cpu', note: null },
  }),
  'files.browse': (input) => browseFiles(input),
  'datasets.list': pending('datasets.list'),
  'datasets.import': pending('datasets.import'),
  'datasets.delete': pending('datasets.delete'),
  'identities.list': pending('identities.list'),
  'identities.get': pending('identities.get'),
  'images.read': pending('images.read'),
  'models.inspect': pending('models.inspect'),
  'models.register': pending('models.register'),
  'models.list': pending('models.list'),
  'embeddings.run': pending('embeddings.run'),
  'search.run': pending('search.run'),
  'evaluation.run': pending('evaluation.run'),
  'jobs.list': (input, context) => context.jobs.list(input.limit),
  'jobs.cancel': (input, context) => ({ cancelled: context.jobs.cancel(input.jobId) }),
  'settings.setExecutionProvider': (input, context) => {
    saveExecutionProvider(context, input.executionProvider);
    return { ok: true as const };
  },
};
