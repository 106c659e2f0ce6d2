/**
 * A member instance's heartbeat object, `groups/<group>/members/<instance id>.json` (docs/consumer-groups.md §1):
 * created by the member with `If-None-Match: *`, refreshed with `If-Match` its own etag, and deleted by the member
 * when it leaves; a leader that finds it expired replaces it with a tombstone (`expiredBy`). Its etag changing is
 * the only sign of life anyone trusts; the counter makes every refresh a different object for people reading it,
 * and the nonce makes its etag unique.
 */
import { decodeJsonObject, encodeJsonObject } from '../format/json-object.js';
import type { AssignedTopic } from './assigned-partitions.js';
import { requireFields } from './stored-json.js';

export interface MemberHeartbeat {
  instanceId: string;
  memberId: string;
  clientId: string;
  clientHost: string;
  /** Topic names the member subscribes to (patterns already resolved). */
  topics: string[];
  /** Names of the assignment strategies it offers, in its order of preference. */
  assigners: string[];
  counter: number;
  /** The state (id and generation) whose revocations this member has completed; null before it saw one. */
  stateId: string | null;
  generation: number;
  /** Partitions it owns: claimed and not yet released. */
  owned: AssignedTopic[];
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  rebalanceTimeoutMs: number;
  /** Wall-clock time of the write, for people reading it; never used for a decision. */
  writtenAt: number;
  /**
   * Set on a tombstone: the instance id of the leader (or `admin`) that found this member expired or removed it.
   * A tombstoned member is gone; it learns so when its next refresh fails, and joins again as a new instance.
   */
  expiredBy?: string;
}

export function encodeMemberHeartbeat(heartbeat: MemberHeartbeat): Uint8Array {
  return encodeJsonObject('group-member', heartbeat);
}

export function decodeMemberHeartbeat(bytes: Uint8Array, key: string): MemberHeartbeat {
  return requireFields(
    decodeJsonObject<MemberHeartbeat>('group-member', bytes, key),
    {
      instanceId: 'string',
      memberId: 'string',
      topics: 'array',
      assigners: 'array',
      counter: 'number',
      stateId: 'string|null',
      generation: 'number',
      owned: 'array',
      sessionTimeoutMs: 'number',
      heartbeatIntervalMs: 'number',
    },
    key,
  );
}
