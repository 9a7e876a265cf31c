import { maskedHead } from '../domain/digit-runs.js';

/** Characters of a path a log line keeps: every route the gateway serves is far shorter. */
const LOGGED_PATH_MAX = 200;

/**
 * A request's path as a log line names it. The path is the caller's text like its query string (left out): an ID number
 * in it (`/webhooks/49912319999`, or in groups, percent-encoded) loses its digits, read as decoded so `%20`, `%2E` and
 * the like are the separators they stand for. A path that does not decode is masked as it came.
 */
export function loggedPath(url: string | undefined): string {
  const path = (url ?? '/').split('?', 1)[0]!;
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // A malformed escape: the raw path is masked instead.
  }
  return maskedHead(decoded, LOGGED_PATH_MAX);
}
