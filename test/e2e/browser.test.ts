import { mkdirSync, readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VerificationRequest, VerificationSubmission } from '../../src/domain/verification-request.js';
import { launchChromium } from '../helpers/chromium.js';
import { openDashboard as openDashboardPage, requestRow, sendRegistryCheck, UI_TIMEOUT } from '../helpers/dashboard-page.js';
import type { TestGateway } from '../helpers/gateway.js';
import { startTestGateway } from '../helpers/gateway.js';

/**
 * GraphiQL and the reference dashboard in Debian's headless Chromium (test/helpers/chromium.ts), on a desktop, a
 * tablet and a phone-sized screen. Screenshots go to test-artifacts/; with UPDATE_SCREENSHOTS=1 the
 * dashboard's also go to docs/dashboard.png and docs/dashboard-phone.png.
 */
const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url);
const DOCS_SCREENSHOTS: Record<string, URL> = {
  dashboard: new URL('../../docs/dashboard.png', import.meta.url),
  'dashboard-phone': new URL('../../docs/dashboard-phone.png', import.meta.url),
};
/** An iPhone 12-15's CSS viewport: what the dashboard must fit without sideways scrolling. */
const PHONE = { width: 390, height: 844 };
/** An iPad's portrait viewport: narrower than the requests table's natural width (about 800 px), so cards there too. */
const TABLET = { width: 768, height: 1024 };
/** Chromium shares two cores with the other test files under CI: generous, never hit when things work. */
const TEST_TIMEOUT = 60_000;

let gateway: TestGateway;
let browser: Browser;

/** A DENIC request for a seeded contact, due before the seeded ones (3+ days ahead) so it sorts first. */
function injectDenicRequest(handle: string, claims: string[], dueInHours: number) {
  const at = (hours: number) => new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 + hours * 3_600_000).toISOString().replace('.000Z', 'Z');
  return gateway.sandbox!.realtimeRegister.injectDenicRequest({
    handle,
    claims,
    deDelegationDomain: `${handle}.de`,
    deDelegationDate: at(dueInHours),
    deletionDomain: `${handle}.de`,
    deletionDate: at(dueInHours + 30 * 24),
  });
}

async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = new URL(`${name}.png`, ARTIFACTS);
  await page.screenshot({ path: path.pathname, fullPage: true });
  const docs = DOCS_SCREENSHOTS[name];
  if (docs && process.env.UPDATE_SCREENSHOTS === '1') {
    // The README's pictures: what a first visit shows, one screen high.
    mkdirSync(new URL('.', docs), { recursive: true });
    await page.screenshot({ path: docs.pathname });
  }
}

/**
 * A request in a later lifecycle state, with submissions, put straight into the gateway's store, for the tests of
 * layout and export (fast, and with a fixed trail); the real lifecycle through the simulator's processes is driven in
 * 'follows evidence the provider answers 202'. The DENIC request is injected first, so the request is a real one the
 * gateway ingested.
 */
async function seedRequest(handle: string, claims: string[], dueInHours: number, status: VerificationRequest['status'], submissions: VerificationSubmission[]) {
  injectDenicRequest(handle, claims, dueInHours);
  const stored = async () => (await gateway.stores.verificationRequests.list()).find((request) => request.contactHandle === handle);
  await expect.poll(stored, { timeout: UI_TIMEOUT }).toBeDefined();
  await gateway.stores.verificationRequests.put({ ...(await stored())!, status, submissions });
}

const submission = (status: VerificationSubmission['status'], externalId: string, failureReason: string | null = null): VerificationSubmission => ({
  submittedAt: '2026-11-20T10:00:00Z',
  verifications: [{ method: 'ELECTRONIC_DOCUMENT', proof: 'ID_CARD', claims: ['NAME', 'ADDRESS'], externalId, verifiedAt: '2026-11-19T00:00:00Z' }],
  processId: status === 'PROCESSING' ? 'proc-4711' : null,
  status,
  failureReason,
  submittedBy: 'registrar-desk',
});

