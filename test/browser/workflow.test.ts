import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { methodRoute } from '../../main/api/channels';
import { buildDukeSubset, dukeDir, type DukeSubset } from './duke-subset';
import { repoRoot, startServeProcess, type ServeProcess } from './serve-process';
import { launchChromium } from './launch-chromium';
import { ensureWebBuild } from './web-build';
import { artifactsDir, pageActions } from './page-actions';

const modelPath = join(repoRoot, '../shared/data/models/osnet_x0_25_msmt17.onnx');
const attributeFile = join(repoRoot, '../shared/data/attributes/duke_attribute.mat');

/** Mantine's green-6 and red-6, the outlines of true and false matches. */
const green = 'rgb(64, 192, 87)';
const red = 'rgb(250, 82, 82)';

let tempDir: string;
let subset: DukeSubset;
let server: ServeProcess;
let browser: Browser;
let page: Page;
const { openPage, screenshot, waitForOrAlert, callApi } = pageActions({ page: () => page, server: () => server, screenshotPrefix: '' });
const scriptErrors: string[] = [];

beforeAll(async () => {
  ensureWebBuild();
  mkdirSync(artifactsDir, { recursive: true });
  tempDir = mkdtempSync(join(tmpdir(), 'mpreid-browser-'));
  subset = buildDukeSubset(join(tempDir, 'duke-subset'));
  server = await startServeProcess(join(tempDir, 'workflow.mpreid'));

  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.setDefaultTimeout(60_000);
  page.on('pageerror', (error) => scriptErrors.push(error.message));
  await page.goto(server.url);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (tempDir) rmSync(tempDir, { recursive: true, force: true });
});

/** Picks a path in the server-side file browser by typing its folder and clicking the entry. */
async function pickInBrowser(pickerTestId: string, folder: string, entryName: string | null): Promise<void> {
  await page.getByTestId(`${pickerTestId}-browse`).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByTestId('browser-path').fill(folder);
  await dialog.getByTestId('browser-path').press('Enter');
  if (entryName) await dialog.getByText(entryName, { exact: true }).click();
  await dialog.getByRole('button', { name: /^Use this (folder|file)$/ }).click();
  await dialog.waitFor({ state: 'detached' });
}

async function outlineColor(card: Locator): Promise<string> {
  return card.getByTestId('image-thumb').evaluate((element) => getComputedStyle(element).borderTopColor);
}

