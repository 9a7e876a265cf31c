// @ts-check
/**
 * The reference dashboard: plain browser JS over the gateway's public GraphQL API (no framework, no build step).
 * The operations come from examples/operations/*.graphql through `npm run codegen` (generated-operations.js), and
 * their result and variable types from examples/generated/graphql.ts, so `tsc -p src/dashboard` checks this file
 * against the schema.
 */
import {
  EmailVerificationsDocument,
  OpenVerificationRequestsDocument,
  ProvidersDocument,
  RegistryCheckDocument,
  ResendEmailDocument,
  SubmitEvidenceDocument,
  ValidateRegistryDocument,
  VerificationEventsDocument,
  VerificationMatrixDocument,
} from './generated-operations.js';

/** @typedef {import('../../examples/generated/graphql.js').DashboardRequestFragment} Request */
/** @typedef {import('../../examples/generated/graphql.js').DashboardEmailVerificationFragment} EmailRow */
/** @typedef {import('../../examples/generated/graphql.js').DashboardRegistryCheckFragment} RegistryCheck */
/** @typedef {import('../../examples/generated/graphql.js').VerificationMatrixQuery['verificationMatrix'][number]} MatrixEntry */
/** @typedef {import('../../examples/generated/graphql.js').VerificationClaim} Claim */
/** @typedef {import('../../examples/generated/graphql.js').VerificationEventsSubscription['verificationEvents']} LiveEvent */
/** @typedef {{ message: string; extensions?: { code?: string; provider?: string } }} GraphQLErrorBody */
/** @typedef {{ message: string; fieldErrors?: { path: string[]; code: string; message: string }[]; retryable?: boolean; retryAfterSeconds?: number | null }} ErrorResult */

const ENDPOINT = '/graphql';
const KEY_STORAGE = 'verification-gateway-api-key';

// ------------------------------------------------------------------ GraphQL over HTTP and SSE

/** A GraphQL response with errors; `data` holds whatever partial data came with them. */
class GraphQLRequestError extends Error {
  /** @param {GraphQLErrorBody[]} errors @param {unknown} data */
  constructor(errors, data) {
    super(errors.map((error) => (error.extensions?.code ? `${error.extensions.code}: ${error.message}` : error.message)).join('; '));
    this.data = data;
  }
}

function headers(/** @type {string} */ accept) {
  /** @type {Record<string, string>} */
  const result = { 'content-type': 'application/json', accept };
  const key = sessionStorage.getItem(KEY_STORAGE);
  if (key) result.authorization = `Bearer ${key}`;
  return result;
}

/**
 * @template R, V
 * @param {import('./generated-operations.js').Operation<R, V>} operation
 * @param {V} variables
 * @returns {Promise<R>}
 */
async function graphql(operation, variables) {
  const response = await fetch(ENDPOINT, {
    method: 'POST',
    headers: headers('application/graphql-response+json, application/json'),
    body: JSON.stringify({ query: operation, variables }),
  });
  /** @type {{ data?: R | null; errors?: GraphQLErrorBody[] } | null} */
  const body = await response.json().catch(() => null);
  if (!body) throw new Error(`The gateway answered HTTP ${response.status} without a GraphQL body.`);
  if (body.errors?.length) throw new GraphQLRequestError(body.errors, body.data);
  if (!body.data) throw new Error(`The gateway answered HTTP ${response.status} without data.`);
  return body.data;
}

/** @param {string} text @returns {any} JSON, or null when it is not */
function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/**
 * Server-sent events from a fetch body: yields { event, data } per message (comments and keep-alives skipped).
 * @param {ReadableStream<Uint8Array>} stream
 */
async function* readServerSentEvents(stream) {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        const colon = line.indexOf(':');
        if (colon === 0) continue;
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') event = value;
        if (field === 'data') data.push(value);
      }
      if (data.length || event !== 'message') yield { event, data: data.join('\n') };
    }
  }
}

/**
 * GraphQL over SSE (distinct connections: one POST per subscription), reconnecting with backoff. `variables` is
 * called on every (re)connect, so a resume point (`after`) is always current. Returns a function that stops it.
 * @template R, V
 * @param {import('./generated-operations.js').Operation<R, V>} operation
 * @param {() => V} variables
 * @param {{ next(data: R): void; state(state: 'connecting' | 'live' | 'reconnecting', detail?: string): void }} sink
 */
