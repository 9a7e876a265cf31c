import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { Pool } from 'undici';
import { signRealtimeRegisterBody } from '../src/providers/realtime-register/webhook.js';

/**
 * Subscription fan-out, run in its own process against a server in another: opens GraphQL-over-SSE subscriptions
 * (distinct connections mode: POST /graphql, Accept: text/event-stream, one HTTP connection each), then sends events
 * one at a time and times each delivery to each subscriber (one clock: this process sends and receives). Events go to
 * the gateway as signed Realtime Register webhooks, or to the floor server (bench/sse-floor-server.ts) as POST
 * /publish. Memory per subscriber is the server's RSS and heap growth (from its /metrics, read after a full GC that
 * SIGUSR2 to `pid` triggers) over the subscribers it holds. argv[2]: JSON Spec. Prints one JSON line.
 */
interface Spec {
  url: string;
  /** The server process, for SIGUSR2 (GC) before each memory reading. */
  pid: number;
  /** 'gateway': verificationEvents + webhooks (needs webhookSecret); 'floor': the bare yoga subscription. */
  target: 'gateway' | 'floor';
  webhookSecret?: string;
  /** Cumulative subscriber counts, e.g. [1000, 5000]. */
  steps: number[];
  events: number;
}

const spec = JSON.parse(process.argv[2]!) as Spec;
const HANDLE = 'bench-fanout';
const SUBSCRIPTION = JSON.stringify({
  query:
    spec.target === 'floor'
      ? 'subscription { tick }'
      : `subscription { verificationEvents(filter: { contactHandle: "${HANDLE}" }) { id ... on ProviderNotificationEvent { notificationId } } }`,
});
const maxSubscribers = Math.max(...spec.steps);
const pool = new Pool(spec.url, { connections: maxSubscribers + 10, pipelining: 1, headersTimeout: 60_000, bodyTimeout: 0, keepAliveTimeout: 600_000 });
const webhooks = new Pool(spec.url, { connections: 4 });

/** Send time of each notification id, and who has it. */
const sentAt = new Map<string, number>();
const received = new Map<string, number>();
let samples: number[] = [];
const waiters = new Map<string, () => void>();
let subscribers = 0;

function onEvent(notificationId: string): void {
  const at = performance.now();
  const sent = sentAt.get(notificationId);
  if (sent === undefined) return;
  samples.push(at - sent);
  const count = (received.get(notificationId) ?? 0) + 1;
  received.set(notificationId, count);
  if (count === subscribers) waiters.get(notificationId)?.();
}

async function subscribe(): Promise<void> {
  const response = await pool.request({
    path: '/graphql',
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: SUBSCRIPTION,
  });
  if (response.statusCode !== 200) throw new Error(`subscription answered ${response.statusCode}: ${await response.body.text()}`);
  let buffer = '';
  response.body.setEncoding('utf8');
  response.body.on('data', (chunk: string) => {
    buffer += chunk;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const message = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      for (const line of message.split('\n')) {
        if (!line.startsWith('data:')) continue;
        const payload = JSON.parse(line.slice(5)) as { data?: { verificationEvents?: { notificationId?: string }; tick?: string } };
        const id = payload.data?.verificationEvents?.notificationId ?? payload.data?.tick;
        if (id) onEvent(id);
      }
    }
  });
  response.body.on('error', () => {});
}

async function gatewayMemory(): Promise<{ rss: number; heap: number }> {
  process.kill(spec.pid, 'SIGUSR2');
  await new Promise((resolve) => setTimeout(resolve, 500));
  const text = await (await fetch(`${spec.url}/metrics`)).text();
  const value = (name: string) => Number(/^(\S+) (\S+)$/m.exec(text.split('\n').find((line) => line.startsWith(`${name} `)) ?? '')?.[2] ?? NaN);
  return { rss: value('gateway_process_process_resident_memory_bytes'), heap: value('gateway_process_nodejs_heap_size_used_bytes') };
}

/** The server's CPU seconds so far (user + system), from the process metrics both servers expose. */
async function serverCpuSeconds(): Promise<number> {
  const text = await (await fetch(`${spec.url}/metrics`)).text();
  return Number(/^gateway_process_process_cpu_seconds_total (\S+)$/m.exec(text)?.[1] ?? NaN);
}

async function subscriberGauge(): Promise<number> {
  const text = await (await fetch(`${spec.url}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('gateway_subscribers{') || line.startsWith('gateway_active_subscriptions{'))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

let notification = 7_000_000 + Math.floor(Math.random() * 1_000_000);

async function sendEvent(): Promise<{ delivered: number }> {
  const id = String(notification++);
  const body = JSON.stringify({
    id: Number(id),
    fireDate: new Date().toISOString(),
    message: 'bench fan-out',
    customer: 'sandbox',
    eventType: 'CONTACT_UPDATE',
    notificationType: 'ContactNotification',
    isAsync: false,
    processType: 'contact',
    processIdentifier: HANDLE,
  });
  const all = new Promise<void>((resolve) => waiters.set(id, resolve));
  sentAt.set(id, performance.now());
  const answer =
    spec.target === 'floor'
      ? await webhooks.request({ path: `/publish?id=${id}`, method: 'POST' })
      : await webhooks.request({
          path: '/webhooks/realtime-register',
          method: 'POST',
          headers: { 'content-type': 'application/json', signature: signRealtimeRegisterBody(spec.webhookSecret!, body) },
          body,
        });
  await answer.body.text();
  if (answer.statusCode !== 200) throw new Error(`webhook answered ${answer.statusCode}`);
  await Promise.race([all, new Promise((resolve) => setTimeout(resolve, 10_000))]);
  waiters.delete(id);
  return { delivered: received.get(id) ?? 0 };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

const results = [];
await new Promise((resolve) => setTimeout(resolve, 500));
const baseline = await gatewayMemory();
for (const target of spec.steps) {
  const started = performance.now();
  // Open in waves so the listen backlog never overflows.
  while (subscribers < target) {
    const wave = Math.min(250, target - subscribers);
    await Promise.all(Array.from({ length: wave }, () => subscribe()));
    subscribers += wave;
  }
  const connectSeconds = (performance.now() - started) / 1000;
  // Let the gateway settle (every stream set up, listeners attached) before reading memory.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const memory = await gatewayMemory();
  const gauge = await subscriberGauge();
  samples = [];
  let lost = 0;
  const cpuBefore = await serverCpuSeconds();
  const sendStarted = performance.now();
  for (let i = 0; i < spec.events; i++) lost += subscribers - (await sendEvent()).delivered;
  const sendSeconds = (performance.now() - sendStarted) / 1000;
  // Stable under CPU contention, unlike the latencies: what the server spent per event delivered to one subscriber.
  const cpuMicrosPerDelivery = ((await serverCpuSeconds()) - cpuBefore) * 1e6 / Math.max(1, samples.length);
  const sorted = [...samples].sort((a, b) => a - b);
  results.push({
    subscribers,
    subscriberGauge: gauge,
    events: spec.events,
    deliveries: samples.length,
    lost,
    connectSeconds,
    sendSeconds,
    cpuMicrosPerDelivery,
    latencyMs: { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? NaN },
    memory: {
      rssBytes: memory.rss,
      heapBytes: memory.heap,
      rssPerSubscriberBytes: (memory.rss - baseline.rss) / subscribers,
      heapPerSubscriberBytes: (memory.heap - baseline.heap) / subscribers,
    },
  });
}
process.stdout.write(`${JSON.stringify({ baseline, results })}\n`);
await pool.destroy();
await webhooks.destroy();
process.exit(0);
