/**
 * Bytes from a provider (an answer, a webhook body) as text, decoded as fetch and undici decode a JSON body: UTF-8, a
 * leading byte order mark dropped. Buffer#toString keeps the mark, and JSON.parse fails on it, so a signed delivery a
 * provider's platform wrote with one was read as "not JSON": acknowledged, and never used.
 */
export function utf8Text(bytes: Uint8Array): string {
  return UTF8.decode(bytes);
}

const UTF8 = new TextDecoder('utf-8');
