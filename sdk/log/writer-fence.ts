/**
 * Fences of exclusive writers (design brief §7, docs/fencing.md §3). An exclusive writer (a producer with a
 * fencing id, a broker that owns a partition) takes a partition over by writing a WRITER_EPOCH control segment
 * with a higher writer epoch at the tail. A writer with epoch E > 0 is fenced by any batch with a higher epoch and
 * by any WRITER_EPOCH control batch of another writer that it meets after its own takeover: a control segment
 * after its takeover can only be a later takeover.
 *
 * Two reads live here:
 * - the highest epoch of a partition, for a takeover: the newest index object's cumulative `fence` and the
 *   headers after the index end, read from the newest backwards until a batch with an epoch above 0 (epochs
 *   above 0 never decrease along the log, since every exclusive writer checks what it passes);
 * - a jump of an exclusive writer whose tail is unknown: unlike a shared writer, which trusts the last segment's
 *   header (tail.ts), it reads every header it jumps over, or the index `fence` for the indexed part, so that
 *   it can never skip a fence in the middle of the log.
 */
import { decodePartitionIndex } from '../format/partition-index.js';
import type { BatchEntry } from '../format/segment.js';
import type { PartitionRef } from '../store/keys.js';
import type { ObjectStore } from '../store/object-store.js';
import type { PartitionMeta } from './partition-meta.js';
import { listSegments, readSegmentHead, type SegmentRef } from './segment-list.js';
import { getWithRetries } from './store-reads.js';
import { requireWritableMeta } from './tail.js';

/** Who an exclusive writer is: a random 64-bit id per instance and the fencing id its takeovers share. */
export interface ExclusiveWriter {
  writerId: bigint;
  fencingId: string;
}

/** The writer epoch and id a fenced writer met, and where (null when it came from an index summary). */
export interface MetFence {
  writerEpoch: number;
  writerId: bigint | null;
  offset: bigint | null;
}

export interface HighestEpoch {
  writerEpoch: number;
  /** The tail found on the way: the larger of the log start, the indexed end and the last segment's end. */
  tail: bigint;
}

export interface JumpScan {
  tail: bigint;
  /** The first fence met on the way, or null when the writer is still the partition's exclusive writer. */
  fence: MetFence | null;
}

/** How often a scan starts again when a listed segment vanished under it (retention or compaction moved on). */
const SCAN_ATTEMPTS = 4;

/** True when a batch fences a writer with epoch `writerEpoch` > 0 and id `writerId`. */
export function batchFences(entry: BatchEntry, writerEpoch: number, writerId: bigint): boolean {
  if (entry.writerEpoch > writerEpoch) return true;
  return writerEpoch > 0 && entry.control && entry.producerId !== writerId;
}

/**
 * The highest writer epoch of a partition and its tail, for a takeover. Costs one GET (meta), one GET of the
 * newest index object when there is one, one LIST per 1,000 segments after it and one range GET per segment read
 * (usually one: the newest segment of an exclusively written partition carries its epoch).
 */
export async function findHighestEpoch(
  store: ObjectStore,
  ref: PartitionRef,
  headerReadBytes?: number,
): Promise<HighestEpoch> {
  for (let attempt = 1; ; attempt++) {
    const meta = await requireWritableMeta(store, ref);
    const indexed = await indexFence(store, meta);
    const from = maxOffset(meta.logStartOffset, meta.indexedEndOffset);
    const segments = await listSegments(store, ref, from);
    let tail = from;
    let writerEpoch = indexed?.writerEpoch ?? 0;
    let vanished = false;
    for (let index = segments.length - 1; index >= 0; index--) {
      const head = await readSegmentHead(store, segments[index]!.key, headerReadBytes);
      if (head === null) {
        vanished = true;
        break;
      }
      if (index === segments.length - 1) tail = maxOffset(tail, head.header.endOffset);
      const highest = Math.max(0, ...head.header.batches.map((entry) => entry.writerEpoch));
      if (highest > 0) {
        writerEpoch = Math.max(writerEpoch, highest);
        break;
      }
    }
    if (!vanished || attempt >= SCAN_ATTEMPTS) return { writerEpoch, tail };
  }
}

/**
 * Jumps an exclusive writer from `from` (the end of what it has checked, or null when it has checked nothing) to
 * the tail, reading the index `fence` for the indexed part it jumps over and every header after it. Costs one
 * GET (meta), one GET of the newest index when the jump crosses indexed offsets, one LIST per 1,000 segments and
 * one range GET per segment jumped over.
 */
export async function scanJump(
  store: ObjectStore,
  ref: PartitionRef,
  from: bigint | null,
  writer: { writerEpoch: number; writerId: bigint },
  headerReadBytes?: number,
): Promise<JumpScan> {
  for (let attempt = 1; ; attempt++) {
    const meta = await requireWritableMeta(store, ref);
    let start = maxOffset(from ?? 0n, meta.logStartOffset);
    if (meta.indexedEndOffset > start) {
      const indexed = await indexFence(store, meta);
      if (indexed !== null && indexFences(indexed, writer)) {
        return { tail: meta.indexedEndOffset, fence: { ...indexed, offset: null } };
      }
      start = meta.indexedEndOffset;
    }
    const segments = await listSegments(store, ref, start);
    const scanned = await scanHeaders(store, segments, writer, headerReadBytes);
    if (scanned === 'vanished' && attempt < SCAN_ATTEMPTS) continue;
    if (scanned === 'vanished') return { tail: start, fence: null };
    return { tail: maxOffset(start, scanned.tail ?? start), fence: scanned.fence };
  }
}

async function scanHeaders(
  store: ObjectStore,
  segments: readonly SegmentRef[],
  writer: { writerEpoch: number; writerId: bigint },
  headerReadBytes?: number,
): Promise<{ tail: bigint | null; fence: MetFence | null } | 'vanished'> {
  let tail: bigint | null = null;
  for (const segment of segments) {
    const head = await readSegmentHead(store, segment.key, headerReadBytes);
    if (head === null) return 'vanished';
    for (const entry of head.header.batches) {
      if (batchFences(entry, writer.writerEpoch, writer.writerId)) {
        const offset = head.header.baseOffset + BigInt(entry.relativeOffset);
        return {
          tail: head.header.endOffset,
          fence: { writerEpoch: entry.writerEpoch, writerId: entry.producerId, offset },
        };
      }
    }
    tail = head.header.endOffset;
  }
  return { tail, fence: null };
}

function indexFences(
  fence: { writerEpoch: number; writerId: bigint | null },
  writer: { writerEpoch: number; writerId: bigint },
): boolean {
  if (fence.writerEpoch > writer.writerEpoch) return true;
  return fence.writerEpoch === writer.writerEpoch && fence.writerId !== null && fence.writerId !== writer.writerId;
}

/** The newest index object's cumulative fence, or null when the partition has no index (or it vanished). */
async function indexFence(
  store: ObjectStore,
  meta: PartitionMeta,
): Promise<{ writerEpoch: number; writerId: bigint | null } | null> {
  if (meta.newestIndex === null) return null;
  const object = await getWithRetries(store, meta.newestIndex);
  // Retention may remove an index object below the log start; its successor (named by a newer meta) keeps the
  // cumulative fence, and the caller's headers after the log start still show every later takeover.
  if (object === null) return null;
  return decodePartitionIndex(object.body, meta.newestIndex).fence;
}

function maxOffset(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}
