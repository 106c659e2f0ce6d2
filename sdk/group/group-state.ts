/**
 * The group state object, `groups/<group>/state.json` (docs/consumer-groups.md §1): created by the first member
 * with `If-None-Match: *` and then replaced only by the leader with `If-Match`. `target` is where the leader wants
 * each partition; `assignment` is what each member may own now, a subset of the target that leaves out partitions
 * still held by their previous owners. The generation counts the states of one `stateId`; a state created afresh
 * (after the group was deleted) has a new `stateId`, so old claims and heartbeats cannot be mistaken for its own.
 */
import { randomUUID } from 'node:crypto';
import { decodeJsonObject, encodeJsonObject } from '../format/json-object.js';
import type { AssignedTopic } from './assigned-partitions.js';
import { requireFields } from './stored-json.js';

export interface GroupMemberEntry {
  instanceId: string;
  memberId: string;
  clientId: string;
  topics: string[];
}

export interface GroupState {
  stateId: string;
  generation: number;
  leader: string;
  /** The assignment strategy in use, or null before the first assignment. */
  protocol: string | null;
  members: GroupMemberEntry[];
  target: Record<string, AssignedTopic[]>;
  assignment: Record<string, AssignedTopic[]>;
  /** Wall-clock time of the write, for people reading it; never used for a decision. */
  writtenAt: number;
}

/** The state the first member creates: it leads, and nothing is assigned yet. */
export function initialGroupState(leader: GroupMemberEntry): GroupState {
  return {
    stateId: randomUUID(),
    generation: 1,
    leader: leader.instanceId,
    protocol: null,
    members: [leader],
    target: {},
    assignment: {},
    writtenAt: Date.now(),
  };
}

export function encodeGroupState(state: GroupState): Uint8Array {
  return encodeJsonObject('group-state', state);
}

export function decodeGroupState(bytes: Uint8Array, key: string): GroupState {
  return requireFields(
    decodeJsonObject<GroupState>('group-state', bytes, key),
    {
      stateId: 'string',
      generation: 'number',
      leader: 'string',
      protocol: 'string|null',
      members: 'array',
      target: 'object',
      assignment: 'object',
    },
    key,
  );
}
