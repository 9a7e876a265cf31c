import { Cluster, Redis, type ClusterNode, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { Logger } from '../observability/logger.js';
import { withDeadline } from './deadline.js';

/** How a connection behaves; every field has a default chosen so Redis trouble never hangs a request. */
export interface RedisConnectionOptions {
  /** Client-side deadline for every command, in ms. Default 500. Blocking readers get their own (see duplicate). */
  commandTimeoutMs?: number;
  /** Longest pause between reconnect attempts, in ms. Default 1000. Reconnecting never stops. */
  maxReconnectDelayMs?: number;
  /** What the connection is for, in log lines and CLIENT LIST. Default 'main'. */
  role?: string;
  /**
   * Level for connection-state log lines. Default 'warn'/'info' for the main connection; duplicates log at debug
   * because the main connection already reports the same outage.
   */
  quiet?: boolean;
}

/** One Redis (or Redis Cluster) client plus the health the rest of the gateway reads. */
export interface RedisConnection {
  /** The ioredis client. A Cluster when several URLs were given. */
  readonly client: Redis | Cluster;
  readonly isCluster: boolean;
  /** True while the client is ready (tracks ready / close / end events). */
  readonly healthy: boolean;
  /**
   * A second connection to the same server(s), for a blocking reader (XREAD BLOCK would stall every other command on
   * a shared connection). Pass a commandTimeoutMs longer than the block time.
   */
  duplicate(options?: RedisConnectionOptions): RedisConnection;
  /** Resolves true once the client is ready, false after timeoutMs (default 5000). Start-up and tests use it. */
  ready(timeoutMs?: number): Promise<boolean>;
  /** PING with a short deadline (default 250 ms); false on any error. For /readyz. */
  ping(timeoutMs?: number): Promise<boolean>;
  /** QUIT (bounded), then drop the socket. */
  close(): Promise<void>;
  /** Drops the socket at once, aborting a blocked command. */
  disconnect(): void;
}

const DEFAULT_COMMAND_TIMEOUT_MS = 500;
const DEFAULT_MAX_RECONNECT_DELAY_MS = 1_000;

/** A URL with its password replaced, safe for logs. Accepts bare `host:port`. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(normalizeRedisUrl(url));
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparseable redis url>';
  }
}

function normalizeRedisUrl(url: string): string {
  return /^rediss?:\/\//i.test(url) ? url : `redis://${url}`;
}

/**
 * Connects to one Redis (one URL) or a Redis Cluster (several URLs, the seed nodes). Connecting starts at once and
 * never gives up; commands fail fast instead of queueing while the connection is down (enableOfflineQueue: false,
 * maxRetriesPerRequest: 1, a commandTimeout), so callers see an error in bounded time and degrade.
 */
export function connectRedis(urls: string[], logger: Logger, options: RedisConnectionOptions = {}): RedisConnection {
  if (urls.length === 0) throw new Error('connectRedis needs at least one URL');
  return new IoRedisConnection(urls.map(normalizeRedisUrl), logger, options);
}

type ConnectionState = 'connecting' | 'up' | 'down';

class IoRedisConnection implements RedisConnection {
  readonly client: Redis | Cluster;
  readonly isCluster: boolean;
  private state: ConnectionState = 'connecting';
  private lastError: string | undefined;
  private closing = false;
  private readonly role: string;
  private readonly describe: string;

  constructor(
    private readonly urls: string[],
    private readonly logger: Logger,
    private readonly options: RedisConnectionOptions,
  ) {
    this.role = options.role ?? 'main';
    this.describe = urls.map(redactRedisUrl).join(',');
    this.isCluster = urls.length > 1;
    this.client = this.isCluster ? this.createCluster() : this.createRedis();
    this.client.on('ready', () => this.transition('up'));
    this.client.on('close', () => this.transition('down'));
    this.client.on('end', () => this.transition('down'));
    this.client.on('error', (err: Error) => {
      this.lastError = err.message;
    });
  }

  get healthy(): boolean {
    return this.state === 'up';
  }

  private backoff(times: number): number {
    return Math.min(100 * times, this.options.maxReconnectDelayMs ?? DEFAULT_MAX_RECONNECT_DELAY_MS);
  }

  private createRedis(): Redis {
    const options: RedisOptions = {
      enableOfflineQueue: false,
      // A command that failed (timeout, lost connection) was reported as failed; ioredis would otherwise send it again
      // after reconnecting, e.g. a lock acquire nobody waits for any more, or a cache write after a newer delete.
      autoResendUnfulfilledCommands: false,
      maxRetriesPerRequest: 1,
      commandTimeout: this.options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
      connectTimeout: 2_000,
      retryStrategy: (times) => this.backoff(times),
      lazyConnect: false,
      connectionName: `vgw-${this.role}`,
    };
    return new Redis(this.urls[0]!, options);
  }

  private createCluster(): Cluster {
    const first = new URL(this.urls[0]!);
    const nodes: ClusterNode[] = this.urls.map((url) => {
      const parsed = new URL(url);
      return { host: parsed.hostname, port: Number(parsed.port || 6379) };
    });
    // Node connections keep their offline queue (ioredis needs it to send the first command to a node it is still
    // connecting to); the cluster-level enableOfflineQueue: false plus commandTimeout bound every call instead.
    const redisOptions: RedisOptions = {
      autoResendUnfulfilledCommands: false,
      maxRetriesPerRequest: 1,
      commandTimeout: this.options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
      connectTimeout: 2_000,
      connectionName: `vgw-${this.role}`,
      ...(first.username ? { username: decodeURIComponent(first.username) } : {}),
      ...(first.password ? { password: decodeURIComponent(first.password) } : {}),
      ...(first.protocol === 'rediss:' ? { tls: {} } : {}),
    };
    const options: ClusterOptions = {
      enableOfflineQueue: false,
      enableReadyCheck: true,
      // Groups concurrent commands per node into one pipeline: how getMany stays one round trip per node.
      enableAutoPipelining: true,
      clusterRetryStrategy: (times) => this.backoff(times),
      lazyConnect: false,
      redisOptions,
    };
    return new Cluster(nodes, options);
  }

  private transition(next: 'up' | 'down'): void {
    const previous = this.state;
    if (previous === next || this.closing) return;
    this.state = next;
    const fields = { redis: this.describe, role: this.role };
    if (next === 'up') {
      const message = previous === 'connecting' ? 'redis connected' : 'redis connection recovered';
      if (this.options.quiet) this.logger.debug(fields, message);
      else this.logger.info(fields, message);
    } else {
      const message =
        previous === 'connecting' ? 'redis unreachable; retrying in the background' : 'redis connection lost; retrying in the background';
      const withError = { ...fields, error: this.lastError };
      if (this.options.quiet) this.logger.debug(withError, message);
      else this.logger.warn(withError, message);
    }
  }

  duplicate(options: RedisConnectionOptions = {}): RedisConnection {
    return new IoRedisConnection(this.urls, this.logger, { ...this.options, quiet: true, ...options });
  }

  ready(timeoutMs = 5_000): Promise<boolean> {
    if (this.client.status === 'ready') return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (value: boolean): void => {
        clearTimeout(timer);
        this.client.off('ready', onReady);
        resolve(value);
      };
      const onReady = (): void => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.client.on('ready', onReady);
    });
  }

  async ping(timeoutMs = 250): Promise<boolean> {
    try {
      return (await withDeadline(this.client.ping(), timeoutMs, 'redis PING')) === 'PONG';
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    try {
      await withDeadline(this.client.quit(), 500, 'redis QUIT');
    } catch {
      // Already down or slow: dropping the socket below is enough.
    }
    this.client.disconnect();
  }

  disconnect(): void {
    this.closing = true;
    this.client.disconnect();
  }
}
