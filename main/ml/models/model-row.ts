import { modelCardSchema, type ModelCard, type ModelSummary } from '../../api/schemas';
import { InternalError } from '../../errors';
import type { ModelShape } from './card-validation';

export interface ModelRow {
  id: number;
  name: string;
  file_path: string;
  content_hash: string;
  card: string;
  created_at: string;
}

/**
 * The `models.card` column stores the card's JSON plus a `file` object with
 * the batch and feature sizes read from the ONNX file at registration, so that
 * listing models needs no onnxruntime session. The card schema strips `file`
 * when the column is read back.
 */
// TODO: move fixedBatch and featureDimension to columns of their own in the next schema migration.
interface StoredCard extends ModelCard {
  file: ModelShape;
}

export function encodeCard(card: ModelCard, shape: ModelShape): string {
  const stored: StoredCard = { ...card, file: shape };
  return JSON.stringify(stored);
}

export function toModelSummary(row: ModelRow): ModelSummary {
  const stored = JSON.parse(row.card) as Partial<StoredCard>;
  const card = modelCardSchema.safeParse(stored);
  if (!card.success || !stored.file) {
    throw new InternalError(`The card stored for model ${row.id} ("${row.name}") is malformed. Register the model file again.`);
  }

  return {
    modelId: row.id,
    name: row.name,
    filePath: row.file_path,
    contentHash: row.content_hash,
    card: card.data,
    fixedBatch: stored.file.fixedBatch,
    featureDimension: stored.file.featureDimension,
    createdAt: row.created_at,
  };
}
