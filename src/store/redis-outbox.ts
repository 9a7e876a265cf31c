import type { Logger } from '../observability/logger.js';
import { isOutboxItem, type OutboxItem, type QueuedOutboxItem, type SharedOutbox } from './outbox.js';
import type { RedisConnection } from './redis-connection.js';
import { StoreUnavailable } from './store-errors.js';

/**
 * A stream rather than a list: entry ids keep the order, XDEL removes one entry by id whatever else was pushed
 * meanwhile, and XLEN counts. The `{outbox}` hash tag keeps it in one cluster slot, apart from the event stream, so a
 * cluster shard that holds the events can be down while this one still takes the item.
 */
export const OUTBOX_STREAM_KEY = 'vgw:{outbox}:items';

type StreamEntry = [id: string, fields: string[]];

/** The outbox every instance shares through Redis. Throws StoreUnavailable when Redis fails. */
export class RedisSharedOutbox implements SharedOutbox {
  readonly durable = true;
  /** Entries already reported as unreadable, so a bad one is logged once, not every round. */
  private readonly reported = new Set<string>();

  constructor(
    private readonly connection: RedisConnection,
    private readonly logger: Logger,
  ) {}

  async push(item: OutboxItem): Promise<void> {
    await this.call(() => this.connection.client.xadd(OUTBOX_STREAM_KEY, '*', 'item', JSON.stringify(item)));
  }

  async peek(limit: number): Promise<QueuedOutboxItem[]> {
    if (limit <= 0) return [];
    const entries = (await this.call(() => this.connection.client.xrange(OUTBOX_STREAM_KEY, '-', '+', 'COUNT', limit))) as StreamEntry[];
    const items: QueuedOutboxItem[] = [];
    for (const [handle, fields] of entries) {
      const index = fields.indexOf('item');
      let item: unknown = null;
      try {
        item = index >= 0 ? JSON.parse(fields[index + 1] ?? '') : null;
      } catch {
        item = null;
      }
      if (isOutboxItem(item)) items.push({ handle, item });
      else if (!this.reported.has(handle)) {
        // Kept, not deleted: an operator can still read it with XRANGE.
        this.reported.add(handle);
        this.logger.error({ entry: handle, key: OUTBOX_STREAM_KEY }, 'unreadable outbox entry skipped');
      }
    }
    return items;
  }

  async remove(handle: string): Promise<void> {
    await this.call(() => this.connection.client.xdel(OUTBOX_STREAM_KEY, handle));
  }

  async size(): Promise<number> {
    return this.call(() => this.connection.client.xlen(OUTBOX_STREAM_KEY));
  }

  private async call<T>(op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (err) {
      throw new StoreUnavailable('the shared outbox is unavailable', { cause: err });
    }
  }
}
