import type { FieldProblem } from './field-problem.js';
import { problem } from './field-problem.js';
import { hasControlCharacters, hasSpoofingFormatCharacters } from './handles.js';

/** A path kept as links to the parent, so walking deep input never copies paths (linear, not quadratic). */
interface PathLink {
  key: string | number;
  parent: PathLink | null;
}

/**
 * Every string in an input (objects and lists walked without recursion) that holds control characters or broken
 * UTF-16, or a bidi control, zero-width space or BOM, as one problem per string pointing at it. Services run it over
 * whatever they send upstream, so a NUL or a line break never reaches a provider's path, query, JSON or SOAP body, and
 * no name or address reaches a registry written to display as something else. The message never quotes the value.
 */
export function controlCharacterProblems(input: unknown, path: (string | number)[] = []): FieldProblem[] {
  return stringProblems(input, path, (value) => {
    if (hasControlCharacters(value)) return (at) => problem(at, 'INVALID_FORMAT', `${nameOf(at)} must not contain control characters.`);
    if (hasSpoofingFormatCharacters(value)) {
      return (at) => problem(at, 'INVALID_FORMAT', `${nameOf(at)} must not contain bidi controls, zero-width spaces or byte-order marks (U+202A-U+202E, U+2066-U+2069, U+200B, U+FEFF).`);
    }
    return false;
  });
}

/**
 * Every string in an input longer than `maxLength`, as one TOO_LONG problem per string. Services run it over what
 * they send upstream where the provider publishes no bound of its own, so no caller sends a provider 50,000
 * characters of a name through the gateway (a body holds up to GRAPHQL_MAX_BODY_BYTES).
 */
export function overlongTextProblems(input: unknown, maxLength: number, path: (string | number)[] = []): FieldProblem[] {
  return stringProblems(input, path, (value) => value.length > maxLength && ((at) => problem(at, 'TOO_LONG', `${nameOf(at)} may have at most ${maxLength} characters.`)));
}

/** The walk both share; `check` answers how to report a string (its path is built only then), or false. */
function stringProblems(input: unknown, path: (string | number)[], check: (value: string) => false | ((at: (string | number)[]) => FieldProblem)): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const root = path.reduce<PathLink | null>((parent, key) => ({ key, parent }), null);
  const stack: [unknown, PathLink | null][] = [[input, root]];
  while (stack.length) {
    const [value, link] = stack.pop()!;
    if (typeof value === 'string') {
      const report = check(value);
      if (report) problems.push(report(pathOf(link)));
    } else if (Array.isArray(value)) {
      for (let index = value.length - 1; index >= 0; index--) stack.push([value[index], { key: index, parent: link }]);
    } else if (value && typeof value === 'object') {
      for (const [key, item] of Object.entries(value).reverse()) stack.push([item, { key, parent: link }]);
    }
  }
  return problems;
}

function nameOf(at: (string | number)[]): string {
  return at.length ? at.join('.') : 'The value';
}

function pathOf(link: PathLink | null): (string | number)[] {
  const keys: (string | number)[] = [];
  for (let at = link; at; at = at.parent) keys.push(at.key);
  return keys.reverse();
}
