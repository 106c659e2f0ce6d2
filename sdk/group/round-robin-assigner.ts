/**
 * Kafka's RoundRobinAssignor: all partitions of all subscribed topics, in (topic, partition) order, are dealt to
 * the members in member order, one at a time, skipping members that do not subscribe to a partition's topic.
 */
import {
  type AssignerInput,
  type AssignerResult,
  emptyResult,
  type PartitionAssigner,
  sortedMembers,
  sortResult,
  type TopicPartition,
} from './partition-assigner.js';

export const roundRobinAssigner: PartitionAssigner = {
  name: 'roundrobin',
  assign(input: AssignerInput): AssignerResult {
    const result = emptyResult(input.members);
    const members = sortedMembers(input.members);
    if (members.length === 0) return result;
    const all: TopicPartition[] = [];
    for (const { topic, partitions } of [...input.topics].sort((a, b) => (a.topic < b.topic ? -1 : 1))) {
      for (let partition = 0; partition < partitions; partition++) all.push({ topic, partition });
    }
    let cursor = 0;
    for (const tp of all) {
      for (let step = 0; step < members.length; step++) {
        const member = members[(cursor + step) % members.length]!;
        if (!member.topics.includes(tp.topic)) continue;
        result.get(member.key)!.push(tp);
        cursor = (cursor + step + 1) % members.length;
        break;
      }
    }
    return sortResult(result);
  },
};
