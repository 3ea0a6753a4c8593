import { createHash } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ValidationError } from '../../errors';
import type { ProgressReporter } from '../../jobs/progress';
import { createLogger } from '../../log';
import { resolveExecutionProvider } from '../runtime';
import { clipContextLength } from '../tokenizer';
import { exportInferenceModel } from '../training/export';
import { imageHeadGraph, textEncoderGraph } from './inference-graphs';
import { usesExplicitPrompts } from './presets';
import { batchCapacity, buildPromptTable, tableSentences, type PromptTable } from './prompt-table';
import { readJournal } from './run-journal';
import { runStage, type StageRun } from './stage-runner';
import { buildStage1Step, buildStage2Step, type ModelSpec } from './stage-graphs';
import { computeImplicitFeatures, evaluateImageHead } from './run-evaluation';
import { stage1Batches, stage2Batches } from './training-batches';
import { resolveTextSide } from './text-encoder-source';
import type { MpreidConfig, MpreidHooks, MpreidOutcome, MpreidTrainingData } from './training-types';

const log = createLogger('MP-ReID');

const imageFeatures = 'frozen-encoder feature joined with the BN-neck output of its trained projection u_M';

export interface TrainOptions {
  /** Folder of the run's checkpoints, journal and exported models; a folder with a journal is resumed. */
  runDirectory: string;
  progress: ProgressReporter;
  hooks?: MpreidHooks;
}

/**
 * Trains an MP-ReID model on frozen-encoder features: stage 1 learns the
 * implicit prompts, stage 2 the rest (see buildStage1Step and
 * buildStage2Step). Every finished epoch is committed to the run folder as a
 * checkpoint, so a run that crashed or was cancelled resumes from its last
 * epoch and ends with the same values as one that never stopped.
 */
export async function trainMpreid(data: MpreidTrainingData, config: MpreidConfig, options: TrainOptions): Promise<MpreidOutcome> {
  validateRun(data, config);
  const spec = await modelSpec(data, config);
  const journal = await readJournal(options.runDirectory, fingerprintOf(data, config, spec));
  const resumed = journal.epochs.length > 0;
  const provider = resolveExecutionProvider(config.executionProvider).provider;
  const oracle = config.evaluationFeatures === 'image-with-identity-prompts';
  const stepsPerEpoch = config.stepsPerEpoch ?? Math.max(1, Math.floor(data.train.personIds.length / (config.identitiesPerBatch * config.imagesPerIdentity)));
  log.info('training started', { classes: data.classes, preset: config.preset, stepsPerEpoch, resumed, provider });

  const base: Omit<StageRun, 'stage' | 'step' | 'epochs' | 'learningRate' | 'batches' | 'evaluate' | 'initialValues'> = {
    runDirectory: options.runDirectory,
    journal,
    stepsPerEpoch,
    warmupEpochs: config.warmupEpochs,
    provider,
    seed: config.seed,
    progress: options.progress,
    hooks: options.hooks,
  };

  const stage1Values = await runStage({
    ...base,
    stage: 'stage1',
    step: buildStage1Step(spec, { type: 'adamw', weightDecay: 0 }),
    epochs: config.stage1Epochs,
    learningRate: config.stage1LearningRate,
    batches: stage1Batches(data, config),
  });
  // With no stage-1 epochs, the implicit prompts and the text side keep their initial values.
  const stage1Final = stage1Values ?? (await initialStage1Values(spec));
  const implicit = await computeImplicitFeatures(spec, stage1Final);

  const evaluate = data.query && data.gallery ? (values: ReadonlyMap<string, Float32Array | Float64Array>) => evaluateImageHead(spec, values, data, provider, oracle) : undefined;
  const finalValues = await runStage({
    ...base,
    stage: 'stage2',
    step: buildStage2Step(spec, implicit, { type: 'adamw', weightDecay: config.weightDecay }),
    epochs: config.stage2Epochs,
    learningRate: config.learningRate,
    batches: stage2Batches(data, config, spec),
    initialValues: stage1Final,
    evaluate: evaluate && ((values, epoch) => (config.evaluateEachEpoch || epoch === config.stage2Epochs ? evaluate(values) : Promise.resolve(null))),
  });

  // The learnable-only stage 2 has no text side, so the text encoder's values come from stage 1.
  const artifacts = await exportArtifacts(options.runDirectory, spec, new Map([...stage1Final, ...finalValues!]));
  const stage2 = journal.epochs.filter((record) => record.stage === 'stage2');
  log.info('training finished', { epochs: journal.epochs.length, mAP: stage2.at(-1)?.figures?.mAP ?? null });
  return {
    epochs: journal.epochs,
    figures: [...stage2].reverse().find((record) => record.figures)?.figures ?? null,
    artifacts,
    resumed,
    features: oracle ? `${imageFeatures} + identity prompt features (oracle: prompts from identity labels)` : `${imageFeatures} (image only)`,
    oracle,
  };
}

