/** Distinct operation names a process labels its metrics with; every name after these is counted as `other`. */
export const MAX_OPERATION_LABELS = 100;

/** A name worth a label: a plain GraphQL name of sensible length, without a run of digits (an ID number, a serial). */
const LABELLED_NAME = /^[A-Za-z_][A-Za-z_]*(?:\d{1,3}[A-Za-z_]+)*\d{0,3}$/;

/**
 * Four digits in a row once underscores are dropped. An underscore is the one character a GraphQL name can group digits
 * with (no space, dot or hyphen is allowed there), and `ID499_123_199_99` is an 11-digit number in groups of three.
 */
const DIGIT_RUN_ACROSS_UNDERSCORES = /\d{4}/;

/** The caller's operation name when it is a plain name that can hold no ID number (traces, metrics); else undefined. */
export function plainOperationName(name: string | undefined): string | undefined {
  return name !== undefined && name.length <= 64 && LABELLED_NAME.test(name) && !DIGIT_RUN_ACROSS_UNDERSCORES.test(name.replaceAll('_', '')) ? name : undefined;
}

/**
 * The `operation` label of gateway_graphql_requests_total. The operation's name is the caller's text: labelled as it
 * came, each new name was a new series held for the process's life and printed by the open /metrics (a caller
 * sending a fresh name per request grew both without bound), and a name can hold personal data (`query
 * AB49912319999`). So a process labels at most MAX_OPERATION_LABELS distinct names, first come, only names up to 64
 * characters with no more than three digits in a row (underscores between them not counting); the rest are `other`
 * (and unnamed operations `anonymous`).
 */
export function createOperationLabels(max = MAX_OPERATION_LABELS): (name: string | undefined) => string {
  const labelled = new Set<string>();
  return (name) => {
    if (!name) return 'anonymous';
    if (labelled.has(name)) return name;
    if (labelled.size >= max || !plainOperationName(name)) return 'other';
    labelled.add(name);
    return name;
  };
}