/** Nothing wider than the screen, and every visible button and field inside it. */
async function expectFitsTheScreen(page: Page, width: number): Promise<void> {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
  const outside = await page.evaluate((screenWidth) => {
    const off: string[] = [];
    for (const control of document.querySelectorAll('button, select, input')) {
      const box = control.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue; // not rendered (a hidden section)
      if (box.left < 0 || box.right > screenWidth) off.push(`${control.tagName} "${control.textContent?.trim() || control.getAttribute('name') || control.id}" at ${Math.round(box.left)}-${Math.round(box.right)}`);
    }
    return off;
  }, width);
  expect(outside).toEqual([]);
}

/**
 * The email addresses of the email panel that wrap inside a word: for each address's text, where one character
 * starts a new line, it must be an @ or a dot. Returns "address: ...|..." for each wrong break, and fails when none
 * of the addresses wraps at all (then this proves nothing at the width tested).
 */
async function emailsBrokenMidWord(page: Page): Promise<string[]> {
  const { wrong, wrapped } = await page.locator('#emails tbody .email').evaluateAll((spans) => {
    const out = { wrong: [] as string[], wrapped: 0 };
    for (const span of spans) {
      const text = span.textContent ?? '';
      const range = document.createRange();
      let offset = 0;
      let lastTop: number | null = null;
      // Character by character across the text nodes the <wbr>s separate.
      for (const node of [...span.childNodes].filter((child) => child.nodeType === Node.TEXT_NODE)) {
        for (let index = 0; index < (node.textContent ?? '').length; index++, offset++) {
          range.setStart(node, index);
          range.setEnd(node, index + 1);
          const top = range.getBoundingClientRect().top;
          if (lastTop !== null && top > lastTop + 1) {
            out.wrapped++;
            if (!'@.'.includes(text[offset]!)) out.wrong.push(`${text.slice(0, offset)}|${text.slice(offset)}`);
          }
          lastTop = top;
        }
      }
    }
    return out;
  });
  expect(wrapped).toBeGreaterThan(0);
  return wrong;
}

/** Every field and button of the evidence form lies inside the border of the fieldset that holds it. */
async function expectEvidenceInsideItsBorders(page: Page): Promise<void> {
  const spilling = await page.locator('#evidence-items').evaluate((items) => {
    const out: string[] = [];
    for (const control of items.querySelectorAll('select, input, button, fieldset')) {
      const fieldset = control.parentElement?.closest('fieldset');
      if (!fieldset) continue;
      const inner = control.getBoundingClientRect();
      const outer = fieldset.getBoundingClientRect();
      if (inner.left < outer.left || inner.right > outer.right) {
        out.push(`${control.tagName}#${control.id} at ${Math.round(inner.left)}-${Math.round(inner.right)}, its fieldset ${Math.round(outer.left)}-${Math.round(outer.right)}`);
      }
    }
    return out;
  });
  expect(spilling).toEqual([]);
}

const openDashboard = (viewport?: { width: number; height: number }): Promise<Page> => openDashboardPage(browser, gateway.url, { viewport, acceptDownloads: true });

beforeAll(async () => {
  gateway = await startTestGateway();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await gateway?.stop();
});

describe('GraphiQL in a real browser', () => {
  it('loads at /graphql, runs the default query and shows the providers', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(UI_TIMEOUT);
    await page.goto(`${gateway.url}/graphql`);
    await page.locator('.graphiql-execute-button').click();
    const result = page.locator('.graphiql-response, .result-window').first();
    await expect.poll(() => result.innerText(), { timeout: UI_TIMEOUT }).toContain('REALTIME_REGISTER');
    expect(await result.innerText()).toContain('SANDBOX');
    await screenshot(page, 'graphiql');
    await page.close();
  }, TEST_TIMEOUT);
});

