/**
 * Reads with the retry policy every log component uses: transient store failures are retried with
 * jittered backoff; anything else surfaces at once.
 */
import { readRetryDefaults, withRetries } from '../retry.js';
import type { ByteRange, GetResult, ListedObject, ListOptions, ObjectStore } from '../store/object-store.js';

export function getWithRetries(store: ObjectStore, key: string, range?: ByteRange): Promise<GetResult | null> {
  return withRetries(() => store.get(key, range), readRetryDefaults);
}

export function listWithRetries(store: ObjectStore, prefix: string, options?: ListOptions): Promise<ListedObject[]> {
  return withRetries(() => store.list(prefix, options), readRetryDefaults);
}
