/**
 * Index objects and compaction of one partition (design brief §3, §7). A run:
 *
 * 1. Reads `meta.json` and LISTs `log/` from the log start. The segments after the indexed range except the newest
 *    are sealed; with at least `indexMinSegments` of them there is indexing to do (index-plan.ts). `log/` originals
 *    of compacted ranges whose grace period has passed are due for deletion (partition-compaction.ts). Nothing
 *    due: stop, nothing written.
 * 2. Takes the partition's lease (lease.ts).
 * 3. Per range of at most `indexMaxSegments` segments: merges runs of small segments into `data/` segments
 *    (`If-None-Match`; deterministic content), creates `index/<base>.idx` with `If-None-Match` (if it exists, a
 *    stalled or concurrent run wrote it: this run continues from it), then moves `newestIndex` and
 *    `indexedEndOffset` in `meta.json` with `If-Match`, forward only.
 * 4. Deletes the originals past their grace period, and `data/` segments that no index of the chain references
 *    (a lost race's) once the chain indexed their range a grace period ago, after checking the lease is still
 *    this run's.
 *
 * Every write is a conditional create or a forward-only `If-Match`, and deletes touch only originals that the chain
 * of index objects in `meta.json` replaced with a `data/` segment long ago, so a run that stalls past its lease
 * can neither corrupt nor delete what another run or a writer depends on (docs/fencing.md §6).
 */
import { maintenanceDefaults } from '../config.js';
import { decodePartitionIndex, encodePartitionIndex, type PartitionIndex } from '../format/partition-index.js';
import { chainDirectory, readIndex } from '../log/partition-index.js';
import { type PartitionMeta, readPartitionMeta, updatePartitionMeta } from '../log/partition-meta.js';
import { listSegments, readSegmentHead } from '../log/segment-list.js';
import { getWithRetries } from '../log/store-reads.js';
import { indexKey, type PartitionRef } from '../store/keys.js';
import type { ObjectStore } from '../store/object-store.js';
import { type CompactionGroup, planCompaction, type SealedSegment } from './compaction-plan.js';
import { buildIndex, type IndexContent } from './index-builder.js';
import { planIndexRanges } from './index-plan.js';
import { leaseExpired, type MaintenanceLease, releaseLease, stillHeld, takeLease } from './lease.js';
import type { PartitionMaintenanceOutcome } from './maintenance-result.js';
import {
  originalsPastGrace,
  readWholeSegment,
  unreferencedDataSegments,
  writeDataSegment,
} from './partition-compaction.js';

export interface IndexingSettings {
  /** Merge small segments into `data/` segments before indexing them; true by default. */
  compaction: boolean;
  compactionTargetBytes: number;
  /** How long after an index's createdAt the originals its data segments replaced are kept. */
  graceMs: number;
  indexMinSegments: number;
  indexMaxSegments: number;
  producerIdExpirationMs: number;
}

export const indexingDefaults: IndexingSettings = {
  compaction: true,
  compactionTargetBytes: maintenanceDefaults.compactionTargetBytes,
  graceMs: maintenanceDefaults.compactionGraceMs,
  indexMinSegments: maintenanceDefaults.indexMinSegments,
  indexMaxSegments: maintenanceDefaults.indexMaxSegments,
  producerIdExpirationMs: maintenanceDefaults.producerIdExpirationMs,
};

export interface PartitionIndexingOptions extends IndexingSettings {
  holder: string;
  now: () => number;
  leaseMs: number;
  headerReadBytes?: number;
}

export interface PartitionIndexing {
  outcome: PartitionMaintenanceOutcome;
  /** Index objects this run created or found created by another run and moved `meta.json` to. */
  indexesWritten: number;
  /** `data/` segments this run created (or found already created with the same content). */
  dataSegmentsWritten: number;
  /** `log/` originals deleted after their grace period. */
  deletedOriginals: number;
  /** `data/` segments no index of the chain references (a lost race's), deleted after the grace period. */
  deletedUnreferenced: number;
  /** The indexed end after this run. */
  indexedEndOffset: bigint;
}

interface WrittenIndex {
  key: string;
  index: PartitionIndex;
  dataSegments: number;
}

