/** Small builders for assigner tests: members, topics, and results flattened to "topic/partition" strings. */
import type {
  AssignerInput,
  AssignerMember,
  AssignerResult,
  PartitionAssigner,
  TopicPartition,
} from '../../../sdk/group/partition-assigner.js';

export function member(key: string, topics: string[], memberId = `m-${key}`): AssignerMember {
  return { key, memberId, topics };
}

export function input(
  members: AssignerMember[],
  topics: Record<string, number>,
  previous: Record<string, string[]> = {},
): AssignerInput {
  return {
    members,
    topics: Object.entries(topics).map(([topic, partitions]) => ({ topic, partitions })),
    previous: new Map(Object.entries(previous).map(([key, list]) => [key, list.map(parse)])),
  };
}

/** "topic/partition" lists by member key. */
export function flat(result: AssignerResult): Record<string, string[]> {
  return Object.fromEntries(
    [...result].map(([key, partitions]) => [key, partitions.map(({ topic, partition }) => `${topic}/${partition}`)]),
  );
}

/** Every partition of every topic appears exactly once, each with a member subscribed to its topic. */
export function coversOnce(assigner: PartitionAssigner, data: AssignerInput): string[] {
  const result = assigner.assign(data);
  const seen = Object.values(flat(result)).flat();
  const expected = data.topics.flatMap(({ topic, partitions }) =>
    data.members.some((m) => m.topics.includes(topic))
      ? Array.from({ length: partitions }, (_, p) => `${topic}/${p}`)
      : [],
  );
  for (const [key, partitions] of result) {
    const owner = data.members.find((m) => m.key === key)!;
    for (const { topic } of partitions) if (!owner.topics.includes(topic)) return [`${key} got ${topic}`];
  }
  return seen.length === expected.length &&
    new Set(seen).size === seen.length &&
    expected.every((e) => seen.includes(e))
    ? []
    : [`covered ${JSON.stringify(seen.sort())}, expected ${JSON.stringify(expected.sort())}`];
}

function parse(text: string): TopicPartition {
  const slash = text.lastIndexOf('/');
  return { topic: text.slice(0, slash), partition: Number(text.slice(slash + 1)) };
}
