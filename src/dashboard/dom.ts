/** Small DOM helpers: find, build (text always as text, never parsed as HTML), format, report. */
import { GatewayRequestError } from '../../client/src/index.js';

export function $(id: string): HTMLElement {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from the page`);
  return element;
}

type Attributes = Record<string, string | boolean | ((event: Event) => void)>;
type Child = Node | string | null | undefined | false;

/** An element with attributes (functions become listeners: onclick -> click) and children. */
export function h(tag: string, attributes: Attributes = {}, ...children: Child[]): HTMLElement {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (typeof value === 'function') element.addEventListener(name.replace(/^on/, ''), value);
    else if (value === true) element.setAttribute(name, '');
    else if (value !== false) element.setAttribute(name, value);
  }
  for (const child of children) if (child) element.append(child);
  return element;
}

/**
 * A table cell with its column's name (data-label), its content in one block: on a phone the cell becomes a line
 * "LABEL  content" (style.css), and the content stays together however many pieces it has.
 */
export function cell(label: string, attributes: Attributes, ...children: Child[]): HTMLElement {
  return h('td', { 'data-label': label, ...attributes }, h('div', { class: 'cell' }, ...children));
}

/** "2026-11-20 14:00 UTC", or a dash. */
export const formatInstant = (iso: string | null | undefined): string => (iso ? `${new Date(iso).toISOString().slice(0, 16).replace('T', ' ')} UTC` : '—');

/** "2d 04:05:06 left" / "overdue by 3h 02m" */
export function formatTimeLeft(milliseconds: number): string {
  const total = Math.floor(Math.abs(milliseconds) / 1000);
  const days = Math.floor(total / 86_400);
  const [hours, minutes, seconds] = [Math.floor(total / 3600) % 24, Math.floor(total / 60) % 60, total % 60].map((n) => String(n).padStart(2, '0'));
  const span = `${days ? `${days}d ` : ''}${hours}:${minutes}:${seconds}`;
  return milliseconds >= 0 ? `${span} left` : `overdue by ${span}`;
}

/** A mutation's error result (InputError field errors, provider retry hints). */
export interface ErrorResult {
  __typename?: string;
  message: string;
  fieldErrors?: { path: string[]; code: string; message: string }[];
  retryable?: boolean;
  retryAfterSeconds?: number | null;
}

/**
 * Shows an error result or a thrown error in a status element, as the sentences the gateway wrote (no type names or
 * codes: the operator reads them, a program reads the API).
 */
export function showError(target: HTMLElement, error: unknown): void {
  target.replaceChildren();
  target.className = 'error';
  if (error instanceof Error) return void target.append(errorText(error));
  const result = error as ErrorResult;
  target.append(h('p', {}, result.message));
  if (result.retryable) target.append(h('p', {}, `You may retry${result.retryAfterSeconds ? ` in ${result.retryAfterSeconds} s` : ''}.`));
  if (result.fieldErrors?.length) target.append(h('ul', {}, ...result.fieldErrors.map((problem) => h('li', {}, problem.message))));
}

export function showOk(target: HTMLElement, text: string): void {
  target.className = 'ok';
  target.replaceChildren(text);
}

/** Said when fetch finds nothing answering (Chromium "Failed to fetch", Firefox "NetworkError ...", Safari "Load failed"). */
export const GATEWAY_UNREACHABLE = 'The gateway did not answer: it may be down or restarting, or this computer is offline. Try again in a moment.';

const UNREACHABLE = /^(Failed to fetch|NetworkError when attempting to fetch resource\.?|Load failed)$/;

/** A thrown error in words: the gateway's own messages without their codes, or that the gateway did not answer. */
export function errorText(error: unknown): string {
  // The prompt at the top has opened (api-key.ts): the gateway's own words name an HTTP header.
  if (error instanceof GatewayRequestError && error.code === 'UNAUTHENTICATED') return 'The gateway needs a valid API key: enter it under "API key" at the top.';
  if (error instanceof GatewayRequestError) return error.errors.map((problem) => problem.message).join(' ');
  // fetch's TypeError, or graphql-sse's NetworkError carrying its message.
  if (error instanceof Error && UNREACHABLE.test(error.message)) return GATEWAY_UNREACHABLE;
  return error instanceof Error ? error.message : String(error);
}

/** A status badge; its class (lower-case status) picks the colour. */
export const badge = (status: string): HTMLElement => h('span', { class: `badge ${status.toLowerCase()}` }, status);
