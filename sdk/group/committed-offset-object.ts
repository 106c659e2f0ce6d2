/**
 * The committed offset of one partition, `groups/<group>/offsets/<topic id>/<partition>.json`
 * (docs/consumer-groups.md §5). `offset` is the next offset to read, as in Kafka, or null when the owner claimed
 * the partition but has not committed yet. `owner` is the member instance that claimed it (with the state and
 * generation of its claim), or null after an admin reset: only the owner may move the offset.
 */
import { decodeJsonObject, encodeJsonObject } from '../format/json-object.js';
import { requireFields } from './stored-json.js';

export interface OffsetOwner {
  instanceId: string;
  memberId: string;
  stateId: string;
  generation: number;
}

export interface StoredOffset {
  topic: string;
  topicId: string;
  partition: number;
  offset: string | null;
  owner: OffsetOwner | null;
  /** Kafka's commit metadata: a string the committer chose, or null. */
  metadata: string | null;
  /** Wall-clock time of the last commit or reset, for people reading it; never used for a decision. */
  committedAt: number | null;
}

export function encodeStoredOffset(offset: StoredOffset): Uint8Array {
  return encodeJsonObject('group-offset', offset);
}

export function decodeStoredOffset(bytes: Uint8Array, key: string): StoredOffset {
  return requireFields(
    decodeJsonObject<StoredOffset>('group-offset', bytes, key),
    { topic: 'string', topicId: 'string', partition: 'number', offset: 'string|null', owner: 'object|null' },
    key,
  );
}
