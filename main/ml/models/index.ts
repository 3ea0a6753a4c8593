export { describeModelShape, validateCard, type DeclaredTensors, type ModelShape } from './card-validation';
export { sha256Hex } from './content-hash';
export { inspectModel, proposeCard, readDeclaredTensors, type ModelInspection } from './inspect';
export { getModel, listModels, registerModel, type RegisterModelRequest } from './registry';
