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
  return text.slice(0, SCRUB_INPUT_MAX).replace(EMAIL_IN_TEXT, '[email]').replace(LONG_DIGIT_RUN, '[redacted]').slice(0, 200);
}

const EMAIL_IN_TEXT = /[^\s@"'<>]+@[^\s@"'<>]+/g;
/** Linear: a run is taken whole from its first digit; a shorter run fails within five steps. */
const LONG_DIGIT_RUN = /\d{6,}/g;
const SCRUB_INPUT_MAX = 400;
