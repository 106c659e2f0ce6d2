/** Partitions with segments of known times and sizes, for the maintenance tests (unit and MinIO). */
import { readPartitionMeta } from '../../sdk/log/partition-meta.js';
import { PartitionWriter } from '../../sdk/log/partition-writer.js';
import { randomProducerId } from '../../sdk/log/producer-state.js';
import { listSegments } from '../../sdk/log/segment-list.js';
import { createTopic, type TopicConfig } from '../../sdk/log/topics.js';
import { indexingDefaults } from '../../sdk/maintenance/partition-indexing.js';
import type { PartitionRef } from '../../sdk/store/keys.js';
import type { ObjectStore } from '../../sdk/store/object-store.js';
import { recordsOf } from './log-fixtures.js';

/** The time the tests judge retention at. Segment times are given relative to it. */
export const NOW = 1_800_000_000_000;
export const HOUR = 3_600_000;

export async function partitionWithConfig(
  store: ObjectStore,
  config: Partial<TopicConfig>,
  name = `t-${Math.random().toString(36).slice(2, 10)}`,
): Promise<PartitionRef> {
  const topic = await createTopic(store, name, { partitions: 1, config });
  return { topic: topic.name, topicId: topic.topicId, partition: 0 };
}

/** Appends one segment of `records` records per entry of `agesMs` (oldest first), each that old at NOW. */
export async function appendSegments(
  store: ObjectStore,
  ref: PartitionRef,
  agesMs: readonly number[],
  records = 2,
): Promise<void> {
  const writer = new PartitionWriter(store, ref);
  const producerId = randomProducerId();
  writer.registerProducer(producerId);
  for (const [index, age] of agesMs.entries()) {
    const values = Array.from({ length: records }, (_, record) => `s${index}:${record}`);
    await writer.append({ records: recordsOf(values, NOW - age - records), producerId, baseSequence: index * records });
  }
}

export async function logStartOf(store: ObjectStore, ref: PartitionRef): Promise<bigint> {
  return (await readPartitionMeta(store, ref))?.meta.logStartOffset ?? -1n;
}

export async function segmentBases(store: ObjectStore, ref: PartitionRef): Promise<bigint[]> {
  return (await listSegments(store, ref)).map((segment) => segment.baseOffset);
}

/**
 * Indexing settings for small test partitions: an index object per 4 to 10 segments, compaction into data/
 * segments of about 2 KB, a 60 s grace period, and a fresh lease holder per run, judged at `now`.
 */
export function smallIndexing(now: number, overrides: Partial<typeof indexingDefaults> = {}) {
  return {
    ...indexingDefaults,
    indexMinSegments: 4,
    indexMaxSegments: 10,
    compactionTargetBytes: 2_000,
    graceMs: 60_000,
    holder: `run-${Math.random()}`,
    now: () => now,
    leaseMs: 60_000,
    ...overrides,
  };
}
