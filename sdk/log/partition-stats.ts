/**
 * Per-partition figures for describing a topic: earliest and latest offsets and stored bytes. Costs one
 * GET (meta), one LIST per 1,000 segments and one range GET (the last segment's header) per partition.
 */
import type { PartitionRef } from '../store/keys.js';
import type { ObjectStore } from '../store/object-store.js';
import { readPartitionMeta } from './partition-meta.js';
import { listSegments, readSegmentHead } from './segment-list.js';
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
  const logStart = current?.meta.logStartOffset ?? 0n;
  const segments = await listSegments(store, ref, logStart);
  const last = segments.at(-1);
  const head = last === undefined ? null : await readSegmentHead(store, last.key);
  const end = head !== null && head.header.endOffset > logStart ? head.header.endOffset : logStart;
  return {
    partition: ref.partition,
    earliestOffset: logStart,
    latestOffset: end,
    segments: segments.length,
    bytes: segments.reduce((sum, segment) => sum + segment.size, 0),
    sealed: current?.meta.sealed ?? false,
  };
}

export function topicStats(store: ObjectStore, topic: TopicDescription): Promise<PartitionStats[]> {
  return Promise.all(partitionRefs(topic).map((ref) => partitionStats(store, ref)));
}
