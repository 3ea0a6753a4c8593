import type { Dim } from '../graph/dims';
import type { DataType } from '../graph/dtype';
import type { GraphBuilder } from '../graph/graph-builder';
import type { Tensor } from '../graph/tensor';
import type { OpType } from './op-types';

/** Dtype and build-time shape of one op output. */
export interface OutputSpec {
  dtype: DataType;
  shape: Dim[];
}

export interface EmitContext<Attributes> {
  graph: GraphBuilder;
  inputs: readonly (Tensor | undefined)[];
  outputs: readonly Tensor[];
  attributes: Attributes;
}

export interface GradientContext<Attributes> extends EmitContext<Attributes> {
  /** Gradient of the loss with respect to each output; undefined where no gradient flows back. */
  outputGradients: readonly (Tensor | undefined)[];
  /** Which inputs need a gradient; rules skip the others to keep the backward graph small. */
  needsGradient: readonly boolean[];
}

/**
 * One op family: its shape rule, the ONNX nodes it emits, and its gradient
 * rule, kept together so that a new op cannot be added without its gradient.
 */
export interface OpDefinition<Attributes = Record<string, never>> {
  readonly type: OpType;
  /** Checks input dtypes and shapes (throwing ShapeError) and returns the outputs'. */
  inferOutputs(inputs: readonly (Tensor | undefined)[], attributes: Attributes): OutputSpec[];
  /** Adds the ONNX nodes that compute `outputs` from `inputs`. */
  emit(context: EmitContext<Attributes>): void;
  /** Builds, from other ops, the gradient for each input (undefined for inputs without one). */
  gradient(context: GradientContext<Attributes>): (Tensor | undefined)[];
}

/** Gradient rule of ops whose outputs are piecewise constant or not real numbers. */
export function noGradient<Attributes>(context: GradientContext<Attributes>): (Tensor | undefined)[] {
  return context.inputs.map(() => undefined);
}
