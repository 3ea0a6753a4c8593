import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NotFoundError, NotSupportedError, ShapeError, ValidationError } from '../../../main/errors';
import type { DataType } from '../../../main/ml/graph/dtype';
import { GraphBuilder } from '../../../main/ml/graph/graph-builder';
import { decodeModelProtoJson, encodeModelProto } from '../../../main/ml/graph/onnx-proto';
import { serializeGraph } from '../../../main/ml/graph/serialize';
import { preprocessImage } from '../../../main/ml/embedding/preprocess';
import { appendHead } from '../../../main/ml/models/compose-model';
import { softmax } from '../../../main/ml/ops';
import { createSession, float32Tensor, type HostTensor } from '../../../main/ml/runtime';
import { linear } from '../../../main/ml/training/layers';
import { SeededRandom } from '../../../main/ml/training/random';
import { dukeRoot, osnetCard, osnetModelPath } from '../embedding/fixtures';

const osnet = readFileSync(osnetModelPath);

interface HeadOptions {
  inputName?: string;
  dtype?: DataType & ('float32' | 'float64');
  width?: number;
  outputName?: string;
}

/** Builds a linear 4-class classifier on image features with outputs 'logits' (or `outputName`) and 'probabilities'. */
function buildHead({ inputName = 'feature', dtype = 'float32', width = 512, outputName = 'logits' }: HeadOptions = {}): Uint8Array {
  const graph = new GraphBuilder('classifier');
  const context = { graph, random: new SeededRandom(7), dtype };
  const feature = graph.input(inputName, dtype, ['batch', width]);
  const logits = linear(context, 'linear', feature, width, 4);
  graph.output(logits, outputName);
  graph.output(softmax(logits), 'probabilities');
  return serializeGraph(graph, { parameters: 'initializers' });
}

async function runModel(model: Uint8Array, feeds: Record<string, HostTensor>): Promise<Record<string, HostTensor>> {
  const session = await createSession(model, { provider: 'cpu', intraOpThreads: 1 });
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

async function dukeImageTensor(): Promise<HostTensor> {
  const pixels = await preprocessImage(join(dukeRoot, 'query/0005_c2_f0046985.jpg'), osnetCard);
  return float32Tensor(pixels, [1, 3, osnetCard.height, osnetCard.width]);
}

function expectClose(actual: HostTensor, expected: HostTensor): void {
  expect(actual.dims).toEqual(expected.dims);
  const maxDifference = Array.from(actual.data as Float32Array).reduce((max, value, i) => Math.max(max, Math.abs(value - Number(expected.data[i]))), 0);
  expect(maxDifference).toBeLessThan(1e-5);
}

describe('appendHead', () => {
  it('matches the two models run in turn', async () => {
    const head = buildHead();
    const images = await dukeImageTensor();

    const { output: feature } = await runModel(osnet, { images });
    const separate = await runModel(head, { feature });
    const composed = await runModel(appendHead(osnet, 'output', head, 'feature', { keepImageOutput: true }), { images });

    expect(Object.keys(composed).sort()).toEqual(['logits', 'output', 'probabilities']);
    expectClose(composed.logits, separate.logits);
    expectClose(composed.probabilities, separate.probabilities);
    expectClose(composed.output, feature);
  });

  it('prefixes head names', () => {
    const model = decodeModelProtoJson(appendHead(osnet, 'output', buildHead(), 'feature', { name: 'osnet_classifier' }));
    const osnetNodes = decodeModelProtoJson(osnet).graph.node.length;
    const headNodes = model.graph.node.slice(osnetNodes);

    expect(model.graph.name).toBe('osnet_classifier');
    expect(model.graph.input.map((input) => input.name)).toEqual(['images']);
    expect(model.graph.output.map((output) => output.name)).toEqual(['logits', 'probabilities']);
    expect(model.opset_import).toEqual([{ domain: '', version: 18 }]);
    expect(headNodes.length).toBeGreaterThan(0);
    expect(headNodes.every((node) => node.name.startsWith('head/'))).toBe(true);
    expect(headNodes[0].input).toContain('output');
    expect(model.graph.initializer.map((tensor) => tensor.name)).toContain('head/linear/weight');
  });

  it('rejects a feature width mismatch', () => {
    const compose = () => appendHead(osnet, 'output', buildHead({ width: 256 }), 'feature');
    expect(compose).toThrow(ShapeError);
    expect(compose).toThrow(/"output" float32\[1, 512\] and head input "feature" float32\[batch, 256\]/);
  });

  it('rejects an element type mismatch', () => {
    const compose = () => appendHead(osnet, 'output', buildHead({ dtype: 'float64' }), 'feature');
    expect(compose).toThrow(ShapeError);
    expect(compose).toThrow(/float32\[1, 512\].*float64\[batch, 512\]/);
  });

  it('rejects unknown tensor names', () => {
    expect(() => appendHead(osnet, 'embedding', buildHead(), 'feature')).toThrow(NotFoundError);
    expect(() => appendHead(osnet, 'output', buildHead(), 'features')).toThrow(/has no input "features"; its inputs are "feature"/);
  });

  it('rejects a head output named like an image value', () => {
    const compose = () => appendHead(osnet, 'output', buildHead({ outputName: 'output' }), 'feature');
    expect(compose).toThrow(ValidationError);
    expect(compose).toThrow(/Head value "output"/);
  });

  it('rejects raising an opset that changes an op', () => {
    const graph = new GraphBuilder('old_classifier');
    graph.output(softmax(graph.input('images', 'float32', [1, 512])), 'scores');
    const model = decodeModelProtoJson(serializeGraph(graph, { parameters: 'initializers' }));
    const opset12 = encodeModelProto({ ...model, opset_import: [{ domain: '', version: 12 }] });

    const compose = () => appendHead(opset12, 'scores', buildHead(), 'feature');
    expect(compose).toThrow(NotSupportedError);
    expect(compose).toThrow(/from opset 12 to 18 because Softmax/);
  });

  it('rejects fields it cannot carry', () => {
    // ModelProto field 25 (functions) with an empty message: a local function the schema subset would drop.
    const withFunction = new Uint8Array([...osnet, 0xca, 0x01, 0x00]);

    const compose = () => appendHead(withFunction, 'output', buildHead(), 'feature');
    expect(compose).toThrow(NotSupportedError);
    expect(compose).toThrow(/ModelProto field 25/);
  });

  it('rejects bytes that are not a model', () => {
    expect(() => appendHead(new Uint8Array([0xff, 0xff, 0xff]), 'output', buildHead(), 'feature')).toThrow(/image model \(3 bytes\) is not a valid ONNX ModelProto/);
  });
});
