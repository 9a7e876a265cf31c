import type { FieldProblem } from './field-problem.js';
import { problem } from './field-problem.js';
import { hasControlCharacters } from './handles.js';

/** A path kept as links to the parent, so walking deep input never copies paths (linear, not quadratic). */
interface PathLink {
  key: string | number;
  parent: PathLink | null;
}

/**
 * Every string in an input (objects and lists walked without recursion) that holds control characters or broken
 * UTF-16, as one problem per string pointing at it. Services run it over whatever they send upstream, so a NUL or a
 * line break never reaches a provider's path, query, JSON or SOAP body. The message never quotes the value.
 */
export function controlCharacterProblems(input: unknown, path: (string | number)[] = []): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const root = path.reduce<PathLink | null>((parent, key) => ({ key, parent }), null);
  const stack: [unknown, PathLink | null][] = [[input, root]];
  while (stack.length) {
    const [value, link] = stack.pop()!;
    if (typeof value === 'string') {
      if (!hasControlCharacters(value)) continue;
      const at = pathOf(link);
      problems.push(problem(at, 'INVALID_FORMAT', `${at.length ? at.join('.') : 'The value'} must not contain control characters.`));
    } else if (Array.isArray(value)) {
      for (let index = value.length - 1; index >= 0; index--) stack.push([value[index], { key: index, parent: link }]);
    } else if (value && typeof value === 'object') {
      for (const [key, item] of Object.entries(value).reverse()) stack.push([item, { key, parent: link }]);
    }
  }
  return problems;
}

function pathOf(link: PathLink | null): (string | number)[] {
  const keys: (string | number)[] = [];
  for (let at = link; at; at = at.parent) keys.push(at.key);
  return keys.reverse();
}
