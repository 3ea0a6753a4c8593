import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ApiInput, ApiMethodName, ApiOutput } from '../main/api/contract';
import { createDispatcher } from '../main/api/dispatcher';
import { apiHandlers } from '../main/api/handlers';
import { closeAppContext, createAppContext } from '../main/app-context';
import { silentProgress } from '../main/jobs/progress';
import { loadMpreidTrainingData, presetConfig, presetNames, trainMpreid, type PresetName } from '../main/ml/mpreid';
import { loadClipTokenizer } from '../main/ml/tokenizer';

/**
 * The ablation of MP-ReID's prompt kinds on DukeMTMC-reID with frozen OSNet
 * x0.25 (MSMT17) features, through the same API the app uses. It imports
 * the dataset with its attribute file and embeds it. ChatGPT-style prompts
 * come from the offline template, and VQA answers from attribute heads
 * trained on the frozen features. Each preset is then trained and evaluated
 * on the full query and gallery.
 * Prints one JSON line per step and per preset, beside the frozen baseline.
 * The workspace is kept in .cache/bench, so a rerun skips import, embedding
 * and VQA; runs start afresh. Arguments: stage-2 epochs, then presets.
 */

const repositoryRoot = resolve(import.meta.dirname, '..');
const dataRoot = resolve(repositoryRoot, '../shared/data');
const cacheDir = join(repositoryRoot, '.cache/bench');
const datasetName = 'DukeMTMC-reID ablation';

type Call = <M extends ApiMethodName>(method: M, input: ApiInput<M>) => Promise<ApiOutput<M>>;

function print(record: Record<string, unknown>): void {
  console.log(JSON.stringify({ bench: 'ablation', ...record }));
}

async function timed<T>(step: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await work();
  print({ step, seconds: Number(((performance.now() - started) / 1000).toFixed(1)) });
  return result;
}

async function prepareWorkspace(call: Call): Promise<{ datasetId: number; modelId: number }> {
  const existing = (await call('datasets.list', {})).find((dataset) => dataset.name === datasetName);
  const datasetId =
    existing?.datasetId ??
    (await timed('import', () => call('datasets.import', { datasetDir: join(dataRoot, 'DukeMTMC-reID'), name: datasetName, attributesFile: join(dataRoot, 'attributes/duke_attribute.mat') }))).datasetId;

  const osnetPath = join(dataRoot, 'models/osnet_x0_25_msmt17.onnx');
  const registered = (await call('models.list', {})).find((model) => model.filePath === osnetPath);
  const modelId = registered?.modelId ?? (await call('models.register', { filePath: osnetPath, card: (await call('models.inspect', { filePath: osnetPath })).proposedCard! })).modelId;

  await timed('embedding', () => call('embeddings.run', { datasetId, modelId, executionProvider: 'cpu' }));
  await timed('template prompts', () => call('prompts.generate', { datasetId, generator: 'template' }));
  return { datasetId, modelId };
}

/** Trains the attribute heads, prints their accuracy on the test identities, and runs VQA with them on the training images. */
async function answerVqaWithAttributeHeads(call: Call, datasetId: number, modelId: number): Promise<void> {
  const heads = await timed('attribute heads', () => call('attributes.heads.train', { datasetId, imageModelId: modelId, epochs: 20, seed: 1 }));
  print({ attributeHeads: heads.accuracy.map(({ attribute, accuracy }) => ({ attribute, accuracy: Number(accuracy.toFixed(4)) })), meanAccuracy: Number(heads.meanAccuracy.toFixed(4)), questions: heads.questionKeys });
  await timed('vqa answers', () => call('prompts.vqa.run', { datasetId, provider: heads.vqaProvider, split: 'train' }));
}

function rounded(figures: { mAP: number; rank1: number; rank5: number; rank10: number; mINP: number }) {
  const round = (value: number) => Number((100 * value).toFixed(2));
  return { mAP: round(figures.mAP), rank1: round(figures.rank1), rank5: round(figures.rank5), rank10: round(figures.rank10), mINP: round(figures.mINP) };
}

async function main(): Promise<void> {
  const stage2Epochs = Number(process.argv[2] ?? 6);
  const presets = (process.argv.length > 3 ? process.argv.slice(3) : presetNames) as PresetName[];
  mkdirSync(cacheDir, { recursive: true });
  const context = createAppContext(join(cacheDir, 'ablation.mpreid'));
  const dispatch = createDispatcher(apiHandlers, context);
  const call: Call = (method, input) => dispatch(method, input) as never;

  const { datasetId, modelId } = await prepareWorkspace(call);
  await answerVqaWithAttributeHeads(call, datasetId, modelId);
  const baseline = await call('evaluation.run', { datasetId, modelId, worstQueries: 0 });
  print({ preset: 'frozen OSNet features', ...rounded(baseline.plain) });

  const tokenizer = await loadClipTokenizer(join(dataRoot, 'clip/bpe_simple_vocab_16e6.txt.gz'));
  for (const preset of presets) {
    const config = { ...presetConfig(preset), stage2Epochs, executionProvider: 'cpu' as const };
    const contextLength = config.textEncoder.source === 'scratch' ? config.textEncoder.contextLength : 77;
    const { data } = loadMpreidTrainingData(context.db, { datasetId, imageModelId: modelId, prompts: config.prompts, contextLength, tokenizer });
    const runDirectory = join(cacheDir, 'ablation-runs', preset);
    rmSync(runDirectory, { recursive: true, force: true });

    const started = performance.now();
    const outcome = await trainMpreid(data, config, { runDirectory, progress: silentProgress() });
    const seconds = (performance.now() - started) / 1000;
    const steps = (config.stage1Epochs + stage2Epochs) * Math.floor(data.train.personIds.length / (config.identitiesPerBatch * config.imagesPerIdentity));
    print({ preset, ...rounded(outcome.figures!), epochs: { stage1: config.stage1Epochs, stage2: stage2Epochs }, seconds: Math.round(seconds), msPerStep: Math.round((1000 * seconds) / steps), features: outcome.features, oracle: outcome.oracle });
  }
  closeAppContext(context);
  print({ peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) });
}

await main();
