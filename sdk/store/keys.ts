/**
 * Every object key klog reads or writes is built and parsed here, and nowhere else (design brief §3).
 * Keys are relative to the cluster prefix, which the object store adds.
 *
 *   klog.json                                        cluster marker
 *   topics/<topic>/topic.json                        topic config and id
 *   topics/<topic>/<id>/<p>/meta.json                partition meta: log start, sealed flag, newest index
 *   topics/<topic>/<id>/<p>/lease.json               maintenance lease: holder, epoch, expiry
 *   topics/<topic>/<id>/<p>/log/<20-digit base>.seg  one committed segment
 *   topics/<topic>/<id>/<p>/index/<20-digit base>.idx index object: summary of a sealed range of segments
 *   topics/<topic>/<id>/<p>/data/<20-digit base>-<20-digit end>.seg
 *                                                    compacted segment: consecutive small segments merged
 *   groups/<group>/state.json                        consumer-group state: generation, members, assignment
 *   groups/<group>/members/<instance id>.json        one heartbeat object per member instance
 *   groups/<group>/offsets/<topic id>/<p>.json       committed offset of one partition (keyed by topic id)
 *
 * Offsets are zero-padded to 20 digits so that LIST order is offset order.
 */
import { KlogError } from '../errors.js';

export interface PartitionRef {
  topic: string;
  topicId: string;
  partition: number;
}

export const OFFSET_DIGITS = 20;
const MAX_OFFSET = 10n ** BigInt(OFFSET_DIGITS) - 1n;
const SEGMENT_SUFFIX = '.seg';

export const CLUSTER_MARKER_KEY = 'klog.json';
export const TOPICS_PREFIX = 'topics/';

export function padOffset(offset: bigint): string {
  if (offset < 0n || offset > MAX_OFFSET) {
    throw new KlogError('INVALID_ARGUMENT', `Offset ${offset} is outside 0..${MAX_OFFSET}.`, { context: { offset } });
  }
  return offset.toString().padStart(OFFSET_DIGITS, '0');
}

export function topicPrefix(topic: string): string {
  return `${TOPICS_PREFIX}${topic}/`;
}

export function topicConfigKey(topic: string): string {
  return `${topicPrefix(topic)}topic.json`;
}

/** The topic name in a key under `topics/`, or null. */
export function parseTopicFromKey(key: string): string | null {
  if (!key.startsWith(TOPICS_PREFIX)) return null;
  const end = key.indexOf('/', TOPICS_PREFIX.length);
  return end < 0 ? null : key.slice(TOPICS_PREFIX.length, end);
}

/** The first key after every key of `topic`: LIST with this as `startAfter` skips to the next topic. */
export function afterTopicKeys(topic: string): string {
  // Topic names are ASCII, so a key that continues "topics/<topic>/" with the highest code point sorts
  // after every key of this topic and before the keys of any other topic.
  return `${TOPICS_PREFIX}${topic}/\u{10FFFF}`;
}

export function partitionPrefix(ref: PartitionRef): string {
  return `${topicPrefix(ref.topic)}${ref.topicId}/${ref.partition}/`;
}

export function topicDataPrefix(topic: string, topicId: string): string {
  return `${topicPrefix(topic)}${topicId}/`;
}

export function partitionMetaKey(ref: PartitionRef): string {
  return `${partitionPrefix(ref)}meta.json`;
}

/** The maintenance lease of a partition (sdk/maintenance/lease.ts): one maintainer works on it at a time. */
export function partitionLeaseKey(ref: PartitionRef): string {
  return `${partitionPrefix(ref)}lease.json`;
}

export function segmentsPrefix(ref: PartitionRef): string {
  return `${partitionPrefix(ref)}log/`;
}

export function segmentKey(ref: PartitionRef, baseOffset: bigint): string {
  return `${segmentsPrefix(ref)}${padOffset(baseOffset)}${SEGMENT_SUFFIX}`;
}

/** The base offset named by a segment key, or null if the key is not a segment key of this partition. */
export function parseSegmentKey(ref: PartitionRef, key: string): bigint | null {
  const prefix = segmentsPrefix(ref);
  if (!key.startsWith(prefix) || !key.endsWith(SEGMENT_SUFFIX)) return null;
  const digits = key.slice(prefix.length, key.length - SEGMENT_SUFFIX.length);
  if (digits.length !== OFFSET_DIGITS || !/^[0-9]+$/.test(digits)) return null;
  return BigInt(digits);
}

const INDEX_SUFFIX = '.idx';

export function indexesPrefix(ref: PartitionRef): string {
  return `${partitionPrefix(ref)}index/`;
}

export function indexKey(ref: PartitionRef, baseOffset: bigint): string {
  return `${indexesPrefix(ref)}${padOffset(baseOffset)}${INDEX_SUFFIX}`;
}

/** The base offset named by an index key, or null if the key is not an index key of this partition. */
export function parseIndexKey(ref: PartitionRef, key: string): bigint | null {
  const prefix = indexesPrefix(ref);
  if (!key.startsWith(prefix) || !key.endsWith(INDEX_SUFFIX)) return null;
  return parsePaddedOffset(key.slice(prefix.length, key.length - INDEX_SUFFIX.length));
}

