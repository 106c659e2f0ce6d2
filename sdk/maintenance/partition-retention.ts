/**
 * Retention of one partition (design brief §5, §7): find what is due without writing anything, take the
 * partition's lease only when something is, move the log start forward in `meta.json` with `If-Match`, and only
 * then delete the segments below it. docs/fencing.md §4 explains why this order makes a run that stalls (or whose
 * lease moved on) harmless: the log start never moves backwards, and a key below it can never again hold an
 * acknowledged batch, so deleting it cannot remove anything a reader or a newer run depends on.
 */
import { KlogError } from '../errors.js';
import { type LiveSegment, liveSegments } from '../log/partition-index.js';
import { readPartitionMeta, updatePartitionMeta } from '../log/partition-meta.js';
import { listSegments, readSegmentHead, type SegmentRef } from '../log/segment-list.js';
import type { TopicConfig } from '../log/topics.js';
import type { PartitionRef } from '../store/keys.js';
import type { ObjectStore } from '../store/object-store.js';
import { deleteIndexedBelow, indexedLeftovers } from './indexed-retention.js';
import { leaseExpired, releaseLease, stillHeld, takeLease } from './lease.js';
import type { PartitionMaintenance } from './maintenance-result.js';
import { planRetention } from './retention-plan.js';

export interface PartitionRetentionOptions {
  /** Identifies this run in the lease. */
  holder: string;
  /** The clock retention and the lease are judged on, in ms since the epoch. */
  now: () => number;
  leaseMs: number;
  headerReadBytes?: number;
}

export async function retainPartition(
  store: ObjectStore,
  ref: PartitionRef,
  config: Pick<TopicConfig, 'retentionMs' | 'retentionBytes'>,
  options: PartitionRetentionOptions,
): Promise<PartitionMaintenance> {
  const current = await readPartitionMeta(store, ref);
  if (current === null) {
    throw new KlogError(
      'PARTITION_NOT_FOUND',
      `Partition ${ref.partition} of topic "${ref.topic}" has no meta.json (topic id ${ref.topicId}).`,
      { context: { topic: ref.topic, partition: ref.partition } },
    );
  }
  const logStart = current.meta.logStartOffset;
  const result: PartitionMaintenance = {
    topic: ref.topic,
    partition: ref.partition,
    outcome: 'nothing-to-do',
    logStartBefore: logStart,
    logStartAfter: logStart,
    reason: null,
    deletedSegments: 0,
    deletedBytes: 0,
  };
  if (current.meta.sealed) return { ...result, outcome: 'sealed' };

  // One LIST from offset 0 finds both the live segments and any left below the log start by an earlier run
  // that stopped between moving the log start and deleting, or by a stalled writer's orphan.
  const all = await listSegments(store, ref);
  // Below the indexed end, the index objects name the segments (compaction may have merged and deleted `log/` ones).
  const live: LiveSegment[] =
    current.meta.indexedEndOffset > logStart
      ? await liveSegments(store, ref, current.meta)
      : all.filter((segment) => segment.baseOffset >= logStart);
  const plan = await planRetention(live, config, options.now(), async (segment) => {
    const indexed = live.find((candidate) => candidate.key === segment.key)?.maxTimestamp;
    if (indexed !== undefined) return indexed;
    const head = await readSegmentHead(store, segment.key, options.headerReadBytes);
    if (head === null) return null;
    return Math.max(...head.header.batches.map((batch) => batch.maxTimestamp));
  });
  const leftovers = all.filter((segment) => segment.baseOffset < logStart);
  const indexedLeft = await indexedLeftovers(store, ref, current.meta);
  if (plan.logStartOffset === null && leftovers.length === 0 && !indexedLeft) return result;

  const lease = await takeLease(store, ref, options.holder, options.now(), options.leaseMs);
  if (lease === null) return { ...result, outcome: 'lease-busy' };
  try {
    let logStartAfter = logStart;
    const target = plan.logStartOffset;
    if (target !== null) {
      if (leaseExpired(lease, options.now())) return { ...result, outcome: 'lease-lost' };
      // Never backwards: a newer run may have moved it further while this one stalled.
      const moved = await updatePartitionMeta(store, ref, (meta) =>
        meta.logStartOffset >= target ? meta : { ...meta, logStartOffset: target },
      );
      if (moved === null) return result;
      logStartAfter = moved.logStartOffset;
      result.logStartAfter = logStartAfter;
      result.reason = plan.reason;
    }
    // Deleting is tidiness once the log start has moved; stop if another run took the partition over meanwhile.
    if (leaseExpired(lease, options.now()) || !(await stillHeld(store, lease))) {
      return { ...result, outcome: 'lease-lost' };
    }
    await deleteBelow(store, all, logStartAfter, result);
    await deleteIndexedBelow(store, ref, logStartAfter, result);
    return { ...result, outcome: 'done' };
  } finally {
    await releaseLease(store, lease);
  }
}

/**
 * Deletes the listed segments whose base offset is below `logStart`, the value `meta.json` held after this run's
 * move. Segments are contiguous and the log start is a segment boundary, so each of them lies wholly below it;
 * the newest segment starts at or after the log start and is never among them (the last listed one is kept
 * regardless, in case this run's LIST is older than the log start it read). A failed delete is left for the
 * next run, which finds the segment below the log start.
 */
async function deleteBelow(
  store: ObjectStore,
  segments: readonly SegmentRef[],
  logStart: bigint,
  result: PartitionMaintenance,
): Promise<void> {
  // The last listed segment is kept whatever the log start says: it may be the newest of the partition.
  for (const segment of segments.slice(0, -1)) {
    if (segment.baseOffset >= logStart) break;
    const outcome = await store.delete(segment.key);
    if (outcome.kind === 'done') {
      result.deletedSegments++;
      result.deletedBytes += segment.size;
    }
  }
}
