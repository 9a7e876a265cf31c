import type { Browser, Page } from 'playwright-core';

/** How long a dashboard test waits for the page to show something (a loaded 2-core machine runs the browser slowly). */
export const UI_TIMEOUT = 20_000;

/** The dashboard of `gatewayUrl` in a new page, once its live updates are connected. */
export async function openDashboard(
  browser: Browser,
  gatewayUrl: string,
  options: { viewport?: { width: number; height: number }; acceptDownloads?: boolean } = {},
): Promise<Page> {
  const page = await browser.newPage({ viewport: options.viewport ?? { width: 1280, height: 900 }, acceptDownloads: options.acceptDownloads ?? false });
  page.setDefaultTimeout(UI_TIMEOUT);
  await page.goto(`${gatewayUrl}/`);
  await page.locator('#live[data-state="live"]').waitFor();
  return page;
}

/** The requests table's row of one contact handle. */
export const requestRow = (page: Page, handle: string) => page.locator('#requests tbody tr', { has: page.getByText(handle, { exact: true }) });

/** Fills the registry check form for the sandbox's Anna Bos (an ID number the Veriff simulator approves) and sends it. */
export async function sendRegistryCheck(page: Page, fields: { lastName?: string } = {}): Promise<void> {
  const form = page.locator('#registry-form');
  await form.getByLabel('ID number').fill('38001085718');
  await form.getByLabel('First name').fill('Anna');
  await form.getByLabel('Last name').fill(fields.lastName ?? 'Bos');
  await form.getByLabel('Date of birth').fill('1980-01-08');
  await form.getByRole('button', { name: 'Check registry' }).click();
}
