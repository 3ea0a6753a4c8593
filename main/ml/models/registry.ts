import { readFile } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import { modelCardSchema, type ModelCard, type ModelSummary } from '../../api/schemas';
import type { Db } from '../../db/workspace';
import { ConflictError, NotFoundError, ValidationError } from '../../errors';
import { createLogger } from '../../log';
import { describeModelShape, validateCard } from './card-validation';
import { sha256Hex } from './content-hash';
import { readDeclaredTensors } from './inspect';
import { encodeCard, toModelSummary, type ModelRow } from './model-row';

const log = createLogger('Models');

export interface RegisterModelRequest {
  filePath: string;
  name?: string;
  card: ModelCard;
}

/**
 * Registers an ONNX image model after checking its card against the file.
 * Registering the same bytes again with an equal card returns the existing
 * model. With a different card it raises ConflictError, because cached
 * embeddings are keyed by the file's hash and so belong to one card.
 */
export async function registerModel(db: Db, request: RegisterModelRequest): Promise<ModelSummary> {
  const filePath = resolve(request.filePath);
  const card = parseCard(request.card);
  const bytes = await readModelFile(filePath);
  const contentHash = sha256Hex(bytes);

  const declared = await readDeclaredTensors(bytes, filePath);
  validateCard(card, declared);
  const shape = describeModelShape(card, declared);

  const existing = findByHash(db, contentHash);
  if (existing) return reuseExisting(existing, card, filePath);

  const name = request.name ?? basename(filePath, extname(filePath));
  const info = db
    .prepare('INSERT INTO models (name, file_path, content_hash, card, created_at) VALUES (?, ?, ?, ?, ?)')
    .run(name, filePath, contentHash, encodeCard(card, shape), new Date().toISOString());

  const modelId = Number(info.lastInsertRowid);
  log.info('registered model', { modelId, name, filePath, contentHash, ...shape });
  return getModel(db, modelId);
}

export function listModels(db: Db): ModelSummary[] {
  const rows = db.prepare('SELECT id, name, file_path, content_hash, card, created_at FROM models ORDER BY id').all() as ModelRow[];
  return rows.map(toModelSummary);
}

export function getModel(db: Db, modelId: number): ModelSummary {
  const row = db.prepare('SELECT id, name, file_path, content_hash, card, created_at FROM models WHERE id = ?').get(modelId) as ModelRow | undefined;
  if (!row) throw new NotFoundError(`Model ${modelId} is not registered in this workspace. List the registered models or register the ONNX file first.`);
  return toModelSummary(row);
}

function parseCard(card: ModelCard): ModelCard {
  const parsed = modelCardSchema.safeParse(card);
  if (parsed.success) return parsed.data;

  const issue = parsed.error.issues[0];
  throw new ValidationError(`The model card field "${issue.path.join('.')}" is invalid: ${issue.message}.`);
}

async function readModelFile(filePath: string): Promise<Uint8Array> {
  try {
    return await readFile(filePath);
  } catch (error) {
    throw new NotFoundError(`Cannot read the model file ${filePath}: ${(error as Error).message}. Check the path.`, { cause: error });
  }
}

function findByHash(db: Db, contentHash: string): ModelRow | undefined {
  return db.prepare('SELECT id, name, file_path, content_hash, card, created_at FROM models WHERE content_hash = ?').get(contentHash) as ModelRow | undefined;
}

function reuseExisting(existing: ModelRow, card: ModelCard, filePath: string): ModelSummary {
  const summary = toModelSummary(existing);
  if (JSON.stringify(summary.card) !== JSON.stringify(card)) {
    throw new ConflictError(
      `The file ${filePath} has the same content as model ${summary.modelId} ("${summary.name}"), which is registered with a different card. ` +
        'One file can carry only one card because cached embeddings are keyed by its hash, so reuse that model or export a new file.',
    );
  }

  log.info('model already registered', { modelId: summary.modelId, filePath });
  return summary;
}
