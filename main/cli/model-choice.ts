import type { ModelSummary } from '../api/schemas';
import { ValidationError } from '../errors';
import type { CliSession } from './session';

export async function findDataset(session: CliSession, key: string): Promise<number> {
  const datasets = await session.call('datasets.list', {});
  const match = datasets.find((dataset) => dataset.name === key) ?? datasets.find((dataset) => String(dataset.datasetId) === key);
  if (!match) {
    const names = datasets.map((dataset) => `${dataset.datasetId} "${dataset.name}"`).join(', ') || 'none';
    throw new ValidationError(`The workspace has no dataset named or numbered "${key}"; it has ${names}.`);
  }
  return match.datasetId;
}

/**
 * Picks the named model, or else the only frozen image model with cached
 * embeddings for the dataset. Search models that training runs registered
 * are left out of the default, because they embed with a trained head and a
 * run trains on frozen features.
 */
export async function chooseModel(session: CliSession, datasetId: number, key: string | undefined): Promise<ModelSummary> {
  const models = await session.call('models.list', {});
  if (key !== undefined) return findModel(models, key);

  const searchModels = searchModelIds(session);
  const embedded = models.filter((model) => !searchModels.has(model.modelId) && hasEmbeddings(session, datasetId, model.contentHash));
  if (embedded.length === 1) return embedded[0];
  if (embedded.length === 0) {
    throw new ValidationError(`No model has cached embeddings for dataset ${datasetId}. Embed its train, query and gallery images first, such as with "mpreid call embeddings.run".`);
  }
  throw new ValidationError(`${embedded.length} frozen models have embeddings for dataset ${datasetId}: ${describeModels(embedded)}. Pick one with --model.`);
}

function findModel(models: ModelSummary[], key: string): ModelSummary {
  const byName = models.filter((model) => model.name === key);
  if (byName.length > 1) throw new ValidationError(`${byName.length} models are named "${key}" (${describeModels(byName)}); pass --model with an id.`);
  const match = byName[0] ?? models.find((model) => String(model.modelId) === key);
  if (!match) throw new ValidationError(`The workspace has no model named or numbered "${key}"; it has ${describeModels(models)}.`);
  return match;
}

function describeModels(models: ModelSummary[]): string {
  return models.map((model) => `${model.modelId} "${model.name}"`).join(', ') || 'none';
}

function searchModelIds(session: CliSession): Set<number> {
  const rows = session.context.db.prepare('SELECT search_model_id AS modelId FROM training_runs WHERE search_model_id IS NOT NULL').all() as { modelId: number }[];
  return new Set(rows.map((row) => row.modelId));
}

function hasEmbeddings(session: CliSession, datasetId: number, modelHash: string): boolean {
  const row = session.context.db
    .prepare('SELECT 1 FROM images JOIN embeddings ON embeddings.model_hash = ? AND embeddings.image_hash = images.content_hash WHERE images.dataset_id = ? LIMIT 1')
    .get(modelHash, datasetId);
  return row !== undefined;
}

/**
 * Rejects a batch of more identities than the train split has before the run
 * is stored, naming the option that lowers it. The service checks this too,
 * but its message names the configuration field.
 */
export function requireBatchFits(session: CliSession, datasetId: number, identitiesPerBatch: number): void {
  const { identities } = session.context.db
    .prepare("SELECT COUNT(DISTINCT identity_id) AS identities FROM images WHERE dataset_id = ? AND split = 'train'")
    .get(datasetId) as { identities: number };
  if (identities > 0 && identitiesPerBatch > identities) {
    throw new ValidationError(
      `A batch of ${identitiesPerBatch} identities does not fit dataset ${datasetId}, whose train split has ${identities}. Pass --identities-per-batch ${identities} or less.`,
    );
  }
}
