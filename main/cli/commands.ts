import { basename, resolve } from 'node:path';
import { ConflictError, ValidationError } from '../errors';
import { resolveExecutionProvider } from '../ml/runtime';
import { loadClipTokenizer } from '../ml/tokenizer';
import type { ImportReport } from '../api/schemas';
import { openCliSession } from './session';
import { callCommand } from './call-command';
import { trainCommand } from './train-command';

/** A command's options as parsed by node:util parseArgs. */
export type Options = Record<string, string | boolean | undefined>;

export interface Command {
  summary: string;
  usage: string;
  options: Record<string, { type: 'string' | 'boolean'; help: string }>;
  run(options: Options, positionals: string[]): Promise<unknown>;
}

const workspaceOption = { type: 'string', help: 'workspace file (.mpreid) to open' } as const;
const jsonOption = { type: 'boolean', help: 'print the result as one JSON object on stdout' } as const;

export const commands: Record<string, Command> = {
  import: {
    summary: 'Import a Market-1501 or DukeMTMC-reID folder into a workspace.',
    usage: 'mpreid import --workspace FILE --dataset-dir DIR [--attributes FILE.mat] [--name NAME] [--json]',
    options: {
      workspace: { type: 'string', help: 'workspace file (.mpreid) to open, or to create when it does not exist' },
      'dataset-dir': { type: 'string', help: 'dataset folder holding query/, bounding_box_test/ and optionally bounding_box_train/' },
      attributes: { type: 'string', help: 'Market-1501 or DukeMTMC attribute .mat file' },
      name: { type: 'string', help: 'dataset name (default: the folder name)' },
      json: jsonOption,
    },
    run: async (options) => {
      const session = openCliSession(required(options, 'workspace'), { create: true });
      try {
        return await session.call('datasets.import', {
          datasetDir: absolute(required(options, 'dataset-dir')),
          attributesFile: options.attributes ? absolute(String(options.attributes)) : undefined,
          name: options.name as string | undefined,
        });
      } finally {
        session.close();
      }
    },
  },

  evaluate: {
    summary: 'Import a dataset, embed it with an ONNX model and print mAP, CMC and mINP.',
    usage: 'mpreid evaluate --dataset-dir DIR --model FILE.onnx [--workspace FILE] [--rerank] [--execution-provider auto|cpu|cuda] [--json]',
    options: {
      workspace: { type: 'string', help: 'workspace file to use, created when it does not exist (default: a temporary one, deleted afterwards)' },
      'dataset-dir': { type: 'string', help: 'dataset folder holding query/ and bounding_box_test/' },
      model: { type: 'string', help: 'ONNX image model; its model card is proposed from what the file declares' },
      rerank: { type: 'boolean', help: 'also report figures after k-reciprocal re-ranking (k1 = 20, k2 = 6, lambda = 0.3)' },
      'execution-provider': { type: 'string', help: 'auto (CUDA when present, else CPU), cpu or cuda' },
      json: jsonOption,
    },
    run: (options) => runEvaluate(options),
  },

  prompts: {
    summary: 'Generate, export or import the prompts of a dataset.',
    usage: [
      'mpreid prompts generate --workspace FILE --dataset NAME --generator template|chat [--base-url URL --model NAME] [--overwrite-edits] [--json]',
      '       mpreid prompts export --workspace FILE --dataset NAME --format json|csv --out FILE [--json]',
      '       mpreid prompts import --workspace FILE --dataset NAME --format json|csv --in FILE [--on-conflict abort|keepLocal|overwrite] [--dry-run] [--json]',
      '',
      'The chat generator reads its API key from the MPREID_OPENAI_API_KEY environment variable.',
    ].join('\n'),
    options: {
      workspace: workspaceOption,
      dataset: { type: 'string', help: 'dataset name, as imported' },
      generator: { type: 'string', help: 'generate: template (offline, from the attribute words) or chat (a chat model)' },
      'base-url': { type: 'string', help: 'generate: OpenAI-compatible endpoint, such as http://127.0.0.1:8080/v1 (default: the stored setting)' },
      model: { type: 'string', help: 'generate: chat model name (default: the stored setting)' },
      'overwrite-edits': { type: 'boolean', help: 'generate: also replace prompts that an analyst edited' },
      format: { type: 'string', help: 'export and import: json or csv (default: from the file extension)' },
      out: { type: 'string', help: 'export: file to write' },
      in: { type: 'string', help: 'import: file to read' },
      'on-conflict': { type: 'string', help: 'import: abort (default: write nothing when a record would replace an analyst edit), keepLocal or overwrite' },
      'dry-run': { type: 'boolean', help: 'import: report what would change without writing' },
      json: jsonOption,
    },
    run: (options, positionals) => runPrompts(options, positionals),
  },

  train: trainCommand,

  tokenize: {
    summary: 'Print the CLIP token ids of a text as a JSON array.',
    usage: [
      'mpreid tokenize TEXT [--vocab FILE] [--json]',
      '',
      'Without --vocab, the vocabulary path comes from the MPREID_CLIP_VOCAB environment variable.',
      'Put -- before a TEXT that starts with a dash.',
    ].join('\n'),
    options: {
      vocab: { type: 'string', help: "CLIP's bpe_simple_vocab_16e6.txt.gz, or a folder with Hugging Face vocab.json and merges.txt" },
      json: { type: 'boolean', help: 'print the ids on one line' },
    },
    run: (options, positionals) => runTokenize(options, positionals),
  },

  call: callCommand,
};

