/**
 * An admin's write of a committed offset (docs/consumer-groups.md §5): the offset is set and the owner cleared, so
 * that a member still holding a claim can no longer commit over it (its `If-Match` fails), and the next claim of
 * any generation takes the partition with this offset. It is the one way an offset may move backwards.
 */
import type { GroupStorage } from '../backend/backend.js';
import { KlogError } from '../errors.js';
import { readRetryDefaults, withRetries } from '../retry.js';
import { committedOffsetKey, type PartitionRef } from '../store/keys.js';
import { decodeStoredOffset, encodeStoredOffset, type StoredOffset } from './committed-offset-object.js';
import { writeConditionally } from './conditional-write.js';

const ATTEMPTS = 8;

export async function readCommittedOffset(
  storage: GroupStorage,
  group: string,
  ref: PartitionRef,
): Promise<StoredOffset | null> {
  const key = committedOffsetKey(group, ref.topicId, ref.partition);
  const object = await withRetries(() => storage.get(key), readRetryDefaults);
  return object === null ? null : decodeStoredOffset(object.body, key);
}

export async function writeResetOffset(
  storage: GroupStorage,
  group: string,
  ref: PartitionRef,
  offset: bigint,
): Promise<void> {
  const key = committedOffsetKey(group, ref.topicId, ref.partition);
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const current = await withRetries(() => storage.get(key), readRetryDefaults);
    const stored = current === null ? null : decodeStoredOffset(current.body, key);
    const next: StoredOffset = {
      topic: ref.topic,
      topicId: ref.topicId,
      partition: ref.partition,
      offset: offset.toString(),
      owner: null,
      metadata: stored?.metadata ?? null,
      committedAt: Date.now(),
    };
    const condition = current === null ? ({ ifNoneMatch: '*' } as const) : { ifMatch: current.etag };
    const result = await writeConditionally(storage, key, encodeStoredOffset(next), condition);
    if (result.kind === 'done') return;
  }
  throw new KlogError(
    'UNKNOWN_OUTCOME',
    `Could not set the offset of ${ref.topic}/${ref.partition} in group "${group}": other writers kept changing it. ` +
      'Stop the group and try again.',
    { context: { group, topic: ref.topic, partition: ref.partition } },
  );
}
