import { describe, expect, it } from 'vitest';
import { ShapeError } from '../../../main/errors';
import { GraphBuilder } from '../../../main/ml/graph/graph-builder';
import { serializeGraph } from '../../../main/ml/graph/serialize';
import { mul, reduceMean, sub } from '../../../main/ml/ops';
import { createTensor, StepSession } from '../../../main/ml/runtime/step-session';
import { embedTokens, encodeTokenEmbeddings, type TextEncoderWeights, type TextTransformerOptions } from '../../../main/ml/text/text-transformer';
import { huggingFaceName, textParameterName } from '../../../main/ml/text/text-weights';
import type { LayerContext } from '../../../main/ml/training/layers';
import { SeededRandom } from '../../../main/ml/training/random';
import { buildTrainingStep } from '../../../main/ml/training/step-graph';
import { Trainer } from '../../../main/ml/training/trainer';
import { checkGradient, expectGradientsClose } from '../ops/gradient-check';
import { clipTensorShapes, randomClipTensors, smallOptions, tokenRow, weightsOf } from './clip-text-fixture';
import { referenceTextFeature } from './reference-forward';

const startToken = 62;
const endToken = 63;

function contextFor(graph: GraphBuilder, dtype: LayerContext['dtype'] = 'float32'): LayerContext {
  return { graph, random: new SeededRandom(3), dtype };
}

/** Runs the encoder on token rows and end positions; returns one feature row per sentence. */
async function encode(options: TextTransformerOptions, weights: TextEncoderWeights | undefined, rows: number[][], eos: number[]): Promise<number[][]> {
  const graph = new GraphBuilder('text');
  const context = contextFor(graph);
  const tokens = graph.input('tokens', 'int64', ['batch', options.contextLength]);
  const eosIndex = graph.input('eos_index', 'int64', ['batch']);
  graph.output(encodeTokenEmbeddings(context, embedTokens(context, tokens, options, weights), eosIndex, options, weights), 'text_feature');

  const session = await StepSession.create(serializeGraph(graph, { parameters: 'initializers' }));
  const result = await session.run({
    tokens: createTensor('int64', BigInt64Array.from(rows.flat(), BigInt), [rows.length, options.contextLength]),
    eos_index: createTensor('int64', BigInt64Array.from(eos, BigInt), [rows.length]),
  });
  await session.release();

  const data = Array.from(result.text_feature.data as Float32Array);
  return rows.map((_, i) => data.slice(i * options.outputWidth, (i + 1) * options.outputWidth));
}

function maxDifference(a: readonly number[], b: readonly number[]): number {
  return Math.max(...a.map((value, i) => Math.abs(value - b[i])));
}

