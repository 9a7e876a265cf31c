import { maskLongDigitRuns } from '../domain/digit-runs.js';

/**
 * Provider text (an error's message or description) on its way to a client. Providers quote what they were sent
 * ("Contact 49912319999 does not exist", "Customer ... not found"), and what they were sent is the caller's input:
 * an ID number typed as a handle, a customer or a field value would come back in the answer. So text passed on
 * loses email addresses and every run of six or more digits (no handle, code or date the message needs is that
 * long), and is short.
 */
export function scrubProviderText(text: string): string {
  // Cut before matching: EMAIL_IN_TEXT rescans a long run without an @ from every start (quadratic), and provider
  // text has no length limit. 400 keeps any address that would reach the first 200 characters whole.
  return maskLongDigitRuns(text.slice(0, SCRUB_INPUT_MAX).replace(EMAIL_IN_TEXT, '[email]')).slice(0, 200);
}

const EMAIL_IN_TEXT = /[^\s@"'<>]+@[^\s@"'<>]+/g;
const SCRUB_INPUT_MAX = 400;