async function runEvaluate(options: Options): Promise<unknown> {
  // Evaluating imports the dataset, so a named workspace that does not exist yet is created.
  const session = openCliSession(options.workspace as string | undefined, { create: true });
  const seconds: Record<string, number> = {};
  const timed = async <T>(stage: string, work: () => Promise<T>): Promise<T> => {
    const start = performance.now();
    const result = await work();
    seconds[stage] = (performance.now() - start) / 1000;
    return result;
  };

  try {
    const datasetDir = absolute(required(options, 'dataset-dir'));
    const modelPath = absolute(required(options, 'model'));
    const executionProvider = parseExecutionProvider(options['execution-provider']);
    // Fail before the import, which can take a while, when the provider asked for is missing.
    resolveExecutionProvider(executionProvider);

    const report = await timed('import', () => importOrReuse(session, datasetDir));
    const model = await timed('registerModel', () => registerModelWithProposedCard(session, modelPath));
    const embedding = await timed('embed', () =>
      session.call('embeddings.run', { datasetId: report.datasetId, modelId: model.modelId, splits: ['query', 'gallery'], executionProvider }),
    );
    const evaluation = await timed('evaluate', () =>
      session.call('evaluation.run', { datasetId: report.datasetId, modelId: model.modelId, rerank: Boolean(options.rerank), worstQueries: 0 }),
    );

    return {
      dataset: report.name,
      model: basename(modelPath),
      executionProvider: embedding.executionProvider,
      mAP: evaluation.plain.mAP,
      rank1: evaluation.plain.rank1,
      rank5: evaluation.plain.rank5,
      rank10: evaluation.plain.rank10,
      rank20: evaluation.plain.rank20,
      mINP: evaluation.plain.mINP,
      queries: evaluation.queries,
      validQueries: evaluation.validQueries,
      gallery: evaluation.gallery,
      reranked: evaluation.reranked ? { ...evaluation.reranked, cmc: undefined } : null,
      embedding: { embedded: embedding.embedded, cached: embedding.cached, imagesPerSecond: embedding.imagesPerSecond },
      seconds: { ...seconds, evaluationStages: evaluation.seconds },
    };
  } finally {
    session.close();
  }
}

async function runPrompts(options: Options, positionals: string[]): Promise<unknown> {
  const action = positionals[0];
  if (action !== 'generate' && action !== 'export' && action !== 'import') {
    throw new ValidationError(`Unknown prompts action "${action ?? ''}"; use generate, export or import.`);
  }
  const session = openCliSession(required(options, 'workspace'));
  try {
    const datasetId = await findDatasetId(session, required(options, 'dataset'));
    if (action === 'generate') {
      const generator = required(options, 'generator');
      if (generator !== 'template' && generator !== 'chat') throw new ValidationError(`--generator ${generator} is not valid; use template or chat.`);
      const endpoint = { baseUrl: options['base-url'] as string | undefined, model: options.model as string | undefined };
      return await session.call('prompts.generate', { datasetId, generator, ...endpoint, overwriteEdits: Boolean(options['overwrite-edits']) });
    }

    const format = parseExchangeFormat(options.format);
    if (action === 'export') return await session.call('prompts.export', { datasetId, format, filePath: absolute(required(options, 'out')) });
    const onConflict = (options['on-conflict'] as 'abort' | 'keepLocal' | 'overwrite' | undefined) ?? 'abort';
    const dryRun = Boolean(options['dry-run']);
    const report = await session.call('prompts.import', { datasetId, format, filePath: absolute(required(options, 'in')), onConflict, dryRun });
    if (!report.applied && !dryRun) throw importConflictError(report.conflicts);
    return report;
  } finally {
    session.close();
  }
}

