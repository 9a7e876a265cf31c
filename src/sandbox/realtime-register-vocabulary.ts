import type { SimResponse } from './simulator-server.js';

/**
 * Realtime Register's two published error vocabularies (providers/realtime-register.md, "Errors and limits",
 * revision 2). The simulator answers in the API spec's (realtimeregister/skills) by default and can translate every
 * error into the errors page's (dm.realtimeregister.com/docs/api/errors), so the gateway is tested against both:
 * - `api-spec`: ObjectDoesNotExist 404, ObjectExists 409, AuthenticationFailed 401, AuthorizationFailed 403,
 *   ConstraintViolationException (`violations`) for field errors;
 * - `errors-page`: ObjectDoesNotExist 400, ObjectExists 400, AuthenticationError 401, AuthorizationError 403, and
 *   field errors of a contact update as ContactUpdateValidationError with an `errors` map (realtimeregister-ts).
 */
export type ErrorVocabulary = 'api-spec' | 'errors-page';

const RENAMED: Record<string, { type: string; status?: number }> = {
  ObjectDoesNotExist: { type: 'ObjectDoesNotExist', status: 400 },
  ObjectExists: { type: 'ObjectExists', status: 400 },
  AuthenticationFailed: { type: 'AuthenticationError' },
  AuthorizationFailed: { type: 'AuthorizationError' },
};

/** The answer in the chosen vocabulary; `contactUpdate` marks answers to POST .../contacts/{handle}/update. */
export function inVocabulary(answer: SimResponse, vocabulary: ErrorVocabulary, contactUpdate: boolean): SimResponse {
  if (vocabulary === 'api-spec' || answer.status < 400 || typeof answer.body !== 'object' || answer.body === null) return answer;
  const body = answer.body as { type?: string; violations?: { field: string; message: string }[] } & Record<string, unknown>;
  if (contactUpdate && body.type === 'ConstraintViolationException' && Array.isArray(body.violations)) {
    const errors = Object.fromEntries(body.violations.map((violation) => [violation.field, violation.message]));
    return { ...answer, body: { type: 'ContactUpdateValidationError', message: 'Contact update validation failed', errors } };
  }
  const renamed = body.type ? RENAMED[body.type] : undefined;
  if (!renamed) return answer;
  return { ...answer, status: renamed.status ?? answer.status, body: { ...body, type: renamed.type } };
}
