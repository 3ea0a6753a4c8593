import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDukeSubset, dukeDir, type DukeSubset } from './duke-subset';
import { launchChromium } from './launch-chromium';
import { repoRoot, startServeProcess, type ServeProcess } from './serve-process';
import { ensureWebBuild } from './web-build';
import { artifactsDir, pageActions } from './page-actions';
import { encodeSafetensors } from '../../main/ml/training/safetensors';
import { randomClipTensors } from '../ml/text/clip-text-fixture';

const modelPath = join(repoRoot, '../shared/data/models/osnet_x0_25_msmt17.onnx');
const attributeFile = join(repoRoot, '../shared/data/attributes/duke_attribute.mat');
const vocabularyPath = join(repoRoot, '../shared/data/clip/bpe_simple_vocab_16e6.txt.gz');

/** Train identities copied into the subset and images of each; P × K below must fit them. */
const trainIdentities = 6;
const imagesPerTrainIdentity = 4;

/** A run of a few seconds on 2 cores: tiny scratch text encoder, two steps per epoch. */
const shortRun: Record<string, string> = {
  stage1Epochs: '1',
  stage2Epochs: '2',
  warmupEpochs: '0',
  stepsPerEpoch: '2',
  identitiesPerBatch: '2',
  imagesPerIdentity: '2',
  implicitTokens: '2',
  jointWidth: '32',
  'textEncoder.width': '32',
  'textEncoder.layers': '1',
  'textEncoder.heads': '2',
  'textEncoder.contextLength': '16',
  seed: '7',
};

/**
 * Steps per epoch of the first run: enough for the page to show it running for
 * a few seconds, few enough for its 3 epochs to fit the loss plot's 60 dotted points.
 */
const watchedStepsPerEpoch = '15';
/** Steps per epoch of the run that is cancelled, so that the Cancel click lands well before its last epoch. */
const cancelledStepsPerEpoch = '40';

const description = 'A man in a dark jacket carrying a backpack.';

/** What the fake hub serves as CLIP's model.safetensors: not real weights, but bytes with a published checksum. */
// A CLIP-layout text checkpoint of about 13 MB: large enough to show download progress, valid enough to be kept.
const checkpoint = Buffer.from(
  encodeSafetensors({ tensors: randomClipTensors({ vocabularySize: 49408, contextLength: 77, width: 64, layers: 1, heads: 1, outputWidth: 64 }), metadata: { format: 'pt' } }),
);
const checkpointChecksum = createHash('sha256').update(checkpoint).digest('hex');
const checkpointRoute = '/openai/clip-vit-base-patch16/resolve/main/model.safetensors';
/** Pace of the slow hub: one chunk per interval, so a download takes several seconds and can be cancelled halfway. */
const slowChunkBytes = 1024 * 1024;
const slowChunkIntervalMs = 500;

interface RunSummary {
  runId: number;
  name: string;
  status: string;
  figures: { mAP: number; rank1: number; mINP: number } | null;
  oracle: boolean;
  epochsDone: number;
  epochsTotal: number;
}

interface RunDetail extends RunSummary {
  epochs: unknown[];
  steps: { losses: Record<string, number> }[];
}

let tempDir: string;
let subset: DukeSubset;
let hub: Server;
/** 'slow' trickles the checkpoint out; 'fast' sends it at once. */
let hubPace: 'slow' | 'fast' = 'slow';
let server: ServeProcess;
let browser: Browser;
let page: Page;
const { openPage, screenshot, waitForOrAlert, chooseOption, callApi } = pageActions({ page: () => page, server: () => server, screenshotPrefix: 'training-', alertSelector: '[role="alert"][data-error-code], [data-testid="run-error"]' });
const scriptErrors: string[] = [];

beforeAll(async () => {
  ensureWebBuild();
  mkdirSync(artifactsDir, { recursive: true });
  tempDir = mkdtempSync(join(tmpdir(), 'mpreid-training-'));
  subset = buildDukeSubset(join(tempDir, 'duke-training'), 4, 8);
  copyTrainIdentities(subset.rootDir);
  hub = await startHub();
  const address = hub.address();
  const hubUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  server = await startServeProcess(join(tempDir, 'training.mpreid'), { MPREID_HF_ENDPOINT: hubUrl });

  const { datasetId } = await callApi<{ datasetId: number }>('datasets.import', { datasetDir: subset.rootDir, attributesFile: attributeFile });
  const { proposedCard } = await callApi<{ proposedCard: unknown }>('models.inspect', { filePath: modelPath });
  const { modelId } = await callApi<{ modelId: number }>('models.register', { filePath: modelPath, card: proposedCard });
  await callApi('embeddings.run', { datasetId, modelId, executionProvider: 'cpu' });

  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 }, locale: 'en-US', acceptDownloads: true });
  page.setDefaultTimeout(60_000);
  page.on('pageerror', (error) => scriptErrors.push(error.message));
  await page.goto(server.url);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (hub?.listening) await closeHub();
  if (tempDir) rmSync(tempDir, { recursive: true, force: true });
});

