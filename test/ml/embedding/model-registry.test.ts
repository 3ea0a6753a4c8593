import { createHash } from 'node:crypto';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../../../main/errors';
import { getModel, inspectModel, listModels, registerModel } from '../../../main/ml/models';
import { flattenModel } from '../runtime/tiny-onnx';
import { openTempWorkspace, osnetCard, osnetModelPath, type TempWorkspace } from './fixtures';

let workspace: TempWorkspace;
beforeEach(() => {
  workspace = openTempWorkspace('mpreid-models-');
});
afterEach(() => workspace.dispose());

function writeModel(name: string, bytes: Uint8Array): string {
  const filePath = join(workspace.directory, name);
  writeFileSync(filePath, bytes);
  return filePath;
}

describe('inspectModel', () => {
  it('reads the OSNet declarations', async () => {
    const inspection = await inspectModel(osnetModelPath);

    expect(inspection.inputs).toEqual([{ name: 'images', type: 'float32', shape: [1, 3, 256, 128] }]);
    expect(inspection.outputs).toEqual([{ name: 'output', type: 'float32', shape: [1, 512] }]);
  });

  it('proposes the OSNet card', async () => {
    const { proposedCard } = await inspectModel(osnetModelPath);

    expect(proposedCard).toEqual(osnetCard);
  });

  it('proposes no card for NHWC input', async () => {
    const filePath = writeModel('nhwc.onnx', flattenModel('images', [1, 256, 128, 3]));

    const { proposedCard } = await inspectModel(filePath);

    expect(proposedCard).toBeNull();
  });

  it('garbage file names the file', async () => {
    const filePath = writeModel('garbage.onnx', new TextEncoder().encode('not an onnx file at all'));

    await expect(inspectModel(filePath)).rejects.toThrow(ValidationError);
    await expect(inspectModel(filePath)).rejects.toThrow(filePath);
  });
});

describe('registerModel', () => {
  it('stores OSNet with hash and sizes', async () => {
    const expectedHash = createHash('sha256').update(readFileSync(osnetModelPath)).digest('hex');

    const model = await registerModel(workspace.db, { filePath: osnetModelPath, card: osnetCard });

    expect(model.name).toBe('osnet_x0_25_msmt17');
    expect(model.filePath).toBe(osnetModelPath);
    expect(model.contentHash).toBe(expectedHash);
    expect(model.fixedBatch).toBe(1);
    expect(model.featureDimension).toBe(512);
    expect(model.card).toEqual(osnetCard);
    expect(listModels(workspace.db)).toEqual([model]);
    expect(getModel(workspace.db, model.modelId)).toEqual(model);
  });

  it('same file and card returns the same model', async () => {
    const copyPath = join(workspace.directory, 'copy-of-osnet.onnx');
    copyFileSync(osnetModelPath, copyPath);
    const first = await registerModel(workspace.db, { filePath: osnetModelPath, name: 'OSNet', card: osnetCard });

    const second = await registerModel(workspace.db, { filePath: copyPath, card: osnetCard });

    expect(second.modelId).toBe(first.modelId);
    expect(second.name).toBe('OSNet');
    expect(listModels(workspace.db)).toHaveLength(1);
  });

  it('same file with another card conflicts', async () => {
    const first = await registerModel(workspace.db, { filePath: osnetModelPath, card: osnetCard });

    const attempt = registerModel(workspace.db, { filePath: osnetModelPath, card: { ...osnetCard, channelOrder: 'BGR' } });

    await expect(attempt).rejects.toThrow(ConflictError);
    await expect(attempt).rejects.toThrow(`model ${first.modelId}`);
  });

  it('rejects a height the file contradicts', async () => {
    const attempt = registerModel(workspace.db, { filePath: osnetModelPath, card: { ...osnetCard, height: 128 } });

    await expect(attempt).rejects.toThrow(ValidationError);
    await expect(attempt).rejects.toThrow(/height 128/);
    expect(listModels(workspace.db)).toEqual([]);
  });

  it('rejects a wrong input name', async () => {
    const attempt = registerModel(workspace.db, { filePath: osnetModelPath, card: { ...osnetCard, inputName: 'input' } });

    await expect(attempt).rejects.toThrow(/inputName "input"/);
  });

  it('rejects a two-channel file', async () => {
    const filePath = writeModel('two-channels.onnx', flattenModel('images', [1, 2, 256, 128]));

    const attempt = registerModel(workspace.db, { filePath, card: { ...osnetCard, outputName: 'output' } });

    await expect(attempt).rejects.toThrow(/2 channels/);
  });

  it('rejects an NHWC file', async () => {
    const filePath = writeModel('nhwc.onnx', flattenModel('images', [1, 256, 128, 3]));

    await expect(registerModel(workspace.db, { filePath, card: osnetCard })).rejects.toThrow(/NHWC/);
  });

  it('rejects an invalid card field', async () => {
    const attempt = registerModel(workspace.db, { filePath: osnetModelPath, card: { ...osnetCard, std: [0.2, 0, 0.2] } });

    await expect(attempt).rejects.toThrow(/field "std\.1"/);
  });

  it('garbage file names the file', async () => {
    const filePath = writeModel('garbage.onnx', new Uint8Array([0xff, 0xfe, 0x00, 0x13, 0x37]));

    await expect(registerModel(workspace.db, { filePath, card: osnetCard })).rejects.toThrow(filePath);
  });

  it('missing file is not found', async () => {
    const filePath = join(workspace.directory, 'absent.onnx');

    await expect(registerModel(workspace.db, { filePath, card: osnetCard })).rejects.toThrow(NotFoundError);
  });
});

describe('getModel', () => {
  it('unknown id is not found', () => {
    expect(() => getModel(workspace.db, 42)).toThrow(NotFoundError);
  });
});
