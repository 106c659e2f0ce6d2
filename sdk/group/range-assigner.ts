/**
 * Kafka's RangeAssignor: per topic, the members subscribed to it (in member order) get contiguous ranges of its
 * partitions, the first `partitions % members` of them one more than the rest. Co-partitioned topics therefore
 * give the same partition numbers to the same member.
 */
import {
  type AssignerInput,
  type AssignerResult,
  emptyResult,
  type PartitionAssigner,
  sortedMembers,
  sortResult,
} from './partition-assigner.js';

export const rangeAssigner: PartitionAssigner = {
  name: 'range',
  assign(input: AssignerInput): AssignerResult {
    const result = emptyResult(input.members);
    const members = sortedMembers(input.members);
    for (const { topic, partitions } of [...input.topics].sort((a, b) => (a.topic < b.topic ? -1 : 1))) {
      const subscribed = members.filter((member) => member.topics.includes(topic));
      if (subscribed.length === 0) continue;
      const each = Math.floor(partitions / subscribed.length);
      const extra = partitions % subscribed.length;
      let next = 0;
      subscribed.forEach((member, index) => {
        const count = each + (index < extra ? 1 : 0);
        for (let partition = next; partition < next + count; partition++) {
          result.get(member.key)!.push({ topic, partition });
        }
        next += count;
      });
    }
    return sortResult(result);
  },
};
