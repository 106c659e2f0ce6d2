/**
 * Partitions as the group objects store them: by topic, with the topic id, so that an assignment or an owned
 * list can never be mistaken for the same topic name created again. Sets of partitions are compared by
 * (topic id, partition).
 */
import type { PartitionRef } from '../store/keys.js';

export interface AssignedTopic {
  topic: string;
  topicId: string;
  partitions: number[];
}

/** A partition's identity across topic recreation. */
export function partitionIdOf(ref: { topicId: string; partition: number }): string {
  return `${ref.topicId}/${ref.partition}`;
}

export function refsOf(topics: readonly AssignedTopic[] | undefined): PartitionRef[] {
  return (topics ?? []).flatMap(({ topic, topicId, partitions }) =>
    partitions.map((partition) => ({ topic, topicId, partition })),
  );
}

/** Groups partitions by topic, in topic and partition order (the stored form). */
export function byTopic(refs: Iterable<PartitionRef>): AssignedTopic[] {
  const topics = new Map<string, AssignedTopic>();
  for (const ref of refs) {
    const key = `${ref.topic}\u0000${ref.topicId}`;
    let entry = topics.get(key);
    if (entry === undefined) {
      entry = { topic: ref.topic, topicId: ref.topicId, partitions: [] };
      topics.set(key, entry);
    }
    if (!entry.partitions.includes(ref.partition)) entry.partitions.push(ref.partition);
  }
  const sorted = [...topics.values()].sort((a, b) =>
    a.topic === b.topic ? (a.topicId < b.topicId ? -1 : 1) : a.topic < b.topic ? -1 : 1,
  );
  for (const entry of sorted) entry.partitions.sort((a, b) => a - b);
  return sorted;
}

export function idSet(topics: readonly AssignedTopic[] | undefined): Set<string> {
  return new Set(refsOf(topics).map(partitionIdOf));
}

export function samePartitions(a: readonly AssignedTopic[] | undefined, b: readonly AssignedTopic[] | undefined) {
  const left = idSet(a);
  const right = idSet(b);
  return left.size === right.size && [...left].every((id) => right.has(id));
}

/** Partitions by member, compared member by member (members without partitions count as empty). */
export function sameAssignments(
  a: Readonly<Record<string, AssignedTopic[]>>,
  b: Readonly<Record<string, AssignedTopic[]>>,
): boolean {
  const members = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...members].every((member) => samePartitions(a[member], b[member]));
}
