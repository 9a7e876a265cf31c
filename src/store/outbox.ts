/**
 * The outbox: what the gateway still has to record in its own store after a provider accepted a write (an event to
 * append, a request to mark, a check to keep) and the store could not take it at that moment. Items are plain JSON,
 * so they survive a restart (spool file) and can be handed to another instance (Redis); the services register how to
 * apply each kind of effect (services/outbox.ts).
 */

/** One change to the gateway's store. Applying it twice must change nothing the second time (it may be retried). */
export interface OutboxEffect {
  /** Names the applier the services registered, e.g. `append-event`. */
  kind: string;
  /** What the applier needs; JSON only. */
  data: unknown;
}

/** The effects of one accepted write, applied in order, all of them on every attempt. */
export interface OutboxItem {
  /** A random id, also the idempotency key of the item's event (see services/outbox-effects.ts). */
  id: string;
  /** ISO 8601, when the provider accepted the write. */
  createdAt: string;
  /** What the write was, for logs (e.g. `submitContactVerification rtr-0001`); never personal data. */
  label: string;
  effects: OutboxEffect[];
}

/** An item as a queue holds it: `handle` removes it again. */
export interface QueuedOutboxItem {
  handle: string;
  item: OutboxItem;
}

/**
 * Items every instance can see: a Redis stream (any instance drains it, one at a time through a lease), or a memory
 * queue without Redis. Throws StoreUnavailable when Redis cannot be reached.
 */
export interface SharedOutbox {
  /** True when items outlive this process (Redis). */
  readonly durable: boolean;
  push(item: OutboxItem): Promise<void>;
  /** The oldest items, at most `limit`. */
  peek(limit: number): Promise<QueuedOutboxItem[]>;
  remove(handle: string): Promise<void>;
  size(): Promise<number>;
}

/** The shared outbox of a single process (no REDIS_URL). Memory stores never fail, so it normally stays empty. */
export class MemorySharedOutbox implements SharedOutbox {
  readonly durable = false;
  private readonly items = new Map<string, OutboxItem>();
  private next = 0;

  async push(item: OutboxItem): Promise<void> {
    this.items.set(String(this.next++), structuredClone(item));
  }

  async peek(limit: number): Promise<QueuedOutboxItem[]> {
    return [...this.items].slice(0, Math.max(0, limit)).map(([handle, item]) => ({ handle, item: structuredClone(item) }));
  }

  async remove(handle: string): Promise<void> {
    this.items.delete(handle);
  }

  async size(): Promise<number> {
    return this.items.size;
  }
}

/** True when a value read back from a queue or a spool file has the shape of an item. */
export function isOutboxItem(value: unknown): value is OutboxItem {
  if (typeof value !== 'object' || value === null) return false;
  const item = value as Partial<OutboxItem>;
  return (
    typeof item.id === 'string' &&
    typeof item.createdAt === 'string' &&
    typeof item.label === 'string' &&
    Array.isArray(item.effects) &&
    item.effects.every((effect) => typeof effect === 'object' && effect !== null && typeof (effect as OutboxEffect).kind === 'string')
  );
}
