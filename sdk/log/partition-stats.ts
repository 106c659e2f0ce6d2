/**
 * Per-partition figures for describing a topic: earliest and latest offsets, and the segments holding the retained
 * records with their stored bytes. Below `meta.indexedEndOffset` those are the entries of the index chain (after
 * compaction, a few `data/` segments instead of many small `log/` ones; `log/` originals still waiting for the end
 * of their grace period are copies and not counted); after it, the `log/` segments. Costs one GET (meta), one GET
 * per index object of the chain, one LIST per 1,000 unindexed segments and one range GET (the last segment's
 * header) per partition.
 */
import type { PartitionRef } from '../store/keys.js';
import type { ObjectStore } from '../store/object-store.js';
import { liveSegments } from './partition-index.js';
import { initialPartitionMeta, readPartitionMeta } from './partition-meta.js';
import { readSegmentHead } from './segment-list.js';
import type { TopicDescription } from './topics.js';
import { partitionRefs } from './topics.js';

export interface PartitionStats {
  partition: number;
  earliestOffset: bigint;
  latestOffset: bigint;
  segments: number;
  bytes: number;
  sealed: boolean;
}

export async function partitionStats(store: ObjectStore, ref: PartitionRef): Promise<PartitionStats> {
  const current = await readPartitionMeta(store, ref);
  const meta = current?.meta ?? initialPartitionMeta;
  const logStart = meta.logStartOffset;
  const segments = await liveSegments(store, ref, meta);
  const last = segments.at(-1);
  // An index entry knows its end; only a `log/` segment's header must be read for it.
  const end =
    last === undefined
      ? logStart
      : (last.endOffset ?? (await readSegmentHead(store, last.key))?.header.endOffset ?? meta.indexedEndOffset);
  return {
    partition: ref.partition,
    earliestOffset: logStart,
    latestOffset: end > logStart ? end : logStart,
    segments: segments.length,
    bytes: segments.reduce((sum, segment) => sum + segment.size, 0),
    sealed: meta.sealed,
  };
}

export function topicStats(store: ObjectStore, topic: TopicDescription): Promise<PartitionStats[]> {
  return Promise.all(partitionRefs(topic).map((ref) => partitionStats(store, ref)));
}
