import { deserializeError, InternalError } from '../../errors';
import { currentLogSettings } from '../../log';
import { startModuleWorker, workerModuleUrl } from '../runtime';
import type { TrainOptions } from './train-mpreid';
import type { TrainingWorkerReply, TrainingWorkerSetup } from './training-worker-protocol';
import type { MpreidConfig, MpreidOutcome, MpreidTrainingData } from './training-types';

/**
 * trainMpreid on a worker thread, with the same arguments and result. The
 * training data is copied to the worker once. Hooks and progress updates come
 * back as messages. Cancelling `options.progress.signal` stops the run at its
 * next step, and every epoch it committed stays.
 */
export function trainMpreidInWorker(data: MpreidTrainingData, config: MpreidConfig, options: TrainOptions): Promise<MpreidOutcome> {
  options.progress.throwIfCancelled();
  const setup: TrainingWorkerSetup = { data, config, runDirectory: options.runDirectory, log: currentLogSettings() };
  const worker = startModuleWorker(workerModuleUrl(import.meta.url, 'training-worker'), setup);
  const cancel = () => worker.postMessage({ kind: 'cancel' });
  options.progress.signal.addEventListener('abort', cancel, { once: true });

  return new Promise<MpreidOutcome>((resolve, reject) => {
    let settled = false;
    const settle = (finish: () => void) => {
      if (settled) return;
      settled = true;
      options.progress.signal.removeEventListener('abort', cancel);
      finish();
    };

    worker.on('message', (message: TrainingWorkerReply) => {
      if (message.kind === 'progress') options.progress.update(message.phase, message.done, message.total, message.message);
      else if (message.kind === 'step') options.hooks?.onStep?.(message.record);
      else if (message.kind === 'epoch') options.hooks?.onEpoch?.(message.record);
      else if (message.kind === 'done') settle(() => resolve(message.outcome));
      else settle(() => reject(deserializeError(message.error)));
    });
    worker.on('error', (error) => settle(() => reject(new InternalError(`The training worker crashed: ${error.message}. The run can resume from its last finished epoch.`, { cause: error }))));
    worker.on('exit', (code) => settle(() => reject(new InternalError(`The training worker stopped with exit code ${code} before finishing. The run can resume from its last finished epoch.`))));
  });
}