function subscribe(operation, variables, sink) {
  const controller = new AbortController();
  (async () => {
    for (let attempt = 0; !controller.signal.aborted; attempt++) {
      sink.state(attempt === 0 ? 'connecting' : 'reconnecting');
      try {
        const response = await fetch(ENDPOINT, {
          method: 'POST',
          headers: headers('text/event-stream'),
          body: JSON.stringify({ query: operation, variables: variables() }),
          signal: controller.signal,
        });
        if (!response.ok || !response.body || !response.headers.get('content-type')?.includes('text/event-stream')) {
          const text = await response.text();
          /** @type {{ errors?: GraphQLErrorBody[] } | null} */
          const body = parseJson(text);
          if (body?.errors?.length) throw new GraphQLRequestError(body.errors, null);
          throw new Error(`HTTP ${response.status}: ${text.slice(0, 200)}`);
        }
        sink.state('live');
        attempt = 0;
        for await (const message of readServerSentEvents(response.body)) {
          if (message.event === 'complete') break;
          if (message.event !== 'next') continue;
          /** @type {{ data?: R; errors?: GraphQLErrorBody[] }} */
          const payload = JSON.parse(message.data);
          if (payload.errors?.length) throw new GraphQLRequestError(payload.errors, payload.data);
          if (payload.data) sink.next(payload.data);
        }
        if (!controller.signal.aborted) sink.state('reconnecting', 'the server ended the stream');
      } catch (error) {
        if (controller.signal.aborted) return;
        sink.state('reconnecting', error instanceof Error ? error.message : String(error));
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(30_000, 500 * 2 ** Math.min(attempt, 6))));
    }
  })();
  return () => controller.abort();
}

// ------------------------------------------------------------------ small DOM helpers

