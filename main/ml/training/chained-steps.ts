import { ValidationError } from '../../errors';
import { decodeModelProtoJson, encodeModelProto, type ModelProtoJson, type NodeProtoJson, type ValueInfoProtoJson } from '../graph/onnx-proto';
import type { StepLayout, TrainingStep } from './step-graph';

/**
 * A graph that runs several optimizer steps per session run. Sub-step i
 * reads each batch input, the learning rate and the step count under
 * `subStepName(name, i)` and reports its metrics under
 * `subStepName(metricOutput, i)`. Carried state keeps the names of `layout`:
 * the first sub-step reads it and the last one writes it.
 */
export interface ChainedTrainingStep {
  model: Uint8Array;
  steps: number;
  /** Layout of one step, with the single-step names. */
  layout: StepLayout;
}

/** Name of a per-step input or metric output of sub-step `index` in a chained graph. */
export function subStepName(name: string, index: number): string {
  return `${name}@${index}`;
}

/**
 * Chains `steps` copies of a training step into one graph, each copy's
 * updated state feeding the next copy. onnxruntime-node 1.31 copies every
 * output into a new JavaScript buffer after a run, and the outputs include
 * the whole carried state (80 MB for a 6.7 M-parameter model with AdamW).
 * A chained graph copies the state out once per `steps` steps. The price is
 * a graph `steps` times larger and the intermediate states kept in memory during a run.
 */
export function chainTrainingSteps(step: TrainingStep, steps: number): ChainedTrainingStep {
  if (!Number.isInteger(steps) || steps < 1) {
    throw new ValidationError(`Steps per run ${steps} is invalid; expected a positive integer.`);
  }
  const model = decodeModelProtoJson(step.model);
  const names = chainedNames(model, step.layout, steps);
  const graph = model.graph;

  const nodes: NodeProtoJson[] = [];
  const inputs: ValueInfoProtoJson[] = graph.input.filter((input) => names.isState(input.name));
  const outputs: ValueInfoProtoJson[] = [];
  for (let index = 0; index < steps; index++) {
    for (const node of graph.node) {
      const input = node.input.map((name) => names.rename(name, index));
      const output = node.output.map((name) => names.rename(name, index));
      nodes.push({ ...node, name: subStepName(node.name, index), input, output });
    }
    for (const input of graph.input) if (!names.isState(input.name)) inputs.push({ ...input, name: names.rename(input.name, index) });
    for (const output of graph.output) {
      if (!names.isStateOutput(output.name) || index === steps - 1) outputs.push({ ...output, name: names.rename(output.name, index) });
    }
  }

  const chained: ModelProtoJson = { ...model, graph: { ...graph, node: nodes, input: inputs, output: outputs } };
  return { model: encodeModelProto(chained), steps, layout: step.layout };
}

/**
 * Renames the values of sub-step `index`. Initializers are shared, and a
 * state input of a later sub-step is the previous sub-step's state output.
 * The last sub-step writes the state outputs under their own names, and
 * every other value gets the sub-step suffix.
 */
function chainedNames(model: ModelProtoJson, layout: StepLayout, steps: number) {
  const initializers = new Set(model.graph.initializer.map((tensor) => tensor.name));
  const stateOutputByInput = new Map(layout.states.map((state) => [state.name, state.outputName]));
  const stateOutputs = new Set(layout.states.map((state) => state.outputName));

  const rename = (name: string, index: number): string => {
    if (name === '' || initializers.has(name)) return name;
    const stateOutput = stateOutputByInput.get(name);
    if (stateOutput !== undefined) return index === 0 ? name : rename(stateOutput, index - 1);
    if (stateOutputs.has(name) && index === steps - 1) return name;
    return subStepName(name, index);
  };
  return { rename, isState: (name: string) => stateOutputByInput.has(name), isStateOutput: (name: string) => stateOutputs.has(name) };
}
