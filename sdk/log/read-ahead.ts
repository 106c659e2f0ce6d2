/**
 * Read-ahead for a partition reader that is behind: GETs of the next few segments at once, instead of one GET
 * after another. A producer with a short linger writes many small segments, and a reader fetching them one at a
 * time falls further behind the longer the GETs take; with a few in flight it keeps up.
 *
 * Only segments whose keys and sizes are known are fetched ahead (from a LIST of `log/` or from an index), only
 * whole objects no larger than the range-read threshold, and never more bytes than the read may still return:
 * the bytes in flight plus those of the next segment stay within the caller's budget, so a consumer's memory
 * bound holds. What a read started but did not use is dropped when the read ends (`discard`).
 */
import { type PartitionRef, parseSegmentKey, segmentKey, segmentsPrefix } from '../store/keys.js';
import type { GetResult, ObjectStore } from '../store/object-store.js';
import type { SegmentRef } from './segment-list.js';
import { getWithRetries, listWithRetries } from './store-reads.js';

interface InFlight {
  size: number;
  result: Promise<GetResult | null>;
}

export class ReadAhead {
  private readonly store: ObjectStore;
  private readonly concurrency: number;
  private readonly maxObjectBytes: number;
  /** GETs started and not yet taken, by the segment's base offset. */
  private readonly inFlight = new Map<bigint, InFlight>();
  private bytesInFlight = 0;

  constructor(store: ObjectStore, concurrency: number, maxObjectBytes: number) {
    this.store = store;
    this.concurrency = concurrency;
    this.maxObjectBytes = maxObjectBytes;
  }

  /**
   * Starts GETs of `segments`, which follow each other from the reader's position on, while fewer than
   * `concurrency` are in flight and their bytes stay within `budget`. Stops at the first segment that is too
   * large to fetch whole, so that the segments fetched ahead are always the next ones in order.
   */
  start(segments: readonly SegmentRef[], budget: number): void {
    for (const segment of segments) {
      if (this.inFlight.size >= this.concurrency) return;
      if (this.inFlight.has(segment.baseOffset)) continue;
      if (segment.size > this.maxObjectBytes || this.bytesInFlight + segment.size > budget) return;
      const result = getWithRetries(this.store, segment.key);
      // A GET that is discarded unread must not surface as an unhandled rejection; one that is taken still rejects.
      result.catch(() => undefined);
      this.inFlight.set(segment.baseOffset, { size: segment.size, result });
      this.bytesInFlight += segment.size;
    }
  }

  /** The GET started for the segment at `baseOffset`, or undefined when none was; it leaves the in-flight set. */
  take(baseOffset: bigint): { size: number; result: Promise<GetResult | null> } | undefined {
    const entry = this.inFlight.get(baseOffset);
    if (entry === undefined) return undefined;
    this.inFlight.delete(baseOffset);
    this.bytesInFlight -= entry.size;
    return entry;
  }

  /** Forgets every GET not taken: their bodies are dropped when they arrive. */
  discard(): void {
    this.inFlight.clear();
    this.bytesInFlight = 0;
  }
}

/**
 * The segments of `log/` from `fromOffset` on, at most `limit` of them: one LIST page. A reader behind the tail
 * uses it to learn the keys it can fetch ahead.
 */
export async function listSegmentsAhead(
  store: ObjectStore,
  ref: PartitionRef,
  fromOffset: bigint,
  limit: number,
): Promise<SegmentRef[]> {
  const startAfter = fromOffset > 0n ? segmentKey(ref, fromOffset - 1n) : undefined;
  const listed = await listWithRetries(store, segmentsPrefix(ref), { startAfter, limit });
  const segments: SegmentRef[] = [];
  for (const object of listed) {
    const baseOffset = parseSegmentKey(ref, object.key);
    if (baseOffset !== null) segments.push({ baseOffset, key: object.key, size: object.size });
  }
  return segments;
}