/** @param {string} id */
function $(id) {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from the page`);
  return element;
}

/**
 * An element with attributes and children (text is always set as text, never parsed as HTML).
 * @param {string} tag
 * @param {Record<string, string | boolean | ((event: Event) => void)>} [attributes]
 * @param {(Node | string | null | undefined | false)[]} children
 */
function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (typeof value === 'function') element.addEventListener(name.replace(/^on/, ''), value);
    else if (value === true) element.setAttribute(name, '');
    else if (value !== false) element.setAttribute(name, value);
  }
  for (const child of children) if (child) element.append(child);
  return element;
}

/** @param {string | null | undefined} iso */
const formatInstant = (iso) => (iso ? `${new Date(iso).toISOString().slice(0, 16).replace('T', ' ')} UTC` : '—');

/** "2d 04:05:06 left" / "overdue by 3h 02m" */
function formatTimeLeft(/** @type {number} */ milliseconds) {
  const total = Math.floor(Math.abs(milliseconds) / 1000);
  const days = Math.floor(total / 86_400);
  const [hours, minutes, seconds] = [Math.floor(total / 3600) % 24, Math.floor(total / 60) % 60, total % 60].map((n) => String(n).padStart(2, '0'));
  const span = `${days ? `${days}d ` : ''}${hours}:${minutes}:${seconds}`;
  return milliseconds >= 0 ? `${span} left` : `overdue by ${span}`;
}

/** Shows an error result (InputError field errors, provider retry hints) or a thrown error in a status element. */
function showError(/** @type {HTMLElement} */ target, /** @type {unknown} */ error) {
  target.replaceChildren();
  target.className = 'error';
  if (error instanceof Error) return void target.append(error.message);
  const result = /** @type {ErrorResult & { __typename?: string }} */ (error);
  target.append(h('p', {}, `${result.__typename ?? 'Error'}: ${result.message}`));
  if (result.retryable) target.append(h('p', {}, `You may retry${result.retryAfterSeconds ? ` in ${result.retryAfterSeconds} s` : ''}.`));
  if (result.fieldErrors?.length) {
    target.append(h('ul', {}, ...result.fieldErrors.map((problem) => h('li', {}, `${problem.path.join('.')}: ${problem.message} (${problem.code})`))));
  }
}

function showOk(/** @type {HTMLElement} */ target, /** @type {string} */ text) {
  target.className = 'ok';
  target.replaceChildren(text);
}

// ------------------------------------------------------------------ verification requests

/** @type {Map<string, Request>} */
const requests = new Map();

/** @param {Request} request */
function earliestDeadline(request) {
  const deadlines = [request.deDelegationDeadline, request.deletionDeadline].filter((value) => !!value).map((value) => Date.parse(/** @type {string} */ (value)));
  return deadlines.length ? Math.min(...deadlines) : null;
}

/** Submitted last; otherwise soonest deadline first (none last), then received first: the gateway's order. */
function compareRequests(/** @type {Request} */ a, /** @type {Request} */ b) {
  const done = Number(a.status === 'SUBMITTED') - Number(b.status === 'SUBMITTED');
  const [da, db] = [earliestDeadline(a) ?? Infinity, earliestDeadline(b) ?? Infinity];
  return done || da - db || Date.parse(a.receivedAt) - Date.parse(b.receivedAt) || a.id.localeCompare(b.id);
}

function renderRequests() {
  const rows = [...requests.values()].sort(compareRequests).map((request) => {
    const deadline = earliestDeadline(request);
    const domain = request.deDelegationDeadline && Date.parse(request.deDelegationDeadline) === deadline ? request.deDelegationDomain : request.deletionDomain;
    const open = request.status !== 'SUBMITTED';
    return h(
      'tr',
      { 'data-request-id': request.id, 'data-status': request.status },
      h('td', {}, h('strong', {}, request.contactHandle), request.customer ? h('span', { class: 'meta' }, ` ${request.customer}`) : null),
      h('td', {}, request.claims.join(', ')),
      h('td', {}, deadline === null ? '—' : `${formatInstant(new Date(deadline).toISOString())}${domain ? ` (${domain})` : ''}`),
      h('td', {}, deadline === null || !open ? '—' : h('time', { 'data-deadline': String(deadline), datetime: new Date(deadline).toISOString() }, formatTimeLeft(deadline - Date.now()))),
      h('td', {}, h('span', { class: `badge ${request.status.toLowerCase()}` }, request.status)),
      h('td', {}, open ? h('button', { type: 'button', 'aria-label': `Submit evidence for ${request.contactHandle}`, onclick: () => void openEvidenceForm(request) }, 'Submit evidence') : null),
    );
  });
  $('requests').querySelector('tbody')?.replaceChildren(...rows);
  $('requests-empty').hidden = rows.length > 0;
  $('requests-count').textContent = `(${[...requests.values()].filter((request) => request.status !== 'SUBMITTED').length} open)`;
}

function tickCountdowns() {
  for (const element of document.querySelectorAll('time[data-deadline]')) {
    element.textContent = formatTimeLeft(Number(element.getAttribute('data-deadline')) - Date.now());
  }
}

async function loadRequests() {
  const errorBox = $('requests-error');
  try {
    const data = await graphql(OpenVerificationRequestsDocument, {});
    // Keep requests submitted in this session (shown as SUBMITTED); the rest is what the gateway says is open now.
    for (const [id, request] of requests) if (request.status !== 'SUBMITTED') requests.delete(id);
    for (const { node } of data.verificationRequests?.edges ?? []) requests.set(node.id, node);
    errorBox.hidden = true;
  } catch (error) {
    errorBox.hidden = false;
    errorBox.textContent = `Could not load verification requests: ${error instanceof Error ? error.message : String(error)}`;
  }
  renderRequests();
  if (!errorBox.hidden) $('requests-empty').hidden = true;
}

// ------------------------------------------------------------------ evidence form

/** @typedef {{ entry: number; claims: Claim[]; externalId: string; verifiedOn: string }} EvidenceItem */
/** @type {{ request: Request; matrix: MatrixEntry[]; items: EvidenceItem[] } | null} */
let evidence = null;

/** Claims an entry may attest that the request asked for. */
const offeredClaims = (/** @type {MatrixEntry} */ entry, /** @type {Request} */ request) => entry.claims.filter((claim) => request.claims.includes(claim));

let evidenceOpenedCount = 0;

/** @param {Request} request */
async function openEvidenceForm(request) {
  const opened = ++evidenceOpenedCount;
  const section = $('evidence');
  section.hidden = false;
  $('evidence-fields').hidden = false;
  $('evidence-for').textContent = `${request.contactHandle}: the registry asks for ${request.claims.join(', ')}.`;
  $('evidence-result').replaceChildren();
  try {
    const { verificationMatrix } = await graphql(VerificationMatrixDocument, { claims: request.claims });
    if (opened !== evidenceOpenedCount) return; // another request's form was opened meanwhile
    const today = new Date().toISOString().slice(0, 10);
    evidence = { request, matrix: verificationMatrix, items: [{ entry: 0, claims: [], externalId: '', verifiedOn: today }] };
    renderEvidence();
    section.querySelector('select')?.focus();
  } catch (error) {
    showError($('evidence-result'), error);
  }
}

function renderEvidence() {
  if (!evidence) return;
  const { request, matrix, items } = evidence;
  const fieldsets = items.map((item, index) => {
    const entry = matrix[item.entry];
    if (!entry) return null;
    const offered = offeredClaims(entry, request);
    item.claims = item.claims.filter((claim) => offered.includes(claim));
    const id = `evidence-${index}`;
    return h(
      'fieldset',
      {},
      h('legend', {}, `Evidence ${index + 1}`),
      h('label', { for: `${id}-kind` }, 'Method and proof'),
      h(
        'select',
        { id: `${id}-kind`, onchange: (event) => ((item.entry = Number(/** @type {HTMLSelectElement} */ (event.target).value)), (item.claims = []), renderEvidence()) },
        ...matrix.map((option, optionIndex) =>
          h('option', { value: String(optionIndex), selected: optionIndex === item.entry }, `${option.method} · ${option.proof}${option.exclusiveClaims ? ' (one claim each)' : ''}`),
        ),
      ),
      h(
        'fieldset',
        { class: 'claims' },
        h('legend', {}, entry.exclusiveClaims ? 'Claim (one per verification)' : 'Claims'),
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
                const input = /** @type {HTMLInputElement} */ (event.target);
                if (entry.exclusiveClaims) item.claims = [claim];
                else item.claims = input.checked ? [...item.claims, claim] : item.claims.filter((other) => other !== claim);
                renderCoverage();
              },
            }),
            ` ${claim}`,
          ),
        ),
      ),
      h('label', { for: `${id}-reference` }, 'Your reference (external id)'),
      h('input', { id: `${id}-reference`, required: true, maxlength: '255', value: item.externalId, oninput: (event) => (item.externalId = /** @type {HTMLInputElement} */ (event.target).value) }),
      h('label', { for: `${id}-date` }, 'Verified on'),
      h('input', { id: `${id}-date`, type: 'date', required: true, value: item.verifiedOn, oninput: (event) => (item.verifiedOn = /** @type {HTMLInputElement} */ (event.target).value) }),
      items.length > 1 ? h('button', { type: 'button', onclick: () => (items.splice(index, 1), renderEvidence()) }, `Remove evidence ${index + 1}`) : null,
    );
  });
  $('evidence-items').replaceChildren(...fieldsets.filter((fieldset) => fieldset !== null));
  renderCoverage();
}

function renderCoverage() {
  if (!evidence) return;
  const covered = new Set(evidence.items.flatMap((item) => item.claims));
  const missing = evidence.request.claims.filter((claim) => !covered.has(claim));
  $('evidence-coverage').textContent = missing.length ? `Still missing: ${missing.join(', ')}.` : 'Every requested claim is covered.';
  /** @type {HTMLButtonElement} */ ($('evidence-submit')).disabled = missing.length > 0;
}

async function submitEvidence(/** @type {SubmitEvent} */ event) {
  event.preventDefault();
  if (!evidence) return;
  const { request, matrix, items } = evidence;
  const result = $('evidence-result');
  const verifications = items.map((item) => {
    const entry = /** @type {MatrixEntry} */ (matrix[item.entry]);
    return { method: entry.method, proof: entry.proof, claims: item.claims, externalId: item.externalId.trim(), verifiedAt: `${item.verifiedOn}T00:00:00Z` };
  });
  try {
    const { submitContactVerification: answer } = await graphql(SubmitEvidenceDocument, {
      input: { handle: request.contactHandle, customer: request.customer, requestId: request.id, verifications },
    });
    if (answer.__typename !== 'SubmitContactVerificationSuccess') return showError(result, answer);
    requests.set(request.id, answer.request ?? { ...request, status: 'SUBMITTED' });
    renderRequests();
    evidence = null;
    $('evidence-fields').hidden = true;
    showOk(result, `Submitted for ${request.contactHandle}.${answer.async ? ` The provider finishes it asynchronously (process ${answer.processId ?? 'unknown'}).` : ''}`);
  } catch (error) {
    showError(result, error);
  }
}

// ------------------------------------------------------------------ email verification

/** @type {Map<string, EmailRow>} */
const emails = new Map();

function renderEmails() {
  const rows = [...emails.values()].map((row) =>
    h(
      'tr',
      { 'data-email-id': row.id },
      h('td', {}, row.email, h('span', { class: 'meta' }, ` ${[row.handle, row.domain].filter(Boolean).join(' · ')}`)),
      h('td', {}, row.provider),
      h('td', { title: `provider status: ${row.providerStatus}` }, h('span', { class: `badge ${row.status.toLowerCase()}` }, row.status), row.failureReason ? ` ${row.failureReason}` : '', row.suspended ? ' (domains suspended)' : ''),
      h('td', {}, formatInstant(row.expiresAt)),
      h('td', {}, row.status === 'VERIFIED' ? null : h('button', { type: 'button', 'aria-label': `Resend the verification email to ${row.email}`, onclick: () => void resendEmail(row) }, 'Resend')),
    ),
  );
  $('emails').querySelector('tbody')?.replaceChildren(...rows);
}

async function loadEmails() {
  const errorBox = $('email-error');
  /** @type {import('../../examples/generated/graphql.js').EmailVerificationsQuery | null} */
  let data = null;
  try {
    data = await graphql(EmailVerificationsDocument, {});
    errorBox.hidden = true;
  } catch (error) {
    errorBox.hidden = false;
    errorBox.textContent = `Could not load email verifications: ${error instanceof Error ? error.message : String(error)}`;
    if (error instanceof GraphQLRequestError) data = /** @type {typeof data} */ (error.data);
  }
  emails.clear();
  for (const { node } of data?.emailVerifications?.edges ?? []) emails.set(node.id, node);
  renderEmails();
}

async function resendEmail(/** @type {EmailRow} */ row) {
  const result = $('email-result');
  try {
    const { resendEmailVerification: answer } = await graphql(ResendEmailDocument, { input: { provider: row.provider, email: row.email, handle: row.handle } });
    if (answer.__typename !== 'ResendEmailVerificationSuccess') return showError(result, answer);
    if (answer.emailVerification) emails.set(answer.emailVerification.id, answer.emailVerification);
    renderEmails();
    showOk(result, `Verification email sent again to ${row.email}.`);
  } catch (error) {
    showError(result, error);
  }
}

// ------------------------------------------------------------------ registry check

/** @type {RegistryCheck | null} */
let registryCheck = null;

function renderRegistryCheck() {
  if (!registryCheck) return;
  const check = registryCheck;
  const target = $('registry-result');
  target.className = check.status === 'APPROVED' ? 'ok' : check.status === 'PENDING' ? '' : 'error';
  target.replaceChildren(
    h('p', {}, 'Check ', h('code', {}, check.sessionId), ': ', h('span', { class: `badge ${check.status.toLowerCase()}` }, check.status), check.idNumberLast4 ? ` (ID ending ${check.idNumberLast4})` : ''),
    check.status === 'PENDING' ? h('p', {}, 'Waiting for the registry decision…') : h('p', {}, `Decided ${formatInstant(check.decidedAt)}${check.reason ? `: ${check.reason}` : ''}${check.code ? ` (code ${check.code})` : ''}.`),
  );
}

async function submitRegistryCheck(/** @type {SubmitEvent} */ event) {
  event.preventDefault();
  const form = /** @type {HTMLFormElement} */ (event.target);
  const fields = new FormData(form);
  const text = (/** @type {string} */ name) => String(fields.get(name) ?? '').trim();
  try {
    const { validateRegistry: answer } = await graphql(ValidateRegistryDocument, {
      input: { idNumber: text('idNumber'), firstName: text('firstName'), lastName: text('lastName'), dateOfBirth: text('dateOfBirth') },
    });
    // The ID number is not kept on the page either.
    /** @type {HTMLInputElement} */ (form.elements.namedItem('idNumber')).value = '';
    if (answer.__typename !== 'ValidateRegistrySuccess') return showError($('registry-result'), answer);
    registryCheck = answer.registryCheck;
    renderRegistryCheck();
    void pollRegistryCheck(answer.registryCheck.id);
  } catch (error) {
    showError($('registry-result'), error);
  }
}

/** The decision also arrives as a live event; polling covers a dropped event stream. */
async function pollRegistryCheck(/** @type {string} */ id) {
  for (let attempt = 0; attempt < 150 && registryCheck?.id === id && registryCheck.status === 'PENDING'; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 2000));
    try {
      const { registryCheck: latest } = await graphql(RegistryCheckDocument, { id });
      if (latest && registryCheck?.id === id) registryCheck = latest;
      renderRegistryCheck();
    } catch (error) {
      showError($('registry-result'), error);
      return;
    }
  }
}

// ------------------------------------------------------------------ live events

/** @type {string | null} */
let lastEventId = null;

/** @param {LiveEvent} event */
function applyEvent(event) {
  lastEventId = event.id;
  let summary = '';
  switch (event.__typename) {
    case 'VerificationRequiredEvent':
      requests.set(event.requiredRequest.id, event.requiredRequest);
      summary = `${event.requiredRequest.contactHandle} must verify ${event.requiredRequest.claims.join(', ')}`;
      renderRequests();
      break;
    case 'VerificationSubmittedEvent':
      if (event.submittedRequest) requests.set(event.submittedRequest.id, event.submittedRequest);
      summary = `evidence submitted for ${event.contactHandle}`;
      renderRequests();
      break;
    case 'EmailVerificationChangedEvent':
      emails.set(event.emailVerification.id, event.emailVerification);
      summary = `${event.emailVerification.email}: ${event.previousStatus ?? '?'} → ${event.emailVerification.status}`;
      renderEmails();
      break;
    case 'RegistryCheckDecidedEvent':
      if (registryCheck?.id === event.registryCheck.id) (registryCheck = event.registryCheck), renderRegistryCheck();
      summary = `registry check ${event.registryCheck.sessionId}: ${event.registryCheck.status}`;
      break;
    case 'ProviderNotificationEvent':
      summary = `${event.kind}: ${event.message}`;
      break;
  }
  const list = $('events');
  list.prepend(h('li', {}, h('time', { datetime: event.occurredAt }, formatInstant(event.occurredAt)), ` ${event.provider} ${event.type}`, summary ? ` — ${summary}` : ''));
  while (list.children.length > 25) list.lastElementChild?.remove();
}

// ------------------------------------------------------------------ start

async function loadProviders() {
  try {
    const { providers } = await graphql(ProvidersDocument, {});
    $('providers').replaceChildren(
      ...providers.map((status) => h('li', { class: `badge ${status.mode.toLowerCase()}` }, `${status.provider} ${status.mode}${status.circuit === 'CLOSED' ? '' : ` (circuit ${status.circuit})`}`)),
    );
  } catch (error) {
    $('providers').replaceChildren(h('li', { class: 'error' }, `Providers: ${error instanceof Error ? error.message : String(error)}`));
  }
}

/** @type {() => void} */
let stopEvents = () => {};

function start() {
  stopEvents();
  stopEvents = subscribe(VerificationEventsDocument, () => ({ after: lastEventId }), {
    next: (data) => applyEvent(data.verificationEvents),
    state(state, detail) {
      const live = $('live');
      live.dataset.state = state;
      live.textContent = `Live updates: ${state}${detail ? ` (${detail})` : ''}`;
      // Reload whenever the stream (re)opens: whatever arrived before it opened is then in the list.
      if (state === 'live') void loadRequests();
    },
  });
  void Promise.all([loadProviders(), loadRequests(), loadEmails()]);
}

$('evidence-form').addEventListener('submit', (event) => void submitEvidence(/** @type {SubmitEvent} */ (event)));
$('evidence-add').addEventListener('click', () => {
  evidence?.items.push({ entry: 0, claims: [], externalId: '', verifiedOn: new Date().toISOString().slice(0, 10) });
  renderEvidence();
});
$('evidence-cancel').addEventListener('click', () => ((evidence = null), ($('evidence').hidden = true)));
$('registry-form').addEventListener('submit', (event) => void submitRegistryCheck(/** @type {SubmitEvent} */ (event)));
$('auth-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const key = String(new FormData(/** @type {HTMLFormElement} */ (event.target)).get('apiKey') ?? '').trim();
  if (key) sessionStorage.setItem(KEY_STORAGE, key);
  else sessionStorage.removeItem(KEY_STORAGE);
  start();
});
setInterval(tickCountdowns, 1000);
start();
