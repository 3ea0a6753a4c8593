import { NotSupportedError } from '../../errors';
import type { ApiHandlers } from '../dispatcher';

type TrainingMethod = 'training.presets' | 'training.start' | 'training.resume' | 'training.list' | 'training.get' | 'training.delete' | 'training.exportTable' | 'search.text' | 'attributes.heads.train';

function notBuilt(method: string): never {
  throw new NotSupportedError(`${method} is not available in this build yet.`);
}

// TODO: replace with the training-run service once it lands.
export const trainingHandlers: Pick<ApiHandlers, TrainingMethod> = {
  'training.presets': () => notBuilt('training.presets'),
  'training.start': () => notBuilt('training.start'),
  'training.resume': () => notBuilt('training.resume'),
  'training.list': () => notBuilt('training.list'),
  'training.get': () => notBuilt('training.get'),
  'training.delete': () => notBuilt('training.delete'),
  'training.exportTable': () => notBuilt('training.exportTable'),
  'search.text': () => notBuilt('search.text'),
  'attributes.heads.train': () => notBuilt('attributes.heads.train'),
};
