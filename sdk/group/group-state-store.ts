/**
 * Reading and writing the group state object (docs/consumer-groups.md §1). Every member GETs it once per heartbeat
 * interval; the first member creates it; only the leader replaces it, `If-Match` the version it planned from.
 */
import type { GroupStorage } from '../backend/backend.js';
import { readRetryDefaults, withRetries } from '../retry.js';
import { groupStateKey } from '../store/keys.js';
import { writeConditionally } from './conditional-write.js';
import { decodeGroupState, encodeGroupState, type GroupState } from './group-state.js';

export interface VersionedState {
  state: GroupState;
  etag: string;
}

export async function readGroupState(storage: GroupStorage, group: string): Promise<VersionedState | null> {
  const key = groupStateKey(group);
  const object = await withRetries(() => storage.get(key), readRetryDefaults);
  return object === null ? null : { state: decodeGroupState(object.body, key), etag: object.etag };
}

/**
 * Writes `state` in place of the version `previous` (or creates it when `previous` is null). Resolves to the new
 * version, or null when another writer got there first (read it again).
 */
export async function writeGroupState(
  storage: GroupStorage,
  group: string,
  state: GroupState,
  previous: VersionedState | null,
): Promise<VersionedState | null> {
  const result = await writeConditionally(
    storage,
    groupStateKey(group),
    encodeGroupState(state),
    previous === null ? { ifNoneMatch: '*' } : { ifMatch: previous.etag },
  );
  return result.kind === 'done' ? { state, etag: result.etag } : null;
}
