import { describe, expect, it } from 'vitest';
import { NotSupportedError, ValidationError } from '../../../main/errors';
import { availableExecutionProviders, createSession, resolveExecutionProvider } from '../../../main/ml/runtime';
import { osnetModelPath } from '../embedding/fixtures';

const cudaPresent = availableExecutionProviders().includes('cuda');

describe('execution providers', () => {
  it('lists the CPU provider first', () => {
    expect(availableExecutionProviders()[0]).toBe('cpu');
  });

  it('resolves cpu without a note', () => {
    expect(resolveExecutionProvider('cpu')).toEqual({ provider: 'cpu', note: null });
  });

  it.skipIf(cudaPresent)('auto falls back to cpu with a note', () => {
    const resolved = resolveExecutionProvider('auto');

    expect(resolved.provider).toBe('cpu');
    expect(resolved.note).toMatch(/CUDA is not available/);
  });

  it.skipIf(cudaPresent)('cuda without its libraries throws how to install', () => {
    const attempt = () => resolveExecutionProvider('cuda');

    expect(attempt).toThrow(NotSupportedError);
    expect(attempt).toThrow(/libonnxruntime_providers_cuda\.so/);
    expect(attempt).toThrow(/npm run install:cuda/);
  });

  it.skipIf(cudaPresent)('cuda session without its libraries is rejected', async () => {
    const attempt = createSession(osnetModelPath, { provider: 'cuda' });

    await expect(attempt).rejects.toThrow(NotSupportedError);
  });

  it('unknown choice is a validation error', () => {
    const attempt = () => resolveExecutionProvider('tpu' as 'cpu');

    expect(attempt).toThrow(ValidationError);
    expect(attempt).toThrow(/auto, cpu, cuda/);
  });

  it.runIf(cudaPresent)('cuda resolves when its libraries are present', () => {
    expect(resolveExecutionProvider('cuda')).toEqual({ provider: 'cuda', note: null });
    expect(resolveExecutionProvider('auto').provider).toBe('cuda');
  });
});
