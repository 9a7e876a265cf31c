/**
 * An InputError's field errors where a person looks for them: each under the field its path names, in that field's
 * words (its label, not the API's name for it), the field marked invalid for screen readers and the first one focused.
 * Problems that name no field of the form are returned for the form's result.
 */
import type { ErrorResult } from './dom.js';
import { h } from './dom.js';

export type FieldProblem = NonNullable<ErrorResult['fieldErrors']>[number];

/** A form field an error path can name: the element to mark and the label the person sees beside it. */
export interface FormField {
  element: HTMLElement;
  label: string;
}

const ERROR_CLASS = 'field-error';

/** Removes what showFieldErrors added to the form. */
export function clearFieldErrors(form: HTMLElement): void {
  for (const message of form.querySelectorAll(`.${ERROR_CLASS}`)) message.remove();
  for (const field of form.querySelectorAll('[aria-invalid="true"]')) {
    field.removeAttribute('aria-invalid');
    const described = (field.getAttribute('aria-describedby') ?? '').split(' ').filter((id) => id && !id.endsWith('-error'));
    if (described.length) field.setAttribute('aria-describedby', described.join(' '));
    else field.removeAttribute('aria-describedby');
  }
}

/**
 * Puts each problem under the field `locate` finds for its path and focuses the first such field; returns the
 * problems no field was found for. `labels` maps the API's field names to the form's labels, so a message such as
 * "dateOfBirth cannot be in the future." reads "Date of birth cannot be in the future.".
 */
export function showFieldErrors(
  form: HTMLElement,
  problems: readonly FieldProblem[],
  locate: (path: readonly string[]) => FormField | null,
  labels: Record<string, string>,
): FieldProblem[] {
  clearFieldErrors(form);
  const unplaced: FieldProblem[] = [];
  let first: HTMLElement | null = null;
  for (const problem of problems) {
    const field = locate(problem.path);
    if (!field) {
      unplaced.push(problem);
      continue;
    }
    const id = `${field.element.id}-error`;
    const text = inWords(problem, field, labels);
    const existing = document.getElementById(id);
    if (existing) existing.append(` ${text}`);
    // After the field, outside any label wrapping it: inside, it would become part of the field's name.
    else (field.element.closest('label') ?? field.element).after(h('p', { id, class: `${ERROR_CLASS} error` }, text));
    field.element.setAttribute('aria-invalid', 'true');
    const described = new Set((field.element.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean));
    described.add(id);
    field.element.setAttribute('aria-describedby', [...described].join(' '));
    first ??= field.element;
  }
  first?.focus();
  return unplaced;
}

/** A problem in the form's words: "Fill this in." for a missing value, otherwise the message with labels for names. */
export function inWords(problem: FieldProblem, field: FormField | null, labels: Record<string, string>): string {
  if (problem.code === 'REQUIRED' && field) return `${field.label}: fill this in.`;
  let text = problem.message;
  for (const [name, label] of Object.entries(labels)) text = text.replace(new RegExp(`\\b${name}\\b`, 'g'), label);
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * An InputError answered for a form: its problems under their fields (showFieldErrors), and in the result element
 * what was not done, with the problems that name no field listed.
 */
export function reportInputError(
  result: HTMLElement,
  error: ErrorResult,
  form: HTMLElement,
  locate: (path: readonly string[]) => FormField | null,
  labels: Record<string, string>,
  notDone: string,
): void {
  const problems = error.fieldErrors ?? [];
  const unplaced = showFieldErrors(form, problems, locate, labels);
  const placed = problems.length - unplaced.length;
  result.className = 'error';
  result.replaceChildren(h('p', {}, placed ? `${notDone}: correct the field${placed === 1 ? '' : 's'} marked above.` : `${notDone}.`));
  if (unplaced.length) result.append(h('ul', {}, ...unplaced.map((problem) => h('li', {}, inWords(problem, null, labels)))));
}
