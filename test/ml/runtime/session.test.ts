import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NotFoundError, ShapeError, ValidationError } from '../../../main/errors';
import { createSession, float32Tensor } from '../../../main/ml/runtime';
import { osnetModelPath } from '../embedding/fixtures';
import { batchProbeModel } from './tiny-onnx';

const directory = mkdtempSync(join(tmpdir(), 'mpreid-session-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('createSession', () => {
  it('declares the OSNet input and output', async () => {
    const session = await createSession(osnetModelPath, { provider: 'cpu', intraOpThreads: 1 });

    expect(session.provider).toBe('cpu');
    expect(session.inputs).toEqual([{ name: 'images', type: 'float32', shape: [1, 3, 256, 128] }]);
    expect(session.outputs).toEqual([{ name: 'output', type: 'float32', shape: [1, 512] }]);
    await session.release();
  });

  it('runs OSNet to a 512-value feature', async () => {
    const session = await createSession(osnetModelPath, { provider: 'cpu', intraOpThreads: 1 });
    const input = float32Tensor(new Float32Array(3 * 256 * 128).fill(0.5), [1, 3, 256, 128]);

    const { output } = await session.run({ images: input });

    expect(output.type).toBe('float32');
    expect(output.dims).toEqual([1, 512]);
    expect(output.data.some((value) => Number(value) !== 0)).toBe(true);
    await session.release();
  });

  it('keeps symbolic dimensions as names', async () => {
    const session = await createSession(batchProbeModel(16, 8), { provider: 'cpu' });

    expect(session.inputs[0].shape).toEqual(['batch', 3, 16, 8]);
    expect(session.outputs[0].shape).toEqual(['batch', 4]);
    await session.release();
  });

  it('garbage file names the file', async () => {
    const filePath = join(directory, 'not-a-model.onnx');
    writeFileSync(filePath, 'this is a text file, not a protobuf model');

    const attempt = createSession(filePath, { provider: 'cpu' });

    await expect(attempt).rejects.toThrow(ValidationError);
    await expect(attempt).rejects.toThrow(filePath);
  });

  it('missing file is not found', async () => {
    const filePath = join(directory, 'missing.onnx');

    await expect(createSession(filePath, { provider: 'cpu' })).rejects.toThrow(NotFoundError);
  });

  it('wrong input shape is a shape error', async () => {
    const session = await createSession(batchProbeModel(16, 8), { provider: 'cpu' });
    const input = float32Tensor(new Float32Array(3 * 8 * 8), [1, 3, 8, 8]);

    await expect(session.run({ images: input })).rejects.toThrow(ShapeError);
    await session.release();
  });

  it('data length must match dims', () => {
    expect(() => float32Tensor(new Float32Array(5), [2, 3])).toThrow(ShapeError);
  });
});
