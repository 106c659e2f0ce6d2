/**
 * An ObjectStore decorator that counts requests by type and the bytes moved, for S3 cost figures, the
 * benchmarks and the SDK's counters. Every request is counted when it is made, whatever its outcome: S3
 * bills a failed conditional PUT, a 404 GET and an erroring request like any other.
 */
import type {
  ByteRange,
  DeleteOutcome,
  GetResult,
  HeadResult,
  ListedObject,
  ListOptions,
  ObjectStore,
  WriteCondition,
  WriteOutcome,
} from './object-store.js';

/** S3 returns at most this many keys per LIST request. */
const KEYS_PER_LIST_REQUEST = 1000;

export interface RequestCounts {
  get: number;
  head: number;
  put: number;
  /** LIST requests as S3 bills them: one per 1,000 keys returned, and at least one per call. */
  list: number;
  delete: number;
  /** Body bytes returned by successful GETs (the range only, for range reads). */
  bytesRead: number;
  /** Body bytes sent by PUTs, including PUTs whose condition failed. */
  bytesWritten: number;
}

function zeroCounts(): RequestCounts {
  return { get: 0, head: 0, put: 0, list: 0, delete: 0, bytesRead: 0, bytesWritten: 0 };
}

export class CountingObjectStore implements ObjectStore {
  readonly description: string;
  private current: RequestCounts = zeroCounts();

  constructor(private readonly inner: ObjectStore) {
    this.description = inner.description;
  }

  /** A snapshot of the counts since construction or the last `reset`. */
  counts(): RequestCounts {
    return { ...this.current };
  }

  reset(): void {
    this.current = zeroCounts();
  }

  async get(key: string, range?: ByteRange): Promise<GetResult | null> {
    this.current.get++;
    const result = await this.inner.get(key, range);
    if (result !== null) this.current.bytesRead += result.body.length;
    return result;
  }

  head(key: string): Promise<HeadResult | null> {
    this.current.head++;
    return this.inner.head(key);
  }

  put(key: string, body: Uint8Array, condition: WriteCondition): Promise<WriteOutcome> {
    this.current.put++;
    this.current.bytesWritten += body.length;
    return this.inner.put(key, body, condition);
  }

  async list(prefix: string, options?: ListOptions): Promise<ListedObject[]> {
    try {
      const listed = await this.inner.list(prefix, options);
      this.current.list += Math.max(1, Math.ceil(listed.length / KEYS_PER_LIST_REQUEST));
      return listed;
    } catch (error) {
      this.current.list++;
      throw error;
    }
  }

  delete(key: string, options?: { ifMatch?: string }): Promise<DeleteOutcome> {
    this.current.delete++;
    return this.inner.delete(key, options);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