describe('the reference dashboard', () => {
  it('lists the seeded DENIC requests and an injected one, soonest deadline first, with the time left', async () => {
    injectDenicRequest('rtr-0007', ['NAME', 'ADDRESS'], 20);
    const page = await openDashboard();
    await requestRow(page, 'rtr-0007').waitFor();
    // The simulator seeds DENIC requests too (deadlines 3, 10, 20 days ahead): at least one more row.
    await expect.poll(() => page.locator('#requests tbody tr').count(), { timeout: UI_TIMEOUT }).toBeGreaterThan(1);
    const first = page.locator('#requests tbody tr').first();
    expect(await first.innerText()).toContain('rtr-0007');
    expect(await first.innerText()).toContain('NAME, ADDRESS');
    expect(await first.locator('time[data-deadline]').innerText()).toMatch(/^\d\d:\d\d:\d\d left$/);
    expect(await page.locator('#requests-error').isHidden()).toBe(true);
    await screenshot(page, 'dashboard');
    await page.close();
  }, TEST_TIMEOUT);

  it('shows a DENIC request that arrives while the page is open, from the live event stream', async () => {
    const page = await openDashboard();
    await page.locator('#requests tbody tr').first().waitFor();
    expect(await requestRow(page, 'rtr-0011').count()).toBe(0);
    injectDenicRequest('rtr-0011', ['EMAIL'], 40);
    await requestRow(page, 'rtr-0011').waitFor();
    await expect.poll(() => page.locator('#events').innerText(), { timeout: UI_TIMEOUT }).toContain('VERIFICATION_REQUIRED');
    await screenshot(page, 'dashboard-live');

    // The evidence form offers only what can attest EMAIL, says so, and LOG_RECORD (one claim each) as a single choice.
    await page.getByRole('button', { name: 'Submit evidence for rtr-0011' }).click();
    const kind = page.locator('#evidence-form').getByLabel('Method and proof');
    await kind.waitFor();
    expect((await kind.locator('option').allInnerTexts()).sort()).toEqual([
      'REACHABILITY · LOG_RECORD: covers EMAIL (one claim per piece of evidence)',
      'TRANSACTION · ONLINE_PAYMENT_ACCOUNT: covers EMAIL',
    ]);
    await kind.selectOption({ label: 'REACHABILITY · LOG_RECORD: covers EMAIL (one claim per piece of evidence)' });
    expect(await page.locator('#evidence-form').getByRole('radio').count()).toBe(1);
    expect(await page.locator('#evidence-form').getByRole('radio', { name: 'EMAIL' }).isChecked()).toBe(true);
    await page.close();
  }, TEST_TIMEOUT);

  it('submits evidence the matrix allows and shows the request SUBMITTED', async () => {
    injectDenicRequest('rtr-0013', ['NAME', 'ADDRESS'], 10);
    const page = await openDashboard();
    await requestRow(page, 'rtr-0013').waitFor();
    await page.getByRole('button', { name: 'Submit evidence for rtr-0013' }).click();

    const form = page.locator('#evidence-form');
    const kind = form.getByLabel('Method and proof');
    const claimLabels = async () => (await form.locator('.claims label').allInnerTexts()).map((text) => text.trim());
    await kind.waitFor();
    // It opens on one piece of evidence that covers both claims, both ticked: ready once a reference is filled in.
    expect(await form.locator('#evidence-items > fieldset').count()).toBe(1);
    expect(await kind.evaluate((select: HTMLSelectElement) => select.selectedOptions[0]?.textContent)).toMatch(/: covers NAME, ADDRESS$/);
    expect(await form.getByRole('checkbox', { name: 'NAME', exact: true }).isChecked()).toBe(true);
    expect(await form.getByRole('checkbox', { name: 'ADDRESS', exact: true }).isChecked()).toBe(true);
    expect(await page.locator('#evidence-coverage').innerText()).toContain('Every requested claim is covered.');
    expect(await page.locator('#evidence-submit').isDisabled()).toBe(false);
    await expectEvidenceInsideItsBorders(page);
    // Each pair offers only the requested claims it can attest: an address database cannot attest a NAME.
    await kind.selectOption({ label: 'DATA · ADDRESS_DATABASE: covers ADDRESS' });
    expect(await form.getByRole('checkbox', { name: 'NAME', exact: true }).count()).toBe(0);
    expect(await claimLabels()).toEqual(['ADDRESS']);
    expect(await page.locator('#evidence-submit').isDisabled()).toBe(true);
    expect(await page.locator('#evidence-coverage').innerText()).toContain('Still missing: NAME.');
    await kind.selectOption({ label: 'ELECTRONIC_DOCUMENT · ID_CARD: covers NAME, ADDRESS' });
    expect(await claimLabels()).toEqual(['NAME', 'ADDRESS']);
    await form.getByRole('checkbox', { name: 'NAME', exact: true }).uncheck();
    expect(await page.locator('#evidence-submit').isDisabled()).toBe(true);
    await form.getByRole('checkbox', { name: 'NAME', exact: true }).check();
    await form.getByLabel('Your reference (external id)').fill('kyc-browser-test-1');
    await page.locator('#evidence-submit').click();

    await expect.poll(() => page.locator('#evidence-result').innerText(), { timeout: UI_TIMEOUT }).toContain('Submitted for rtr-0013');
    await expect.poll(() => requestRow(page, 'rtr-0013').getAttribute('data-status'), { timeout: UI_TIMEOUT }).toBe('SUBMITTED');
    expect(await requestRow(page, 'rtr-0013').innerText()).toContain('SUBMITTED');
    await screenshot(page, 'dashboard-submitted');
    await page.close();

    const updates = gateway.sandbox!.realtimeRegister.server.requests.filter((request) => request.method === 'POST' && request.path.endsWith('/contacts/rtr-0013/update'));
    expect(updates).toHaveLength(1);
    expect(JSON.parse(updates[0]!.body)).toMatchObject({
      verifications: [{ externalId: 'kyc-browser-test-1', method: 'ELECTRONIC_DOCUMENT', proof: 'ID_CARD', claims: ['NAME', 'ADDRESS'] }],
    });
  }, TEST_TIMEOUT);

  it('follows evidence the provider answers 202: PROCESSING, then REJECTED with the provider\'s reason among its submissions, without a reload', async () => {
    const handle = 'rtr-0015';
    const simulator = gateway.sandbox!.realtimeRegister;
    const reason = 'DENIC did not accept the document: expired ID card';
    injectDenicRequest(handle, ['NAME', 'ADDRESS'], 12);
    // The simulator's process answers RUNNING until the plan changes, so the page is seen PROCESSING first.
    simulator.planProcess({ handle, outcome: 'FAILED', checks: 10_000, reason });
    const page = await openDashboard();
    const row = requestRow(page, handle);
    await row.waitFor();
    await page.getByRole('button', { name: `Submit evidence for ${handle}` }).click();
    const form = page.locator('#evidence-form');
    await form.getByLabel('Method and proof').waitFor();
    await form.getByLabel('Your reference (external id)').fill('kyc-browser-async-1');
    await page.locator('#evidence-submit').click();
    await expect.poll(() => row.getAttribute('data-status'), { timeout: UI_TIMEOUT }).toBe('PROCESSING');
    expect(await row.locator('.badge').first().innerText()).toBe('PROCESSING');
    // The registry may still refuse it, so its deadline keeps counting down.
    expect(await row.locator('[data-label="Time left"] time').count()).toBe(1);

    simulator.planProcess({ handle, outcome: 'FAILED', checks: 0, reason });
    // The gateway's process follower ends it; the page learns it from the live event stream.
    await expect.poll(() => row.getAttribute('data-status'), { timeout: UI_TIMEOUT }).toBe('REJECTED');
    expect(await row.locator('.badge').first().innerText()).toBe('REJECTED');
    await expect.poll(() => page.locator('#events').innerText(), { timeout: UI_TIMEOUT }).toContain(`${handle}: PROCESSING → REJECTED`);
    await row.getByText('1 submission').click();
    const trail = await row.locator('.submissions').innerText();
    const processId = simulator.processes.list().find((process) => (process as { identifier?: string }).identifier === handle) as { id: number };
    expect(trail).toContain('FAILED');
    expect(trail).toContain(reason);
    expect(trail).toContain(`process ${processId.id}`);
    expect(trail).toContain('kyc-browser-async-1');
    // A rejected request takes new evidence again.
    expect(await row.getByRole('button', { name: `Submit evidence for ${handle}` }).count()).toBe(1);
    await page.close();
  }, TEST_TIMEOUT);

  it('adds a piece of evidence ready to send, and says (before sending) when a piece attests no claim', async () => {
    injectDenicRequest('rtr-0014', ['NAME', 'ADDRESS'], 11);
    const page = await openDashboard();
    await page.getByRole('button', { name: 'Submit evidence for rtr-0014' }).click();
    const form = page.locator('#evidence-form');
    const piece = (index: number) => form.locator('#evidence-items > fieldset').nth(index);
    const ticked = (index: number) => piece(index).locator('.claims input:checked').evaluateAll((inputs) => inputs.map((input) => (input as HTMLInputElement).value));
    const coverage = page.locator('#evidence-coverage');
    const focused = () => page.evaluate(() => document.activeElement?.id);
    await piece(0).getByLabel('Method and proof').waitFor();
    await piece(0).getByRole('checkbox', { name: 'ADDRESS', exact: true }).uncheck();
    expect(await coverage.innerText()).toContain('Still missing: ADDRESS.');

    // The new piece starts on evidence for what is missing, ticked, and takes the keyboard's focus: ready to send
    // once its reference is filled in (it used to start with nothing ticked, and the gateway refused it).
    await page.getByRole('button', { name: 'Add another piece of evidence' }).click();
    expect(await ticked(1)).toEqual(['ADDRESS']);
    expect(await focused()).toBe('evidence-1-kind');
    expect(await coverage.innerText()).toContain('Every requested claim is covered.');
    expect(await page.locator('#evidence-submit').isDisabled()).toBe(false);

    // A piece whose claims are all unticked: said, and not sent for the gateway to refuse.
    await piece(1).getByLabel('Method and proof').selectOption({ label: 'ELECTRONIC_DOCUMENT · ID_CARD: covers NAME, ADDRESS' });
    await piece(0).getByRole('checkbox', { name: 'ADDRESS', exact: true }).check();
    for (const claim of ['NAME', 'ADDRESS']) await piece(1).getByRole('checkbox', { name: claim, exact: true }).uncheck();
    expect(await coverage.innerText()).toContain('Every requested claim is covered. Evidence 2 attests no claim: tick one or remove it.');
    expect(await page.locator('#evidence-submit').isDisabled()).toBe(true);

    // Removed, its button goes with it: the focus goes to the piece before, not to the top of the page.
    await page.getByRole('button', { name: 'Remove evidence 2' }).click();
    expect(await form.locator('#evidence-items > fieldset').count()).toBe(1);
    expect(await focused()).toBe('evidence-0-kind');
    expect(await ticked(0)).toEqual(['NAME', 'ADDRESS']);
    await form.getByLabel('Your reference (external id)').fill('kyc-browser-test-2');
    await page.locator('#evidence-submit').click();
    await expect.poll(() => page.locator('#evidence-result').innerText(), { timeout: UI_TIMEOUT }).toContain('Submitted for rtr-0014');
    await page.close();
  }, TEST_TIMEOUT);

  it('resends an email verification and says so', async () => {
    const page = await openDashboard();
    const resend = page.locator('#emails').getByRole('button', { name: /^Resend the verification email to / }).first();
    const label = await resend.getAttribute('aria-label');
    const email = label!.replace('Resend the verification email to ', '');
    await resend.click();
    await expect.poll(() => page.locator('#email-result').innerText(), { timeout: UI_TIMEOUT }).toBe(`Verification email sent again to ${email}.`);
    await page.close();
  }, TEST_TIMEOUT);

  it('starts a registry check, shows the registry\'s decision when it arrives, and keeps only the last four ID characters', async () => {
    const page = await openDashboard();
    const form = page.locator('#registry-form');
    await sendRegistryCheck(page);
    const result = page.locator('#registry-result');
    await expect.poll(() => result.innerText(), { timeout: UI_TIMEOUT }).toContain('ID ending 5718');
    expect(await form.getByLabel('ID number').inputValue()).toBe('');
    // The sandbox decides by the ID number's last digit: 8 is approved (after the simulator's decision delay).
    await expect.poll(() => result.innerText(), { timeout: UI_TIMEOUT }).toContain('APPROVED');
    expect(await page.content()).not.toContain('38001085718');
    await screenshot(page, 'dashboard-registry-check');
    await page.close();
  }, TEST_TIMEOUT);
});