/** Compacted segments (sdk/maintenance/partition-compaction.ts) live beside `log/`, never inside it. */
export function dataSegmentsPrefix(ref: PartitionRef): string {
  return `${partitionPrefix(ref)}data/`;
}

/** A compacted segment holding offsets [baseOffset, endOffset). */
export function dataSegmentKey(ref: PartitionRef, baseOffset: bigint, endOffset: bigint): string {
  if (endOffset <= baseOffset) {
    throw new KlogError('INVALID_ARGUMENT', `A data segment needs end ${endOffset} after base ${baseOffset}.`, {
      context: { offset: baseOffset },
    });
  }
  return `${dataSegmentsPrefix(ref)}${padOffset(baseOffset)}-${padOffset(endOffset)}${SEGMENT_SUFFIX}`;
}

/** The offset range named by a data segment key, or null if the key is not a data segment key of this partition. */
export function parseDataSegmentKey(ref: PartitionRef, key: string): { baseOffset: bigint; endOffset: bigint } | null {
  const prefix = dataSegmentsPrefix(ref);
  if (!key.startsWith(prefix) || !key.endsWith(SEGMENT_SUFFIX)) return null;
  const [base, end, ...rest] = key.slice(prefix.length, key.length - SEGMENT_SUFFIX.length).split('-');
  if (base === undefined || end === undefined || rest.length > 0) return null;
  const baseOffset = parsePaddedOffset(base);
  const endOffset = parsePaddedOffset(end);
  if (baseOffset === null || endOffset === null || endOffset <= baseOffset) return null;
  return { baseOffset, endOffset };
}

function parsePaddedOffset(digits: string): bigint | null {
  if (digits.length !== OFFSET_DIGITS || !/^[0-9]+$/.test(digits)) return null;
  return BigInt(digits);
}

export const GROUPS_PREFIX = 'groups/';

export function groupPrefix(group: string): string {
  return `${GROUPS_PREFIX}${group}/`;
}

/** The group name in a key under `groups/`, or null. */
export function parseGroupFromKey(key: string): string | null {
  if (!key.startsWith(GROUPS_PREFIX)) return null;
  const end = key.indexOf('/', GROUPS_PREFIX.length);
  return end < 0 ? null : key.slice(GROUPS_PREFIX.length, end);
}

/** The first key after every key of `group`: LIST with this as `startAfter` skips to the next group. */
export function afterGroupKeys(group: string): string {
  return `${GROUPS_PREFIX}${group}/\u{10FFFF}`;
}

export function groupStateKey(group: string): string {
  return `${groupPrefix(group)}state.json`;
}

/** Instance ids are random lowercase hex (see sdk/group/instance-id.ts); nothing else may become a key. */
const INSTANCE_ID = /^[0-9a-f]{16}$/;
const JSON_SUFFIX = '.json';

export function isInstanceId(value: unknown): value is string {
  return typeof value === 'string' && INSTANCE_ID.test(value);
}

export function membersPrefix(group: string): string {
  return `${groupPrefix(group)}members/`;
}

export function memberKey(group: string, instanceId: string): string {
  if (!isInstanceId(instanceId)) {
    throw new KlogError('INVALID_KEY', `"${instanceId}" is not a member instance id (16 lowercase hex digits).`, {
      context: { group },
    });
  }
  return `${membersPrefix(group)}${instanceId}${JSON_SUFFIX}`;
}

/** The instance id named by a heartbeat key of this group, or null for any other key. */
export function parseMemberKey(group: string, key: string): string | null {
  const prefix = membersPrefix(group);
  if (!key.startsWith(prefix) || !key.endsWith(JSON_SUFFIX)) return null;
  const instanceId = key.slice(prefix.length, key.length - JSON_SUFFIX.length);
  return isInstanceId(instanceId) ? instanceId : null;
}

export function committedOffsetsPrefix(group: string): string {
  return `${groupPrefix(group)}offsets/`;
}

const TOPIC_ID = /^[0-9a-f-]{1,64}$/;

export function committedOffsetKey(group: string, topicId: string, partition: number): string {
  if (!TOPIC_ID.test(topicId) || !Number.isSafeInteger(partition) || partition < 0) {
    throw new KlogError('INVALID_KEY', `No committed-offset key for topic id "${topicId}", partition ${partition}.`, {
      context: { group, partition },
    });
  }
  return `${committedOffsetsPrefix(group)}${topicId}/${partition}${JSON_SUFFIX}`;
}

/** The topic id and partition named by a committed-offset key of this group, or null for any other key. */
export function parseCommittedOffsetKey(group: string, key: string): { topicId: string; partition: number } | null {
  const prefix = committedOffsetsPrefix(group);
  if (!key.startsWith(prefix) || !key.endsWith(JSON_SUFFIX)) return null;
  const [topicId, digits, ...rest] = key.slice(prefix.length, key.length - JSON_SUFFIX.length).split('/');
  if (topicId === undefined || digits === undefined || rest.length > 0) return null;
  if (!TOPIC_ID.test(topicId) || !/^(0|[1-9][0-9]*)$/.test(digits)) return null;
  const partition = Number(digits);
  return Number.isSafeInteger(partition) ? { topicId, partition } : null;
}
