import type { DataType } from './dtype';
import type { Shape } from './dims';
import type { GraphBuilder } from './graph-builder';

/** Source of a tensor's value when the graph runs. */
export type TensorKind = 'input' | 'parameter' | 'buffer' | 'initializer' | 'constant' | 'computed';

/**
 * A symbolic tensor: a named value in one graph with a dtype and a shape
 * known at build time. Ops take tensors and return new ones; no data lives here.
 */
export class Tensor {
  constructor(
    readonly graph: GraphBuilder,
    readonly name: string,
    readonly dtype: DataType,
    readonly shape: Shape,
    readonly kind: TensorKind,
  ) {}

  get rank(): number {
    return this.shape.length;
  }

  toString(): string {
    return `${this.name} ${this.dtype}[${this.shape.join(', ')}]`;
  }
}