describe('browser workflow', () => {
  it('import job cancels from its progress bar', async () => {
    await page.getByTestId('dataset-folder').fill(dukeDir);
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    const progress = page.getByTestId('job-progress');
    await waitForOrAlert(progress.getByText(/[\d,]+ \/ [\d,]+ images/));
    await screenshot('datasets-importing');

    await progress.getByRole('button', { name: 'Cancel' }).click();
    await waitForOrAlert(page.getByText('Import cancelled'));
    await progress.waitFor({ state: 'detached' });
    expect(await callApi<unknown[]>('datasets.list', {})).toEqual([]);
  });

  it('imports a folder through the picker', async () => {
    await pickInBrowser('dataset-folder', tempDir, 'duke-subset');
    expect(await page.getByTestId('dataset-folder').inputValue()).toBe(subset.rootDir);
    await page.getByTestId('attribute-file').fill(attributeFile);
    await page.getByRole('button', { name: 'Import', exact: true }).click();

    const row = page.locator('[data-dataset-name="duke-subset"]');
    await waitForOrAlert(row);
    const text = await row.innerText();
    expect(text.toLowerCase()).toContain('evaluation only');
    expect(text).toContain(`${subset.personIds.length} identities`);
    expect(text).toContain(`${subset.queryImages} images`);
    expect(text).toContain(`${subset.galleryImages} images`);
    await screenshot('datasets');
  });

  it('identity grid moves focus with arrow keys', async () => {
    await openPage('Identities');
    const cells = page.getByTestId('identity-grid').getByRole('gridcell');
    await cells.nth(subset.identityCount - 1).waitFor();
    expect(await cells.count()).toBe(subset.identityCount);

    await cells.first().focus();
    await page.keyboard.press('ArrowRight');
    const focusedPerson = await page.evaluate(() => document.activeElement?.getAttribute('data-person-id'));
    expect(focusedPerson).toBe(await cells.nth(1).getAttribute('data-person-id'));
    await screenshot('identities');

    await page.keyboard.press('Enter');
    const attributeTable = page.getByTestId('attribute-table');
    await waitForOrAlert(attributeTable);
    expect(await page.getByRole('heading', { level: 2 }).innerText()).toBe(`Identity ${focusedPerson!.padStart(4, '0')}`);
    expect(await attributeTable.innerText()).toContain('gender');
    await screenshot('identity');

    await page.keyboard.press('Escape');
    await page.getByTestId('identity-grid').waitFor();
  });

  it('picker keeps a path typed during a listing', async () => {
    await openPage('Settings');
    // Delays the picker's first listing, as a busy server would, until the path is typed.
    let releaseFirstListing = () => {};
    let listings = 0;
    await page.route(`**${methodRoute('files.browse')}`, async (route) => {
      listings += 1;
      if (listings === 1) await new Promise<void>((resolve) => (releaseFirstListing = resolve));
      await route.continue();
    });

    await page.getByTestId('model-file-browse').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByTestId('browser-path').fill(dirname(modelPath));
    releaseFirstListing();
    // The first listing has rendered once its entries, or its empty-folder note, show.
    await dialog.locator('.mantine-NavLink-root').or(dialog.getByText(/^No folders or/)).first().waitFor();

    expect(await dialog.getByTestId('browser-path').inputValue()).toBe(dirname(modelPath));
    await dialog.getByTestId('browser-path').press('Enter');
    await dialog.getByText(basename(modelPath), { exact: true }).waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.unroute(`**${methodRoute('files.browse')}`);
  });

  it('registers the model from the file picker', async () => {
    await openPage('Settings');
    await pickInBrowser('model-file', dirname(modelPath), basename(modelPath));
    await page.getByTestId('inspect-model').click();
    await waitForOrAlert(page.getByText('Model card proposed from the file'));

    expect(await page.getByTestId('card-input-name').inputValue()).toBe('images');
    expect(await page.getByTestId('card-output-name').inputValue()).toBe('output');
    expect(await page.getByTestId('card-height').inputValue()).toBe('256');
    expect(await page.getByTestId('card-width').inputValue()).toBe('128');

    await page.getByTestId('register-model').click();
    await waitForOrAlert(page.getByTestId('models-table').getByText('osnet_x0_25_msmt17', { exact: true }));
    await screenshot('settings');
  });

  it('model card errors name the field', async () => {
    await pickInBrowser('model-file', dirname(modelPath), basename(modelPath));
    await page.getByTestId('inspect-model').click();
    await page.getByText('Model card proposed from the file').waitFor();

    await page.getByTestId('card-input-name').fill('');
    await page.getByTestId('register-model').click();
    expect(await page.getByTestId('card-input-name').getAttribute('aria-invalid')).toBe('true');

    await page.getByTestId('card-input-name').fill('images');
    await page.getByTestId('card-height').fill('300');
    await page.getByTestId('register-model').click();
    const rejection = page.getByRole('alert').filter({ hasText: 'Registration rejected' });
    await rejection.waitFor();
    expect(await rejection.innerText()).toContain('height');
    await screenshot('settings-rejected');
  });

  it('execution provider choice reports CUDA', async () => {
    const info = await callApi<{ executionProviders: { available: string[] } }>('workspace.info', {});
    await page.getByTestId('execution-provider').click();
    await page.getByRole('option', { name: 'CUDA', exact: true }).click();

    if (info.executionProviders.available.includes('cuda')) {
      await waitForOrAlert(page.getByText('Execution provider saved'));
    } else {
      const failure = page.getByRole('alert').filter({ hasText: 'Cannot use this execution provider' });
      await failure.waitFor();
      expect(await failure.innerText()).toContain('CUDA');
    }

    await page.getByTestId('execution-provider').click();
    await page.getByRole('option', { name: 'CPU', exact: true }).click();
    await page.getByText('Execution provider saved').first().waitFor();
    const saved = await callApi<{ executionProviders: { preferred: string; active: string } }>('workspace.info', {});
    expect(saved.executionProviders.preferred).toBe('cpu');
    expect(saved.executionProviders.active).toBe('cpu');
  });

  it('embeds the dataset', async () => {
    await openPage('Evaluation');
    await page.getByTestId('embed-button').click();
    const report = page.getByTestId('embed-report');
    await waitForOrAlert(report);

    expect(await report.innerText()).toContain(`${subset.queryImages + subset.galleryImages} images`);
    await screenshot('embeddings');
  });

  it('search outlines true and false matches', async () => {
    await openPage('Search');
    await page.getByTestId('query-grid').getByRole('gridcell').first().click();
    const results = page.getByTestId('search-results').getByRole('gridcell');
    await waitForOrAlert(results.nth(19));
    await page.getByTestId('search-summary').waitFor();

    const trueCards = page.locator('[data-match="true"]');
    const falseCards = page.locator('[data-match="false"]');
    expect(await results.count()).toBe(20);
    expect(await trueCards.count()).toBeGreaterThan(0);
    expect(await falseCards.count()).toBeGreaterThan(0);
    expect(await outlineColor(trueCards.first())).toBe(green);
    expect(await outlineColor(falseCards.first())).toBe(red);
    await screenshot('search');

    const preview = page.getByTestId('query-preview');
    const sameCameraSameIdentity = page.locator(
      `[data-match="true"][data-camera-id="${await preview.getAttribute('data-camera-id')}"][data-person-id="${await preview.getAttribute('data-person-id')}"]`,
    );
    expect(await sameCameraSameIdentity.count()).toBe(0);
    await page.getByTestId('hide-same-camera').click();
    await sameCameraSameIdentity.first().waitFor();
    await page.getByTestId('hide-same-camera').click();
  });

  it('search accepts an image file', async () => {
    const queryFile = join(subset.rootDir, 'query', readdirSync(join(subset.rootDir, 'query'))[0]);
    await page.getByRole('tab', { name: 'From an image file' }).click();
    await page.getByLabel('Query image file').setInputFiles(queryFile);

    const unknownCards = page.getByTestId('search-results').locator('[data-match="unknown"]');
    await waitForOrAlert(unknownCards.nth(19));
    expect(await page.getByTestId('search-results').locator('[data-match="true"], [data-match="false"]').count()).toBe(0);
    await screenshot('search-file');
  });

  it('evaluation shows the service figures and CMC', async () => {
    await openPage('Evaluation');
    await page.getByTestId('rerank-checkbox').check();
    await page.getByTestId('evaluate-button').click();
    await waitForOrAlert(page.getByTestId('figures-reranked'));

    const [dataset] = await callApi<{ datasetId: number }[]>('datasets.list', {});
    const [model] = await callApi<{ modelId: number }[]>('models.list', {});
    const expected = await callApi<{ plain: { mAP: number; rank1: number; cmc: number[] }; reranked: { mAP: number } }>('evaluation.run', {
      datasetId: dataset.datasetId,
      modelId: model.modelId,
      rerank: true,
    });
    const plainBlock = page.getByTestId('figures-plain');
    expect(await plainBlock.locator('[data-figure="mAP"]').innerText()).toContain(`${(expected.plain.mAP * 100).toFixed(1)} %`);
    expect(await plainBlock.locator('[data-figure="rank1"]').innerText()).toContain(`${(expected.plain.rank1 * 100).toFixed(1)} %`);
    expect(await page.getByTestId('figures-reranked').locator('[data-figure="mAP"]').innerText()).toContain(`${(expected.reranked.mAP * 100).toFixed(1)} %`);

    const plot = page.getByTestId('cmc-plot');
    expect(await plot.locator('[data-curve="plain"] circle').count()).toBe(Math.min(50, expected.plain.cmc.length));
    expect(await plot.locator('[data-curve="re-ranked"] polyline').count()).toBe(1);
    expect(await page.getByTestId('worst-queries').locator('[data-match="false"]').count()).toBeGreaterThan(0);
    await screenshot('evaluation');
  });

  it('dark theme switches the color scheme', async () => {
    await openPage('Settings');
    await page.getByTestId('theme-switch').getByText('Dark', { exact: true }).click();
    expect(await page.locator('html').getAttribute('data-mantine-color-scheme')).toBe('dark');

    await openPage('Evaluation');
    await page.getByTestId('cmc-plot').waitFor();
    await screenshot('evaluation-dark');
    await openPage('Search');
    await screenshot('search-dark');
  });

  it('deletes a dataset after confirmation', async () => {
    await openPage('Datasets');
    await page.getByRole('button', { name: 'Delete duke-subset' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete dataset' }).click();

    await waitForOrAlert(page.getByTestId('no-datasets'));
    expect(await callApi<unknown[]>('datasets.list', {})).toEqual([]);
  });

  it('page raised no script errors', () => {
    expect(scriptErrors).toEqual([]);
  });
});
