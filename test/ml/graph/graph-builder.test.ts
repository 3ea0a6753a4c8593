import { describe, expect, it } from 'vitest';
import { ShapeError, ValidationError } from '../../../main/errors';
import { GraphBuilder } from '../../../main/ml/graph/graph-builder';
import { decodeModelProto } from '../../../main/ml/graph/onnx-proto';
import { serializeGraph } from '../../../main/ml/graph/serialize';
import { add, gather, matMul, relu } from '../../../main/ml/ops';
import { opTypes } from '../../../main/ml/ops/op-types';
import { opDefinitions } from '../../../main/ml/ops/registry';
import { createTensor, StepSession } from '../../../main/ml/runtime/step-session';

interface DecodedGraph {
  node: { op_type: string; name: string }[];
  input: { name: string; type: { tensor_type: { shape: { dim: { dim_value?: number; dim_param?: string }[] } } } }[];
  initializer: { name: string }[];
  output: { name: string }[];
}

function buildLinear(): GraphBuilder {
  const graph = new GraphBuilder('linear');
  const x = graph.input('features', 'float32', ['batch', 3]);
  const y = graph.scope('encoder', () =>
    graph.scope('layer0', () => {
      const weight = graph.parameter('weight', new Float32Array([1, 0, 0, 1, 1, -1]), [3, 2]);
      const bias = graph.parameter('bias', new Float32Array([0.5, -0.5]), [2]);
      return relu(add(matMul(x, weight), bias));
    }),
  );
  graph.output(y, 'embedding');
  return graph;
}

describe('GraphBuilder', () => {
  it('scopes parameter names', () => {
    const graph = buildLinear();
    expect(graph.parameters.map((parameter) => parameter.tensor.name)).toEqual(['encoder/layer0/weight', 'encoder/layer0/bias']);
    expect(graph.parameters.map((parameter) => parameter.weightDecay)).toEqual([true, false]);
  });

  it('writes symbolic dims', () => {
    const model = decodeModelProto(serializeGraph(buildLinear(), { parameters: 'inputs' })) as { graph: DecodedGraph; opset_import: { version: number }[] };
    expect(model.opset_import[0].version).toBe(18);
    const features = model.graph.input.find((input) => input.name === 'features')!;
    expect(features.type.tensor_type.shape.dim).toEqual([{ dim_param: 'batch' }, { dim_value: 3 }]);
    expect(model.graph.input.map((input) => input.name)).toContain('encoder/layer0/weight');
    expect(model.graph.output.map((output) => output.name)).toEqual(['embedding']);
  });

  it('stores parameters as initializers on export', async () => {
    const graph = buildLinear();
    const bytes = serializeGraph(graph, { parameters: 'initializers', parameterValues: new Map([['encoder/layer0/bias', new Float32Array([1, 1])]]) });
    const model = decodeModelProto(bytes) as { graph: DecodedGraph };
    expect(model.graph.input.map((input) => input.name)).toEqual(['features']);
    expect(model.graph.initializer.map((initializer) => initializer.name)).toContain('encoder/layer0/weight');

    const session = await StepSession.create(bytes);
    const outputs = await session.run({ features: createTensor('float32', new Float32Array([1, 2, 3, -1, 0, 0]), [2, 3]) });
    await session.release();
    // [1,2,3] x W = [1 + 3, 2 - 3] = [4, -1]; plus bias 1 and relu.
    expect(Array.from(outputs.embedding.data as Float32Array)).toEqual([5, 0, 0, 1]);
    expect(outputs.embedding.dims).toEqual([2, 2]);
  });

  it('converts constant data of another typed array type', async () => {
    const graph = new GraphBuilder('lookup');
    const table = graph.constant(Int32Array.from([7, 8, 9]), 'int64', [3]);
    const indices = graph.input('indices', 'int64', [2]);
    graph.output(gather(table, indices, 0), 'picked');

    const session = await StepSession.create(serializeGraph(graph, { parameters: 'initializers' }));
    const outputs = await session.run({ indices: createTensor('int64', BigInt64Array.from([2n, 0n]), [2]) });
    await session.release();
    expect(Array.from(outputs.picked.data as BigInt64Array, Number)).toEqual([9, 7]);
  });

  it('prunes nodes outside the outputs', () => {
    const graph = new GraphBuilder('pruned');
    const x = graph.input('x', 'float32', [2]);
    const unused = graph.input('unused', 'float32', [2]);
    relu(unused);
    graph.output(add(x, 1), 'y');
    const model = decodeModelProto(serializeGraph(graph, { parameters: 'inputs' })) as { graph: DecodedGraph };
    expect(model.graph.node.map((node) => node.op_type)).toEqual(['Add', 'Identity']);
    expect(model.graph.input.map((input) => input.name)).toEqual(['x']);
  });

  it('throws when a name repeats', () => {
    const graph = new GraphBuilder();
    graph.input('x', 'float32', [2]);
    expect(() => graph.input('x', 'float32', [2])).toThrow(ValidationError);
    expect(() => graph.scope('a/b', () => 0)).toThrow(ValidationError);
  });

  it('throws when data length mismatches shape', () => {
    const graph = new GraphBuilder();
    expect(() => graph.parameter('w', new Float32Array(5), [2, 3])).toThrow(ShapeError);
    expect(() => graph.parameter('w', new Float32Array(5), [2, 3])).toThrow(/has 5 values but shape \[2, 3\] needs 6/);
  });

  it('throws when symbolic dims clash', () => {
    const graph = new GraphBuilder();
    const a = graph.input('a', 'float32', ['batch', 4]);
    const b = graph.input('b', 'float32', ['rows', 4]);
    expect(() => add(a, b)).toThrow(/Add: shapes \[batch, 4\] and \[rows, 4\] do not broadcast/);
  });

  it('throws when graph has no outputs', () => {
    expect(() => serializeGraph(new GraphBuilder('empty'), { parameters: 'inputs' })).toThrow(ValidationError);
  });
});

describe('op registry', () => {
  it('registry covers every op type', () => {
    for (const type of opTypes) expect(opDefinitions[type].type).toBe(type);
    expect(Object.keys(opDefinitions).sort()).toEqual([...opTypes].sort());
  });
});
