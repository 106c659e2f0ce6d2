/**
 * Reading other members' heartbeat objects and recording what was seen (docs/consumer-groups.md §2), and
 * tombstoning one: `If-Match` the etag seen, so that a member that wrote in the meantime is left alone. A tombstone
 * (the last heartbeat with `expiredBy` set) rather than a DELETE, because some S3-compatible stores (MinIO) ignore
 * `If-Match` on DELETE; tombstones are deleted afterwards, unconditionally, since nobody writes that key again.
 */
import type { GroupStorage } from '../backend/backend.js';
import { readRetryDefaults, withRetries } from '../retry.js';
import { memberKey } from '../store/keys.js';
import { writeConditionally } from './conditional-write.js';
import type { HeartbeatObservations } from './heartbeat-observations.js';
import { decodeMemberHeartbeat, encodeMemberHeartbeat, type MemberHeartbeat } from './member-heartbeat.js';

export interface SeenHeartbeat {
  instanceId: string;
  /** The heartbeat, or null when it is absent or a tombstone. */
  heartbeat: MemberHeartbeat | null;
  etag: string | null;
}

/** GETs one member's heartbeat and records it in `observations`. */
export async function observeHeartbeat(
  storage: GroupStorage,
  group: string,
  instanceId: string,
  observations: HeartbeatObservations,
): Promise<SeenHeartbeat> {
  const key = memberKey(group, instanceId);
  const askedAt = performance.now();
  const object = await withRetries(() => storage.get(key), readRetryDefaults);
  const answeredAt = performance.now();
  const heartbeat = object === null ? null : decodeMemberHeartbeat(object.body, key);
  if (object === null || heartbeat === null || heartbeat.expiredBy) {
    observations.record(instanceId, null, 0, askedAt, answeredAt);
    return { instanceId, heartbeat: null, etag: object?.etag ?? null };
  }
  observations.record(instanceId, object.etag, heartbeat.sessionTimeoutMs, askedAt, answeredAt);
  return { instanceId, heartbeat, etag: object.etag };
}

/**
 * Replaces a heartbeat seen with `etag` by a tombstone. Resolves to true when the member is gone (tombstoned now, or
 * already absent) and false when it wrote a newer heartbeat (it is alive).
 */
export async function tombstoneHeartbeat(
  storage: GroupStorage,
  group: string,
  seen: { instanceId: string; heartbeat: MemberHeartbeat; etag: string },
  by: string,
): Promise<boolean> {
  const tombstone: MemberHeartbeat = { ...seen.heartbeat, owned: [], expiredBy: by, writtenAt: Date.now() };
  const result = await writeConditionally(
    storage,
    memberKey(group, seen.instanceId),
    encodeMemberHeartbeat(tombstone),
    {
      ifMatch: seen.etag,
    },
  );
  return result.kind === 'done' || result.now === 'absent';
}
