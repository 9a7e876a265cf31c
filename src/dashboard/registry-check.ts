/** The registry check form: starts a check (Veriff), shows the decision, keeps only the ID number's last four. */
import { RegistryCheckDocument, ValidateRegistryDocument } from '../../client/src/index.js';
import type { DashboardRegistryCheckFragment } from '../../client/src/index.js';
import { $, badge, formatInstant, h, showError } from './dom.js';
import type { FormField } from './field-errors.js';
import { clearFieldErrors, reportInputError } from './field-errors.js';
import { gateway } from './gateway-client.js';

export type RegistryCheck = DashboardRegistryCheckFragment;

let current: RegistryCheck | null = null;

/** The API's names for the form's fields, and the labels the form shows. */
const LABELS: Record<string, string> = { idNumber: 'ID number', firstName: 'First name', lastName: 'Last name', dateOfBirth: 'Date of birth', fullName: 'Name' };
const FIELD_IDS: Record<string, string> = {
  idNumber: 'registry-id-number',
  firstName: 'registry-first-name',
  lastName: 'registry-last-name',
  // The form asks for first and last name; a problem with "the name" belongs under the first.
  fullName: 'registry-first-name',
  dateOfBirth: 'registry-date-of-birth',
};

function registryField(path: readonly string[]): FormField | null {
  const name = path.length === 1 ? path[0]! : '';
  const element = FIELD_IDS[name] ? document.getElementById(FIELD_IDS[name]!) : null;
  return element ? { element, label: LABELS[name]! } : null;
}

function render(): void {
  if (!current) return;
  const check = current;
  const target = $('registry-result');
  target.className = check.status === 'APPROVED' ? 'ok' : check.status === 'PENDING' ? '' : 'error';
  target.replaceChildren(
    h('p', {}, 'Check ', h('code', {}, check.sessionId), ': ', badge(check.status), check.idNumberLast4 ? ` (ID ending ${check.idNumberLast4})` : ''),
    check.status === 'PENDING'
      ? h('p', {}, 'Waiting for the registry decision…')
      : h('p', {}, `Decided ${formatInstant(check.decidedAt)}${check.reason ? `: ${check.reason}` : ''}${check.code ? ` (code ${check.code})` : ''}.`),
  );
}

/** The decision arrived as a live event. */
export function showDecision(check: RegistryCheck): void {
  if (current?.id !== check.id) return;
  current = check;
  render();
}

async function submit(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const form = event.target as HTMLFormElement;
  const fields = new FormData(form);
  const text = (name: string) => String(fields.get(name) ?? '').trim();
  const input = { idNumber: text('idNumber'), firstName: text('firstName'), lastName: text('lastName'), dateOfBirth: text('dateOfBirth') };
  // The ID number is not kept on the page, whatever the answer (or none: the gateway down, the key refused).
  (form.elements.namedItem('idNumber') as HTMLInputElement).value = '';
  clearFieldErrors(form);
  try {
    const { validateRegistry: answer } = await gateway.request(ValidateRegistryDocument, { input });
    if (answer.__typename === 'InputError') return reportInputError($('registry-result'), answer, form, registryField, LABELS, 'The check was not started');
    if (answer.__typename !== 'ValidateRegistrySuccess') return showError($('registry-result'), answer);
    current = answer.registryCheck;
    render();
    void poll(answer.registryCheck.id);
  } catch (error) {
    showError($('registry-result'), error);
  }
}

/** The decision also arrives as a live event; polling covers a dropped event stream. */
async function poll(id: string): Promise<void> {
  for (let attempt = 0; attempt < 150 && current?.id === id && current.status === 'PENDING'; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 2000));
    try {
      const { registryCheck: latest } = await gateway.request(RegistryCheckDocument, { id });
      if (latest && current?.id === id) current = latest;
      render();
    } catch (error) {
      showError($('registry-result'), error);
      return;
    }
  }
}

// No one checked today was born after today (the gateway refuses it too, after the round trip).
$('registry-date-of-birth').setAttribute('max', new Date().toISOString().slice(0, 10));
$('registry-form').addEventListener('submit', (event) => void submit(event as SubmitEvent));
