import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Config } from './config.js';
import type { Logger } from './observability/logger.js';
import { silentLogger } from './observability/logger.js';
import type { GatewayMetrics } from './observability/metrics.js';
import { createMetrics } from './observability/metrics.js';
import type { Tracing } from './observability/tracing.js';
import type { ProviderClients } from './providers/clients.js';
import { createProviderClients } from './providers/clients.js';
import type { Sandbox, SandboxOptions } from './sandbox/index.js';
import { startSandbox } from './sandbox/index.js';
import { parseFaults } from './sandbox/faults.js';
import { clientAbortFields, isClientAbort } from './server/client-abort.js';
import { DASHBOARD_ASSET_PREFIX, FAVICON_PATH, serveDashboard } from './server/dashboard-route.js';
import { serveReadiness } from './server/health.js';
import { createHttpDrain } from './server/http-drain.js';
import { createAuthenticator } from './server/principal.js';
import { QUARANTINE_PATH, serveQuarantine } from './server/quarantine-route.js';
import { createGatewayRateLimits } from './server/rate-limits.js';
import { sendJson } from './server/send-json.js';
import { isSseRouteRequest, serveSseRoute } from './server/sse-route.js';
import { serveWebhook } from './server/webhook-route.js';
import { attachWebSocket } from './server/websocket.js';
import { createPerKeySlots } from './server/per-key-slots.js';
import { refuseUpgrade } from './server/refuse-upgrade.js';
import { hasParsableUrl, refuseUnparsableUrl } from './server/request-url.js';
import { createGatewayYoga } from './server/yoga.js';
import { loggedPath } from './server/logged-path.js';
import { withSandboxEndpoints } from './sandbox-config.js';
import type { Services } from './services/index.js';
import { createServices } from './services/index.js';
import { digestKeyOf } from './config/digest-key.js';
import type { Stores } from './store/index.js';
import { createStores, prepareSpoolDirectory } from './store/index.js';

export interface GatewayOptions {
  logger?: Logger;
  /** Upstream per-call deadline (tests shorten it). */
  upstreamDeadlineMs?: number;
  /** Circuit breaker per provider (tests shorten it). Defaults: 5 consecutive failures open it for 10_000 ms. */
  breaker?: { failureThreshold?: number; openMs?: number };
  /** Sandbox mode only: overrides for the simulators (tests inject faults and delays). */
  sandbox?: Pick<SandboxOptions, 'realtimeRegister' | 'veriff'> & {
    veriffDecisionDelayMs?: number;
    /**
     * Simulators that are already running (another gateway's `sandbox`, or ones the bench built): used instead of
     * starting new ones, and left running by stop(). Several gateways on one sandbox is how tests and the bench
     * count upstream calls across instances.
     */
    existing?: Sandbox;
  };
  /** Entries the in-memory cache holds (no REDIS_URL). Default 50_000; the bench sets it low to force misses. */
  cacheMaxEntries?: number;
  /** Events the in-memory event log keeps (no REDIS_URL). Default 10_000; tests set it low to see a trim. */
  eventLogCapacity?: number;
  /**
   * How long a Redis cache call may take before the cache degrades to the in-process one (default 150 ms). Tests of
   * sharing between instances raise it: on a starved test machine a slow call would degrade the cache they check.
   */
  cacheTimeoutMs?: number;
  /**
   * On stop(), how long idle kept-alive connections are left for their clients to drop before they are closed (closing
   * one while a client sends on it resets that request). Default: the server's keep-alive timeout plus 1 s; in-process
   * tests that stop many gateways set it low.
   */
  drainIdleMs?: number;
  /**
   * How long a client may take to send a whole request, headers and body (tests shorten it). Default 30_000 ms: bodies
   * are at most 256 KiB, and node's own 300 s let a client trickling bytes hold a connection for five minutes.
   */
  requestTimeoutMs?: number;
}

/** On stop(), how long requests in flight may take to finish: longer than any upstream deadline. */
const DRAIN_REQUESTS_MS = 30_000;
/** Time to receive a whole request (headers and body); see GatewayOptions.requestTimeoutMs. */
const REQUEST_TIMEOUT_MS = 30_000;
/** What a webhook or GraphQL request is told while the gateway starts (Retry-After, in seconds). */
const STARTING_RETRY_AFTER_SECONDS = '2';

export interface Gateway {
  /** http://host:port once started. */
  readonly url: string;
  readonly metrics: GatewayMetrics;
  /** The running services (after start). */
  readonly services: Services;
  /** The simulators, in sandbox mode (after start). */
  readonly sandbox: Sandbox | null;
  /** The stores the services use (after start): tests seed and inspect state through them. */
  readonly stores: Stores;
  start(): Promise<void>;
  /** Graceful: stops taking connections, lets in-flight requests finish, ends subscriptions, closes everything. */
  stop(): Promise<void>;
}

