/**
 * What an assignment strategy is (Kafka's `partition.assignment.strategy`): a pure function from the group's
 * members and the partitions of their subscribed topics to the partitions each member should own. The leader
 * runs it (docs/consumer-groups.md §4); partitions then move only after their owners release them, whatever the
 * strategy. Every member of a group must offer the strategy by the same name: the group uses the first of the
 * leader's strategies that all members support.
 */

/** A partition by topic name, as assigners see it. */
export interface TopicPartition {
  topic: string;
  partition: number;
}

export interface AssignerMember {
  /** Unique within the group: the member's instance id. */
  key: string;
  /** The member id, Kafka's ordering key for members. */
  memberId: string;
  /** Topic names this member subscribes to. */
  topics: readonly string[];
}

export interface AssignerInput {
  members: readonly AssignerMember[];
  /** Partition counts of the subscribed topics that exist. */
  topics: readonly { topic: string; partitions: number }[];
  /** The previous target by member key, for sticky strategies; it may name members and partitions that are gone. */
  previous: ReadonlyMap<string, readonly TopicPartition[]>;
}

/** Partitions by member key: every member has an entry, and every partition is given to at most one member. */
export type AssignerResult = Map<string, TopicPartition[]>;

export interface PartitionAssigner {
  /** Kafka's name for the strategy: `range`, `roundrobin`, `cooperative-sticky`. */
  readonly name: string;
  assign(input: AssignerInput): AssignerResult;
}

/** Members in Kafka's order: by member id, then by key (two instances may share a member id). */
export function sortedMembers(members: readonly AssignerMember[]): AssignerMember[] {
  return [...members].sort((a, b) => compare(a.memberId, b.memberId) || compare(a.key, b.key));
}

export function compareTopicPartitions(a: TopicPartition, b: TopicPartition): number {
  return compare(a.topic, b.topic) || a.partition - b.partition;
}

/** An empty result with an entry for every member. */
export function emptyResult(members: readonly AssignerMember[]): AssignerResult {
  return new Map(members.map((member) => [member.key, []]));
}

/** Sorts each member's partitions, so that results compare equal when they assign the same. */
export function sortResult(result: AssignerResult): AssignerResult {
  for (const partitions of result.values()) partitions.sort(compareTopicPartitions);
  return result;
}

/**
 * The strategy the group uses: the first of the leader's strategies that every member offers, or null when they
 * share none (the leader then assigns nothing and logs why).
 */
export function chooseAssigner(
  leaderAssigners: readonly PartitionAssigner[],
  memberAssignerNames: readonly (readonly string[])[],
): PartitionAssigner | null {
  return (
    leaderAssigners.find((assigner) => memberAssignerNames.every((names) => names.includes(assigner.name))) ?? null
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
