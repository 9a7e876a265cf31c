import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import process from 'node:process';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { createPubSub, createSchema, createYoga } from 'graphql-yoga';

/**
 * The fan-out floor: a bare graphql-yoga server with one subscription fed by yoga's in-process pub/sub, so the
 * fan-out bench can tell what GraphQL over SSE costs per subscriber before the gateway adds anything. It speaks just
 * enough of the gateway's surface for bench/fanout.ts: POST /publish?id=<id> publishes, /metrics has the same
 * process metrics (prefix gateway_process_), and SIGUSR2 runs a full GC when started with --expose-gc.
 * Prints `READY {"url": ...}`; SIGTERM stops it.
 */
const pubsub = createPubSub<{ tick: [string] }>();
const yoga = createYoga({
  schema: createSchema({
    typeDefs: 'type Query { hello: String } type Subscription { tick: String }',
    resolvers: { Subscription: { tick: { subscribe: () => pubsub.subscribe('tick'), resolve: (id: string) => id } } },
  }),
  logging: false,
});
const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'gateway_process_' });
const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://floor');
  if (url.pathname === '/metrics') {
    void registry.metrics().then((text) => res.end(text));
    return;
  }
  if (url.pathname === '/publish') {
    pubsub.publish('tick', url.searchParams.get('id') ?? '');
    res.end('{}');
    return;
  }
  void yoga(req, res);
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`READY ${JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })}\n`);
});
process.on('SIGUSR2', () => (globalThis as { gc?: () => void }).gc?.());
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
