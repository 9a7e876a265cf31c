import type { Cluster, Redis } from 'ioredis';
import { withDeadline } from './deadline.js';

/**
 * Which data loss still owes a recovery, kept in Redis itself so that it outlives the instance running it: an instance
 * killed mid-recovery (SIGKILL, OOM, a host gone) leaves the loss owed, and whichever instance looks next (another one,
 * or the same one restarted) takes it over once the dead holder's lock expired.
 *
 * Two keys rather than one flag: every instance that notices a loss records it as owed, and one that notices late (its
 * periodic check came after the recovery had finished) must not make it owed again. A loss is owed while `owed` names
 * the current marker and `recovered` does not; the durability watch reads both with the marker, in one round trip
 * (the `{durability}` hash tag keeps the three keys in one Cluster slot). Both vanish with the next loss, as they should: that loss is a new one.
 */
export const RECOVERY_OWED_KEY = 'vgw:{durability}:recovery-owed';
export const RECOVERY_DONE_KEY = 'vgw:{durability}:recovered';

/**
 * How long a loss stays owed when no recovery succeeds (every attempt failed: the provider unreachable all along).
 * A day: the providers' own lists (Realtime Register's notifications) are what recovery re-reads, and they do not
 * keep their history forever either.
 */
const OWED_FOR_SECONDS = 24 * 3600;

const DEADLINE_MS = 1_000;

/** Records that the loss named by `epoch` (the new marker value) needs a recovery. */
export async function owe(client: Redis | Cluster, epoch: string): Promise<void> {
  await withDeadline(client.set(RECOVERY_OWED_KEY, epoch, 'EX', OWED_FOR_SECONDS), DEADLINE_MS, 'redis SET recovery-owed');
}

/** True once a recovery of the loss named by `epoch` finished (on any instance). */
export async function isRecovered(client: Redis | Cluster, epoch: string): Promise<boolean> {
  return (await withDeadline(client.get(RECOVERY_DONE_KEY), DEADLINE_MS, 'redis GET recovered')) === epoch;
}

/**
 * Records that every source of the loss named by `epoch` was re-read. Never expires (one short key, replaced by the
 * next loss's): an `owed` written again by a late noticer must stay answered.
 */
export async function markRecovered(client: Redis | Cluster, epoch: string): Promise<void> {
  await withDeadline(client.set(RECOVERY_DONE_KEY, epoch), DEADLINE_MS, 'redis SET recovered');
}
