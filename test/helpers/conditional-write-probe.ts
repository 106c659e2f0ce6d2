/**
 * A cheap check that an object store really enforces conditional writes, the one property every klog
 * invariant rests on (design brief §2). S3-compatible servers that accept every PUT exist, and against them
 * klog would silently overwrite committed segments; this probe turns that into a list of named violations.
 *
 * It costs a handful of requests on one random key under `_probe/`, which it deletes afterwards, so it can
 * also run as a safety check when a store is opened.
 */
import { randomUUID } from 'node:crypto';
import { KlogError } from '../../sdk/errors.js';
import type { DeleteOutcome, ObjectStore, WriteOutcome } from '../../sdk/store/object-store.js';

const encoder = new TextEncoder();

/** Distinct content per write, so no two versions share an ETag (S3 ETags are content hashes). */
function version(label: string): Uint8Array {
  return encoder.encode(`${label} ${randomUUID()}`);
}

function describeOutcome(outcome: WriteOutcome | DeleteOutcome): string {
  return outcome.kind === 'retriable' || outcome.kind === 'ambiguous'
    ? `${outcome.kind} (${outcome.error.message})`
    : outcome.kind;
}

/** A step the probe needs to succeed before it can test anything failed. */
function probeFailed(store: ObjectStore, key: string, step: string, outcome: DeleteOutcome): KlogError {
  return new KlogError(
    'STORE_UNAVAILABLE',
    `The conditional-write probe of ${store.description} could not ${step} ${key}: ${describeOutcome(outcome)}.`,
    { context: { key } },
  );
}

function requireDone(store: ObjectStore, key: string, step: string, outcome: WriteOutcome): string {
  if (outcome.kind === 'done') return outcome.etag;
  throw probeFailed(store, key, step, outcome);
}

/**
 * Returns the conditional-write rules `store` breaks, each naming `store.description`; an empty list means
 * it refused a second create, a stale `If-Match`, and an `If-Match` on a missing key, as S3 does.
 */
export async function probeConditionalWrites(store: ObjectStore): Promise<string[]> {
  const key = `_probe/${randomUUID()}`;
  const violations: string[] = [];
  const check = (outcome: WriteOutcome, wanted: WriteOutcome['kind'], rule: string) => {
    if (outcome.kind !== wanted) {
      violations.push(
        `${store.description} ${rule} (key ${key}): it answered ${describeOutcome(outcome)} instead of ${wanted}. ` +
          'klog needs an object store that enforces conditional writes; it cannot keep its log consistent on this one.',
      );
    }
  };
  try {
    const first = requireDone(store, key, 'create', await store.put(key, version('first'), { ifNoneMatch: '*' }));
    const second = requireDone(store, key, 'replace', await store.put(key, version('second'), { ifMatch: first }));
    check(
      await store.put(key, version('stale'), { ifMatch: first }),
      'precondition-failed',
      'accepted a replace with a stale If-Match',
    );
    check(
      await store.put(key, version('again'), { ifNoneMatch: '*' }),
      'precondition-failed',
      'accepted a second create (If-None-Match: *) of an existing key',
    );
    const removed = await store.delete(key);
    if (removed.kind !== 'done') throw probeFailed(store, key, 'delete', removed);
    check(
      await store.put(key, version('resurrected'), { ifMatch: second }),
      'not-found',
      'accepted an If-Match on a missing key',
    );
  } finally {
    await store.delete(key).catch(() => undefined);
  }
  return violations;
}

/**
 * Whether `store` refuses a delete whose `If-Match` names a replaced version. AWS S3 does; MinIO's community
 * edition ignores the header and deletes anyway (minio#21677).
 */
export async function probeConditionalDelete(store: ObjectStore): Promise<boolean> {
  const key = `_probe/${randomUUID()}`;
  try {
    const first = requireDone(store, key, 'create', await store.put(key, version('first'), { ifNoneMatch: '*' }));
    requireDone(store, key, 'replace', await store.put(key, version('second'), { ifMatch: first }));
    const outcome = await store.delete(key, { ifMatch: first });
    return outcome.kind === 'precondition-failed' && (await store.head(key)) !== null;
  } finally {
    await store.delete(key).catch(() => undefined);
  }
}