/** Copies the first training images of the first train identities, so that P × K batches can be drawn. */
function copyTrainIdentities(rootDir: string): void {
  const fromDir = join(dukeDir, 'bounding_box_train');
  const toDir = join(rootDir, 'bounding_box_train');
  mkdirSync(toDir, { recursive: true });
  const names = readdirSync(fromDir).filter((name) => name.endsWith('.jpg')).sort();
  const personIds = [...new Set(names.map((name) => name.slice(0, 4)))].slice(0, trainIdentities);
  for (const personId of personIds) {
    for (const name of names.filter((candidate) => candidate.startsWith(`${personId}_`)).slice(0, imagesPerTrainIdentity)) {
      copyFileSync(join(fromDir, name), join(toDir, name));
    }
  }
}

/** Starts a Hugging Face stand-in on 127.0.0.1 that serves CLIP's checkpoint with its SHA-256 in X-Linked-Etag. */
async function startHub(): Promise<Server> {
  const started = createServer(serveCheckpoint);
  await new Promise<void>((resolve) => started.listen(0, '127.0.0.1', resolve));
  return started;
}

function serveCheckpoint(request: IncomingMessage, response: ServerResponse): void {
  if (request.url !== checkpointRoute) {
    response.writeHead(404).end();
    return;
  }
  response.writeHead(200, { 'content-length': String(checkpoint.length), 'x-linked-etag': `"${checkpointChecksum}"` });
  if (hubPace === 'fast') {
    response.end(checkpoint);
    return;
  }

  let offset = 0;
  const timer = setInterval(() => {
    response.write(checkpoint.subarray(offset, offset + slowChunkBytes));
    offset += slowChunkBytes;
    if (offset >= checkpoint.length) {
      clearInterval(timer);
      response.end();
    }
  }, slowChunkIntervalMs);
  response.on('close', () => clearInterval(timer));
}

/** Stops the hub and drops its open connections, so that the next download finds nothing listening. */
async function closeHub(): Promise<void> {
  const closed = new Promise((resolve) => hub.close(resolve));
  hub.closeAllConnections();
  await closed;
}

function configField(path: string): Locator {
  return page.getByTestId(`config-${path}`);
}

/** Returns where the server stores the downloaded CLIP checkpoint: the model folder beside the workspace file. */
function clipWeightsPath(): string {
  return join(tempDir, 'training.mpreid.models', 'openai--clip-vit-base-patch16.safetensors');
}

