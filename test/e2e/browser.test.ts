import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from '../helpers/gateway.js';
import { startTestGateway } from '../helpers/gateway.js';

/**
 * GraphiQL and the reference dashboard in Debian's headless Chromium (`apt-get install chromium`; .ci/run installs
 * it). Screenshots go to test-artifacts/; with UPDATE_SCREENSHOTS=1 the dashboard's also goes to docs/dashboard.png.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url);
const DOCS_SCREENSHOT = new URL('../../docs/dashboard.png', import.meta.url);
const UI_TIMEOUT = 20_000;
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
  if (name === 'dashboard' && process.env.UPDATE_SCREENSHOTS === '1') {
    // The README's picture: what a first visit shows, one screen high.
    mkdirSync(new URL('.', DOCS_SCREENSHOT), { recursive: true });
    await page.screenshot({ path: DOCS_SCREENSHOT.pathname });
  }
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
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
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

    // The evidence form offers only what can attest EMAIL, and LOG_RECORD (one claim each) as a single choice.
    await page.getByRole('button', { name: 'Submit evidence for rtr-0011' }).click();
    const kind = page.locator('#evidence-form').getByLabel('Method and proof');
    await kind.waitFor();
    expect((await kind.locator('option').allInnerTexts()).sort()).toEqual(['REACHABILITY · LOG_RECORD (one claim each)', 'TRANSACTION · ONLINE_PAYMENT_ACCOUNT']);
    await kind.selectOption({ label: 'REACHABILITY · LOG_RECORD (one claim each)' });
    expect(await page.locator('#evidence-form').getByRole('radio').count()).toBe(1);
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
    // Each pair offers only the requested claims it can attest: an address database cannot attest a NAME.
    await kind.selectOption({ label: 'DATA · ADDRESS_DATABASE' });
    expect(await form.getByRole('checkbox', { name: 'NAME', exact: true }).count()).toBe(0);
    expect(await claimLabels()).toEqual(['ADDRESS']);
    await kind.selectOption({ label: 'ELECTRONIC_DOCUMENT · ID_CARD' });
    expect(await claimLabels()).toEqual(['NAME', 'ADDRESS']);
    await form.getByRole('checkbox', { name: 'NAME', exact: true }).check();
    expect(await page.locator('#evidence-submit').isDisabled()).toBe(true);
    await form.getByRole('checkbox', { name: 'ADDRESS', exact: true }).check();
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
    await form.getByLabel('ID number').fill('38001085718');
    await form.getByLabel('First name').fill('Anna');
    await form.getByLabel('Last name').fill('Bos');
    await form.getByLabel('Date of birth').fill('1980-01-08');
    await form.getByRole('button', { name: 'Check registry' }).click();
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
