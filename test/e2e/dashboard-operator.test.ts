import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/chromium.js';
import type { TestGateway } from '../helpers/gateway.js';
import { startTestGateway } from '../helpers/gateway.js';

/**
 * The reference dashboard as a registrar's operator meets it, in headless Chromium: a search that live events leave
 * as it is. (browser.test.ts covers the panels' normal work.)
 */
const UI_TIMEOUT = 20_000;
const TEST_TIMEOUT = 60_000;

let gateway: TestGateway;
let browser: Browser;

/** A DENIC request for a seeded contact, due in a few days. */
function injectDenicRequest(handle: string, claims: string[]) {
  const at = (days: number) => new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 + days * 86_400_000).toISOString().replace('.000Z', 'Z');
  return gateway.sandbox!.realtimeRegister.injectDenicRequest({
    handle,
    claims,
    deDelegationDomain: `${handle}.de`,
    deDelegationDate: at(2),
    deletionDomain: `${handle}.de`,
    deletionDate: at(32),
  });
}

async function openDashboard(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(UI_TIMEOUT);
  await page.goto(`${gateway.url}/`);
  await page.locator('#live[data-state="live"]').waitFor();
  return page;
}

const requestRow = (page: Page, handle: string) => page.locator('#requests tbody tr', { has: page.getByText(handle, { exact: true }) });

beforeAll(async () => {
  gateway = await startTestGateway();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await gateway?.stop();
});

describe('live events on a searched view', () => {
  it("keeps a search for one contact's requests to that contact when another contact's request changes", async () => {
    injectDenicRequest('rtr-0022', ['EMAIL']);
    injectDenicRequest('rtr-0023', ['EMAIL']);
    const stored = async (handle: string) => (await gateway.stores.verificationRequests.list()).find((request) => request.contactHandle === handle);
    await expect.poll(() => stored('rtr-0023'), { timeout: UI_TIMEOUT }).toBeDefined();
    const page = await openDashboard();
    const search = page.locator('#requests-search');
    await search.getByLabel('Contact handle').fill('rtr-0022');
    await search.getByRole('button', { name: 'Search' }).click();
    const shownHandles = () => page.locator('#requests tbody tr strong').allInnerTexts();
    await expect.poll(shownHandles, { timeout: UI_TIMEOUT }).toEqual(['rtr-0022']);

    // Evidence for the other contact, sent by another client while the page is open.
    const submitted = await gateway.graphql(
      `mutation ($input: SubmitContactVerificationInput!) { submitContactVerification(input: $input) { __typename } }`,
      {
        input: {
          handle: 'rtr-0023',
          requestId: (await stored('rtr-0023'))!.id,
          verifications: [{ verifiedAt: '2026-01-05T00:00:00Z', externalId: 'kyc-other-desk', method: 'REACHABILITY', proof: 'LOG_RECORD', claims: ['EMAIL'] }],
        },
      },
    );
    expect(submitted.data).toEqual({ submitContactVerification: { __typename: 'SubmitContactVerificationSuccess' } });
    await expect.poll(() => page.locator('#events').innerText(), { timeout: UI_TIMEOUT }).toContain('rtr-0023: OPEN → SUBMITTED');
    expect(await shownHandles()).toEqual(['rtr-0022']);
    expect(await requestRow(page, 'rtr-0023').count()).toBe(0);
    expect(await page.locator('#requests-count').innerText()).toBe('(1 for rtr-0022)');
    await page.close();
  }, TEST_TIMEOUT);
});
