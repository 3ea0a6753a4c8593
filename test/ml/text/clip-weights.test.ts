import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DatasetFormatError, NotFoundError, ShapeError, ValidationError } from '../../../main/errors';
import { GraphBuilder } from '../../../main/ml/graph/graph-builder';
import { encodeModelProto } from '../../../main/ml/graph/onnx-proto';
import { createTensor, StepSession } from '../../../main/ml/runtime/step-session';
import { buildTextEncoderInference, clipTextTensorShapes, huggingFaceName, loadClipTextWeights, type TextEncoderWeights, type TextTransformerOptions } from '../../../main/ml/text';
import { checkClipTextHeader } from '../../../main/ml/text/clip-weights';
import { bfloat16ToFloat32, float16ToFloat32 } from '../../../main/ml/text/half-float';
import { embedTokens, encodeTokenEmbeddings } from '../../../main/ml/text/text-transformer';
import { SeededRandom } from '../../../main/ml/training/random';
import { encodeSafetensors } from '../../../main/ml/training/safetensors';
import { clipTensorShapes, randomClipTensors, smallOptions, tokenRow, weightsOf, type FixtureTensor } from './clip-text-fixture';
import { referenceTextFeature } from './reference-forward';

const directory = mkdtempSync(join(tmpdir(), 'clip-weights-test-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const sampleImage = join(__dirname, '../../../../shared/data/DukeMTMC-reID/query', readdirSync(join(__dirname, '../../../../shared/data/DukeMTMC-reID/query'))[0]);

/** Rounds a float32 to the nearest binary16 bit pattern; values stay below 65504 in the fixtures. */
function toFloat16Bits(value: number): number {
  const sign = value < 0 ? 0x8000 : 0;
  const magnitude = Math.abs(value);
  const exponent = Math.floor(Math.log2(magnitude));
  if (exponent < -14) return sign | Math.round(magnitude / 2 ** -24);
  const fraction = Math.round((magnitude / 2 ** exponent - 1) * 1024);
  return fraction === 1024 ? sign | ((exponent + 16) << 10) : sign | ((exponent + 15) << 10) | fraction;
}

/** Writes tensors as a safetensors file in F16 by hand, because the training reader and writer stop at F32. */
function writeFloat16Safetensors(path: string, tensors: readonly FixtureTensor[]): void {
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const tensor of tensors) {
    header[tensor.name] = { dtype: 'F16', shape: tensor.shape, data_offsets: [offset, offset + 2 * tensor.data.length] };
    offset += 2 * tensor.data.length;
  }
  const headerBytes = Buffer.from(JSON.stringify(header));
  const file = Buffer.alloc(8 + headerBytes.length + offset);
  file.writeBigUInt64LE(BigInt(headerBytes.length), 0);
  headerBytes.copy(file, 8);
  let position = 8 + headerBytes.length;
  for (const tensor of tensors) {
    for (const value of tensor.data) position = file.writeUInt16LE(toFloat16Bits(value), position);
  }
  writeFileSync(path, file);
}

function writeFloat32Safetensors(path: string, tensors: readonly FixtureTensor[]): void {
  writeFileSync(path, encodeSafetensors({ tensors: tensors.map((tensor) => ({ ...tensor, shape: [...tensor.shape] })), metadata: { format: 'pt' } }));
}

async function runEncoder(model: Uint8Array, rows: number[][], eos: number[], outputWidth: number): Promise<number[][]> {
  const session = await StepSession.create(model);
  const length = rows[0].length;
  const result = await session.run({
    tokens: createTensor('int64', BigInt64Array.from(rows.flat(), BigInt), [rows.length, length]),
    eos_index: createTensor('int64', BigInt64Array.from(eos, BigInt), [rows.length]),
  });
  await session.release();
  const data = Array.from(result.text_feature.data as Float32Array);
  return rows.map((_, i) => data.slice(i * outputWidth, (i + 1) * outputWidth));
}

const maxDifference = (a: readonly number[], b: readonly number[]) => Math.max(...a.map((value, i) => Math.abs(value - b[i])));

describe('half floats', () => {
  it('float16 special values', () => {
    const bits = Uint16Array.from([0x3c00, 0xc000, 0x0001, 0x7bff, 0x7c00, 0xfc00, 0x0000, 0x3555]);
    expect(Array.from(float16ToFloat32(bits).subarray(0, 7))).toEqual([1, -2, 2 ** -24, 65504, Infinity, -Infinity, 0]);
    expect(float16ToFloat32(bits)[7]).toBeCloseTo(1 / 3, 3);
    expect(float16ToFloat32(Uint16Array.from([0x7e00]))[0]).toBeNaN();
  });

  it('bfloat16 keeps upper half', () => {
    expect(Array.from(bfloat16ToFloat32(Uint16Array.from([0x3f80, 0xc040, 0x4049])))).toEqual([1, -3, Math.fround(3.140625)]);
  });
});

describe('loadClipTextWeights', () => {
  const tensors = randomClipTensors(smallOptions);
  const vision = { name: 'vision_model.embeddings.class_embedding', shape: [7], data: new Float32Array(7).fill(2) };
  const rows = [tokenRow([3, 4, 5], smallOptions.contextLength, 62, 63), tokenRow([9], smallOptions.contextLength, 62, 63)];

  it('float32 safetensors matches reference', async () => {
    const path = join(directory, 'f32.safetensors');
    writeFloat32Safetensors(path, [vision, ...tensors]);
    const loaded = await loadClipTextWeights(path, { heads: 2 });
    expect(loaded.options).toEqual(smallOptions);
    expect(loaded.get('vision_model.embeddings.class_embedding')).toBeUndefined();
    expect(Array.from(loaded.get('text_model.encoder.layers.1.mlp.fc1.weight')!.data)).toEqual(Array.from(tensors.find((t) => t.name === 'text_model.encoder.layers.1.mlp.fc1.weight')!.data));

    const features = await runEncoder(buildTextEncoderInference(loaded.options, { weights: loaded }), rows, [4, 2], smallOptions.outputWidth);
    const weights = weightsOf(tensors);
    rows.forEach((row, i) => expect(maxDifference(features[i], referenceTextFeature(row, [4, 2][i], weights, smallOptions))).toBeLessThan(1e-4));
  });

  it('float16 safetensors converts values', async () => {
    const path = join(directory, 'f16.safetensors');
    writeFloat16Safetensors(path, tensors);
    const loaded = await loadClipTextWeights(path, { heads: 2 });
    for (const tensor of tensors) {
      const values = loaded.get(tensor.name)!.data;
      const worst = Math.max(...Array.from(tensor.data, (value, i) => Math.abs(values[i] - value) / Math.max(Math.abs(value), 2 ** -14)));
      expect(worst, tensor.name).toBeLessThanOrEqual(2 ** -11);
    }
  });

  it('heads default to width over 64', async () => {
    const options: TextTransformerOptions = { vocabularySize: 10, contextLength: 6, width: 128, layers: 1, heads: 2, outputWidth: 16 };
    const path = join(directory, 'wide.safetensors');
    writeFloat32Safetensors(path, randomClipTensors(options));
    expect((await loadClipTextWeights(path)).options).toEqual(options);
    await expect(loadClipTextWeights(join(directory, 'f32.safetensors'))).rejects.toThrow(ValidationError);
  });

  it('ONNX initializers load', async () => {
    const path = join(directory, 'initializers.onnx');
    const initializer = (tensor: FixtureTensor, half: boolean) => ({
      name: tensor.name,
      dims: tensor.shape,
      data_type: half ? 10 : 1,
      raw_data: half ? new Uint8Array(Uint16Array.from(tensor.data, toFloat16Bits).buffer) : new Uint8Array(tensor.data.buffer),
    });
    const graph = { name: 'clip_text', node: [], input: [], output: [], initializer: tensors.map((tensor, i) => initializer(tensor, i === 0)) };
    writeFileSync(path, encodeModelProto({ ir_version: 8, producer_name: 'test', producer_version: '1', opset_import: [{ domain: '', version: 18 }], graph, metadata_props: [] }));

    const loaded = await loadClipTextWeights(path, { heads: 2 });
    expect(loaded.options).toEqual(smallOptions);
    expect(Array.from(loaded.get('text_projection.weight')!.data)).toEqual(Array.from(tensors.at(-1)!.data));
    expect(loaded.get(tensors[0].name)!.data[0]).toBeCloseTo(tensors[0].data[0], 2);
  });

  it('missing tensor names file and tensor', async () => {
    const path = join(directory, 'missing.safetensors');
    writeFloat32Safetensors(path, tensors.filter((tensor) => tensor.name !== 'text_model.encoder.layers.0.self_attn.v_proj.bias'));
    const load = loadClipTextWeights(path, { heads: 2 });
    await expect(load).rejects.toThrow(DatasetFormatError);
    await expect(load).rejects.toThrow(`${path} lacks tensor "text_model.encoder.layers.0.self_attn.v_proj.bias" (expected shape [32])`);
  });

  it('wrong shape names expected and actual', async () => {
    const path = join(directory, 'transposed.safetensors');
    writeFloat32Safetensors(path, tensors.map((tensor) => (tensor.name.endsWith('layers.1.mlp.fc2.weight') ? { ...tensor, shape: [128, 32] } : tensor)));
    const load = loadClipTextWeights(path, { heads: 2 });
    await expect(load).rejects.toThrow(ShapeError);
    await expect(load).rejects.toThrow('"text_model.encoder.layers.1.mlp.fc2.weight" in ' + path + ' has shape [128, 32] but [32, 128] is expected');
  });

  it('unsupported dtype throws', async () => {
    const path = join(directory, 'f64.safetensors');
    writeFileSync(path, encodeSafetensors({ tensors: tensors.map((tensor) => ({ ...tensor, data: Float64Array.from(tensor.data) })), metadata: {} }));
    await expect(loadClipTextWeights(path, { heads: 2 })).rejects.toThrow(/has dtype F64; the text encoder reads F32, F16 and BF16 weights, so convert/);
  });

  it('wrong file type throws', async () => {
    await expect(loadClipTextWeights(sampleImage)).rejects.toThrow(DatasetFormatError);
    await expect(loadClipTextWeights(sampleImage)).rejects.toThrow(sampleImage);
    await expect(loadClipTextWeights(join(directory, 'absent.safetensors'))).rejects.toThrow(NotFoundError);
  });
});

describe('checkClipTextHeader', () => {
  const tensors = randomClipTensors(smallOptions);

  it('accepts header without reading data', async () => {
    const path = join(directory, 'header-only.safetensors');
    const complete = encodeSafetensors({ tensors, metadata: {} });
    const headerBytes = 8 + Number(Buffer.from(complete).readBigUInt64LE(0));
    writeFileSync(path, complete.subarray(0, headerBytes));
    await expect(checkClipTextHeader(path)).resolves.toBeUndefined();
  });

  it('misshapen tensor throws', async () => {
    const path = join(directory, 'header-transposed.safetensors');
    writeFloat32Safetensors(path, tensors.map((tensor) => (tensor.name === 'text_projection.weight' ? { ...tensor, shape: [32, 24] } : tensor)));
    await expect(checkClipTextHeader(path)).rejects.toThrow(ShapeError);
  });

  it('image names its first bytes', async () => {
    const check = checkClipTextHeader(sampleImage);
    await expect(check).rejects.toThrow(DatasetFormatError);
    await expect(check).rejects.toThrow(/is not a safetensors file: it has \d+ bytes starting with ff d8 ff/);
  });
});

describe('buildTextEncoderInference', () => {
  it('exports trained values', async () => {
    const graph = new GraphBuilder('trained');
    const context = { graph, random: new SeededRandom(42), dtype: 'float32' as const };
    const tokens = graph.input('tokens', 'int64', [1, smallOptions.contextLength]);
    encodeTokenEmbeddings(context, embedTokens(context, tokens, smallOptions), graph.input('eos', 'int64', [1]), smallOptions);
    const values = new Map(graph.parameters.map((parameter) => [parameter.tensor.name, parameter.initialValue]));

    const byHuggingFaceName = new Map(graph.parameters.map((parameter) => [huggingFaceName(parameter.tensor.name)!, { data: parameter.initialValue as Float32Array, shape: parameter.tensor.shape as number[] }]));
    const weights: TextEncoderWeights = { get: (name) => byHuggingFaceName.get(name) };
    expect([...byHuggingFaceName.keys()].sort()).toEqual(clipTextTensorShapes(smallOptions).map((entry) => entry.name).sort());
    expect(clipTextTensorShapes(smallOptions)).toEqual(clipTensorShapes(smallOptions));

    const row = tokenRow([7, 8], smallOptions.contextLength, 62, 63);
    const [feature] = await runEncoder(buildTextEncoderInference(smallOptions, { trainedValues: values }), [row], [3], smallOptions.outputWidth);
    expect(maxDifference(feature, referenceTextFeature(row, 3, weights, smallOptions))).toBeLessThan(1e-4);
    expect(() => buildTextEncoderInference(smallOptions, { trainedValues: new Map() })).toThrow(/No trained value for text_encoder\//);
  });
});
