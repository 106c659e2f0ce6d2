/**
 * Listing a group's objects: the instance ids of its heartbeats, its committed offsets, every key under it, and
 * the groups of a cluster. LISTs return keys in order, 1,000 per request.
 */
import type { GroupStorage } from '../backend/backend.js';
import { readRetryDefaults, withRetries } from '../retry.js';
import {
  afterGroupKeys,
  committedOffsetsPrefix,
  GROUPS_PREFIX,
  groupPrefix,
  membersPrefix,
  parseCommittedOffsetKey,
  parseGroupFromKey,
  parseMemberKey,
} from '../store/keys.js';
import { decodeStoredOffset, type StoredOffset } from './committed-offset-object.js';

export async function readHeartbeatIds(storage: GroupStorage, group: string): Promise<string[]> {
  const listed = await withRetries(() => storage.list(membersPrefix(group)), readRetryDefaults);
  return listed.map((object) => parseMemberKey(group, object.key)).filter((id): id is string => id !== null);
}

/** Every committed-offset object of the group (1 LIST per 1,000, 1 GET each). */
export async function readCommittedOffsets(storage: GroupStorage, group: string): Promise<StoredOffset[]> {
  const listed = await withRetries(() => storage.list(committedOffsetsPrefix(group)), readRetryDefaults);
  const offsets = await Promise.all(
    listed
      .filter((object) => parseCommittedOffsetKey(group, object.key) !== null)
      .map(async ({ key }) => {
        const object = await withRetries(() => storage.get(key), readRetryDefaults);
        return object === null ? null : decodeStoredOffset(object.body, key);
      }),
  );
  return offsets.filter((offset): offset is StoredOffset => offset !== null);
}

export async function listGroupKeys(storage: GroupStorage, group: string): Promise<string[]> {
  const listed = await withRetries(() => storage.list(groupPrefix(group)), readRetryDefaults);
  return listed.map((object) => object.key);
}

/** Names of the groups that have any object, in name order: one LIST per group (each skips past the previous). */
export async function listGroupNames(storage: GroupStorage): Promise<string[]> {
  const names: string[] = [];
  let startAfter: string | undefined;
  for (;;) {
    const [first] = await withRetries(() => storage.list(GROUPS_PREFIX, { startAfter, limit: 1 }), readRetryDefaults);
    if (first === undefined) break;
    const name = parseGroupFromKey(first.key);
    if (name === null) break;
    names.push(name);
    startAfter = afterGroupKeys(name);
  }
  // Key order differs from name order where a name continues with a character below '/' ("a.b" before "a").
  return names.sort();
}
