/** The evidence form: opens ready to cover the request's claims, says what each option covers, submits. */
import { SubmitEvidenceDocument, VerificationMatrixDocument } from '../../client/src/index.js';
import type { VerificationClaim } from '../../client/src/index.js';
import { $, h, showError, showOk } from './dom.js';
import type { MatrixEntry } from './evidence-options.js';
import { coveredBy, defaultEvidence, describeEntry } from './evidence-options.js';
import type { FieldProblem, FormField } from './field-errors.js';
import { clearFieldErrors, reportInputError } from './field-errors.js';
import { gateway } from './gateway-client.js';
import type { Request } from './requests.js';
import { upsertRequest } from './requests.js';

interface EvidenceItem {
  entry: number;
  claims: VerificationClaim[];
  externalId: string;
  verifiedOn: string;
}

let form: { request: Request; matrix: MatrixEntry[]; items: EvidenceItem[] } | null = null;
/** Only the latest opened form may fill itself in when its matrix arrives. */
let opened = 0;
/** The request the form was opened for: its row's button gets the focus back when the form closes. */
let openedFor: string | null = null;

const today = () => new Date().toISOString().slice(0, 10);

/** The API's names for the evidence fields, as the form labels them. */
const LABELS: Record<string, string> = { externalId: 'Your reference', verifiedAt: 'Verified on', method: 'Method', proof: 'Proof', claims: 'Claims' };

/** The form field an error path (verifications.N.field...) names, or null for a problem of the whole input. */
function evidenceField(path: readonly string[]): FormField | null {
  const [list, index, name] = path;
  if (list !== 'verifications' || index === undefined || !/^\d+$/.test(index)) return null;
  const id = `evidence-${index}`;
  const ids: Record<string, [string, string]> = {
    externalId: [`${id}-reference`, 'Your reference'],
    verifiedAt: [`${id}-date`, 'Verified on'],
    method: [`${id}-kind`, 'Method and proof'],
    proof: [`${id}-kind`, 'Method and proof'],
    claims: [`${id}-claims`, 'Claims'],
  };
  const [elementId, label] = ids[name ?? ''] ?? [`${id}-kind`, `Evidence ${Number(index) + 1}`];
  const element = document.getElementById(elementId);
  return element ? { element, label } : null;
}

export async function openEvidenceForm(request: Request): Promise<void> {
  const mine = ++opened;
  const section = $('evidence');
  openedFor = request.id;
  section.hidden = false;
  // Shown once the matrix is here: before (or without) it there is nothing to fill in.
  $('evidence-fields').hidden = true;
  $('evidence-for').textContent = `${request.contactHandle}: the registry asks for ${request.claims.join(', ')}.`;
  $('evidence-result').replaceChildren();
  try {
    const { verificationMatrix } = await gateway.request(VerificationMatrixDocument, { claims: request.claims });
    if (mine !== opened) return;
    const items = defaultEvidence(verificationMatrix, request.claims).map((choice) => ({ ...choice, externalId: '', verifiedOn: today() }));
    form = { request, matrix: verificationMatrix, items };
    $('evidence-fields').hidden = false;
    render();
    section.scrollIntoView({ block: 'start' });
    section.querySelector('select')?.focus();
  } catch (error) {
    if (mine === opened) showError($('evidence-result'), error);
  }
}

function render(): void {
  if (!form) return;
  const { request, matrix, items } = form;
  const fieldsets = items.map((item, index) => {
    const entry = matrix[item.entry];
    if (!entry) return null;
    const offered = coveredBy(entry, request.claims);
    item.claims = item.claims.filter((claim) => offered.includes(claim));
    const id = `evidence-${index}`;
    return h(
      'fieldset',
      {},
      h('legend', {}, `Evidence ${index + 1}`),
      h('label', { for: `${id}-kind` }, 'Method and proof'),
      h(
        'select',
        {
          id: `${id}-kind`,
          'aria-describedby': `${id}-covers`,
          onchange: (event) => {
            item.entry = Number((event.target as HTMLSelectElement).value);
            const chosen = matrix[item.entry];
            // A new kind starts with what it can attest ticked (one claim for LOG_RECORD).
            item.claims = chosen ? coveredBy(chosen, request.claims).slice(0, chosen.exclusiveClaims ? 1 : undefined) : [];
            render();
          },
        },
        ...matrix.map((option, optionIndex) => h('option', { value: String(optionIndex), selected: optionIndex === item.entry }, describeEntry(option, request.claims))),
      ),
      // A closed select shows only as much of its option as fits (on a 390 px phone, not the claims): said again in full.
      h('p', { id: `${id}-covers`, class: 'evidence-covers' }, describeEntry(entry, request.claims)),
      h(
        'fieldset',
        { id: `${id}-claims`, class: 'claims' },
        h('legend', {}, entry.exclusiveClaims ? 'Claim (one per piece of evidence)' : 'Claims'),
        ...offered.map((claim) =>
          h(
            'label',
            {},
            h('input', {
              type: entry.exclusiveClaims ? 'radio' : 'checkbox',
              name: `${id}-claims`,
              value: claim,
              checked: item.claims.includes(claim),
              onchange: (event) => {
                const input = event.target as HTMLInputElement;
                if (entry.exclusiveClaims) item.claims = [claim];
                // In the request's order, whatever order they were ticked in.
                else item.claims = offered.filter((other) => (other === claim ? input.checked : item.claims.includes(other)));
                renderCoverage();
              },
            }),
            ` ${claim}`,
          ),
        ),
      ),
      h('label', { for: `${id}-reference` }, 'Your reference (external id)'),
      h('input', { id: `${id}-reference`, required: true, maxlength: '255', value: item.externalId, oninput: (event) => (item.externalId = (event.target as HTMLInputElement).value) }),
      h('label', { for: `${id}-date` }, 'Verified on'),
      // Evidence is verified in the past: a year typed wrong (2062) is caught here rather than sent.
      h('input', { id: `${id}-date`, type: 'date', required: true, max: today(), value: item.verifiedOn, oninput: (event) => (item.verifiedOn = (event.target as HTMLInputElement).value) }),
      items.length > 1 ? h('button', { type: 'button', onclick: () => removeEvidence(index) }, `Remove evidence ${index + 1}`) : null,
    );
  });
  $('evidence-items').replaceChildren(...fieldsets.filter((fieldset): fieldset is HTMLElement => fieldset !== null));
  renderCoverage();
}

