import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/chromium.js';
import { requestRow, sendRegistryCheck, UI_TIMEOUT } from '../helpers/dashboard-page.js';
import type { TestGateway } from '../helpers/gateway.js';
import { startTrustedDocumentsGateway } from '../helpers/trusted-documents-manifest.js';

/**
 * The reference dashboard, in Chromium, on a gateway that runs only trusted documents (GRAPHQL_TRUSTED_DOCUMENTS =
 * the client package's manifest) with a registrar desk's key that has every scope but documents:any: each of its
 * queries, mutations and its live subscription is one of the manifest's documents, named by hash.
 */
const DESK_KEY = 'desk-key-trusted-1';

let gateway: TestGateway;
let browser: Browser;

beforeAll(async () => {
  gateway = await startTrustedDocumentsGateway(`desk=${DESK_KEY}:contacts:read,contacts:write,email:read,email:write,registry:read,registry:write,events:read`);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await gateway?.stop();
});

describe('the dashboard on a gateway that runs only trusted documents', () => {
  it('loads, goes live, submits evidence and checks the registry with a key without documents:any', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(UI_TIMEOUT);
    await page.goto(`${gateway.url}/`);
    const field = page.getByLabel('API key (kept in this tab only)');
    await field.fill(DESK_KEY);
    await field.press('Enter');
    await page.locator('#live[data-state="live"]').waitFor();
    await page.locator('#emails tbody tr').first().waitFor();
    await requestRow(page, 'rtr-0002').waitFor();
    expect(await page.locator('#requests-error').isHidden()).toBe(true);
    expect(await page.locator('#email-error').isHidden()).toBe(true);
    expect(await page.locator('#providers').innerText()).toContain('VERIFF');

    // The live subscription runs by hash too: a request injected now appears without a reload.
    gateway.sandbox!.realtimeRegister.injectDenicRequest({ handle: 'rtr-0021', claims: ['NAME', 'ADDRESS'] });
    await requestRow(page, 'rtr-0021').waitFor();

    await page.getByRole('button', { name: 'Submit evidence for rtr-0021' }).click();
    await page.locator('#evidence-form').getByLabel('Method and proof').waitFor();
    await page.locator('#evidence-form').getByLabel('Your reference (external id)').fill('kyc-trusted-1');
    await page.locator('#evidence-submit').click();
    await expect.poll(() => page.locator('#evidence-result').innerText(), { timeout: UI_TIMEOUT }).toContain('Submitted for rtr-0021');

    await sendRegistryCheck(page);
    await expect.poll(() => page.locator('#registry-result').innerText(), { timeout: UI_TIMEOUT }).toContain('ID ending 5718');
    expect(await page.content()).not.toContain('PERSISTED_QUERY');
    await page.close();
  }, 60_000);
});
