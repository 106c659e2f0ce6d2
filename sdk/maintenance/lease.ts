/**
 * The maintenance lease of one partition (`lease.json`, design brief §7): so that two maintenance runs do not
 * work on one partition at once, a run takes the lease before it changes anything and gives it back after.
 *
 * The lease is replaced with `If-Match` and carries an epoch, raised by every taker, and an expiry written by
 * its holder from its own clock. A run may take over a lease whose expiry has passed on the taker's clock, and a
 * holder stops its destructive steps once the expiry has passed on its own clock. Clocks decide only who works,
 * never what is safe: a holder that stalls past its expiry (or whose clock is wrong) may run at the same time as
 * the next holder, and that is harmless because every change a run makes is fenced by the store itself (the log
 * start moves with `If-Match` and never backwards; only keys below it are deleted; docs/fencing.md §4).
 *
 * The lease is taken only when a run has found work to do, so an idle partition costs no lease writes.
 */
import { decodeJsonObject, encodeJsonObject } from '../format/json-object.js';
import { getWithRetries } from '../log/store-reads.js';
import { type PartitionRef, partitionLeaseKey } from '../store/keys.js';
import type { ObjectStore, WriteCondition } from '../store/object-store.js';

interface StoredLease {
  /** Identifies one maintenance run (random per run). */
  holder: string;
  /** Raised by one on every take-over; never reset, since a released lease is kept with an expiry of 0. */
  epoch: number;
  /** Milliseconds since the epoch on the holder's clock; 0 once released. */
  expiresAt: number;
}

export interface MaintenanceLease extends StoredLease {
  key: string;
  /** The version this holder wrote: releasing and checking the lease are conditional on it. */
  etag: string;
}

/**
 * Takes the lease for `holder` when it is free, expired on `now`, or already ours. Returns null when another
 * run holds it or won the race to take it (the caller leaves the partition to that run).
 */
export async function takeLease(
  store: ObjectStore,
  ref: PartitionRef,
  holder: string,
  now: number,
  durationMs: number,
): Promise<MaintenanceLease | null> {
  const key = partitionLeaseKey(ref);
  const current = await getWithRetries(store, key);
  let epoch = 1;
  let condition: WriteCondition = { ifNoneMatch: '*' };
  if (current !== null) {
    const stored = decodeJsonObject<StoredLease>('maintenance-lease', current.body, key);
    if (stored.holder !== holder && stored.expiresAt > now) return null;
    epoch = stored.epoch + 1;
    condition = { ifMatch: current.etag };
  }
  const lease: StoredLease = { holder, epoch, expiresAt: now + durationMs };
  const outcome = await store.put(key, encodeJsonObject('maintenance-lease', lease), condition);
  if (outcome.kind === 'done') return { ...lease, key, etag: outcome.etag };
  if (outcome.kind !== 'ambiguous') return null;
  // The write may have landed: it did if the lease now names this holder and epoch (the nonce in every
  // written object keeps an older version from looking the same).
  const after = await getWithRetries(store, key);
  if (after === null) return null;
  const stored = decodeJsonObject<StoredLease>('maintenance-lease', after.body, key);
  return stored.holder === holder && stored.epoch === epoch ? { ...stored, key, etag: after.etag } : null;
}

/** True while `lease` is the current version of the lease object (nobody took it over). One GET. */
export async function stillHeld(store: ObjectStore, lease: MaintenanceLease): Promise<boolean> {
  const current = await getWithRetries(store, lease.key);
  return current?.etag === lease.etag;
}

/** True once the lease's expiry has passed on the holder's own clock. */
export function leaseExpired(lease: MaintenanceLease, now: number): boolean {
  return now >= lease.expiresAt;
}

/**
 * Gives the lease back by writing it expired, with `If-Match` on the version this holder wrote, so a lease that
 * was already taken over is left alone. The epoch is kept, so the next taker still raises it. Failures are
 * ignored: an unreleased lease simply expires.
 */
export async function releaseLease(store: ObjectStore, lease: MaintenanceLease): Promise<void> {
  const released: StoredLease = { holder: lease.holder, epoch: lease.epoch, expiresAt: 0 };
  await store
    .put(lease.key, encodeJsonObject('maintenance-lease', released), { ifMatch: lease.etag })
    .catch(() => undefined);
}
