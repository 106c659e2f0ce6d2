/**
 * Compaction of one partition's sealed range (design brief §3, §7): runs of small segments (compaction-plan.ts)
 * are copied into `data/<base>-<end>.seg` objects batch by batch, without re-encoding (each batch keeps its bytes
 * and its CRC; only the segment header and directory are new), and the index object then lists the `data/` key
 * for that range. The small `log/` originals stay until the grace period after the index's `createdAt` has
 * passed; a later run deletes them. docs/fencing.md §6 explains why that order keeps invariant 4.
 */
import { KlogError } from '../errors.js';
import type { IndexedSegment, PartitionIndex } from '../format/partition-index.js';
import { decodeSegmentHeader, encodedBatchFromBytes, encodeSegment, type SegmentHeader } from '../format/segment.js';
import { type IndexedSegmentLookup, readChain } from '../log/partition-index.js';
import type { PartitionMeta } from '../log/partition-meta.js';
import { readSegmentHead, type SegmentRef } from '../log/segment-list.js';
import { getWithRetries, listWithRetries } from '../log/store-reads.js';
import { backoffDelayMs, sleep } from '../retry.js';
import { dataSegmentKey, dataSegmentsPrefix, type PartitionRef, parseDataSegmentKey } from '../store/keys.js';
import type { ListedObject, ObjectStore } from '../store/object-store.js';
import type { SealedSegment } from './compaction-plan.js';
import { maxTimestampOf } from './index-builder.js';

const CREATE_ATTEMPTS = 5;

export interface ReadSegment {
  segment: SealedSegment;
  bytes: Uint8Array;
  header: SegmentHeader;
}

/** Reads a sealed segment whole (compaction copies its batches). Null when it is gone (retention). */
export async function readWholeSegment(store: ObjectStore, segment: SealedSegment): Promise<ReadSegment | null> {
  const object = await getWithRetries(store, segment.key);
  if (object === null) return null;
  return { segment, bytes: object.body, header: decodeSegmentHeader(object.body, segment.key) };
}

/**
 * Creates the data segment for `originals` (consecutive, in offset order) with `If-None-Match: *`. Its content is
 * deterministic, so finding the key taken (a stalled or concurrent run made it) is success once its header shows
 * the same range. Returns the index entry and the originals' headers.
 */
export async function writeDataSegment(
  store: ObjectStore,
  ref: PartitionRef,
  originals: readonly ReadSegment[],
): Promise<{ entry: IndexedSegment; headers: SegmentHeader[] }> {
  const first = originals[0];
  const last = originals.at(-1);
  if (first === undefined || last === undefined) {
    throw new KlogError('INVALID_ARGUMENT', 'A data segment needs at least one original segment.', {});
  }
  const baseOffset = first.header.baseOffset;
  const endOffset = last.header.endOffset;
  const batches = originals.flatMap(({ bytes, header, segment }) =>
    header.batches.map((entry) =>
      encodedBatchFromBytes(bytes.subarray(entry.position, entry.position + entry.length), segment.key),
    ),
  );
  const body = encodeSegment(baseOffset, batches);
  const key = dataSegmentKey(ref, baseOffset, endOffset);
  const headers = originals.map((original) => original.header);
  const entry: IndexedSegment = {
    baseOffset,
    endOffset,
    key,
    size: body.length,
    maxTimestamp: maxTimestampOf(headers),
  };
  for (let attempt = 0; attempt < CREATE_ATTEMPTS; attempt++) {
    const outcome = await store.put(key, body, { ifNoneMatch: '*' });
    if (outcome.kind === 'done') return { entry, headers };
    if (outcome.kind === 'retriable' || outcome.kind === 'conflict') {
      await sleep(backoffDelayMs(attempt, { baseDelayMs: 50, maxDelayMs: 1_000 }));
      continue;
    }
    const existing = await readSegmentHead(store, key);
    if (existing !== null) {
      if (existing.header.baseOffset !== baseOffset || existing.header.endOffset !== endOffset) {
        throw new KlogError(
          'CORRUPT_OBJECT',
          `${key} holds offsets ${existing.header.baseOffset}..${existing.header.endOffset}, not the range its key names.`,
          { context: { key, topic: ref.topic, partition: ref.partition } },
        );
      }
      return { entry: { ...entry, size: existing.header.totalLength }, headers };
    }
  }
  throw new KlogError('UNKNOWN_OUTCOME', `Could not create ${key}; the next maintenance run tries again.`, {
    context: { key, topic: ref.topic, partition: ref.partition },
    retriable: true,
  });
}

