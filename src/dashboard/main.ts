/**
 * The reference dashboard (bundled by `npm run build:dashboard` into dashboard.js): the gateway's public GraphQL API
 * through the typed client package (client/), nothing else. Each panel is its own module.
 */
import { ProvidersDocument } from '../../client/src/index.js';
import { onKeyEntered } from './api-key.js';
import { $, errorText, h } from './dom.js';
import { loadEmails } from './emails.js';
import { openEvidenceForm } from './evidence.js';
import { gateway } from './gateway-client.js';
import { followEvents } from './live-events.js';
import './registry-check.js';
import { loadRequests, onSubmitEvidence, tickCountdowns } from './requests.js';

async function loadProviders(): Promise<void> {
  try {
    const { providers } = await gateway.request(ProvidersDocument);
    $('providers').replaceChildren(
      ...providers.map((status) =>
        h(
          'li',
          // A provider whose circuit is not closed is failing, whatever its mode: the badge takes the circuit's colour.
          { class: `badge ${status.mode.toLowerCase()}${status.circuit === 'CLOSED' ? '' : ` circuit-${status.circuit.toLowerCase()}`}` },
          `${status.provider} ${status.mode}${status.circuit === 'CLOSED' ? '' : ` (circuit ${status.circuit})`}`,
        ),
      ),
    );
  } catch (error) {
    $('providers').replaceChildren(h('li', { class: 'error' }, `Providers: ${errorText(error)}`));
  }
}

let stopEvents: () => void = () => {};

function start(): void {
  stopEvents();
  stopEvents = followEvents();
  void Promise.all([loadProviders(), loadRequests(), loadEmails()]);
}

onSubmitEvidence((request) => void openEvidenceForm(request));
onKeyEntered(start);
setInterval(tickCountdowns, 1000);
start();
