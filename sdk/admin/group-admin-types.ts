/**
 * The Admin's consumer-group request and answer shapes, kafkajs's where kafkajs has them (`listGroups`,
 * `describeGroups`, `fetchOffsets`, `resetOffsets`, `setOffsets`, `deleteGroups`), with klog's additions: per
 * partition offsets and lag in `describeGroups`, more reset targets, `force` and `dryRun`.
 */
import type { GroupDescription } from '../group/group-description.js';

export interface GroupOverview {
  groupId: string;
  protocolType: 'consumer';
}

export interface GroupPartitionOffsets {
  topic: string;
  partition: number;
  /** The committed offset (the next offset to read), or null when nothing was committed. */
  committedOffset: string | null;
  /** The partition's log-end offset. */
  logEndOffset: string;
  /** Records after the committed offset (`logEndOffset - committedOffset`), or null without a committed offset. */
  lag: string | null;
  /** The member the group state assigns the partition to now, or null. */
  memberId: string | null;
}

export interface GroupDescriptionWithOffsets extends GroupDescription {
  /**
   * Every partition that has a committed offset or is assigned, in topic and partition order. Offsets of a topic
   * that was deleted (or deleted and created again: another topic id) are left out.
   */
  partitions: GroupPartitionOffsets[];
}

export interface FetchOffsetsRequest {
  groupId: string;
  /** Topics to read; every topic with committed offsets when left out. */
  topics?: string[];
}

export interface TopicPartitionOffsets {
  topic: string;
  /** `offset` is '-1' for a partition without a committed offset, as in kafkajs. */
  partitions: { partition: number; offset: string; metadata: string | null }[];
}

/**
 * Where `resetOffsets` moves the offsets: the log start, the log end, an offset, the first record at or after a
 * time (ms since the epoch; the log end when none is that new), or the committed offset shifted by n (negative:
 * back; from the log start when nothing was committed). Results are kept within the log start and end.
 */
export type OffsetResetTarget =
  | 'earliest'
  | 'latest'
  | { offset: string }
  | { timestamp: number }
  | { shiftBy: number };

export interface ResetOffsetsRequest {
  groupId: string;
  topic: string;
  /** kafkajs's flag: the log start when true, the log end when false (the default). `to` wins over it. */
  earliest?: boolean;
  to?: OffsetResetTarget;
  /** Partitions to reset; all of the topic's when left out. */
  partitions?: number[];
  /** Write even while the group has live members (their commits then fail, and they restart from these offsets). */
  force?: boolean;
  /** Compute and return the new offsets without writing them. */
  dryRun?: boolean;
}

export interface SetOffsetsRequest {
  groupId: string;
  topic: string;
  partitions: { partition: number; offset: string }[];
  force?: boolean;
  dryRun?: boolean;
}

export interface OffsetChange {
  partition: number;
  /** The committed offset before, or null. */
  previous: string | null;
  /** The committed offset after (or that would be written, in a dry run). */
  offset: string;
}

export interface DeleteGroupsResult {
  groupId: string;
  errorCode: 0;
}
