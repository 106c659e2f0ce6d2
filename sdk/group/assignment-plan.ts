/**
 * The leader's plan (docs/consumer-groups.md §4), a pure function: from the current state, the live members'
 * heartbeats and the subscribed topics' metadata, the next state's members, strategy, target and assignment.
 *
 * The target is the strategy's answer (sticky strategies start from the current target). The assignment is the
 * part of the target that may be owned now: a member keeps what it was assigned, and is given a partition it did
 * not have only when no other live member lists that partition as owned and every live member of the current state
 * has completed the current generation's revocations. A partition that must move is thus first left out of
 * everyone's assignment, released by its owner, and only then given to its new owner.
 */
import { type AssignedTopic, byTopic, idSet, partitionIdOf, refsOf } from './assigned-partitions.js';
import type { GroupMemberEntry, GroupState } from './group-state.js';
import type { MemberHeartbeat } from './member-heartbeat.js';
import { chooseAssigner, type PartitionAssigner, type TopicPartition } from './partition-assigner.js';

export interface TopicMetadata {
  topicId: string;
  partitions: number;
}

export interface PlanInput {
  state: GroupState;
  /** Heartbeats of the live members, by instance id, the leader's own included. */
  live: ReadonlyMap<string, MemberHeartbeat>;
  /** Metadata of subscribed topics that exist, by name. */
  topics: ReadonlyMap<string, TopicMetadata>;
  /** The leader's strategies, in its order of preference. */
  assigners: readonly PartitionAssigner[];
}

export interface Plan {
  members: GroupMemberEntry[];
  protocol: string | null;
  target: Record<string, AssignedTopic[]>;
  assignment: Record<string, AssignedTopic[]>;
}

export function planAssignment(input: PlanInput): Plan {
  const { state, live, topics } = input;
  const heartbeats = [...live.values()].sort((a, b) => (a.instanceId < b.instanceId ? -1 : 1));
  const members: GroupMemberEntry[] = heartbeats.map(({ instanceId, memberId, clientId, topics: subscribed }) => ({
    instanceId,
    memberId,
    clientId,
    topics: [...subscribed].sort(),
  }));
  const assigner = chooseAssigner(
    input.assigners,
    heartbeats.map((heartbeat) => heartbeat.assigners),
  );
  const target = assigner === null ? {} : computeTarget(assigner, state, members, topics);
  return { members, protocol: assigner?.name ?? null, target, assignment: allowedNow(state, live, target) };
}

function computeTarget(
  assigner: PartitionAssigner,
  state: GroupState,
  members: readonly GroupMemberEntry[],
  topics: ReadonlyMap<string, TopicMetadata>,
): Record<string, AssignedTopic[]> {
  const subscribed = new Set(members.flatMap((member) => member.topics));
  const present = [...subscribed].filter((topic) => topics.has(topic)).sort();
  const previous = new Map<string, TopicPartition[]>();
  for (const [instanceId, assigned] of Object.entries(state.target)) {
    // Partitions of a topic that was deleted and created again (another id) are not "previous" any more.
    const current = refsOf(assigned).filter((ref) => topics.get(ref.topic)?.topicId === ref.topicId);
    previous.set(
      instanceId,
      current.map(({ topic, partition }) => ({ topic, partition })),
    );
  }
  const result = assigner.assign({
    members: members.map((member) => ({ key: member.instanceId, memberId: member.memberId, topics: member.topics })),
    topics: present.map((topic) => ({ topic, partitions: topics.get(topic)!.partitions })),
    previous,
  });
  const target: Record<string, AssignedTopic[]> = {};
  for (const member of members) {
    const assigned = (result.get(member.instanceId) ?? []).flatMap(({ topic, partition }) => {
      const metadata = topics.get(topic);
      const valid = metadata !== undefined && partition < metadata.partitions && member.topics.includes(topic);
      return valid ? [{ topic, topicId: metadata.topicId, partition }] : [];
    });
    target[member.instanceId] = byTopic(assigned);
  }
  return target;
}

function allowedNow(
  state: GroupState,
  live: ReadonlyMap<string, MemberHeartbeat>,
  target: Record<string, AssignedTopic[]>,
): Record<string, AssignedTopic[]> {
  const holders = new Map<string, Set<string>>();
  const hold = (id: string, instanceId: string) => {
    const set = holders.get(id) ?? new Set<string>();
    set.add(instanceId);
    holders.set(id, set);
  };
  for (const [instanceId, heartbeat] of live) {
    for (const ref of refsOf(heartbeat.owned)) hold(partitionIdOf(ref), instanceId);
    for (const ref of refsOf(state.assignment[instanceId])) hold(partitionIdOf(ref), instanceId);
  }
  const everyoneCaughtUp = state.members.every((member) => {
    const heartbeat = live.get(member.instanceId);
    return heartbeat === undefined || hasCompleted(heartbeat, state);
  });
  const assignment: Record<string, AssignedTopic[]> = {};
  for (const [instanceId, assigned] of Object.entries(target)) {
    const kept = idSet(state.assignment[instanceId]);
    const allowed = refsOf(assigned).filter((ref) => {
      const id = partitionIdOf(ref);
      if (kept.has(id)) return true;
      const others = [...(holders.get(id) ?? [])].filter((holder) => holder !== instanceId);
      return everyoneCaughtUp && others.length === 0;
    });
    assignment[instanceId] = byTopic(allowed);
  }
  return assignment;
}

/** The member has completed the revocations of the state's current generation. */
export function hasCompleted(heartbeat: MemberHeartbeat, state: Pick<GroupState, 'stateId' | 'generation'>): boolean {
  return heartbeat.stateId === state.stateId && heartbeat.generation >= state.generation;
}
