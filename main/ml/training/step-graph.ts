import { ValidationError } from '../../errors';
import type { Dim } from '../graph/dims';
import type { DataType, FloatDataType } from '../graph/dtype';
import type { GraphBuilder } from '../graph/graph-builder';
import { serializeGraph } from '../graph/serialize';
import type { Tensor } from '../graph/tensor';
import { gradients } from '../ops';
import { buildAdamW, buildSgd, globalNormClipScale, type OptimizerConfig, type OptimizerResult, type StepScalars } from './optimizers';

export const learningRateInput = 'optimizer/learning_rate';
export const stepInput = 'optimizer/step';

export interface TrainingStepDefinition {
  /** Graph holding the forward pass, its parameters and the loss. */
  graph: GraphBuilder;
  /** Scalar loss to minimise. */
  loss: Tensor;
  /** Further scalars to report each step (the loss terms, say). */
  metrics?: Record<string, Tensor>;
  /** Next values of buffers that the forward pass updates, such as batch-norm running statistics. */
  bufferUpdates?: { buffer: Tensor; updated: Tensor }[];
  optimizer: OptimizerConfig;
  /** Clip gradients to this global L2 norm; no clipping when omitted. */
  maxGradientNorm?: number;
}

export type StateKind = 'parameter' | 'buffer';

/** A tensor carried from one step to the next: fed under `name`, read back from `outputName`. */
export interface CarriedState {
  name: string;
  outputName: string;
  kind: StateKind;
  dtype: FloatDataType;
  shape: number[];
  initialValue: Float32Array | Float64Array;
}

export interface StepLayout {
  states: CarriedState[];
  /** Inputs fed fresh each step (the batch, labels, dropout masks). */
  batchInputs: { name: string; dtype: DataType; shape: Dim[] }[];
  /** Output name of each reported scalar, 'loss' and 'gradient_norm' included. */
  metricOutputs: Record<string, string>;
  floatType: FloatDataType;
}

export interface TrainingStep {
  model: Uint8Array;
  layout: StepLayout;
}

/**
 * Turns a forward graph with a loss into one training step: backward pass,
 * optional clipping by global norm, and the optimizer update, all as ONNX
 * ops. Inputs: parameters, buffers, optimizer state, the batch, the learning
 * rate and the 1-based step count. Outputs: the metrics under
 * 'metrics/<name>' and every carried state's next value (see `StepLayout`).
 */
export function buildTrainingStep(definition: TrainingStepDefinition): TrainingStep {
  const { graph, loss } = definition;
  const floatType = loss.dtype as FloatDataType;
  const parameters = graph.parameters;
  if (parameters.length === 0) throw new ValidationError(`Graph "${graph.name}" has no parameters to train.`);

  const batchInputs = graph.inputs.map((tensor) => ({ name: tensor.name, dtype: tensor.dtype, shape: [...tensor.shape] }));
  const scalars: Omit<StepScalars, 'gradientScale'> = { learningRate: graph.input(learningRateInput, floatType, []), step: graph.input(stepInput, floatType, []) };

  const parameterGradients = gradients(loss, parameters.map((parameter) => parameter.tensor));
  const { norm, scale } = graph.scope('clip', () => globalNormClipScale(parameterGradients, definition.maxGradientNorm, floatType));
  const optimized = parameters.map((parameter, i) => ({ tensor: parameter.tensor, gradient: parameterGradients[i], weightDecay: parameter.weightDecay }));
  const stepScalars = { ...scalars, gradientScale: scale };
  const result: OptimizerResult =
    definition.optimizer.type === 'adamw' ? buildAdamW(graph, optimized, stepScalars, definition.optimizer) : buildSgd(graph, optimized, stepScalars, definition.optimizer);

  const next = new Map<string, Tensor>();
  parameters.forEach((parameter, i) => next.set(parameter.tensor.name, result.updatedParameters[i]));
  for (const state of result.states) next.set(state.input.name, state.updated);
  for (const { buffer, updated } of definition.bufferUpdates ?? []) next.set(buffer.name, updated);

  const metricOutputs = declareMetrics(graph, { loss, gradient_norm: norm, ...definition.metrics });
  const states = carriedStates(graph, next);
  return { model: serializeGraph(graph, { parameters: 'inputs' }), layout: { states, batchInputs, metricOutputs, floatType } };
}

function declareMetrics(graph: GraphBuilder, metrics: Record<string, Tensor>): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const [name, tensor] of Object.entries(metrics)) {
    outputs[name] = `metrics/${name}`;
    graph.output(tensor, outputs[name]);
  }
  return outputs;
}

/**
 * Parameters and buffers, each with the output that contains its next value.
 * A computed next value is declared under its own name, because a renamed
 * output would cost an Identity node copying the whole tensor every step;
 * unchanged buffers pass through under 'next/<name>'.
 */
function carriedStates(graph: GraphBuilder, next: Map<string, Tensor>): CarriedState[] {
  const all = [
    ...graph.parameters.map((parameter) => ({ ...parameter, kind: 'parameter' as const })),
    ...graph.buffers.map((buffer) => ({ ...buffer, kind: 'buffer' as const })),
  ];
  const declared = new Set(graph.outputs.map((output) => output.name));
  return all.map(({ tensor, initialValue, kind }) => {
    const updated = next.get(tensor.name) ?? tensor;
    const outputName = updated.kind === 'computed' && !declared.has(updated.name) ? updated.name : `next/${tensor.name}`;
    graph.output(updated, outputName);
    declared.add(outputName);
    return { name: tensor.name, outputName, kind, dtype: tensor.dtype as FloatDataType, shape: tensor.shape as number[], initialValue };
  });
}