/**
 * The `log/` originals that compaction replaced and whose grace period is over: listed `log/` segments below the
 * indexed end whose offset lies inside a `data/` entry of an index of the chain in `meta.json`, created at least
 * `graceMs` before `now`. Segments that are index entries themselves are kept (they are the data). Reads the
 * chain's index objects back to the oldest candidate (one GET each); nothing when there is no candidate.
 */
export async function originalsPastGrace(
  store: ObjectStore,
  ref: PartitionRef,
  meta: PartitionMeta,
  listed: readonly SegmentRef[],
  now: number,
  graceMs: number,
): Promise<SegmentRef[]> {
  const candidates = listed.filter(
    (segment) => segment.baseOffset >= meta.logStartOffset && segment.baseOffset < meta.indexedEndOffset,
  );
  const oldest = candidates[0];
  if (oldest === undefined) return [];
  const chain = await readChain(store, meta, oldest.baseOffset);
  return candidates.filter((segment) => {
    const found = lookup(chain, segment.baseOffset);
    if (found === null) return false;
    const { index, entry } = found;
    return (
      entry.key !== segment.key && parseDataSegmentKey(ref, entry.key) !== null && index.createdAt + graceMs <= now
    );
  });
}

/**
 * `data/` segments that no index of the chain in `meta.json` lists, inside the range the chain already covers, and
 * whose range the chain indexed at least `graceMs` before `now`: the losers of a race between two runs (the loser
 * created its `data/` segments, then found the index key taken and adopted the winner's index, whose ranges differ),
 * or the leftovers of a run that stalled and wrote them after another run indexed the range. Nothing will ever
 * reference them: an index over that range is created either at a base the chain holds (the key exists, and its
 * creator adopts the chain's index) or at another base, outside the chain, which never joins it (docs/fencing.md
 * §6). `data/` segments below the log start are retention's (indexed-retention.ts). One LIST of `data/`, then one
 * GET per index of the chain walked back to the oldest candidate; nothing more when there is no candidate.
 */
export async function unreferencedDataSegments(
  store: ObjectStore,
  ref: PartitionRef,
  meta: PartitionMeta,
  now: number,
  graceMs: number,
): Promise<ListedObject[]> {
  if (meta.indexedEndOffset <= meta.logStartOffset) return [];
  const candidates = (await listWithRetries(store, dataSegmentsPrefix(ref))).flatMap((object) => {
    const range = parseDataSegmentKey(ref, object.key);
    return range !== null && range.baseOffset >= meta.logStartOffset && range.endOffset <= meta.indexedEndOffset
      ? [{ object, ...range }]
      : [];
  });
  const oldest = candidates.reduce<bigint | null>(
    (low, candidate) => (low === null || candidate.baseOffset < low ? candidate.baseOffset : low),
    null,
  );
  if (oldest === null) return [];
  const chain = await readChain(store, meta, oldest);
  const referenced = new Set(chain.flatMap((index) => index.segments.map((segment) => segment.key)));
  const chainStart = chain.at(-1)?.baseOffset;
  return candidates
    .filter((candidate) => {
      if (referenced.has(candidate.object.key)) return false;
      // Only inside the chain: a chain that stopped early (an index missing) says nothing about older ranges.
      if (chainStart === undefined || candidate.baseOffset < chainStart) return false;
      const covering = chain.filter(
        (index) => index.baseOffset < candidate.endOffset && index.endOffset > candidate.baseOffset,
      );
      return covering.length > 0 && covering.every((index) => index.createdAt + graceMs <= now);
    })
    .map((candidate) => candidate.object);
}

function lookup(chain: readonly PartitionIndex[], offset: bigint): IndexedSegmentLookup | null {
  for (const index of chain) {
    if (offset < index.baseOffset || offset >= index.endOffset) continue;
    const entry = index.segments.find((segment) => offset >= segment.baseOffset && offset < segment.endOffset);
    return entry === undefined ? null : { index, entry };
  }
  return null;
}
