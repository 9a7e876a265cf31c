import type { FieldProblem } from './field-problem.js';
import { problem } from './field-problem.js';
import { isProviderHandle } from './handles.js';

/**
 * A handle given to find something (a filter, a resend) that no provider could have issued: refused with the rule,
 * rather than answered "none found", which would tell the caller the search ran and that the contact has nothing.
 * `path` points at the argument; its last segment names it in the message.
 */
export function providerHandleProblems(handle: string | null | undefined, path: string[]): FieldProblem[] {
  if (!handle || isProviderHandle(handle)) return [];
  return [problem(path, 'INVALID_FORMAT', `${path.at(-1)} must be 1 to 64 characters of A-Z, a-z, 0-9, -, _, . and @ (not dots only).`)];
}