function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)} %`;
}

describe('training in the browser', () => {
  it('form marks invalid fields', async () => {
    await openPage('Training');
    await page.getByTestId('training-config').waitFor();
    await page.getByTestId('text-encoder-source').getByText('Train from scratch', { exact: true }).click();

    await configField('stage2Epochs').fill('0');
    await configField('textEncoder.width').fill('30');
    await configField('textEncoder.heads').fill('4');
    await page.getByTestId('start-training').click();

    expect(await configField('stage2Epochs').getAttribute('aria-invalid')).toBe('true');
    await page.getByText('Must be at least 1.', { exact: true }).waitFor();
    await page.getByText('Width 30 does not split into 4 heads', { exact: false }).waitFor();
    expect(await page.getByTestId('config-invalid').innerText()).toContain('2 fields are invalid');
    await screenshot('form-invalid');
    expect(await callApi<unknown[]>('training.list', {})).toEqual([]);
  });

  it('short run trains and succeeds', async () => {
    const presets = await callApi<{ name: string; label: string }[]>('training.presets', {});
    await chooseOption(page.getByTestId('preset-select'), presets.find((preset) => preset.name === 'learnable')!.label);
    await page.getByTestId('text-encoder-source').getByText('Train from scratch', { exact: true }).click();
    for (const [path, value] of Object.entries(shortRun)) await configField(path).fill(value);
    await chooseOption(configField('executionProvider'), 'CPU');
    await chooseOption(configField('evaluationFeatures'), 'Image features only');
    await configField('evaluateEachEpoch').check();
    await configField('stepsPerEpoch').fill(watchedStepsPerEpoch);
    await page.getByTestId('vocabulary-path').fill(vocabularyPath);
    expect(await page.getByTestId('config-invalid').count()).toBe(0);

    await page.getByTestId('start-training').click();
    const view = page.getByTestId('run-view');
    await waitForOrAlert(view.getByTestId('job-progress').getByText(/\d+ \/ \d+ steps/));
    await waitForOrAlert(view.getByTestId('loss-curves').locator('polyline').first());
    await screenshot('running');
    await waitForOrAlert(page.locator('[data-testid="run-view"][data-status="succeeded"]'));

    const [summary] = await callApi<RunSummary[]>('training.list', {});
    const detail = await callApi<RunDetail>('training.get', { runId: summary.runId });
    const terms = new Set(detail.steps.flatMap((step) => Object.keys(step.losses)));
    const plottedTerms = [...terms].filter((term) => term !== 'gradient_norm');
    expect(summary.status).toBe('succeeded');
    expect(plottedTerms.length).toBeGreaterThan(0);
    expect(await view.getByTestId('loss-curves').locator('[data-series]').count()).toBe(plottedTerms.length);
    const firstTerm = plottedTerms[0];
    expect(await view.getByTestId('loss-curves').locator(`[data-series="${firstTerm}"] circle`).count()).toBe(detail.steps.filter((step) => firstTerm in step.losses).length);
    expect(await view.getByTestId('epoch-table').locator('tbody tr').count()).toBe(detail.epochs.length);
    await view.getByTestId('map-by-epoch').waitFor();
    expect(await view.getByTestId('run-figures').locator('[data-figure="mAP"]').innerText()).toContain(percent(summary.figures!.mAP));
    await screenshot('succeeded');
  });

  it('runs table shows the figures', async () => {
    const [summary] = await callApi<RunSummary[]>('training.list', {});
    const row = page.getByTestId('runs-table').locator(`tr[data-run-id="${summary.runId}"]`);

    await row.locator('[data-status="succeeded"]').waitFor();
    expect(await row.locator('[data-figure="mAP"]').first().innerText()).toBe(percent(summary.figures!.mAP));
    expect(await row.locator('[data-figure="rank1"]').innerText()).toBe(percent(summary.figures!.rank1));
    expect(await row.locator('[data-figure="mINP"]').innerText()).toBe(percent(summary.figures!.mINP));
    expect(await row.getByTestId('oracle-badge').count()).toBe(summary.oracle ? 1 : 0);
  });

  it('exports the runs as CSV and SVG', async () => {
    const [summary] = await callApi<RunSummary[]>('training.list', {});
    await page.getByRole('checkbox', { name: `Select run ${summary.name}` }).check();

    const download = page.waitForEvent('download');
    await page.getByTestId('export-csv').click();
    const saved = await download;
    const expected = await callApi<{ content: string }>('training.exportTable', { runIds: [summary.runId], format: 'csv' });
    expect(saved.suggestedFilename()).toBe('training-runs.csv');
    expect(readFileSync((await saved.path())!, 'utf8')).toBe(expected.content);

    await page.getByTestId('export-svg').click();
    await waitForOrAlert(page.getByTestId('export-svg-preview'));
    await screenshot('export');
  });

  it('text search ranks the gallery', async () => {
    const [summary] = await callApi<RunSummary[]>('training.list', {});
    await openPage('Search');
    await page.getByRole('tab', { name: 'Describe a person' }).click();
    await page.getByTestId('text-search-input').fill(description);
    await page.getByTestId('text-search-button').click();

    const cards = page.getByTestId('search-results').getByRole('gridcell');
    await waitForOrAlert(page.getByTestId('text-search-summary'));
    const expected = await callApi<{ tokens: number; results: { imageId: number; rank: number }[] }>('search.text', { runId: summary.runId, text: description, topK: 20 });
    expect(expected.results.length).toBeGreaterThan(0);
    expect(await cards.count()).toBe(expected.results.length);
    expect(await cards.evaluateAll((elements) => elements.map((element) => Number(element.getAttribute('data-rank'))))).toEqual(expected.results.map((result) => result.rank));
    expect(await page.getByTestId('text-search-summary').innerText()).toContain(`${expected.tokens} tokens`);
    await screenshot('text-search');
  });

  it('deletes a run after confirmation', async () => {
    const [summary] = await callApi<RunSummary[]>('training.list', {});
    await openPage('Training');
    await page.getByRole('button', { name: `Delete ${summary.name}` }).click();
    await page.getByTestId('confirm-delete-run').click();

    await page.getByTestId('runs-table').waitFor({ state: 'detached' });
    expect(await callApi<unknown[]>('training.list', {})).toEqual([]);
  });

  it('oracle run is marked everywhere', async () => {
    const presets = await callApi<{ name: string; label: string }[]>('training.presets', {});
    await chooseOption(page.getByTestId('preset-select'), presets.find((preset) => preset.name === 'attribute-words')!.label);
    await page.getByTestId('text-encoder-source').getByText('Train from scratch', { exact: true }).click();
    for (const [path, value] of Object.entries(shortRun)) await configField(path).fill(value);
    await chooseOption(configField('executionProvider'), 'CPU');
    await chooseOption(configField('evaluationFeatures'), 'Image + identity prompts (oracle)');
    await page.getByTestId('oracle-warning').waitFor();
    await page.getByTestId('start-training').click();
    await waitForOrAlert(page.locator('[data-testid="run-view"][data-status="succeeded"]'));

    const [summary] = await callApi<RunSummary[]>('training.list', {});
    const row = page.getByTestId('runs-table').locator(`tr[data-run-id="${summary.runId}"]`);
    expect(summary.oracle).toBe(true);
    await page.getByTestId('run-view').getByTestId('oracle-alert').waitFor();
    expect(await page.getByTestId('run-view').getByTestId('oracle-badge').count()).toBe(1);
    await row.getByTestId('oracle-badge').waitFor();
    expect(await row.getAttribute('data-oracle')).toBe('true');
    await screenshot('oracle');
  });

  it('cancelled run resumes to success', async () => {
    await page.getByTestId('text-encoder-source').getByText('Train from scratch', { exact: true }).click();
    for (const [path, value] of Object.entries(shortRun)) await configField(path).fill(value);
    await configField('stepsPerEpoch').fill(cancelledStepsPerEpoch);
    await chooseOption(configField('evaluationFeatures'), 'Image features only');
    await page.getByTestId('start-training').click();

    const view = page.getByTestId('run-view');
    const progress = view.getByTestId('job-progress');
    await waitForOrAlert(progress.getByText(/\d+ \/ \d+ steps/));
    const trainingNav = page.locator('[data-page="Training"]');
    await trainingNav.getByLabel('job running').waitFor();
    await progress.getByRole('button', { name: 'Cancel' }).click();
    await page.locator('[data-testid="run-view"][data-status="cancelled"]').waitFor();
    await trainingNav.getByLabel('job running').waitFor({ state: 'detached' });
    await view.getByTestId('run-cancelled').waitFor();
    const [cancelled] = await callApi<RunSummary[]>('training.list', {});
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.epochsDone).toBeLessThan(cancelled.epochsTotal);
    await screenshot('cancelled');

    await view.getByTestId('resume-run').click();
    await waitForOrAlert(page.locator('[data-testid="run-view"][data-status="succeeded"]'));
    const [resumed] = await callApi<RunSummary[]>('training.list', {});
    expect(resumed.runId).toBe(cancelled.runId);
    expect(resumed.status).toBe('succeeded');
    expect(resumed.epochsDone).toBe(resumed.epochsTotal);
    await page.getByTestId('runs-table').locator(`tr[data-run-id="${resumed.runId}"] [data-status="succeeded"]`).waitFor();
  });

  it('CLIP download shows bytes and cancels', async () => {
    hubPace = 'slow';
    await page.getByTestId('text-encoder-source').getByText('CLIP weights file', { exact: true }).click();
    await page.getByTestId('download-clip').click();

    const progress = page.getByTestId('clip-download-progress');
    await progress.getByText(new RegExp(`[1-9][\\d.,]* MB of ${(checkpoint.length / 1_000_000).toFixed(1).replace('.', '\\.')} MB`)).waitFor();
    await progress.getByTestId('clip-download-progress-time-left').waitFor();
    await screenshot('clip-downloading');
    await progress.getByRole('button', { name: 'Cancel' }).click();

    await page.getByText('CLIP download cancelled').waitFor();
    await progress.waitFor({ state: 'detached' });
    expect(await page.getByTestId('clip-weights').inputValue()).toBe('');
    expect(readdirSync(dirname(clipWeightsPath())).filter((name) => name.endsWith('.partial'))).toEqual([]);
    expect(existsSync(clipWeightsPath())).toBe(false);
  });

  it('CLIP download fills the weights path', async () => {
    hubPace = 'fast';
    await page.getByTestId('download-clip').click();

    await expect.poll(() => page.getByTestId('clip-weights').inputValue()).toBe(clipWeightsPath());
    expect(readFileSync(clipWeightsPath()).equals(checkpoint)).toBe(true);
    expect(await page.getByTestId('clip-download-progress').count()).toBe(0);

    await page.getByTestId('clip-weights-browse').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('openai--clip-vit-base-patch16.safetensors', { exact: true }).waitFor();
    await screenshot('clip-downloaded');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  it('CLIP download without a hub explains', async () => {
    await closeHub();
    await page.getByTestId('clip-weights').fill('');
    await page.getByTestId('download-clip').click();

    const failure = page.getByRole('alert').filter({ hasText: 'CLIP download failed' });
    await failure.waitFor();
    expect(await failure.getAttribute('data-error-code')).toBe('external_service');
    expect(await failure.innerText()).toContain('Could not reach');
    expect(await failure.innerText()).toContain('pick the file from disk');
    expect(await page.getByTestId('clip-weights').inputValue()).toBe('');
    await screenshot('clip-offline');
  });

  it('page raised no script errors', () => {
    expect(scriptErrors).toEqual([]);
  });
});
