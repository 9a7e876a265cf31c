import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/chromium.js';
import { UI_TIMEOUT } from '../helpers/dashboard-page.js';
import type { TestGateway } from '../helpers/gateway.js';
import { startTrustedDocumentsGateway } from '../helpers/trusted-documents-manifest.js';

/**
 * GraphiQL, in Chromium, on a gateway that runs only trusted documents (GRAPHQL_TRUSTED_DOCUMENTS): a person whose
 * key has documents:any explores the schema and runs what they type, as on any gateway; a key without it is told
 * why its typed query does not run.
 */
const APP_KEY = 'graphiql-app-key-1';
const EXPLORER_KEY = 'graphiql-explorer-key-1';

let gateway: TestGateway;
let browser: Browser;

beforeAll(async () => {
  gateway = await startTrustedDocumentsGateway(`app=${APP_KEY}:contacts:read,events:read;explorer=${EXPLORER_KEY}:contacts:read,events:read,documents:any`);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await gateway?.stop();
});

/** GraphiQL at /graphql with `key` typed into its Headers tab, as its first tab tells a user to. */
async function openGraphiQL(key: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(UI_TIMEOUT);
  await page.goto(`${gateway.url}/graphql`);
  await page.getByRole('tab', { name: 'Headers' }).or(page.getByRole('button', { name: 'Headers' })).first().click();
  const headers = page.locator('.graphiql-editor-tool .graphiql-editor:not(.hidden)').last();
  await headers.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(JSON.stringify({ Authorization: `Bearer ${key}` }));
  return page;
}

async function runDefaultQuery(page: Page): Promise<string> {
  await page.locator('.graphiql-execute-button').click();
  const result = page.locator('.graphiql-response, .result-window').first();
  await expect.poll(() => result.innerText(), { timeout: UI_TIMEOUT }).toMatch(/"(data|errors)"/);
  return result.innerText();
}

describe('GraphiQL on a gateway that runs only trusted documents', () => {
  it('runs the typed query for a key with documents:any', async () => {
    const page = await openGraphiQL(EXPLORER_KEY);
    const result = await runDefaultQuery(page);
    expect(result).toContain('REALTIME_REGISTER');
    expect(result).not.toContain('PERSISTED_QUERY');
    await page.close();
  }, 60_000);

  it('tells a key without documents:any to send a trusted document or use a key with that scope', async () => {
    const page = await openGraphiQL(APP_KEY);
    const result = await runDefaultQuery(page);
    expect(result).toContain('PERSISTED_QUERY_ONLY');
    expect(result).toContain('documents:any');
    await page.close();
  }, 60_000);
});
