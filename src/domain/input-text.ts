import type { FieldProblem } from './field-problem.js';
import { problem } from './field-problem.js';
import { hasControlCharacters } from './handles.js';

/**
 * Every string in an input (objects and lists walked without recursion) that holds control characters or broken
 * UTF-16, as one problem per string pointing at it. Services run it over whatever they send upstream, so a NUL or a
 * line break never reaches a provider's path, query, JSON or SOAP body. The message never quotes the value.
 */
export function controlCharacterProblems(input: unknown, path: (string | number)[] = []): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const stack: [unknown, (string | number)[]][] = [[input, path]];
  while (stack.length) {
    const [value, at] = stack.pop()!;
    if (typeof value === 'string') {
      if (hasControlCharacters(value)) problems.push(problem(at, 'INVALID_FORMAT', `${at.length ? at.join('.') : 'The value'} must not contain control characters.`));
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => stack.push([item, [...at, index]]));
    } else if (value && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) stack.push([item, [...at, key]]);
    }
  }
  return problems.reverse();
}