/** The requested claims no piece of evidence has ticked yet. */
function missingClaims(): VerificationClaim[] {
  if (!form) return [];
  const ticked = new Set(form.items.flatMap((item) => item.claims));
  return form.request.claims.filter((claim) => !ticked.has(claim));
}

/** Removes a piece; the focus, which was on its (now gone) button, goes to the piece before it, or the first. */
function removeEvidence(index: number): void {
  form?.items.splice(index, 1);
  render();
  document.getElementById(`evidence-${Math.max(0, index - 1)}-kind`)?.focus();
}

function renderCoverage(): void {
  if (!form) return;
  const covering = (claim: VerificationClaim) => form!.items.flatMap((item, index) => (item.claims.includes(claim) ? [`evidence ${index + 1}`] : []));
  const lines = form.request.claims.map((claim) => {
    const by = covering(claim);
    return by.length ? `${claim}: covered by ${by.join(', ')}` : `${claim}: still missing`;
  });
  const missing = missingClaims();
  // The gateway refuses a piece that attests nothing (EMPTY), whatever the others cover: said here, before sending.
  const empty = form.items.flatMap((item, index) => (item.claims.length === 0 ? [`Evidence ${index + 1}`] : []));
  const problems = [
    missing.length ? `Still missing: ${missing.join(', ')}.` : 'Every requested claim is covered.',
    empty.length ? `${empty.join(', ')} attest${empty.length === 1 ? 's' : ''} no claim: tick one or remove it.` : '',
  ];
  $('evidence-coverage').textContent = `${lines.join('; ')}. ${problems.filter(Boolean).join(' ')}`;
  ($('evidence-submit') as HTMLButtonElement).disabled = missing.length > 0 || empty.length > 0;
}

async function submit(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  if (!form) return;
  const { request, matrix, items } = form;
  const result = $('evidence-result');
  clearFieldErrors($('evidence-items'));
  result.replaceChildren();
  const verifications = items.map((item) => {
    const entry = matrix[item.entry]!;
    return { method: entry.method, proof: entry.proof, claims: item.claims, externalId: item.externalId.trim(), verifiedAt: `${item.verifiedOn}T00:00:00Z` };
  });
  try {
    const { submitContactVerification: answer } = await gateway.request(SubmitEvidenceDocument, {
      input: { handle: request.contactHandle, customer: request.customer, requestId: request.id, verifications },
    });
    if (answer.__typename === 'InputError') return reportInputError(result, { ...answer, fieldErrors: withoutConsequences(answer.fieldErrors) }, $('evidence-items'), evidenceField, LABELS, 'The evidence was not sent');
    if (answer.__typename !== 'SubmitContactVerificationSuccess') return showError(result, answer);
    upsertRequest(answer.request ?? { ...request, status: 'SUBMITTED' });
    form = null;
    $('evidence-fields').hidden = true;
    showOk(result, `Submitted for ${request.contactHandle}.${answer.async ? ` The provider finishes it asynchronously (process ${answer.processId ?? 'unknown'}).` : ''}`);
    // The button that had the focus is gone with the fields: the focus goes to what happened.
    result.focus();
  } catch (error) {
    showError(result, error);
  }
}

/**
 * The form only submits once every requested claim is ticked, so a CLAIMS_NOT_COVERED beside a piece's own problem
 * only says that the refused piece covers nothing: left out, it would contradict the form's "every claim is covered".
 */
function withoutConsequences(problems: readonly FieldProblem[]): FieldProblem[] {
  const own = problems.filter((problem) => problem.code !== 'CLAIMS_NOT_COVERED');
  return own.length ? own : [...problems];
}

$('evidence-form').addEventListener('submit', (event) => void submit(event as SubmitEvent));
$('evidence-add').addEventListener('click', () => {
  if (!form) return;
  // A new piece starts on the evidence that best covers what is still missing (or, when nothing is, the request's
  // claims), with those claims ticked: never on a piece that attests nothing, which the gateway refuses.
  const missing = missingClaims();
  const [choice] = defaultEvidence(form.matrix, missing.length ? missing : form.request.claims);
  form.items.push({ entry: choice?.entry ?? 0, claims: choice?.claims ?? [], externalId: '', verifiedOn: today() });
  render();
  // A keyboard user goes on with the new piece, not from the button above it.
  document.getElementById(`evidence-${form.items.length - 1}-kind`)?.focus();
});
$('evidence-cancel').addEventListener('click', () => {
  form = null;
  opened++;
  $('evidence').hidden = true;
  // Back to where the operator was: the request's row (its button, when it still takes evidence).
  document.querySelector<HTMLElement>(`#requests tr[data-request-id="${CSS.escape(openedFor ?? '')}"] button`)?.focus();
});