export async function indexPartition(
  store: ObjectStore,
  ref: PartitionRef,
  options: PartitionIndexingOptions,
): Promise<PartitionIndexing> {
  const current = await readPartitionMeta(store, ref);
  const result: PartitionIndexing = {
    outcome: 'nothing-to-do',
    indexesWritten: 0,
    dataSegmentsWritten: 0,
    deletedOriginals: 0,
    deletedUnreferenced: 0,
    indexedEndOffset: current?.meta.indexedEndOffset ?? 0n,
  };
  if (current === null) return result;
  const meta = current.meta;
  if (meta.sealed) return { ...result, outcome: 'sealed' };

  const listed = await listSegments(store, ref, meta.logStartOffset);
  const from = meta.indexedEndOffset > meta.logStartOffset ? meta.indexedEndOffset : meta.logStartOffset;
  const ranges = planIndexRanges(
    listed.filter((segment) => segment.baseOffset >= from),
    from,
    options.indexMinSegments,
    options.indexMaxSegments,
  );
  const originals = await originalsPastGrace(store, ref, meta, listed, options.now(), options.graceMs);
  const unreferenced = await unreferencedDataSegments(store, ref, meta, options.now(), options.graceMs);
  if (ranges.length === 0 && originals.length === 0 && unreferenced.length === 0) return result;

  const lease = await takeLease(store, ref, options.holder, options.now(), options.leaseMs);
  if (lease === null) return { ...result, outcome: 'lease-busy' };
  try {
    let previous = await previousOf(store, meta, from);
    for (const range of ranges) {
      if (!(await stillOurs(store, lease, options))) return { ...result, outcome: 'lease-lost' };
      const written = await indexRange(store, ref, meta, range, previous, options);
      if (written === null) break;
      result.dataSegmentsWritten += written.dataSegments;
      const moved = await updatePartitionMeta(store, ref, (latest) =>
        latest.indexedEndOffset <= written.index.baseOffset
          ? { ...latest, newestIndex: written.key, indexedEndOffset: written.index.endOffset }
          : latest,
      );
      // Another run moved the indexed end further (or the partition vanished): leave the rest to it.
      if (moved === null || moved.newestIndex !== written.key) break;
      result.indexesWritten++;
      result.indexedEndOffset = moved.indexedEndOffset;
      previous = { key: written.key, index: written.index };
    }
    if (originals.length > 0) {
      if (!(await stillOurs(store, lease, options))) return { ...result, outcome: 'lease-lost' };
      for (const original of originals) {
        const outcome = await store.delete(original.key);
        if (outcome.kind === 'done') result.deletedOriginals++;
      }
    }
    if (unreferenced.length > 0) {
      if (!(await stillOurs(store, lease, options))) return { ...result, outcome: 'lease-lost' };
      for (const segment of unreferenced) {
        const outcome = await store.delete(segment.key);
        if (outcome.kind === 'done') result.deletedUnreferenced++;
      }
    }
    return { ...result, outcome: 'done' };
  } finally {
    await releaseLease(store, lease);
  }
}

async function stillOurs(store: ObjectStore, lease: MaintenanceLease, options: PartitionIndexingOptions) {
  return !leaseExpired(lease, options.now()) && (await stillHeld(store, lease));
}

/**
 * The newest index, whose cumulative producer table, fence and chain directory the next index carries on. It is
 * `previous` only when the next index starts at its end; after retention moved the log start past it, a new chain
 * starts. An index written before the chain directory gets one from a walk through `previous` (one GET per index,
 * once), so the indexes written from now on have it.
 */
async function previousOf(store: ObjectStore, meta: PartitionMeta, from: bigint): Promise<IndexContent['previous']> {
  if (meta.newestIndex === null) return null;
  const index = await readIndex(store, meta.newestIndex);
  if (index === null) return null;
  if (index.endOffset !== from) return { key: null, index };
  const chain = await chainDirectory(store, index, meta.newestIndex, meta.logStartOffset);
  return { key: meta.newestIndex, index: { ...index, chain } };
}

/**
 * Compacts (when enabled) and indexes one sealed range. Returns null when the range changed under the run (a
 * segment vanished: retention moved the log start) or another run's index at this base covers something else.
 */
async function indexRange(
  store: ObjectStore,
  ref: PartitionRef,
  meta: PartitionMeta,
  range: readonly SealedSegment[],
  previous: IndexContent['previous'],
  options: PartitionIndexingOptions,
): Promise<WrittenIndex | null> {
  const groups: CompactionGroup[] = options.compaction
    ? planCompaction(range, options.compactionTargetBytes, meta.logStartOffset)
    : range.map((segment) => ({ kind: 'keep', segment }));
  const segments: IndexContent['segments'] = [];
  let dataSegments = 0;
  for (const group of groups) {
    if (group.kind === 'keep') {
      const head = await readSegmentHead(store, group.segment.key, options.headerReadBytes);
      if (head === null || head.header.endOffset !== group.segment.endOffset) return null;
      const maxTimestamp = Math.max(0, ...head.header.batches.map((batch) => batch.maxTimestamp));
      segments.push({
        entry: { ...group.segment, endOffset: head.header.endOffset, maxTimestamp },
        headers: [head.header],
      });
      continue;
    }
    const read = [];
    for (const segment of group.segments) {
      const whole = await readWholeSegment(store, segment);
      if (whole === null || whole.header.endOffset !== segment.endOffset) return null;
      read.push(whole);
    }
    segments.push(await writeDataSegment(store, ref, read));
    dataSegments++;
  }
  const first = range[0];
  if (first === undefined) return null;
  const key = indexKey(ref, first.baseOffset);
  const index = buildIndex({
    key,
    baseOffset: first.baseOffset,
    previous,
    createdAt: options.now(),
    logStartOffset: meta.logStartOffset,
    segments,
    producerIdExpirationMs: options.producerIdExpirationMs,
  });
  const stored = await createIndex(store, key, index);
  return stored === null ? null : { key, index: stored, dataSegments };
}

/**
 * Creates the index object with `If-None-Match: *`. When the key exists, a stalled or concurrent run created it
 * first: that index describes the same sealed segments (perhaps a different number of them), so this run goes on
 * from it. Null when the outcome stays unknown.
 */
async function createIndex(store: ObjectStore, key: string, index: PartitionIndex): Promise<PartitionIndex | null> {
  for (let attempt = 0; attempt < 4; attempt++) {
    const outcome = await store.put(key, encodePartitionIndex(index), { ifNoneMatch: '*' });
    if (outcome.kind === 'done') return index;
    const existing = await getWithRetries(store, key);
    if (existing !== null) return decodePartitionIndex(existing.body, key);
  }
  return null;
}
