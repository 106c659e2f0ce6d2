/**
 * Reading index objects (sdk/format/partition-index.ts): finding the index that covers an offset, the segment
 * entry that holds it, and the partition's live segments as the indexes and `log/` describe them together.
 *
 * Offsets below `meta.indexedEndOffset` are found through the chain of index objects that `meta.json` names: the
 * newest index (`newestIndex`) lists the whole chain in its `chain` directory, so the index covering any offset is
 * one more GET, however many index objects the partition has. Index objects written before the directory existed
 * are followed through `previous` instead, one GET per index object. Offsets at or after the indexed end are in
 * `log/` segments from `indexedEndOffset` on. A LIST of `index/` (listIndexes) is for retention's tidying only: it
 * may show index objects outside the chain.
 */
import {
  type ChainEntry,
  chainEntryOf,
  decodePartitionIndex,
  type IndexedSegment,
  type PartitionIndex,
} from '../format/partition-index.js';
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
 * after the indexed range, below the chain's start, or its index is gone). Two GETs at most: the newest index, then
 * the one its chain directory names for the offset (none when the newest covers it). A LIST of `index/` would show
 * index objects outside the chain: a run that stalled while another indexed the same range, or while retention
 * started a new chain, may create one late. Such an index may name `data/` segments that maintenance has deleted
 * as unreferenced, or `log/` keys freed after the grace period, so readers and writers trust only the chain. The
 * directory names keys, and keys are unique: the object at a directory key is the chain's index (checked against
 * the entry's range all the same).
 */
export async function findIndexCovering(
  store: ObjectStore,
  meta: PartitionMeta,
  offset: bigint,
): Promise<PartitionIndex | null> {
  if (offset >= meta.indexedEndOffset || meta.newestIndex === null) return null;
  const newest = await readIndex(store, meta.newestIndex);
  if (newest === null) return null;
  if (covers(newest, offset)) return newest;
  if (newest.chain === null) {
    const oldest = (await walkChain(store, newest, offset)).at(-1);
    return oldest !== undefined && covers(oldest, offset) ? oldest : null;
  }
  const entry = entryCovering(newest.chain, offset);
  return entry === undefined ? null : readChainIndex(store, entry);
}

/**
 * The chain directory of `newest` (stored at `key`), oldest first: its `chain`, or, for an index written before the
 * directory existed, the chain walked through `previous` back to the index covering `downTo` (one GET per index).
 */
export async function chainDirectory(
  store: ObjectStore,
  newest: PartitionIndex,
  key: string,
  downTo: bigint,
): Promise<ChainEntry[]> {
  if (newest.chain !== null) return newest.chain;
  const walked = await walkChain(store, newest, downTo);
  const keys = [key, ...walked.slice(0, -1).map((index) => index.previous)];
  return walked
    .flatMap((index, position) => {
      const indexKey = keys[position];
      return typeof indexKey === 'string' ? [chainEntryOf(index, indexKey)] : [];
    })
    .reverse();
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
    // The chain, oldest first: each index starts where the one before it ended (see readChain).
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
 * The live segments that may hold a record stamped at or after `timestamp`, in offset order, from the log start:
 * the segments of the first index of the chain whose directory maxTimestamp reaches it and of the later ones that
 * reach it, then the `log/` segments after the indexed end. Lazy: each index object is read (one GET) only when
 * the caller gets that far, so a search that ends in the first such index costs the newest index and that one.
 */
export async function* segmentsForTimestamp(
  store: ObjectStore,
  ref: PartitionRef,
  meta: PartitionMeta,
  timestamp: number,
): AsyncGenerator<LiveSegment> {
  let next = meta.logStartOffset;
  const newest =
    next < meta.indexedEndOffset && meta.newestIndex !== null ? await readIndex(store, meta.newestIndex) : null;
  if (newest !== null && newest.chain === null) {
    // Written before the directory: the walk through `previous` of liveSegments.
    yield* await liveSegments(store, ref, meta);
    return;
  }
  for (const entry of newest?.chain ?? []) {
    if (entry.endOffset <= next) continue;
    if (entry.maxTimestamp < timestamp) {
      next = entry.endOffset;
      continue;
    }
    const index = entry.baseOffset === newest?.baseOffset ? newest : await readChainIndex(store, entry);
    // A missing index: list `log/` from where the directory stopped, as liveSegments does.
    if (index === null) break;
    for (const segment of index.segments) if (segment.endOffset > next) yield segment;
    next = index.endOffset;
  }
  for (const segment of await listSegments(store, ref, next)) yield segment;
}

/**
 * The index objects of the chain that `meta.json` names, newest first, back to the one covering `downTo` (or the
 * chain's start, or an index that is gone). Found through the newest index's chain directory (or its `previous`
 * walk), never a LIST, so never an index object a stalled maintenance run wrote outside the chain. One GET per
 * index object.
 */
export async function readChain(store: ObjectStore, meta: PartitionMeta, downTo: bigint): Promise<PartitionIndex[]> {
  if (meta.newestIndex === null) return [];
  const newest = await readIndex(store, meta.newestIndex);
  if (newest === null) return [];
  if (newest.chain === null) return walkChain(store, newest, downTo);
  const chain = [newest];
  let oldest = newest;
  for (const entry of newest.chain.slice(0, -1).reverse()) {
    if (oldest.baseOffset <= downTo) break;
    const index = await readChainIndex(store, entry);
    if (index === null) break;
    chain.push(index);
    oldest = index;
  }
  return chain;
}

/** `newest` and the indexes before it through `previous`, back to the one covering `downTo`: one GET per index. */
async function walkChain(store: ObjectStore, newest: PartitionIndex, downTo: bigint): Promise<PartitionIndex[]> {
  const chain = [newest];
  let current = newest;
  while (current.baseOffset > downTo && current.previous !== null) {
    const index = await readIndex(store, current.previous);
    if (index === null) break;
    chain.push(index);
    current = index;
  }
  return chain;
}

/** The index at a directory entry's key, or null when it is gone or does not cover the entry's range. */
async function readChainIndex(store: ObjectStore, entry: ChainEntry): Promise<PartitionIndex | null> {
  const index = await readIndex(store, entry.key);
  return index !== null && index.baseOffset === entry.baseOffset && index.endOffset === entry.endOffset ? index : null;
}

/** The directory entry whose range holds `offset` (binary search; the directory is contiguous). */
function entryCovering(chain: readonly ChainEntry[], offset: bigint): ChainEntry | undefined {
  let low = 0;
  let high = chain.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const entry = chain[middle]!;
    if (offset < entry.baseOffset) high = middle - 1;
    else if (offset >= entry.endOffset) low = middle + 1;
    else return entry;
  }
  return undefined;
}

function covers(index: PartitionIndex, offset: bigint): boolean {
  return offset >= index.baseOffset && offset < index.endOffset;
}

/** An index entry together with the index object that lists it. */
export interface IndexedSegmentLookup {
  index: PartitionIndex;
  entry: IndexedSegment;
}
