/**
 * An in-memory ObjectStore for tests and benchmarks: S3's semantics (conditional writes, byte-ordered
 * listing) in one process, with optional latency and scripted or random faults (see store-faults.ts).
 *
 * Each operation's effect happens in one synchronous step after its latency, so concurrent operations are
 * serialised exactly as a strongly consistent store serialises them. Bodies are copied on the way in and out,
 * so a caller that reuses its buffers cannot change stored objects.
 */
import { randomBytes } from 'node:crypto';
import { KlogError } from '../errors.js';
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
import { StoreFaults } from './store-faults.js';

export interface MemoryObjectStoreOptions {
  /** Delay before every operation takes effect, in milliseconds (a function is called once per operation). */
  latencyMs?: number | (() => number);
  /** Names the store in errors; `memory` when absent. */
  description?: string;
}

interface StoredObject {
  body: Uint8Array;
  etag: string;
}

/**
 * Compares keys in UTF-8 byte order, as S3 lists them. UTF-16 order (JavaScript's `<`) differs from it only
 * between a surrogate (U+D800..U+DFFF) and a code unit in U+E000..U+FFFF, so those two ranges swap places.
 */
function compareKeys(a: string, b: string): number {
  const shared = Math.min(a.length, b.length);
  for (let i = 0; i < shared; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return byteOrderWeight(x) - byteOrderWeight(y);
  }
  return a.length - b.length;
}

function byteOrderWeight(codeUnit: number): number {
  if (codeUnit >= 0xe000) return codeUnit - 0x800;
  if (codeUnit >= 0xd800) return codeUnit + 0x2000;
  return codeUnit;
}

export class MemoryObjectStore implements ObjectStore {
  readonly description: string;
  readonly faults: StoreFaults;
  private readonly objects = new Map<string, StoredObject>();
  /** Every stored key in byte order, so that a LIST is a binary search and a scan, not a sort. */
  private readonly sortedKeys: string[] = [];
  private readonly latencyMs: number | (() => number);

  constructor(options: MemoryObjectStoreOptions = {}) {
    this.description = options.description ?? 'memory';
    this.latencyMs = options.latencyMs ?? 0;
    this.faults = new StoreFaults(this.description);
  }

  async get(key: string, range?: ByteRange): Promise<GetResult | null> {
    await this.delay();
    return this.faults.runRead('get', key, () => {
      if (range !== undefined) checkRange(range, key, this.description);
      const object = this.objects.get(key);
      if (object === undefined) return null;
      const size = object.body.length;
      const start = Math.min(range?.offset ?? 0, size);
      const end = range?.length === undefined ? size : Math.min(start + range.length, size);
      return { body: object.body.slice(start, end), etag: object.etag, size };
    });
  }

  async head(key: string): Promise<HeadResult | null> {
    await this.delay();
    return this.faults.runRead('head', key, () => {
      const object = this.objects.get(key);
      return object === undefined ? null : { etag: object.etag, size: object.body.length };
    });
  }

  async put(key: string, body: Uint8Array, condition: WriteCondition): Promise<WriteOutcome> {
    const copy = body.slice();
    await this.delay();
    return this.faults.runWrite('put', key, (): WriteOutcome => {
      const current = this.objects.get(key);
      if ('ifNoneMatch' in condition) {
        if (current !== undefined) return { kind: 'precondition-failed' };
      } else if (current === undefined) {
        return { kind: 'not-found' };
      } else if (current.etag !== condition.ifMatch) {
        return { kind: 'precondition-failed' };
      }
      const etag = randomBytes(12).toString('hex');
      if (current === undefined) this.sortedKeys.splice(this.lowerBound(key), 0, key);
      this.objects.set(key, { body: copy, etag });
      return { kind: 'done', etag };
    });
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListedObject[]> {
    await this.delay();
    return this.faults.runRead('list', prefix, () => {
      const limit = options.limit ?? Number.POSITIVE_INFINITY;
      const startAfter = options.startAfter;
      let index = this.lowerBound(prefix);
      if (startAfter !== undefined && compareKeys(startAfter, prefix) >= 0) {
        index = this.lowerBound(startAfter);
        if (this.sortedKeys[index] === startAfter) index++;
      }
      const listed: ListedObject[] = [];
      for (; index < this.sortedKeys.length && listed.length < limit; index++) {
        const key = this.sortedKeys[index]!;
        if (!key.startsWith(prefix)) break;
        listed.push({ key, size: this.objects.get(key)!.body.length });
      }
      return listed;
    });
  }

  async delete(key: string, options: { ifMatch?: string } = {}): Promise<DeleteOutcome> {
    await this.delay();
    return this.faults.runWrite('delete', key, (): DeleteOutcome => {
      const current = this.objects.get(key);
      if (options.ifMatch !== undefined) {
        if (current === undefined) return { kind: 'not-found' };
        if (current.etag !== options.ifMatch) return { kind: 'precondition-failed' };
      }
      if (current !== undefined) {
        this.objects.delete(key);
        this.sortedKeys.splice(this.lowerBound(key), 1);
      }
      return { kind: 'done' };
    });
  }

  /** Nothing to release. Writes still landing later (see `faults.pending()`) land even after close. */
  async close(): Promise<void> {}

  /** The index of the first stored key that is not below `key`. */
  private lowerBound(key: string): number {
    let low = 0;
    let high = this.sortedKeys.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compareKeys(this.sortedKeys[middle]!, key) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  private async delay(): Promise<void> {
    const ms = typeof this.latencyMs === 'function' ? this.latencyMs() : this.latencyMs;
    if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
  }
}

function checkRange(range: ByteRange, key: string, endpoint: string): void {
  const lengthValid = range.length === undefined || (Number.isSafeInteger(range.length) && range.length >= 0);
  if (!Number.isSafeInteger(range.offset) || range.offset < 0 || !lengthValid) {
    throw new KlogError('INVALID_ARGUMENT', `Range ${JSON.stringify(range)} of "${key}" is not a valid byte range.`, {
      context: { key, endpoint },
    });
  }
}
