import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createSession, float32Tensor, flushDenormalWeights } from '../../../main/ml/runtime';
import { osnetModelPath } from '../embedding/fixtures';
import { addWeightModel } from './tiny-onnx';

const smallestNormal = 2 ** -126;

function isDenormal(value: number): boolean {
  return value !== 0 && Math.abs(value) < smallestNormal;
}

describe('flushDenormalWeights', () => {
  it.each(['raw', 'floatData'] as const)('zeroes denormals stored as %s', async (encoding) => {
    const weight = [1e-40, 1.5, -3e-39, 2 ** -126];
    const model = addWeightModel(weight, encoding);

    const { bytes, flushedWeights } = flushDenormalWeights(model);
    const session = await createSession(bytes, { provider: 'cpu', flushDenormals: false });
    const { output } = await session.run({ input: float32Tensor(new Float32Array(4), [1, 4]) });

    expect(flushedWeights).toBe(2);
    // The input is +0, and +0 + -0 is +0, so the sign kept on the flushed weight does not show here.
    expect(Array.from(output.data as Float32Array)).toEqual([0, 1.5, 0, Math.fround(2 ** -126)]);
    await session.release();
  });

  it('leaves the input bytes untouched', () => {
    const model = addWeightModel([1e-40, 1, 1, 1], 'raw');
    const copy = Array.from(model);

    flushDenormalWeights(model);

    expect(Array.from(model)).toEqual(copy);
  });

  it('changes only denormal words of OSNet', () => {
    const original = new Uint8Array(readFileSync(osnetModelPath));

    const { bytes, flushedWeights } = flushDenormalWeights(original);

    expect(bytes.length).toBe(original.length);
    expect(flushedWeights).toBeGreaterThan(0);
    let changedBytes = 0;
    const before = new DataView(original.buffer, original.byteOffset, original.byteLength);
    for (let offset = 0; offset < original.length; offset++) {
      if (bytes[offset] === original[offset]) continue;
      changedBytes += 1;
      // One of the 4-byte words around a changed byte must have been a denormal float.
      const candidates = [0, 1, 2, 3].map((shift) => offset - shift).filter((start) => start >= 0 && start + 4 <= original.length);
      expect(candidates.some((start) => isDenormal(before.getFloat32(start, true)))).toBe(true);
    }
    expect(changedBytes).toBeGreaterThan(0);
    expect(flushDenormalWeights(bytes).flushedWeights).toBe(0);
  });

  it('keeps OSNet features within 1e-5', async () => {
    const input = new Float32Array(3 * 256 * 128);
    for (let index = 0; index < input.length; index++) input[index] = Math.sin(index * 0.01) * 2;
    const flushed = await createSession(osnetModelPath, { provider: 'cpu', intraOpThreads: 1 });
    const original = await createSession(osnetModelPath, { provider: 'cpu', intraOpThreads: 1, flushDenormals: false });

    const a = (await flushed.run({ images: float32Tensor(input, [1, 3, 256, 128]) })).output.data as Float32Array;
    const b = (await original.run({ images: float32Tensor(input, [1, 3, 256, 128]) })).output.data as Float32Array;

    const maxDifference = a.reduce((max, value, index) => Math.max(max, Math.abs(value - b[index])), 0);
    expect(maxDifference).toBeLessThan(1e-5);
    await flushed.release();
    await original.release();
  });
});