/**
 * node:http serving yoga at /graphql (GraphiQL for browsers), graphql-ws on the same path, provider webhooks,
 * /healthz, /readyz and /metrics. In sandbox mode the provider simulators start first and the provider clients
 * point at them over real HTTP: the same code path as live.
 */
export function createGateway(config: Config, options: GatewayOptions = {}): Gateway {
  const logger = options.logger ?? silentLogger();
  const metrics = createMetrics({ defaultMetrics: true });
  const authenticate = createAuthenticator(config);
  const digestKey = digestKeyOf(config);
  const rateLimits = createGatewayRateLimits(config.rateLimit, logger, config.upstreamBudget, digestKey);
  let state: 'starting' | 'ready' | 'draining' = 'starting';
  let url = '';
  let sandbox: Sandbox | null = null;
  let stores: Stores | null = null;
  let clients: ProviderClients | null = null;
  let services: Services | null = null;
  let tracing: Tracing | null = null;
  const requireServices = (): Services => {
    if (!services) throw new Error('The gateway has not started.');
    return services;
  };

  // One count of long-lived connections per key for WebSockets and graphql-sse streams alike (SOCKETS_PER_KEY).
  const socketSlots = createPerKeySlots(config.perKey.sockets);
  const yoga = createGatewayYoga({ config, services: requireServices, metrics, logger, authenticate, rateLimiter: rateLimits.callers, upstreamLimiter: rateLimits.upstream, failedAuth: rateLimits.failedAuth, socketSlots });
  const requestTimeout = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  const server: Server = createServer({ requestTimeout, headersTimeout: requestTimeout, connectionsCheckingInterval: Math.min(requestTimeout, 5_000) }, (req, res) => {
    drain.track(res);
    route(req, res).catch((error: unknown) => {
      // The path without its query string, its long digit runs masked: both are the caller's text (loggedPath).
      const path = loggedPath(req.url);
      if (isClientAbort(error)) logger.info({ ...clientAbortFields(error), path }, 'the client aborted its request');
      else logger.error({ err: error, path }, 'request failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'Unexpected error' });
      else res.destroy();
    });
  });

  const drain = createHttpDrain(server);

  const refuseUpgradeWhileStarting = (req: IncomingMessage, socket: Duplex): void => {
    logger.info({ path: loggedPath(req.url) }, 'WebSocket upgrade while the gateway is starting; answered 503');
    refuseUpgrade(req, socket, STARTING_RETRY_AFTER_SECONDS, 'The gateway is starting; retry shortly.');
  };

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    // A request that arrives on a kept-alive connection after SIGTERM gets an answer, never a reset.
    if (drain.draining) {
      // Said, as at start-up, so an operator can tell a provider's redelivery from a lost push.
      if (path?.startsWith('/webhooks/') || path === yoga.graphqlEndpoint) logger.info({ path: loggedPath(req.url) }, 'request while the gateway is shutting down; answered 503');
      return drain.refuse(req, res);
    }
    // Providers push as soon as the port is open; the services exist only once start() is done. 503 makes them deliver again.
    if (state === 'starting' && (path?.startsWith('/webhooks/') || path === yoga.graphqlEndpoint)) {
      logger.info({ path: loggedPath(req.url) }, 'request while the gateway is starting; answered 503');
      return sendJson(res, 503, { error: 'The gateway is starting; retry shortly.' }, { 'retry-after': STARTING_RETRY_AFTER_SECONDS });
    }
    if ((path?.startsWith('/webhooks/') || path === QUARANTINE_PATH) && !(await rateLimits.admitWebhook(req, res))) return;
    switch (path) {
      case '/':
      case FAVICON_PATH:
        return serveDashboard(req, res, path);
      case '/healthz':
        return sendJson(res, 200, { status: 'ok' });
      case '/readyz':
        return serveReadiness(res, state, stores);
      case '/metrics':
        res.writeHead(200, { 'content-type': metrics.registry.contentType });
        res.end(await metrics.registry.metrics());
        return;
      case '/webhooks/realtime-register':
        return serveWebhook(req, res, { provider: 'REALTIME_REGISTER', handler: requireServices().webhooks.realtimeRegister, metrics, logger });
      case '/webhooks/veriff':
        return serveWebhook(req, res, { provider: 'VERIFF', handler: requireServices().webhooks.veriff, metrics, logger });
      case QUARANTINE_PATH:
        return serveQuarantine(req, res, { authenticate, failedAuth: rateLimits.failedAuth, limiter: rateLimits.callers, services: requireServices });
      default:
        if (path?.startsWith(DASHBOARD_ASSET_PREFIX) || path === '/dashboard') return serveDashboard(req, res, path);
        // Yoga and the SSE route both start from a URL built with the Host header: one that cannot be built is a 400 here.
        if (!hasParsableUrl(req)) return refuseUnparsableUrl(res);
        if (isSseRouteRequest(req, yoga.graphqlEndpoint, config.limits.maxBodyBytes)) return serveSseRoute(req, res, { yoga, maxBodyBytes: config.limits.maxBodyBytes, logger });
        return void yoga.handle(req, res);
    }
  }

  // Attached once listening: a WebSocket server attached earlier would also take the listen error (a taken port)
  // and graphql-ws would print it as an "internal error" with a stack, before start() can report it in one line.
  let websocket: ReturnType<typeof attachWebSocket> | null = null;

  return {
    get url() {
      return url;
    },
    metrics,
    get services() {
      return requireServices();
    },
    get sandbox() {
      return sandbox;
    },
    get stores() {
      if (!stores) throw new Error('The gateway has not started.');
      return stores;
    },
    async start() {
      // The spool only serves a Redis store (memory has nothing to keep). One that cannot be used stops start-up before
      // anything listens: running on would answer mutations during a Redis outage with nothing kept on disk.
      if (config.outboxSpoolDir && config.redisUrls.length > 0) await prepareSpoolDirectory(config.outboxSpoolDir);
      await listen(server, config.port, config.host);
      // The OpenTelemetry SDK and its exporters are loaded only when tracing is on: they cost start-up time otherwise.
      if (config.tracing) tracing ??= (await import('./observability/tracing.js')).startTracing(config.tracing, logger);
      // WebSocket upgrades wait for the services like webhooks do: 503 until ready, then graphql-ws takes them.
      server.on('upgrade', refuseUpgradeWhileStarting);
      const address = server.address() as AddressInfo;
      url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${address.port}`;
      let effective = config;
      if (config.mode === 'sandbox') {
        sandbox = options.sandbox?.existing ?? await startSandbox({
          gatewayUrl: () => url,
          faults: parseFaults(config.sandboxFaults),
          veriffDecisionDelayMs: options.sandbox?.veriffDecisionDelayMs ?? config.sandboxDecisionDelayMs,
          realtimeRegister: options.sandbox?.realtimeRegister,
          veriff: options.sandbox?.veriff,
          log: (message) => logger.info({ component: 'sandbox' }, message),
        });
        effective = withSandboxEndpoints(config, sandbox.endpoints());
      }
      stores = createStores({ redisUrls: config.redisUrls, digestKey, metrics, logger, cacheMaxEntries: options.cacheMaxEntries, cacheTimeoutMs: options.cacheTimeoutMs, eventLogCapacity: options.eventLogCapacity, outboxSpoolDir: config.outboxSpoolDir });
      // Commands fail fast while Redis connects (no offline queue), so wait for it; an unreachable Redis still lets
      // the gateway start degraded (reads bypass the cache, webhooks answer 503) and recover when Redis returns.
      if (stores.redis && !(await stores.redis.ready(5_000))) logger.warn('Redis is not reachable yet: starting degraded');
      rateLimits.share(stores.redis);
      clients = createProviderClients({
        config: effective,
        metrics,
        logger,
        stores,
        configuredMode: config.mode === 'sandbox' ? 'SANDBOX' : 'LIVE',
        deadlineMs: options.upstreamDeadlineMs,
        breaker: options.breaker,
      });
      services = createServices({ config: effective, stores, clients, metrics, logger });
      await services.start();
      server.off('upgrade', refuseUpgradeWhileStarting);
      websocket ??= attachWebSocket({
        server,
        yoga,
        metrics,
        logger,
        authenticate,
        failedAuth: rateLimits.failedAuth,
        maxPayloadBytes: config.limits.maxBodyBytes,
        initTimeoutMs: config.limits.wsInitTimeoutMs,
        trusted: config.trustedDocuments,
        limiter: rateLimits.callers,
        socketSlots,
        addressOf: rateLimits.addressOf,
        awaitingInitPerAddress: config.limits.wsAwaitingInitPerAddress,
      });
      state = 'ready';
    },
    async stop() {
      if (state === 'draining') return;
      state = 'draining';
      // Stops accepting; requests still arriving on kept-alive connections are answered 503 + Connection: close.
      drain.begin();
      // Subscriptions end first, with a `complete` over a still-open socket or stream; then the sockets close.
      await services?.events.stop();
      // Ends what outlives its subscriptions: graphql-sse's single-connection streams (src/server/use-graphql-sse.ts).
      await yoga.dispose();
      await websocket?.close();
      await services?.stop();
      // Requests in flight finish; idle kept-alive connections are left for their clients to drop, then closed.
      await drain.settle({ requestsMs: DRAIN_REQUESTS_MS, idleMs: options.drainIdleMs ?? server.keepAliveTimeout + 1_000 });
      await clients?.close();
      await stores?.close();
      if (!options.sandbox?.existing) await sandbox?.stop();
      // Last: exports the spans of everything above.
      await tracing?.shutdown();
    },
  };
}

/** Listen, and fail start-up on a taken port (the ws server would otherwise swallow EADDRINUSE: STACK.md pitfall 6). */
function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}
