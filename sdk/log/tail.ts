/**
 * Cold-start tail discovery (design brief §5): the tail is the larger of the log start and the end of the
 * last segment. `meta.json` gives the log start and `indexedEndOffset`, the end of the newest index object;
 * the newest segment is never indexed, so a LIST of `log/` after that offset finds it and one range GET of its
 * header gives its end. With index objects, that LIST returns only the unindexed segments (one request),
 * however many segments the partition holds.
 */
import { KlogError } from '../errors.js';
import type { PartitionRef } from '../store/keys.js';
import type { ObjectStore } from '../store/object-store.js';
import { type PartitionMeta, readPartitionMeta } from './partition-meta.js';
import { listSegments, readSegmentHead } from './segment-list.js';

/** Reads the partition meta of a partition that must exist and accept writes. */
export async function requireWritableMeta(store: ObjectStore, ref: PartitionRef): Promise<PartitionMeta> {
  const meta = await requireMeta(store, ref);
  if (meta.sealed) {
    throw new KlogError('TOPIC_DELETED', `Topic "${ref.topic}" was deleted; create it again to write to it.`, {
      context: { topic: ref.topic, partition: ref.partition },
    });
  }
  return meta;
}

export async function requireMeta(store: ObjectStore, ref: PartitionRef): Promise<PartitionMeta> {
  const current = await readPartitionMeta(store, ref);
  if (current === null) {
    throw new KlogError(
      'PARTITION_NOT_FOUND',
      `Partition ${ref.partition} of topic "${ref.topic}" does not exist (no meta.json for topic id ${ref.topicId}).`,
      { context: { topic: ref.topic, partition: ref.partition } },
    );
  }
  return current.meta;
}

/**
 * The next offset to be written. Costs one GET (meta), one LIST per 1,000 unindexed segments and one range GET.
 */
export async function discoverTail(store: ObjectStore, ref: PartitionRef, headerReadBytes?: number): Promise<bigint> {
  const meta = await requireWritableMeta(store, ref);
  return endOfLog(store, ref, meta.logStartOffset, headerReadBytes, meta.indexedEndOffset);
}

/**
 * The end of the log at or after `logStartOffset`, whatever the sealed flag says (readers use this too).
 * `indexedEndOffset` (from the same meta) bounds the LIST to the segments after the indexed range.
 */
export async function endOfLog(
  store: ObjectStore,
  ref: PartitionRef,
  logStartOffset: bigint,
  headerReadBytes?: number,
  indexedEndOffset = 0n,
): Promise<bigint> {
  const from = indexedEndOffset > logStartOffset ? indexedEndOffset : logStartOffset;
  // The newest segment is never deleted, but a LIST can race with retention moving past older ones:
  // when the last listed segment is gone, list again.
  for (let attempt = 0; attempt < 4; attempt++) {
    const segments = await listSegments(store, ref, from);
    const last = segments.at(-1);
    if (last === undefined) return from;
    const head = await readSegmentHead(store, last.key, headerReadBytes);
    if (head !== null) return head.header.endOffset > from ? head.header.endOffset : from;
  }
  throw new KlogError('STORE_UNAVAILABLE', `Could not find the end of ${ref.topic}/${ref.partition}; try again.`, {
    context: { topic: ref.topic, partition: ref.partition },
  });
}
