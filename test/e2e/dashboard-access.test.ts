import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/chromium.js';
import { sendRegistryCheck, UI_TIMEOUT } from '../helpers/dashboard-page.js';
import type { TestGateway } from '../helpers/gateway.js';
import { startTestGateway } from '../helpers/gateway.js';

/**
 * The reference dashboard when it cannot simply read: a gateway that wants an API key, and a gateway that stopped
 * answering, in headless Chromium.
 */
const TEST_TIMEOUT = 60_000;
const OPS_KEY = 'ops-key-12345';

let keyed: TestGateway;
let stopping: TestGateway;
/** Realtime Register in a maintenance outage, Openprovider answering every call with a 503. */
let failing: TestGateway;
let browser: Browser;

async function open(gateway: TestGateway): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(UI_TIMEOUT);
  await page.goto(`${gateway.url}/`);
  return page;
}

beforeAll(async () => {
  [keyed, stopping, failing] = await Promise.all([
    startTestGateway({ env: { GATEWAY_API_KEYS: `name=${OPS_KEY}:*` } }),
    startTestGateway(),
    startTestGateway({ env: { SANDBOX_FAULTS: JSON.stringify({ REALTIME_REGISTER: { outage: true }, OPENPROVIDER: { errorRate: 1, status: 503 } }) } }),
  ]);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([keyed?.stop(), stopping?.stop(), failing?.stop()]);
});

describe('a gateway that wants an API key', () => {
  it('asks for the key by itself, says when it refuses one, and loads once a valid key is entered', async () => {
    const page = await open(keyed);
    const prompt = page.locator('#auth');
    const field = page.getByLabel('API key (kept in this tab only)');
    await expect.poll(() => prompt.evaluate((details: HTMLDetailsElement) => details.open), { timeout: UI_TIMEOUT }).toBe(true);
    expect(await page.locator('#auth-reason').innerText()).toBe('This gateway needs an API key. Enter yours to see its data.');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('api-key');
    // Refused for the key, live updates stop asking (asking again cannot succeed) rather than reconnect for ever.
    await page.locator('#live[data-state="off"]').waitFor();
    await expect.poll(() => page.locator('#requests-error').innerText(), { timeout: UI_TIMEOUT }).toContain('needs a valid API key');
    expect(await page.locator('#requests-error').innerText()).not.toContain('Authorization');

    await field.fill('not-the-key-123');
    await field.press('Enter');
    await expect.poll(() => page.locator('#auth-reason').innerText(), { timeout: UI_TIMEOUT }).toBe('The gateway did not accept this key. Enter a valid API key.');
    expect(await prompt.evaluate((details: HTMLDetailsElement) => details.open)).toBe(true);

    await field.fill(OPS_KEY);
    await field.press('Enter');
    await page.locator('#live[data-state="live"]').waitFor();
    await page.locator('#requests tbody tr').first().waitFor();
    expect(await page.locator('#requests-error').isHidden()).toBe(true);
    expect(await prompt.evaluate((details: HTMLDetailsElement) => details.open)).toBe(false);
    // Kept in sessionStorage for this tab, not left in the page.
    expect(await field.inputValue()).toBe('');
    await page.close();
  }, TEST_TIMEOUT);
});

describe('a gateway that stopped answering', () => {
  it('says so in words, opens no empty evidence form, and keeps no ID number from a check it could not send', async () => {
    const page = await open(stopping);
    await page.locator('#live[data-state="live"]').waitFor();
    await page.locator('#requests tbody tr').first().waitFor();
    await stopping.stop();

    await page.locator('#requests-search').getByRole('button', { name: 'Search' }).click();
    const unreachable = 'The gateway did not answer: it may be down or restarting, or this computer is offline.';
    await expect.poll(() => page.locator('#requests-error').innerText(), { timeout: UI_TIMEOUT }).toContain(unreachable);
    expect(await page.locator('#requests-error').innerText()).not.toContain('Failed to fetch');
    await expect.poll(() => page.locator('#live').innerText(), { timeout: UI_TIMEOUT }).toContain(unreachable);

    await page.getByRole('button', { name: /^Submit evidence for / }).first().click();
    await expect.poll(() => page.locator('#evidence-result').innerText(), { timeout: UI_TIMEOUT }).toContain(unreachable);
    // Nothing to fill in without the verification matrix: no lone "Submit evidence" and "Add another" buttons.
    expect(await page.locator('#evidence-fields').isHidden()).toBe(true);

    const form = page.locator('#registry-form');
    await sendRegistryCheck(page);
    await expect.poll(() => page.locator('#registry-result').innerText(), { timeout: UI_TIMEOUT }).toContain(unreachable);
    expect(await form.getByLabel('ID number').inputValue()).toBe('');
    await page.close();
  }, TEST_TIMEOUT);
});

describe('a gateway whose providers are failing', () => {
  it("shows a provider with an open circuit in the failing colour, and an email panel that failed without a count", async () => {
    // The gateway's own polling of the Realtime Register queue opens its breaker.
    const circuit = async () => (await failing.graphql<{ providers: { provider: string; circuit: string }[] }>('{ providers { provider circuit } }')).data?.providers.find((status) => status.provider === 'REALTIME_REGISTER')?.circuit;
    await expect.poll(circuit, { timeout: UI_TIMEOUT }).toBe('OPEN');
    const page = await open(failing);
    const badge = page.locator('#providers li', { hasText: 'REALTIME_REGISTER' });
    await expect.poll(() => badge.innerText(), { timeout: UI_TIMEOUT }).toBe('REALTIME_REGISTER SANDBOX (circuit OPEN)');
    const colour = (element: string) => page.locator(element).first().evaluate((node) => getComputedStyle(node).color);
    // Read as "failing" (the page's red), not as its green SANDBOX mode beside the healthy providers.
    const red = await page.evaluate(() => {
      const probe = document.body.appendChild(Object.assign(document.createElement('span'), { style: 'color: var(--bad)' }));
      const value = getComputedStyle(probe).color;
      probe.remove();
      return value;
    });
    expect(await badge.evaluate((node) => getComputedStyle(node).color)).toBe(red);
    expect(await colour('#providers li:has-text("VERIFF")')).not.toBe(red);

    // Openprovider refused: why, and no "0 of 0" with two dead buttons as if there were no rows.
    await expect.poll(() => page.locator('#email-error').innerText(), { timeout: UI_TIMEOUT }).toContain('Could not load email verifications');
    expect(await page.locator('#emails-pager').isVisible()).toBe(false);
    expect(await page.locator('#emails-empty').isVisible()).toBe(false);
    await page.close();
  }, TEST_TIMEOUT);
});
