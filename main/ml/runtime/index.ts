/**
 * The only door to onnxruntime-node: execution providers, sessions and host
 * tensors. Everything else in the app imports from here.
 */
export {
  addonFolder,
  availableExecutionProviders,
  cudaInstallHint,
  resolveExecutionProvider,
  type ExecutionProvider,
  type ExecutionProviderChoice,
} from './execution-providers';
export { flushDenormalWeights, type FlushResult } from './denormal-weights';
export { elementCount, float32Tensor, type HostTensor } from './host-tensor';
export { createSession, type ModelSession, type SessionOptions } from './session';
export { startModuleWorker, workerModuleUrl, type ModuleWorkerData } from './worker-launcher';
