/** Realtime Register customer and handle path segments (providers/realtime-register.md). */
export const RTR_HANDLE = /^[a-zA-Z0-9\-_@.]{3,40}$/;
/** Openprovider and Domain Name API handles: 1–64 characters, no separators that could break a path or query. */
export const PROVIDER_HANDLE = /^[A-Za-z0-9\-_.@]{1,64}$/;
/**
 * `.`, `..`, `...`: allowed characters, but as a path segment "this" or "the parent" (`GET /v1beta/customers/..` is
 * another resource), so never a handle at any provider.
 */
const DOT_ONLY = /^\.+$/;
/** Voice and fax numbers: +CC.NUMBER, e.g. +31.384530759. */
export const VOICE_NUMBER = /^\+\d{1,3}\.\d{1,14}$/;
/** C0 and C1 control characters (NUL, CR, LF, ESC, ...) and DEL. */
const CONTROL = '\\u0000-\\u001f\\u007f-\\u009f';
/**
 * Characters that change how text is shown without being seen: zero-width ones, line and paragraph separators, bidi
 * embeddings, overrides and isolates, the BOM. In an address they only serve spoofing (`U+202E` shows
 * `moc.elpmaxe@ann` reversed); names keep them, since right-to-left scripts need the marks.
 */
const INVISIBLE = '\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u2069\\ufeff';
/**
 * A pragmatic email check: one @, no spaces, control or invisible characters, dot-separated labels in the domain. Each domain
 * label excludes the dot, so there is one way to match and the check is linear (the older `[^\s@]+\.[^\s@]+` tried
 * every dot as the split: quadratic on a long dotted domain).
 */
export const EMAIL_ADDRESS = new RegExp(`^[^\\s@${CONTROL}${INVISIBLE}]+@[^\\s@.${CONTROL}${INVISIBLE}]+(?:\\.[^\\s@.${CONTROL}${INVISIBLE}]+)+$`);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CONTROL_CHARACTER = new RegExp(`[${CONTROL}]`);
/**
 * Bidi embeddings and overrides (U+202A-U+202E), bidi isolates (U+2066-U+2069), the zero-width space (U+200B) and
 * the BOM (U+FEFF) in text sent upstream: in registry data they reorder or hide what a person reads (Trojan-source
 * style: a name that shows as another). Not ZWNJ and ZWJ (U+200C, U+200D: Persian, Indic scripts and emoji need them)
 * nor the LRM and RLM marks (U+200E, U+200F), which right-to-left text uses legitimately. One character class: linear.
 */
const SPOOFING_FORMAT_CHARACTER = /[\u200b\u202a-\u202e\u2066-\u2069\ufeff]/;
/** A UTF-16 surrogate without its pair: not a character, and not encodable as UTF-8 upstream. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const isDotOnly = (value: string) => DOT_ONLY.test(value);
export const isRtrHandle = (value: string) => RTR_HANDLE.test(value) && !isDotOnly(value);
export const isProviderHandle = (value: string) => PROVIDER_HANDLE.test(value) && !isDotOnly(value);
export const isVoiceNumber = (value: string) => VOICE_NUMBER.test(value);
/** Length first: the pattern then never sees more than 254 characters. */
export const isEmailAddress = (value: string) => value.length <= 254 && EMAIL_ADDRESS.test(value);
export const isUuid = (value: string) => UUID.test(value);
/** True for text no provider should receive: control characters (NUL above all) or broken UTF-16. */
export const hasControlCharacters = (value: string) => CONTROL_CHARACTER.test(value) || LONE_SURROGATE.test(value);
/** True for text holding a bidi control, a zero-width space or a BOM (SPOOFING_FORMAT_CHARACTER). */
export const hasSpoofingFormatCharacters = (value: string) => SPOOFING_FORMAT_CHARACTER.test(value);
