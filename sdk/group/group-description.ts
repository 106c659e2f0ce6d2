/**
 * A consumer group as people see it (kafkajs's `describeGroup` shape, with klog's additions): the state object,
 * and the heartbeats present now. Reading it costs 1 GET (state), 1 LIST and 1 GET per heartbeat. It is a
 * snapshot: whether a member whose heartbeat is present is still alive takes a session timeout to tell (see
 * live-members.ts); the state's `Stable` means the assignment reached its target and every member has applied it.
 */
import type { GroupStorage } from '../backend/backend.js';
import { readRetryDefaults, withRetries } from '../retry.js';
import { memberKey } from '../store/keys.js';
import { type AssignedTopic, sameAssignments } from './assigned-partitions.js';
import { hasCompleted } from './assignment-plan.js';
import { readHeartbeatIds } from './group-objects-list.js';
import type { GroupState } from './group-state.js';
import { readGroupState } from './group-state-store.js';
import { decodeMemberHeartbeat, type MemberHeartbeat } from './member-heartbeat.js';

export type GroupStateName = 'Stable' | 'PreparingRebalance' | 'CompletingRebalance' | 'Empty' | 'Dead';

export interface TopicPartitionList {
  topic: string;
  partitions: number[];
}

export interface GroupMemberDescription {
  memberId: string;
  instanceId: string;
  clientId: string;
  clientHost: string;
  /** Topics the member subscribes to. */
  topics: string[];
  /** Partitions the group state assigns to it now. */
  assignment: TopicPartitionList[];
  /** Partitions its last heartbeat says it owns. */
  owned: TopicPartitionList[];
  isLeader: boolean;
}

export interface GroupDescription {
  groupId: string;
  state: GroupStateName;
  protocolType: 'consumer';
  /** The assignment strategy in use ('' before the first assignment). */
  protocol: string;
  /** The state's generation (0 when there is no state). */
  generation: number;
  /** The leader's member id, or null. */
  leader: string | null;
  members: GroupMemberDescription[];
  errorCode: 0;
}

/** Heartbeats present now (tombstones left out), in instance-id order. */
export async function readHeartbeats(storage: GroupStorage, group: string): Promise<MemberHeartbeat[]> {
  const ids = await readHeartbeatIds(storage, group);
  const heartbeats = await Promise.all(
    ids.map(async (id) => {
      const key = memberKey(group, id);
      const object = await withRetries(() => storage.get(key), readRetryDefaults);
      return object === null ? null : decodeMemberHeartbeat(object.body, key);
    }),
  );
  return heartbeats.filter((heartbeat): heartbeat is MemberHeartbeat => heartbeat !== null && !heartbeat.expiredBy);
}

export async function readGroupDescription(storage: GroupStorage, group: string): Promise<GroupDescription> {
  const [versioned, heartbeats] = await Promise.all([readGroupState(storage, group), readHeartbeats(storage, group)]);
  const state = versioned?.state ?? null;
  const leader = heartbeats.find((heartbeat) => heartbeat.instanceId === state?.leader);
  return {
    groupId: group,
    state: stateName(state, heartbeats),
    protocolType: 'consumer',
    protocol: state?.protocol ?? '',
    generation: state?.generation ?? 0,
    leader: leader?.memberId ?? null,
    members: heartbeats.map((heartbeat) => ({
      memberId: heartbeat.memberId,
      instanceId: heartbeat.instanceId,
      clientId: heartbeat.clientId,
      clientHost: heartbeat.clientHost ?? '',
      topics: heartbeat.topics,
      assignment: withoutIds(state?.assignment[heartbeat.instanceId]),
      owned: withoutIds(heartbeat.owned),
      isLeader: heartbeat.instanceId === state?.leader,
    })),
    errorCode: 0,
  };
}

function stateName(state: GroupState | null, heartbeats: readonly MemberHeartbeat[]): GroupStateName {
  if (state === null) return heartbeats.length === 0 ? 'Dead' : 'PreparingRebalance';
  if (heartbeats.length === 0) return 'Empty';
  const members = new Set(state.members.map((member) => member.instanceId));
  const sameMembers = heartbeats.length === members.size && heartbeats.every((hb) => members.has(hb.instanceId));
  if (!sameMembers || !sameAssignments(state.target, state.assignment)) return 'PreparingRebalance';
  if (!heartbeats.every((heartbeat) => hasCompleted(heartbeat, state))) return 'CompletingRebalance';
  return 'Stable';
}

function withoutIds(topics: readonly AssignedTopic[] | undefined): TopicPartitionList[] {
  return (topics ?? []).map(({ topic, partitions }) => ({ topic, partitions: [...partitions] }));
}