describe('text encoder forward', () => {
  const tensors = randomClipTensors(smallOptions);
  const weights = weightsOf(tensors);
  const length = smallOptions.contextLength;
  const rows = [tokenRow([5, 9, 14], length, startToken, endToken), tokenRow([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], length, startToken, endToken), tokenRow([], length, startToken, endToken)];
  const eos = [4, 11, 1];

  it('frozen encoder matches reference', async () => {
    const features = await encode(smallOptions, weights, rows, eos);
    rows.forEach((row, i) => {
      const expected = referenceTextFeature(row, eos[i], weights, smallOptions);
      expect(maxDifference(features[i], expected), `sentence ${i}`).toBeLessThan(1e-4);
    });
    expect(features[0]).not.toEqual(features[1]);
  });

  it('end-token gather takes given position', async () => {
    const row = rows[1];
    const features = await encode(smallOptions, weights, [row, row, row], [3, 7, 11]);
    [3, 7, 11].forEach((position, i) => {
      expect(maxDifference(features[i], referenceTextFeature(row, position, weights, smallOptions)), `position ${position}`).toBeLessThan(1e-4);
    });
    expect(maxDifference(features[0], features[2])).toBeGreaterThan(1e-3);
  });

  it('causal mask hides later tokens', async () => {
    const position = 5;
    const original = rows[1];
    const changed = original.map((token, i) => (i > position ? (token + 17) % smallOptions.vocabularySize : token));
    const features = await encode(smallOptions, weights, [original, changed, original, changed], [position, position, position + 1, position + 1]);
    expect(maxDifference(features[0], features[1])).toBeLessThan(1e-6);
    expect(maxDifference(features[2], features[3])).toBeGreaterThan(1e-3);
  });

  it('shorter context keeps features', async () => {
    // Causal attention makes positions before the end token independent of later ones, so cutting the context is exact.
    const shortOptions = { ...smallOptions, contextLength: 6 };
    const shortRows = rows.slice(0, 2).map((row) => row.slice(0, 6));
    const full = await encode(smallOptions, weights, rows.slice(0, 2), [4, 5]);
    const short = await encode(shortOptions, weights, shortRows, [4, 5]);
    short.forEach((feature, i) => expect(maxDifference(feature, full[i]), `sentence ${i}`).toBeLessThan(1e-5));
  });

  it('shorter batch shares trainable weights', async () => {
    const graph = new GraphBuilder('text');
    const context = contextFor(graph);
    const encodeBatch = (name: string, width: number) => {
      const tokens = graph.input(`${name}_tokens`, 'int64', [2, width]);
      return encodeTokenEmbeddings(context, embedTokens(context, tokens, smallOptions), graph.input(`${name}_eos`, 'int64', [2]), smallOptions);
    };
    graph.output(encodeBatch('full', length), 'full');
    const parameters = graph.parameters.length;
    graph.output(encodeBatch('short', 6), 'short');
    expect(graph.parameters).toHaveLength(parameters);

    const session = await StepSession.create(serializeGraph(graph, { parameters: 'initializers' }));
    const sentences = rows.slice(0, 2);
    const result = await session.run({
      full_tokens: createTensor('int64', BigInt64Array.from(sentences.flat(), BigInt), [2, length]),
      full_eos: createTensor('int64', BigInt64Array.from([4, 5], BigInt), [2]),
      short_tokens: createTensor('int64', BigInt64Array.from(sentences.flatMap((row) => row.slice(0, 6)), BigInt), [2, 6]),
      short_eos: createTensor('int64', BigInt64Array.from([4, 5], BigInt), [2]),
    });
    await session.release();
    expect(maxDifference(Array.from(result.short.data as Float32Array), Array.from(result.full.data as Float32Array))).toBeLessThan(1e-5);
  });

  it('frozen encoder has no parameters', () => {
    const graph = new GraphBuilder('text');
    const context = contextFor(graph);
    const tokens = graph.input('tokens', 'int64', [2, length]);
    encodeTokenEmbeddings(context, embedTokens(context, tokens, smallOptions, weights), graph.input('eos', 'int64', [2]), smallOptions, weights);
    expect(graph.parameters).toHaveLength(0);
    expect(graph.initializers.map((entry) => entry.tensor.name)).toContain('text_encoder/text_model/encoder/layers/1/mlp/fc2/weight');
  });

  it('mismatched options throw', () => {
    const graph = new GraphBuilder('text');
    const context = contextFor(graph);
    const tokens = graph.input('tokens', 'int64', [2, length]);
    expect(() => embedTokens(context, tokens, { ...smallOptions, width: 48, heads: 3 }, weights)).toThrow(ShapeError);
    expect(() => embedTokens(context, tokens, { ...smallOptions, width: 48, heads: 3 }, weights)).toThrow(/token_embedding\.weight" has shape \[64, 32\] but the encoder options need \[64, 48\]/);
    const tooLong = graph.input('long', 'int64', [2, 20]);
    expect(() => embedTokens(context, tooLong, smallOptions, weights)).toThrow(/L at most 16/);
  });

  it('missing tensor throws', () => {
    const partial = weightsOf(tensors.filter((tensor) => tensor.name !== 'text_model.encoder.layers.1.mlp.fc1.bias'));
    const graph = new GraphBuilder('text');
    const context = contextFor(graph);
    const embeddings = embedTokens(context, graph.input('tokens', 'int64', [2, length]), smallOptions, partial);
    expect(() => encodeTokenEmbeddings(context, embeddings, graph.input('eos', 'int64', [2]), smallOptions, partial)).toThrow(/"text_model\.encoder\.layers\.1\.mlp\.fc1\.bias" is missing from the weights \(expected shape \[128\]\)/);
  });
});

describe('trainable text encoder', () => {
  it('parameter names mirror Hugging Face', () => {
    const graph = new GraphBuilder('text');
    const context = contextFor(graph);
    const tokens = graph.input('tokens', 'int64', [2, smallOptions.contextLength]);
    encodeTokenEmbeddings(context, embedTokens(context, tokens, smallOptions), graph.input('eos', 'int64', [2]), smallOptions);

    const actual = graph.parameters.map((parameter) => ({ name: huggingFaceName(parameter.tensor.name), shape: parameter.tensor.shape }));
    expect(actual.sort((a, b) => a.name!.localeCompare(b.name!))).toEqual(clipTensorShapes(smallOptions).sort((a, b) => a.name.localeCompare(b.name)));
    expect(textParameterName('text_model.final_layer_norm.bias')).toBe('text_encoder/text_model/final_layer_norm/bias');
    expect(huggingFaceName('mpreid/text_encoder/text_projection/weight')).toBe('text_projection.weight');
  });

  it('repeated calls share weights', () => {
    const graph = new GraphBuilder('text');
    const context = contextFor(graph);
    const once = clipTensorShapes(smallOptions).length;
    for (const batch of [2, 3]) {
      const tokens = graph.input(`tokens_${batch}`, 'int64', [batch, smallOptions.contextLength]);
      encodeTokenEmbeddings(context, embedTokens(context, tokens, smallOptions), graph.input(`eos_${batch}`, 'int64', [batch]), smallOptions);
    }
    expect(graph.parameters).toHaveLength(once);
  });

  it('AdamW steps lower loss', async () => {
    const options: TextTransformerOptions = { vocabularySize: 32, contextLength: 8, width: 16, layers: 2, heads: 2, outputWidth: 8 };
    const graph = new GraphBuilder('scratch_text');
    const context = contextFor(graph);
    const tokens = graph.input('tokens', 'int64', [4, options.contextLength]);
    const eosIndex = graph.input('eos_index', 'int64', [4]);
    const target = graph.input('target', 'float32', [4, options.outputWidth]);
    const feature = encodeTokenEmbeddings(context, embedTokens(context, tokens, options), eosIndex, options);
    const error = sub(feature, target);
    const step = buildTrainingStep({ graph, loss: reduceMean(mul(error, error)), optimizer: { type: 'adamw', weightDecay: 0.01 } });

    const data = new SeededRandom(8);
    const rows = [[1, 2, 3], [4, 5], [6, 7, 8, 9], [10]].map((words) => tokenRow(words, options.contextLength, 30, 31));
    const batch = {
      tokens: createTensor('int64', BigInt64Array.from(rows.flat(), BigInt), [4, options.contextLength]),
      eos_index: createTensor('int64', BigInt64Array.from([4, 3, 5, 2], BigInt), [4]),
      target: createTensor('float32', Float32Array.from({ length: 4 * options.outputWidth }, () => data.nextNormal()), [4, options.outputWidth]),
    };

    const trainer = await Trainer.create(step);
    const first = await trainer.runStep(batch, 0.01);
    let last = first;
    for (let i = 0; i < 20; i++) last = await trainer.runStep(batch, 0.01);
    await trainer.release();
    expect(last.loss).toBeLessThan(first.loss * 0.7);
  });
});

describe('text encoder gradients', () => {
  const tiny: TextTransformerOptions = { vocabularySize: 8, contextLength: 4, width: 8, layers: 2, heads: 2, outputWidth: 6 };

  it('gradient to embeddings matches differences', async () => {
    const weights = weightsOf(randomClipTensors(tiny, 11));
    const result = await checkGradient([{ shape: [2, tiny.contextLength, tiny.width] }, { shape: [2], dtype: 'int64', values: [3, 1] }], ([embeddings, eos]) => {
      const context = contextFor(embeddings.graph, 'float64');
      return encodeTokenEmbeddings(context, embeddings, eos, tiny, weights);
    });
    expectGradientsClose(result, { atol: 1e-6, rtol: 1e-5 });
  });

  it('gradient to parameters matches differences', async () => {
    const oneLayer = { ...tiny, layers: 1 };
    const result = await checkGradient([{ shape: [2, tiny.contextLength, tiny.width] }, { shape: [2], dtype: 'int64', values: [2, 3] }], ([embeddings, eos]) => {
      const context = contextFor(embeddings.graph, 'float64');
      return encodeTokenEmbeddings(context, embeddings, eos, oneLayer);
    });
    expect(result.analytic.length).toBe(1 + clipTensorShapes(oneLayer).length - 1);
    expectGradientsClose(result, { atol: 1e-6, rtol: 1e-5 });
  });
});
