/**
 * The API key prompt. A gateway with GATEWAY_API_KEYS answers 401 to a call without a valid key: the prompt then
 * opens by itself and says why, instead of every panel showing the HTTP header the API wants. The key is kept in
 * this tab only (sessionStorage), never in a cookie, and not left in the page once used.
 */
import { $ } from './dom.js';

export const KEY_STORAGE = 'verification-gateway-api-key';

export const storedKey = (): string | null => sessionStorage.getItem(KEY_STORAGE);

/** Opens the prompt (once per refusal: the panels' calls all answer 401 together) with the reason, focused. */
export function askForKey(): void {
  const prompt = $('auth') as HTMLDetailsElement;
  $('auth-reason').textContent = storedKey()
    ? 'The gateway did not accept this key. Enter a valid API key.'
    : 'This gateway needs an API key. Enter yours to see its data.';
  if (prompt.open) return;
  prompt.open = true;
  $('api-key').focus();
}

/** Calls `use` after a key is entered (or removed, with an empty field), the prompt closed and the field emptied. */
export function onKeyEntered(use: () => void): void {
  $('auth-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const field = $('api-key') as HTMLInputElement;
    const key = field.value.trim();
    if (key) sessionStorage.setItem(KEY_STORAGE, key);
    else sessionStorage.removeItem(KEY_STORAGE);
    field.value = '';
    $('auth-reason').textContent = '';
    ($('auth') as HTMLDetailsElement).open = false;
    use();
  });
}
