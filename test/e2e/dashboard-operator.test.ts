import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/chromium.js';
import { openDashboard as openDashboardPage, requestRow, sendRegistryCheck, UI_TIMEOUT } from '../helpers/dashboard-page.js';
import type { TestGateway } from '../helpers/gateway.js';
import { startTestGateway } from '../helpers/gateway.js';

/**
 * The reference dashboard as a registrar's operator meets it, in headless Chromium: what a refused form says and
 * where, and a search that live events leave as it is. (browser.test.ts covers the panels' normal work.)
 */
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

const openDashboard = (): Promise<Page> => openDashboardPage(browser, gateway.url);

beforeAll(async () => {
  gateway = await startTestGateway();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await gateway?.stop();
});

describe('a form the gateway refuses', () => {
  it("shows the gateway's objection to a piece of evidence under the field it names, in the form's words", async () => {
    injectDenicRequest('rtr-0021', ['EMAIL']);
    const page = await openDashboard();
    await page.getByRole('button', { name: 'Submit evidence for rtr-0021' }).click();
    const reference = page.locator('#evidence-form').getByLabel('Your reference (external id)');
    // Spaces pass the browser's own "required" check; the gateway refuses them.
    await reference.fill('   ');
    await page.locator('#evidence-submit').click();

    const note = page.locator('#evidence-0-reference-error');
    await expect.poll(() => note.isVisible(), { timeout: UI_TIMEOUT }).toBe(true);
    expect(await note.innerText()).toBe('Your reference: fill this in.');
    expect(await reference.getAttribute('aria-invalid')).toBe('true');
    expect((await reference.getAttribute('aria-describedby'))?.split(' ')).toContain('evidence-0-reference-error');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('evidence-0-reference');
    // What was not done, without the API's type names, codes and paths, and without "the claims are not covered",
    // which only follows from the refused piece and contradicts the form's own "every claim is covered".
    const result = await page.locator('#evidence-result').innerText();
    expect(result).toBe('The evidence was not sent: correct the field marked above.');

    await reference.fill('kyc-operator-1');
    await page.locator('#evidence-submit').click();
    await expect.poll(() => page.locator('#evidence-result').innerText(), { timeout: UI_TIMEOUT }).toContain('Submitted for rtr-0021');
    expect(await page.locator('#evidence .field-error').count()).toBe(0);
    await page.close();
  }, TEST_TIMEOUT);

  it("shows the registry check's objection under the field it names, and keeps no ID number in the form", async () => {
    const page = await openDashboard();
    const form = page.locator('#registry-form');
    // The ID number typed into the wrong field: the gateway refuses to store it there.
    await sendRegistryCheck(page, { lastName: 'Bos 38001085718' });

    const note = page.locator('#registry-last-name-error');
    await expect.poll(() => note.isVisible(), { timeout: UI_TIMEOUT }).toBe(true);
    expect(await note.innerText()).toMatch(/^Last name must not contain the ID number/);
    expect(await note.innerText()).not.toContain('5718');
    expect(await form.getByLabel('Last name', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#registry-result').innerText()).toBe('The check was not started: correct the field marked above.');
    expect(await form.getByLabel('ID number', { exact: true }).inputValue()).toBe('');
    await page.close();
  }, TEST_TIMEOUT);
});

describe('live events on a searched view', () => {
  it("keeps a search for one contact's requests to that contact when another contact's request changes", async () => {
    injectDenicRequest('rtr-0022', ['EMAIL']);
    injectDenicRequest('rtr-0023', ['EMAIL']);
    const stored = async (handle: string) => (await gateway.stores.verificationRequests.list()).find((request) => request.contactHandle === handle);
    await expect.poll(() => stored('rtr-0023'), { timeout: UI_TIMEOUT }).toBeDefined();
    const page = await openDashboard();
    const search = page.locator('#requests-search');
    // A handle no provider could have issued is refused with the rule, not shown as "No requests.".
    await search.getByLabel('Contact handle').fill('rtr 0022');
    await search.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => page.locator('#requests-error').innerText(), { timeout: UI_TIMEOUT }).toContain('contactHandle must be 1 to 64 characters');
    expect(await page.locator('#requests-empty').isVisible()).toBe(false);
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