describe('the reference dashboard at work', () => {
  it('fits a phone: no sideways scrolling, every button on screen, lifecycle statuses and submissions visible', async () => {
    await seedRequest('rtr-0041', ['NAME', 'ADDRESS'], 6, 'REJECTED', [submission('FAILED', 'kyc-phone-1', 'DENIC did not accept the document: expired ID card')]);
    await seedRequest('rtr-0042', ['NAME'], 7, 'PROCESSING', [submission('PROCESSING', 'kyc-phone-2')]);
    const page = await openDashboard(PHONE);
    await requestRow(page, 'rtr-0041').waitFor();
    await requestRow(page, 'rtr-0042').waitFor();
    await page.locator('#emails tbody tr').first().waitFor();
    await expectFitsTheScreen(page, PHONE.width);
    // An address that does not fit its column wraps before its @ or a dot, never inside a word ("example.co" / "m").
    expect(await emailsBrokenMidWord(page)).toEqual([]);

    const rejected = requestRow(page, 'rtr-0041');
    expect(await rejected.locator('.badge').first().innerText()).toBe('REJECTED');
    expect(await requestRow(page, 'rtr-0042').locator('.badge').first().innerText()).toBe('PROCESSING');
    // A rejected request takes new evidence; one the provider is still processing does not.
    expect(await rejected.getByRole('button', { name: 'Submit evidence for rtr-0041' }).count()).toBe(1);
    expect(await requestRow(page, 'rtr-0042').getByRole('button').count()).toBe(0);
    await rejected.getByText('1 submission').click();
    const trail = await rejected.locator('.submissions').innerText();
    expect(trail).toContain('FAILED');
    expect(trail).toContain('by registrar-desk');
    expect(trail).toContain('expired ID card');
    expect(trail).toContain('ELECTRONIC_DOCUMENT · ID_CARD: NAME, ADDRESS (ref kyc-phone-1)');
    await screenshot(page, 'dashboard-phone');

    await rejected.getByRole('button', { name: 'Submit evidence for rtr-0041' }).click();
    const kind = page.locator('#evidence-form').getByLabel('Method and proof');
    await kind.waitFor();
    await expectFitsTheScreen(page, PHONE.width);
    await expectEvidenceInsideItsBorders(page);
    // The closed select cuts its option short at this width; what the chosen evidence covers is written out in full
    // under it, on screen and unclipped, and follows the choice.
    const covers = page.locator('#evidence-0-covers');
    const chosen = async () => (await kind.evaluate((select: HTMLSelectElement) => select.selectedOptions[0]?.textContent)) ?? '';
    expect(await covers.innerText()).toBe(await chosen());
    expect(await covers.innerText()).toMatch(/: covers NAME, ADDRESS$/);
    expect(await covers.evaluate((text) => text.scrollWidth <= text.clientWidth && text.getBoundingClientRect().right <= window.innerWidth)).toBe(true);
    await kind.selectOption({ label: 'DATA · ADDRESS_DATABASE: covers ADDRESS' });
    expect(await page.locator('#evidence-0-covers').innerText()).toBe('DATA · ADDRESS_DATABASE: covers ADDRESS');
    await kind.selectOption({ label: 'ELECTRONIC_DOCUMENT · ID_CARD: covers NAME, ADDRESS' });
    await screenshot(page, 'dashboard-phone-evidence');
    await page.close();
  }, TEST_TIMEOUT);

  it('fits a tablet in portrait (768 px), just above the phone layout: no sideways scrolling, every button on screen', async () => {
    // The widest rows: every claim, and an overdue deadline (the longest "time left").
    injectDenicRequest('rtr-0045', ['NAME', 'ADDRESS', 'EMAIL', 'VOICE', 'ORGANIZATION'], -30);
    injectDenicRequest('rtr-0046', ['NAME', 'ADDRESS', 'EMAIL', 'VOICE', 'ORGANIZATION'], 5);
    const page = await openDashboard(TABLET);
    await requestRow(page, 'rtr-0045').waitFor();
    await requestRow(page, 'rtr-0046').waitFor();
    await page.locator('#emails tbody tr').first().waitFor();
    expect(await requestRow(page, 'rtr-0045').locator('time[data-deadline]').innerText()).toMatch(/^overdue by /);
    // Past its deadline with no evidence: the lifecycle's OVERDUE, beside the time it is overdue by.
    expect(await requestRow(page, 'rtr-0045').locator('.badge').first().innerText()).toBe('OVERDUE');
    await expectFitsTheScreen(page, TABLET.width);
    await screenshot(page, 'dashboard-tablet');
    await page.close();
  }, TEST_TIMEOUT);

  it("finds a contact's requests and email rows by handle, and pages through email rows", async () => {
    injectDenicRequest('rtr-0043', ['VOICE'], 50);
    const page = await openDashboard();
    await page.locator('#emails tbody tr').first().waitFor();

    const search = page.locator('#requests-search');
    // Clear (a reset) is not dressed as the primary action beside Search.
    const background = (name: string) => search.getByRole('button', { name, exact: true }).evaluate((button) => getComputedStyle(button).backgroundColor);
    expect(await background('Clear')).not.toBe(await background('Search'));
    await search.getByLabel('Contact handle').fill('rtr-0043');
    await search.getByRole('button', { name: 'Search' }).click();
    const shownHandles = () => page.locator('#requests tbody tr').evaluateAll((rows) => rows.map((row) => row.querySelector('strong')?.textContent));
    await expect.poll(shownHandles, { timeout: UI_TIMEOUT }).toEqual(['rtr-0043']);
    expect(await page.locator('#requests-count').innerText()).toBe('(1 for rtr-0043)');

    const pager = page.locator('#emails-pager');
    const firstRow = () => page.locator('#emails tbody tr').first().getAttribute('data-email-id');
    const firstPage = await firstRow();
    expect(await pager.locator('.range').innerText()).toMatch(/^1–10 of \d+$/);
    await pager.getByRole('button', { name: 'Next page of email verifications' }).click();
    await expect.poll(() => pager.locator('.range').innerText(), { timeout: UI_TIMEOUT }).toMatch(/^11–20 of \d+$/);
    expect(await firstRow()).not.toBe(firstPage);
    await pager.getByRole('button', { name: 'Previous page of email verifications' }).click();
    await expect.poll(firstRow, { timeout: UI_TIMEOUT }).toBe(firstPage);

    const emailSearch = page.locator('#emails-search');
    await emailSearch.getByLabel('Contact handle').fill('OP000003-NL');
    await emailSearch.getByRole('button', { name: 'Search' }).click();
    const rowHandles = async () => (await page.locator('#emails tbody tr .meta').allInnerTexts()).map((text) => text.trim().split(' · ')[0]);
    await expect.poll(async () => [...new Set(await rowHandles())], { timeout: UI_TIMEOUT }).toEqual(['OP000003-NL']);

    // A handle the gateway refuses: its reason alone, not also "No email verifications." as if the search had run.
    await emailSearch.getByLabel('Contact handle').fill('OP 3');
    await emailSearch.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => page.locator('#email-error').isVisible(), { timeout: UI_TIMEOUT }).toBe(true);
    expect(await page.locator('#email-error').innerText()).toContain('handle must be 1 to 64 characters');
    expect(await page.locator('#emails-empty').isVisible()).toBe(false);
    await page.close();
  }, TEST_TIMEOUT);

  it('pages through the requests, 20 at a time', async () => {
    for (let index = 0; index < 20; index++) injectDenicRequest(`rtr-${String(60 + index).padStart(4, '0')}`, ['EMAIL'], 70 + index);
    const page = await openDashboard();
    await requestRow(page, 'rtr-0060').waitFor();
    const pager = page.locator('#requests-pager');
    const firstRow = () => page.locator('#requests tbody tr').first().getAttribute('data-request-id');
    await expect.poll(() => pager.locator('.range').innerText(), { timeout: UI_TIMEOUT }).toMatch(/^1–20 of \d+$/);
    const total = Number(/of (\d+)$/.exec(await pager.locator('.range').innerText())![1]);
    expect(total).toBeGreaterThan(20);
    expect(await page.locator('#requests tbody tr').count()).toBe(20);
    const firstPage = await firstRow();
    await pager.getByRole('button', { name: 'Next page of verification requests' }).click();
    await expect.poll(() => pager.locator('.range').innerText(), { timeout: UI_TIMEOUT }).toBe(`21–${Math.min(40, total)} of ${total}`);
    expect(await firstRow()).not.toBe(firstPage);
    await pager.getByRole('button', { name: 'Previous page of verification requests' }).click();
    await expect.poll(firstRow, { timeout: UI_TIMEOUT }).toBe(firstPage);
    // The download holds every request the list pages through, not the page shown.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    const ids = readFileSync((await download.path())!, 'utf8').trimEnd().split('\r\n').slice(1).map((line) => line.split(',')[0]);
    expect(new Set(ids).size).toBe(total);
    await page.close();
  }, TEST_TIMEOUT);

  it('downloads the open requests as CSV with their submissions', async () => {
    await seedRequest('rtr-0044', ['NAME', 'ADDRESS'], 8, 'REJECTED', [submission('FAILED', 'kyc-csv-1', 'Name, as written, "does not match"')]);
    const page = await openDashboard();
    await requestRow(page, 'rtr-0044').waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^verification-requests-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8');
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'request id,provider,provider request id,customer,contact handle,claims,status,received at,de-delegation domain,de-delegation deadline,deletion domain,deletion deadline,submission,submitted at,submitted by,submission status,process id,failure reason,evidence',
    );
    const line = lines.find((text) => text.includes(',rtr-0044,'));
    expect(line).toContain(',NAME ADDRESS,REJECTED,');
    // What Realtime Register knows the request by, beside the gateway's opaque id.
    const stored = (await gateway.stores.verificationRequests.list()).find((request) => request.contactHandle === 'rtr-0044')!;
    expect(line).toContain(`,REALTIME_REGISTER,${stored.notificationId},`);
    expect(line).toContain(',1,2026-11-20T10:00:00.000Z,registrar-desk,FAILED,,"Name, as written, ""does not match""",ELECTRONIC_DOCUMENT/ID_CARD NAME+ADDRESS ref kyc-csv-1 verified 2026-11-19T00:00:00.000Z');
    // Every open request is in it, with or without submissions.
    expect(lines.filter((text) => text.includes(',OPEN,')).length).toBeGreaterThan(0);
    expect(await page.locator('#requests-export').innerText()).toMatch(/^Downloaded \d+ requests\.$/);
    await page.close();
  }, TEST_TIMEOUT);
});
