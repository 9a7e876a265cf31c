import { Unavailable } from '../domain/errors.js';
import type { Stores } from '../store/index.js';

/**
 * Refuses a write before anything is sent upstream when the gateway's store could not take what it records (its
 * event, the request's new status, the check): UnavailableError means "nothing was sent, retry". A store that fails
 * in the moment between this check and the write is what the outbox is for.
 */
export async function assertStoreWritable(stores: Pick<Stores, 'canWrite'>): Promise<void> {
  if (!(await stores.canWrite())) throw new Unavailable();
}
