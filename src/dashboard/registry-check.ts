/** The registry check form: starts a check (Veriff), shows the decision, keeps only the ID number's last four. */
import { RegistryCheckDocument, ValidateRegistryDocument } from '../../client/src/index.js';
import type { DashboardRegistryCheckFragment } from '../../client/src/index.js';
import { $, badge, formatInstant, h, showError } from './dom.js';
import { gateway } from './gateway-client.js';

export type RegistryCheck = DashboardRegistryCheckFragment;

let current: RegistryCheck | null = null;

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
  try {
    const { validateRegistry: answer } = await gateway.request(ValidateRegistryDocument, {
      input: { idNumber: text('idNumber'), firstName: text('firstName'), lastName: text('lastName'), dateOfBirth: text('dateOfBirth') },
    });
    // The ID number is not kept on the page either.
    (form.elements.namedItem('idNumber') as HTMLInputElement).value = '';
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

$('registry-form').addEventListener('submit', (event) => void submit(event as SubmitEvent));
