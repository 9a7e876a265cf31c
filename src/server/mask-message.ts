/** What a masked value reads in a message. */
export const MASK = '[redacted]';

/** Characters of a bare token as graphql-js prints values outside quotes: numbers, enum names, dates, emails. */
const BARE = /[A-Za-z0-9_.+@-]/;

/**
 * `message` with every token that is one of `values` replaced by [redacted]. graphql-js prints a string value in double
 * quotes (JSON-escaped) and a number or enum name bare, so the tokens are the insides of quoted segments and the
 * maximal bare runs (a run's trailing dots, which end a sentence, are tried off too); a quoted segment that is not a
 * value is searched for bare tokens inside. One pass with a set lookup per token: linear in the message, whatever
 * the number of values (searching the message once per value cost errors x values x length).
 */
export function maskMessage(message: string, values: ReadonlySet<string>): string {
  let out = '';
  let at = 0;
  while (at < message.length) {
    const char = message[at]!;
    if (char === '"') {
      const close = closingQuote(message, at + 1);
      if (close !== -1) {
        const inside = message.slice(at + 1, close);
        out += `"${values.has(inside) ? MASK : maskBareRuns(inside, values)}"`;
        at = close + 1;
        continue;
      }
    }
    if (BARE.test(char)) {
      let end = at + 1;
      while (end < message.length && BARE.test(message[end]!)) end++;
      out += maskRun(message.slice(at, end), values);
      at = end;
      continue;
    }
    out += char;
    at++;
  }
  return out;
}

/** The index of the quote that closes a segment opened before `from` (backslash escapes skipped), or -1. */
function closingQuote(text: string, from: number): number {
  for (let at = from; at < text.length; at++) {
    if (text[at] === '\\') at++;
    else if (text[at] === '"') return at;
  }
  return -1;
}

function maskBareRuns(text: string, values: ReadonlySet<string>): string {
  let out = '';
  let at = 0;
  while (at < text.length) {
    if (!BARE.test(text[at]!)) {
      out += text[at];
      at++;
      continue;
    }
    let end = at + 1;
    while (end < text.length && BARE.test(text[end]!)) end++;
    out += maskRun(text.slice(at, end), values);
    at = end;
  }
  return out;
}

function maskRun(run: string, values: ReadonlySet<string>): string {
  if (values.has(run)) return MASK;
  let end = run.length;
  while (end > 0 && run[end - 1] === '.') end--;
  return end < run.length && end > 0 && values.has(run.slice(0, end)) ? MASK + run.slice(end) : run;
}
