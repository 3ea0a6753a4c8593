import { join, resolve } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import type { ServeProcess } from './serve-process';

export const artifactsDir = resolve(import.meta.dirname, '../../test-artifacts/browser');

export interface PageActionsSetup {
  /** The page and server of the test file, read at call time because they are created in beforeAll. */
  page(): Page;
  server(): ServeProcess;
  /** Prefix of the screenshot file names, such as 'training-'. */
  screenshotPrefix: string;
  /** Elements whose appearance means the page failed; by default the error alerts of API calls. */
  alertSelector?: string;
}

/** Steps the browser tests share: page navigation, screenshots, waiting that fails on error alerts, and direct API calls. */
export function pageActions(setup: PageActionsSetup) {
  const alertSelector = setup.alertSelector ?? '[role="alert"][data-error-code]';

  async function openPage(name: string): Promise<void> {
    const page = setup.page();
    await page.getByRole('navigation').getByText(name, { exact: true }).click();
    await page.getByRole('heading', { level: 2, name }).waitFor();
  }

  async function screenshot(name: string): Promise<void> {
    const page = setup.page();
    // The navigation bar is fixed, so a full-page capture from a scrolled page draws it halfway down.
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(artifactsDir, `${setup.screenshotPrefix}${name}.png`), fullPage: true });
  }

  /** Waits for `target`, failing at once with the message of any error alert that the page shows instead. */
  async function waitForOrAlert(target: Locator): Promise<void> {
    const alert = setup.page().locator(alertSelector).first();
    const failure = alert.waitFor().then(async () => {
      throw new Error(`The page shows an error: ${await alert.innerText()}`);
    });
    await Promise.race([target.waitFor(), failure]);
    failure.catch(() => {});
  }

  async function chooseOption(select: Locator, option: string): Promise<void> {
    await select.click();
    await setup.page().getByRole('option', { name: option, exact: true }).click();
  }

  /** Calls the API from the test process with the server's token, to compare the page with the service. */
  async function callApi<T>(method: string, input: unknown): Promise<T> {
    const server = setup.server();
    const response = await fetch(`http://127.0.0.1:${server.port}/api/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${server.token}` },
      body: JSON.stringify(input),
    });
    const body = (await response.json()) as { result: T; error?: { message: string } };
    if (!response.ok) throw new Error(`${method} failed: ${body.error?.message}`);
    return body.result;
  }

  return { openPage, screenshot, waitForOrAlert, chooseOption, callApi };
}
