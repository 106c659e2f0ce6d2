/**
 * Reading index objects (sdk/format/partition-index.ts): finding the index that covers an offset, the segment
 * entry that holds it, and the partition's live segments as the indexes and `log/` describe them together.
 *
 * Offsets below `meta.indexedEndOffset` are found through the chain of index objects that `meta.json` names
 * (`newestIndex`, then each one's `previous`): one GET per index object walked, each covering up to 1,000 segments.
 * Offsets at or after it are in `log/` segments from `indexedEndOffset` on. A LIST of `index/` (listIndexes) is
 * for retention's tidying only: it may show index objects outside the chain.
 */
import { decodePartitionIndex, type IndexedSegment, type PartitionIndex } from '../format/partition-index.js';
import { indexesPrefix, indexKey, type PartitionRef, parseIndexKey } from '../store/keys.js';
import type { ObjectStore } from '../store/object-store.js';
import type { PartitionMeta } from './partition-meta.js';
import { listSegments } from './segment-list.js';
import { getWithRetries, listWithRetries } from './store-reads.js';

export interface IndexRef {
  baseOffset: bigint;
  key: string;
}

/** Every index object of the partition in offset order. One LIST per 1,000 index objects. */
export async function listIndexes(store: ObjectStore, ref: PartitionRef): Promise<IndexRef[]> {
  const indexes: IndexRef[] = [];
  for (const object of await listWithRetries(store, indexesPrefix(ref))) {
    const baseOffset = parseIndexKey(ref, object.key);
    if (baseOffset !== null) indexes.push({ baseOffset, key: object.key });
  }
  return indexes;
}

/** One GET; null when the index object does not exist (retention removed it). */
export async function readIndex(store: ObjectStore, key: string): Promise<PartitionIndex | null> {
  const object = await getWithRetries(store, key);
  return object === null ? null : decodePartitionIndex(object.body, key);
}

/** The index object starting exactly at `baseOffset` (the one after an index that ends there), or null. */
export function readIndexAt(store: ObjectStore, ref: PartitionRef, baseOffset: bigint): Promise<PartitionIndex | null> {
  return readIndex(store, indexKey(ref, baseOffset));
}

/**
 * The index object of the chain in `meta.json` covering `offset`, or null when none does (the offset is at or
 * after the indexed range, or below the chain's start). Walks `previous` from `meta.newestIndex`: one GET per index
 * object from the newest back to the covering one (a partition of 10,000 segments has ten). A LIST of `index/`
 * would be one request, but it also shows index objects outside the chain: a run that stalled while another indexed
 * the same range, or while retention started a new chain, may create one late. Such an index may name `data/`
 * segments that maintenance has deleted as unreferenced, or `log/` keys freed after the grace period, so readers
 * and writers trust only the chain.
 */
export async function findIndexCovering(
  store: ObjectStore,
  meta: PartitionMeta,
  offset: bigint,
): Promise<PartitionIndex | null> {
  if (offset >= meta.indexedEndOffset) return null;
  const oldest = (await readChain(store, meta, offset)).at(-1);
  return oldest !== undefined && offset >= oldest.baseOffset && offset < oldest.endOffset ? oldest : null;
}

/** The entry of `index` whose range holds `offset`, or undefined when the index does not cover it. */
export function segmentAt(index: PartitionIndex, offset: bigint): IndexedSegment | undefined {
  if (offset < index.baseOffset || offset >= index.endOffset) return undefined;
  let low = 0;
  let high = index.segments.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const segment = index.segments[middle]!;
    if (offset < segment.baseOffset) high = middle - 1;
    else if (offset >= segment.endOffset) low = middle + 1;
    else return segment;
  }
  return undefined;
}

/** A segment of the live log: from an index entry (`endOffset` and `maxTimestamp` known) or from a LIST of `log/`. */
export interface LiveSegment {
  baseOffset: bigint;
  key: string;
  size: number;
  endOffset?: bigint;
  maxTimestamp?: number;
}

/**
 * The segments holding offsets at or after `fromOffset` (at least the log start), in offset order: the entries of
 * the index objects of the chain in `meta.json` for the indexed range, then the `log/` segments after it. Costs one
 * GET per index object that reaches past `fromOffset` and one LIST of `log/` per 1,000 unindexed segments.
 */
export async function liveSegments(
  store: ObjectStore,
  ref: PartitionRef,
  meta: PartitionMeta,
  fromOffset = meta.logStartOffset,
): Promise<LiveSegment[]> {
  const segments: LiveSegment[] = [];
  let next = fromOffset;
  if (fromOffset < meta.indexedEndOffset) {
    // The chain, oldest first: each index starts where the one before it ended (see findIndexCovering).
    for (const index of (await readChain(store, meta, fromOffset)).reverse()) {
      if (index.baseOffset > next || index.endOffset <= next) continue;
      for (const segment of index.segments) if (segment.endOffset > next) segments.push(segment);
      next = index.endOffset;
    }
  }
  // `next` is indexedEndOffset once the chain was read; were an index missing, listing `log/` from where the chain
  // stopped still finds every segment that was not compacted.
  for (const segment of await listSegments(store, ref, next)) segments.push(segment);
  return segments;
}

/**
 * The index objects of the chain that `meta.json` names, newest first, back to the one covering `downTo` (or the
 * chain's start). Unlike a LIST, this never meets an index object a stalled maintenance run wrote outside the
 * chain. One GET per index object walked.
 */
export async function readChain(store: ObjectStore, meta: PartitionMeta, downTo: bigint): Promise<PartitionIndex[]> {
  const chain: PartitionIndex[] = [];
  let key = meta.newestIndex;
  while (key !== null) {
    const index = await readIndex(store, key);
    if (index === null) break;
    chain.push(index);
    if (index.baseOffset <= downTo) break;
    key = index.previous;
  }
  return chain;
}

/** An index entry together with the index object that lists it. */
export interface IndexedSegmentLookup {
  index: PartitionIndex;
  entry: IndexedSegment;
}
