import { describe, expect, it } from 'vitest';
import type { ModelCard, TensorDeclaration } from '../../../main/api/schemas';
import { ValidationError } from '../../../main/errors';
import { describeModelShape, validateCard } from '../../../main/ml/models';
import { osnetCard } from './fixtures';

const osnetDeclared = {
  inputs: [{ name: 'images', type: 'float32', shape: [1, 3, 256, 128] }] as TensorDeclaration[],
  outputs: [{ name: 'output', type: 'float32', shape: [1, 512] }] as TensorDeclaration[],
};

function withInputShape(shape: TensorDeclaration['shape']) {
  return { ...osnetDeclared, inputs: [{ name: 'images', type: 'float32', shape }] };
}

describe('validateCard', () => {
  it('accepts the OSNet card', () => {
    expect(() => validateCard(osnetCard, osnetDeclared)).not.toThrow();
  });

  const rejections: Array<[string, Partial<ModelCard>, typeof osnetDeclared, RegExp]> = [
    ['height that contradicts the file', { height: 128 }, osnetDeclared, /card's height 128 .* declares height 256/],
    ['width that contradicts the file', { width: 64 }, osnetDeclared, /card's width 64 .* declares width 128/],
    ['unknown input name', { inputName: 'input' }, osnetDeclared, /inputName "input" is not an input .* "images"/],
    ['unknown output name', { outputName: 'features' }, osnetDeclared, /outputName "features" is not an output .* "output"/],
    ['two channels', {}, withInputShape([1, 2, 256, 128]), /2 channels/],
    ['NHWC input', {}, withInputShape([1, 256, 128, 3]), /NHWC/],
    ['rank 3 input', {}, withInputShape([3, 256, 128]), /rank 3/],
  ];

  it.each(rejections)('rejects %s', (_case, cardChange, declared, message) => {
    const attempt = () => validateCard({ ...osnetCard, ...cardChange }, declared);

    expect(attempt).toThrow(ValidationError);
    expect(attempt).toThrow(message);
  });

  it('rejects a second input', () => {
    const declared = { ...osnetDeclared, inputs: [...osnetDeclared.inputs, { name: 'mask', type: 'float32', shape: [1, 1] }] };

    expect(() => validateCard(osnetCard, declared)).toThrow(/2 inputs \(images, mask\)/);
  });

  it('rejects an int64 input', () => {
    const declared = { ...osnetDeclared, inputs: [{ name: 'images', type: 'int64', shape: [1, 3, 256, 128] }] };

    expect(() => validateCard(osnetCard, declared)).toThrow(/element type int64/);
  });

  it('rejects a symbolic feature dimension', () => {
    const declared = { ...osnetDeclared, outputs: [{ name: 'output', type: 'float32', shape: [1, 'features'] }] };

    expect(() => validateCard(osnetCard, declared)).toThrow(/symbolic dimension "features"/);
  });

  it('rejects an image-shaped output', () => {
    const declared = { ...osnetDeclared, outputs: [{ name: 'output', type: 'float32', shape: [1, 3, 64, 64] }] };

    expect(() => validateCard(osnetCard, declared)).toThrow(/shape \[1, 3, 64, 64\].*\[batch, features\]/);
  });

  it('accepts any size for symbolic dimensions', () => {
    const declared = withInputShape(['batch', 3, 'height', 'width']);

    expect(() => validateCard({ ...osnetCard, height: 384, width: 192 }, declared)).not.toThrow();
  });
});

describe('describeModelShape', () => {
  it('reads fixed batch and feature size', () => {
    expect(describeModelShape(osnetCard, osnetDeclared)).toEqual({ fixedBatch: 1, featureDimension: 512 });
  });

  it('reports a symbolic batch as null', () => {
    const declared = {
      inputs: [{ name: 'images', type: 'float32', shape: ['batch', 3, 256, 128] }] as TensorDeclaration[],
      outputs: [{ name: 'output', type: 'float32', shape: ['batch', 256, 1, 1] }] as TensorDeclaration[],
    };

    expect(describeModelShape(osnetCard, declared)).toEqual({ fixedBatch: null, featureDimension: 256 });
  });
});
