/**
 * Finding segments: LIST of a partition's `log/` keys (offset order, thanks to zero padding) and reading a
 * segment's header and batch directory with one range GET.
 */
import { partitionLogDefaults } from '../config.js';
import {
  decodeSegmentHeader,
  SEGMENT_FIXED_HEADER_BYTES,
  type SegmentHeader,
  segmentHeaderLength,
} from '../format/segment.js';
import { type PartitionRef, parseSegmentKey, segmentKey, segmentsPrefix } from '../store/keys.js';
import type { ObjectStore } from '../store/object-store.js';
import { getWithRetries, listWithRetries } from './store-reads.js';

export interface SegmentRef {
  baseOffset: bigint;
  key: string;
  size: number;
}

/** Segments whose base offset is at least `fromOffset`, in offset order. Costs one LIST per 1,000 segments. */
export async function listSegments(store: ObjectStore, ref: PartitionRef, fromOffset = 0n): Promise<SegmentRef[]> {
  const startAfter = fromOffset > 0n ? segmentKey(ref, fromOffset - 1n) : undefined;
  const listed = await listWithRetries(store, segmentsPrefix(ref), { startAfter });
  const segments: SegmentRef[] = [];
  for (const object of listed) {
    const baseOffset = parseSegmentKey(ref, object.key);
    if (baseOffset !== null) segments.push({ baseOffset, key: object.key, size: object.size });
  }
  return segments;
}

export interface SegmentHead {
  header: SegmentHeader;
  etag: string;
  /** The bytes read; the whole object when `complete`. */
  bytes: Uint8Array;
  complete: boolean;
}

/**
 * Reads a segment's header and batch directory: one range GET of the first `headerReadBytes`, and a second
 * only for a directory larger than that. Returns null when the segment does not exist.
 */
export async function readSegmentHead(
  store: ObjectStore,
  key: string,
  headerReadBytes: number = partitionLogDefaults.headerReadBytes,
): Promise<SegmentHead | null> {
  const first = await getWithRetries(store, key, { offset: 0, length: headerReadBytes });
  if (first === null) return null;
  let bytes = first.body;
  if (bytes.length >= SEGMENT_FIXED_HEADER_BYTES) {
    const needed = segmentHeaderLength(bytes, key);
    if (needed > bytes.length && needed <= first.size) {
      const rest = await getWithRetries(store, key, { offset: bytes.length, length: needed - bytes.length });
      if (rest === null) return null;
      bytes = Buffer.concat([bytes, rest.body]);
    }
  }
  return {
    header: decodeSegmentHeader(bytes, key),
    etag: first.etag,
    bytes,
    complete: bytes.length === first.size,
  };
}