function validateRun(data: MpreidTrainingData, config: MpreidConfig): void {
  if (config.identitiesPerBatch > data.classes) {
    throw new ValidationError(`A batch needs ${config.identitiesPerBatch} identities but the training split has only ${data.classes}. Lower identities per batch (P).`);
  }
  if (config.jointWidth % 4 !== 0) {
    throw new ValidationError(`Joint width ${config.jointWidth} must be a multiple of 4, the fusion layers' head count.`);
  }
  if (config.evaluationFeatures !== 'image' && !usesExplicitPrompts(config.prompts)) {
    throw new ValidationError('Evaluating with identity prompts needs a run with explicit prompts; the learnable prompt exists only for training identities. Evaluate with image features.');
  }
  if (config.evaluationFeatures !== 'image' && data.query && !data.testPrompts) {
    throw new ValidationError('Evaluating with identity prompts needs the prompts of the query and gallery identities. Load the training data with the test identities included.');
  }
}

/** Fixes the graph shapes of a run: the sentence length is the longest prompt, at most the configured context. */
async function modelSpec(data: MpreidTrainingData, config: MpreidConfig): Promise<ModelSpec> {
  const table: PromptTable | null = usesExplicitPrompts(config.prompts) ? buildPromptTable(data.prompts, config.prompts) : null;
  // The full context lets text search read as long a description as the config allows. Each
  // sentence group is encoded at its own length, so shorter prompts cost nothing extra.
  const contextLength = config.textEncoder.source === 'scratch' ? config.textEncoder.contextLength : clipContextLength;
  const implicitTemplate = withLearnableTokens(data.implicitTemplate, config.implicitTokens);
  const needed = Math.max(implicitTemplate.tokens.length, table?.single?.length ?? 0, table?.vqa?.length ?? 0);
  if (needed > contextLength) {
    throw new ValidationError(`A prompt of the run has ${needed} tokens but the text encoder reads ${contextLength}. Raise the context length, or load the data with the run's context length.`);
  }
  const sentences = table ? tableSentences(table) : [];

  return {
    featureWidth: data.featureWidth,
    jointWidth: config.jointWidth,
    classes: data.classes,
    identitiesPerBatch: config.identitiesPerBatch,
    imagesPerIdentity: config.imagesPerIdentity,
    text: await resolveTextSide(config, contextLength, [...sentences, implicitTemplate.tokens]),
    implicitTemplate,
    table,
    capacity: table ? batchCapacity(table, config.identitiesPerBatch) : { single: 0, vqa: 0 },
    lossWeights: config.lossWeights,
    seed: config.seed,
  };
}

/**
 * Replaces the run of learnable X tokens in the dataset's implicit template
 * with `count` of them, so the config decides how many tokens each identity learns.
 */
function withLearnableTokens(template: MpreidTrainingData['implicitTemplate'], count: number): MpreidTrainingData['implicitTemplate'] {
  const first = template.learnablePositions[0];
  const last = template.learnablePositions.at(-1)!;
  if (last - first + 1 !== template.learnablePositions.length) {
    throw new ValidationError('The learnable X tokens of the implicit prompt must stand next to each other, as in "A photo of a X X X X person.". Edit it on the Prompts page.');
  }

  const placeholder = template.tokens[first];
  const tokens = [...template.tokens.slice(0, first), ...new Array<number>(count).fill(placeholder), ...template.tokens.slice(last + 1)];
  return { tokens, learnablePositions: Array.from({ length: count }, (_, i) => first + i) };
}

function fingerprintOf(data: MpreidTrainingData, config: MpreidConfig, spec: ModelSpec): string {
  const { executionProvider: _provider, evaluateEachEpoch: _evaluate, ...decisive } = config;
  const hash = createHash('sha256').update(JSON.stringify(decisive));
  hash.update(new Uint8Array(data.trainLabels.buffer, data.trainLabels.byteOffset, data.trainLabels.byteLength));
  hash.update(new Uint8Array(data.train.features.buffer, data.train.features.byteOffset, data.train.features.byteLength));
  hash.update(JSON.stringify([spec.table ? tableSentences(spec.table) : [], spec.implicitTemplate]));
  return hash.digest('hex');
}

/** Stage-1 start values, for a run with no stage-1 epochs: the implicit tokens as initialised. */
async function initialStage1Values(spec: ModelSpec): Promise<Map<string, Float32Array | Float64Array>> {
  const step = buildStage1Step(spec, { type: 'adamw', weightDecay: 0 });
  return new Map(step.layout.states.filter((state) => state.kind === 'parameter').map((state) => [state.name, state.initialValue]));
}

async function exportArtifacts(runDirectory: string, spec: ModelSpec, values: ReadonlyMap<string, Float32Array | Float64Array>): Promise<MpreidOutcome['artifacts']> {
  await mkdir(runDirectory, { recursive: true });
  const imageHeadPath = join(runDirectory, 'image-head.onnx');
  const textEncoderPath = join(runDirectory, 'text-encoder.onnx');
  const metadata = { context_length: String(spec.text.options.contextLength) };
  await writeAtomically(imageHeadPath, exportInferenceModel(imageHeadGraph(spec), values, metadata));
  await writeAtomically(textEncoderPath, exportInferenceModel(textEncoderGraph(spec), values, metadata));
  return { imageHeadPath, textEncoderPath, contextLength: spec.text.options.contextLength };
}

async function writeAtomically(path: string, bytes: Uint8Array): Promise<void> {
  await writeFile(`${path}.partial`, bytes);
  await rename(`${path}.partial`, path);
}

