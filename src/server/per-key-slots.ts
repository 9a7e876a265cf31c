/**
 * How many of one kind of long-lived thing (open subscriptions, open WebSockets) each key or JWT subject holds on this
 * instance, against a cap. Counted per process: the thing lives in this process's memory, so that is what the cap
 * protects (with several instances a key may hold the cap on each).
 */
export interface PerKeySlots {
  /** The cap each key has. */
  readonly limit: number;
  /** Whether `key` holds the cap already (a cheap look before doing any work for one more). */
  full(key: string): boolean;
  /** Takes a slot for `key`; false (and nothing taken) when it holds the cap already. */
  take(key: string): boolean;
  /** Gives back a slot `take` gave. Call it exactly once per slot taken. */
  release(key: string): void;
  /** Slots `key` holds now. */
  held(key: string): number;
}

export function createPerKeySlots(limit: number): PerKeySlots {
  // Keys holding nothing are dropped, so the map is as large as the keys holding something, never larger.
  const counts = new Map<string, number>();
  const held = (key: string) => counts.get(key) ?? 0;
  return {
    limit,
    full: (key) => held(key) >= limit,
    take(key) {
      const count = held(key);
      if (count >= limit) return false;
      counts.set(key, count + 1);
      return true;
    },
    release(key) {
      const count = held(key) - 1;
      if (count > 0) counts.set(key, count);
      else counts.delete(key);
    },
    held,
  };
}
