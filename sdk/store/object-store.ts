/**
 * The object-store contract (design brief §2). Everything klog stores goes through this interface, and
 * every implementation (S3, filesystem, memory) passes the same contract suite in test/contract/.
 *
 * Reads throw a KlogError on transport failure (reads are idempotent, so callers retry on `retriable`).
 * Writes return a typed outcome instead, because a failed conditional write is data to the caller: the
 * partition log's resolve routine branches on exactly these outcomes, and "ambiguous" (the write may
 * have landed) must never be mistaken for "failed".
 */

/** A condition on a write: create only if absent, or replace only the version with this etag. */
export type WriteCondition = { ifNoneMatch: '*' } | { ifMatch: string };

export type WriteOutcome =
  /** The write happened; `etag` names the new version. */
  | { kind: 'done'; etag: string }
  /** The condition did not hold (S3 412): the key exists (create) or holds another version (replace). */
  | { kind: 'precondition-failed' }
  /** S3 409 ConditionalRequestConflict: another write on the key was in flight; the key may still be absent. */
  | { kind: 'conflict' }
  /** `ifMatch` (or a conditional delete) on a missing key: treat as "lost the race", never recreate. */
  | { kind: 'not-found' }
  /** The request failed before it could have had an effect (5xx, throttling, reset before sending). */
  | { kind: 'retriable'; error: Error }
  /** The request may or may not have taken effect (timeout or reset after the body was sent). */
  | { kind: 'ambiguous'; error: Error };

export type DeleteOutcome = Exclude<WriteOutcome, { kind: 'done' }> | { kind: 'done' };

/** A byte range of an object: `length` bytes from `offset`, or to the end when `length` is absent. */
export interface ByteRange {
  offset: number;
  length?: number;
}

export interface GetResult {
  body: Uint8Array;
  etag: string;
  /** Size of the whole object, also for range reads. */
  size: number;
}

export interface HeadResult {
  etag: string;
  size: number;
}

export interface ListOptions {
  /** Only keys strictly after this one (S3's StartAfter). */
  startAfter?: string;
  /** Stop after this many keys. Implementations page internally. */
  limit?: number;
}

export interface ListedObject {
  key: string;
  size: number;
}

export interface ObjectStore {
  /** A short description for error messages and logs, such as `s3://bucket/prefix at http://127.0.0.1:9000`. */
  readonly description: string;
  /** Returns the object, or null when it does not exist. A range past the end returns the bytes that exist. */
  get(key: string, range?: ByteRange): Promise<GetResult | null>;
  head(key: string): Promise<HeadResult | null>;
  put(key: string, body: Uint8Array, condition: WriteCondition): Promise<WriteOutcome>;
  /** Keys under `prefix` in ascending byte order. */
  list(prefix: string, options?: ListOptions): Promise<ListedObject[]>;
  /** Deletes the object; with `ifMatch`, only the version with that etag. Deleting a missing key is `done`. */
  delete(key: string, options?: { ifMatch?: string }): Promise<DeleteOutcome>;
  /** Releases connections and timers. */
  close(): Promise<void>;
}
