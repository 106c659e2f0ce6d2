/**
 * Kafka's CooperativeStickyAssignor, in spirit: balance the number of partitions per member while keeping as many
 * partitions as possible where they were. It starts from the previous target, keeps every partition whose member
 * is still here and still subscribes to its topic, deals the rest to the least loaded eligible members, and then
 * moves partitions one at a time from a member to an eligible one with at least two fewer, until no such move is
 * left. With the same members and partitions it returns the previous target unchanged, so the leader's plan
 * converges; "cooperative" is the release protocol (docs/consumer-groups.md §4), which every strategy here uses.
 */
import {
  type AssignerInput,
  type AssignerMember,
  type AssignerResult,
  compareTopicPartitions,
  emptyResult,
  type PartitionAssigner,
  sortedMembers,
  sortResult,
  type TopicPartition,
} from './partition-assigner.js';

export const cooperativeStickyAssigner: PartitionAssigner = {
  name: 'cooperative-sticky',
  assign(input: AssignerInput): AssignerResult {
    const result = emptyResult(input.members);
    const members = sortedMembers(input.members);
    const order = new Map(members.map((member, index) => [member.key, index]));
    const counts = new Map(input.topics.map(({ topic, partitions }) => [topic, partitions]));
    const subscribers = new Map<string, AssignerMember[]>();
    for (const topic of counts.keys())
      subscribers.set(
        topic,
        members.filter((member) => member.topics.includes(topic)),
      );
    const taken = new Set<string>();
    const idOf = (tp: TopicPartition) => `${tp.topic}\u0000${tp.partition}`;

    for (const member of members) {
      for (const tp of [...(input.previous.get(member.key) ?? [])].sort(compareTopicPartitions)) {
        const count = counts.get(tp.topic);
        if (count === undefined || tp.partition >= count || !member.topics.includes(tp.topic)) continue;
        if (taken.has(idOf(tp))) continue;
        taken.add(idOf(tp));
        result.get(member.key)!.push({ topic: tp.topic, partition: tp.partition });
      }
    }

    const load = (member: AssignerMember) => result.get(member.key)!.length;
    const lightest = (candidates: readonly AssignerMember[]) =>
      candidates.reduce((best, member) => (load(member) < load(best) ? member : best));
    for (const topic of [...counts.keys()].sort()) {
      const eligible = subscribers.get(topic)!;
      if (eligible.length === 0) continue;
      for (let partition = 0; partition < counts.get(topic)!; partition++) {
        if (taken.has(idOf({ topic, partition }))) continue;
        taken.add(idOf({ topic, partition }));
        result.get(lightest(eligible).key)!.push({ topic, partition });
      }
    }

    // Each move lowers the sum of squared loads, so this ends.
    for (;;) {
      const byLoad = [...members].sort((a, b) => load(b) - load(a) || order.get(a.key)! - order.get(b.key)!);
      const move = findMove(byLoad, result, subscribers, load, lightest);
      if (move === null) break;
      const from = result.get(move.from)!;
      from.splice(from.indexOf(move.tp), 1);
      result.get(move.to)!.push(move.tp);
    }
    return sortResult(result);
  },
};

function findMove(
  byLoad: readonly AssignerMember[],
  result: AssignerResult,
  subscribers: ReadonlyMap<string, AssignerMember[]>,
  load: (member: AssignerMember) => number,
  lightest: (candidates: readonly AssignerMember[]) => AssignerMember,
): { from: string; to: string; tp: TopicPartition } | null {
  for (const heavy of byLoad) {
    // The highest partitions move first, so the lowest stay put: a deterministic choice. The copy holds the
    // same objects as the result, so the caller finds the one to move by identity.
    const owned = [...result.get(heavy.key)!].sort((a, b) => compareTopicPartitions(b, a));
    for (const tp of owned) {
      const candidates = subscribers.get(tp.topic)!.filter((member) => load(member) <= load(heavy) - 2);
      if (candidates.length === 0) continue;
      const to = lightest(candidates);
      return { from: heavy.key, to: to.key, tp };
    }
  }
  return null;
}
