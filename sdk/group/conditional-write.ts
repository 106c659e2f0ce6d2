/**
 * Conditional writes of group objects, with every unclear outcome settled (docs/consumer-groups.md §1). A write
 * either happened ("done", with the new etag) or lost to another writer ("lost": the object was changed or is
 * absent). A timeout, a reset, a 409 conflict or a 5xx is settled by reading the object: the bytes written (made
 * unique by their nonce) mean the write landed; an object still in the expected state means it did not, and the
 * write is tried again. Only when that stays unclear does it throw UNKNOWN_OUTCOME (retriable); group loops
 * simply try again at their next tick.
 */
import type { GroupStorage } from '../backend/backend.js';
import { KlogError } from '../errors.js';
import { backoffDelayMs, readRetryDefaults, sleep, withRetries } from '../retry.js';
import type { WriteCondition } from '../store/object-store.js';

export type ConditionalWriteResult =
  | { kind: 'done'; etag: string }
  /** Another writer got there first: the object now has another version (`changed`) or none (`absent`). */
  | { kind: 'lost'; now: 'changed' | 'absent' };

const ATTEMPTS = 4;

export async function writeConditionally(
  storage: GroupStorage,
  key: string,
  body: Uint8Array,
  condition: WriteCondition,
): Promise<ConditionalWriteResult> {
  let unclear = false;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const outcome = await storage.put(key, body, condition);
    if (outcome.kind === 'done') return { kind: 'done', etag: outcome.etag };
    if (!unclear && outcome.kind === 'precondition-failed') return { kind: 'lost', now: 'changed' };
    if (!unclear && outcome.kind === 'not-found') return { kind: 'lost', now: 'absent' };
    // An earlier attempt of ours may land late, so after any unclear outcome a refusal is checked too.
    unclear = true;
    const current = await withRetries(() => storage.get(key), readRetryDefaults);
    if (current !== null && sameBytes(current.body, body)) return { kind: 'done', etag: current.etag };
    const unchanged = 'ifNoneMatch' in condition ? current === null : current?.etag === condition.ifMatch;
    if (!unchanged) return { kind: 'lost', now: current === null ? 'absent' : 'changed' };
    await sleep(backoffDelayMs(attempt, readRetryDefaults));
  }
  throw new KlogError('UNKNOWN_OUTCOME', `Could not confirm a write of ${key}; it is tried again.`, {
    context: { key },
  });
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}