/** Encodes one text with start and end tokens and without padding. */
async function runTokenize(options: Options, positionals: string[]): Promise<number[]> {
  if (positionals.length === 0) throw new ValidationError('Missing TEXT. Run with --help for usage.');
  if (positionals.length > 1) throw new ValidationError(`tokenize takes one TEXT but got ${positionals.length}. Quote a text that contains spaces.`);
  const vocabulary = (options.vocab as string | undefined) || process.env.MPREID_CLIP_VOCAB;
  if (!vocabulary) {
    throw new ValidationError('No CLIP vocabulary given: pass --vocab FILE or set MPREID_CLIP_VOCAB to bpe_simple_vocab_16e6.txt.gz or to a folder with vocab.json and merges.txt.');
  }
  const tokenizer = await loadClipTokenizer(absolute(vocabulary));
  return tokenizer.encode(positionals[0]);
}

/** Fails an import that conflicts stopped, so scripts see a non-zero exit status. */
function importConflictError(conflicts: { kind: string; personId: number | null; imagePath: string | null; localRevision: number | null }[]): ConflictError {
  const first = conflicts[0];
  const subject = first.imagePath ?? `person ${first.personId}`;
  return new ConflictError(
    `Nothing was imported: ${conflicts.length} record(s) would replace analyst edits made after the export, the first being the ${first.kind} of ${subject}` +
      `${first.localRevision ? ` (local revision ${first.localRevision})` : ''}. Add --dry-run to list them, or --on-conflict keepLocal or overwrite.`,
  );
}

async function findDatasetId(session: ReturnType<typeof openCliSession>, name: string): Promise<number> {
  const datasets = await session.call('datasets.list', {});
  const match = datasets.find((dataset) => dataset.name === name);
  if (!match) throw new ValidationError(`The workspace has no dataset named "${name}"; it has ${datasets.map((dataset) => `"${dataset.name}"`).join(', ') || 'none'}.`);
  return match.datasetId;
}

function parseExchangeFormat(value: Options[string]): 'json' | 'csv' | undefined {
  if (value === undefined || value === 'json' || value === 'csv') return value;
  throw new ValidationError(`--format ${String(value)} is not valid; use json or csv.`);
}

/** A named workspace may already hold the folder; evaluating it again must not fail on the duplicate name. */
async function importOrReuse(session: ReturnType<typeof openCliSession>, datasetDir: string): Promise<ImportReport> {
  const existing = (await session.call('datasets.list', {})).find((dataset) => dataset.rootDir === datasetDir);
  if (existing) return existing.report;
  return session.call('datasets.import', { datasetDir });
}

async function registerModelWithProposedCard(session: ReturnType<typeof openCliSession>, filePath: string) {
  const inspection = await session.call('models.inspect', { filePath });
  if (!inspection.proposedCard) {
    const shapes = (tensors: typeof inspection.inputs) => tensors.map((tensor) => `${tensor.name} ${tensor.type} [${tensor.shape.join(', ')}]`).join(', ');
    throw new ValidationError(
      `Cannot propose a model card for ${filePath}, which declares inputs ${shapes(inspection.inputs)} and outputs ${shapes(inspection.outputs)}; ` +
        'an image model needs one float32 input [batch, 3, height, width] and a float32 output [batch, features]. ' +
        'If it has them under other names, register it with "mpreid call models.register" and an explicit card.',
    );
  }
  return session.call('models.register', { filePath, card: inspection.proposedCard });
}

function parseExecutionProvider(value: Options[string]): 'auto' | 'cpu' | 'cuda' {
  if (value === undefined) return 'auto';
  if (value === 'auto' || value === 'cpu' || value === 'cuda') return value;
  throw new ValidationError(`--execution-provider ${String(value)} is not valid; use auto, cpu or cuda.`);
}

function required(options: Options, name: string): string {
  const value = options[name];
  if (typeof value !== 'string' || value === '') throw new ValidationError(`Missing --${name}. Run with --help for usage.`);
  return value;
}

function absolute(path: string): string {
  return resolve(path);
}
