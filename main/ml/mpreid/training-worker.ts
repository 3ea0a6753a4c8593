import { parentPort, workerData } from 'node:worker_threads';
import { serializeError } from '../../errors';
import { silentProgress, type ProgressReporter } from '../../jobs/progress';
import { applyLogSettings } from '../../log';
import type { ModuleWorkerData } from '../runtime';
import { trainMpreid } from './train-mpreid';
import type { TrainingWorkerReply, TrainingWorkerRequest, TrainingWorkerSetup } from './training-worker-protocol';

/**
 * Worker thread that runs one MP-ReID training, so that onnxruntime's step
 * runs, which hold the calling thread for their whole duration, never stall
 * the thread that serves the API. Progress, steps and epochs go to the parent
 * as messages; a 'cancel' message stops the run at the next step.
 */

const port = parentPort!;
const setup = (workerData as ModuleWorkerData<TrainingWorkerSetup>).data;
applyLogSettings(setup.log);
const controller = new AbortController();

function reply(message: TrainingWorkerReply): void {
  port.postMessage(message);
}

port.on('message', (request: TrainingWorkerRequest) => {
  if (request.kind === 'cancel') controller.abort();
});

const progress: ProgressReporter = {
  ...silentProgress(controller.signal),
  update: (phase, done, total, message) => reply({ kind: 'progress', phase, done, total, message }),
};

try {
  const outcome = await trainMpreid(setup.data, setup.config, {
    runDirectory: setup.runDirectory,
    progress,
    hooks: { onStep: (record) => reply({ kind: 'step', record }), onEpoch: (record) => reply({ kind: 'epoch', record }) },
  });
  reply({ kind: 'done', outcome });
} catch (error) {
  reply({ kind: 'failed', error: serializeError(error) });
} finally {
  port.close();
}
